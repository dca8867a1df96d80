"""Stock changes: every one is a ledger row written with the item row locked (SPEC I4)."""

from collections.abc import Sequence
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from powdercoat.models import InventoryActivity, InventoryItem, Job
from powdercoat.models.choices import ActivityKind, JobStatus

# Kinds whose typed quantity is an amount (always positive) and the direction it moves stock.
_DIRECTION = {
    ActivityKind.RECEIPT: Decimal("1"),
    ActivityKind.RETURN: Decimal("1"),
    ActivityKind.USAGE: Decimal("-1"),
}


def signed_change(kind: str, quantity: Decimal) -> Decimal:
    """The signed stock change for a typed quantity.

    Receipts and returns add and usage takes away, each typed as a positive amount; openings
    and adjustments are typed with their own sign (an adjustment of -2.5 removes 2.5).
    """
    if kind in _DIRECTION:
        if quantity <= 0:
            raise ValidationError(
                f"Enter the {ActivityKind(kind).label.lower()} as an amount greater than 0."
            )
        return _DIRECTION[kind] * quantity
    if quantity == 0:
        raise ValidationError("A stock change of 0 changes nothing; enter an amount.")
    return quantity


@transaction.atomic
def inventory_activity_record(
    *,
    item: InventoryItem,
    kind: str,
    quantity: Decimal,
    user: AbstractBaseUser | None,
    job: Job | None = None,
    unit_cost: Decimal | None = None,
    note: str = "",
) -> InventoryActivity:
    """Change an item's stock and write the ledger row that explains it, as one step.

    The item row is locked first, so two people logging at the same moment queue and both
    changes count. Stock may end below zero (the shop already used the powder); the returned
    row's `balance_after` tells the caller to warn about it. A receipt with a unit cost makes
    that the item's current cost; every row records the cost in force when it was written.
    """
    change = signed_change(kind, quantity)
    locked = InventoryItem.objects.select_for_update().get(pk=item.pk)
    locked.quantity_on_hand += change
    update_fields = ["quantity_on_hand", "updated_at"]
    if kind == ActivityKind.RECEIPT and unit_cost is not None:
        if unit_cost < 0:
            raise ValidationError("A unit cost cannot be negative.")
        locked.unit_cost = unit_cost
        update_fields.append("unit_cost")
    locked._history_user = user
    locked.save(update_fields=update_fields)
    item.quantity_on_hand = locked.quantity_on_hand
    item.unit_cost = locked.unit_cost
    return InventoryActivity.objects.create(
        item=locked,
        kind=kind,
        quantity=change,
        balance_after=locked.quantity_on_hand,
        unit_cost=locked.unit_cost,
        job=job,
        user=user,
        note=note.strip(),
    )


@transaction.atomic
def inventory_item_create(
    *, item: InventoryItem, user: AbstractBaseUser | None, opening_quantity: Decimal | None
) -> InventoryItem:
    """Save a new item; a starting stock is booked through the ledger as an Opening row."""
    if item.pk:
        raise ValueError("inventory_item_create() takes an item that has not been saved yet.")
    item.quantity_on_hand = Decimal("0")
    item._history_user = user
    item.save()
    if opening_quantity:
        inventory_activity_record(
            item=item,
            kind=ActivityKind.OPENING,
            quantity=opening_quantity,
            user=user,
            note="Opening stock",
        )
    return item


@transaction.atomic
def inventory_items_create_many(
    *, items: Sequence[tuple[InventoryItem, Decimal | None]], user: AbstractBaseUser | None
) -> list[InventoryItem]:
    """Save many new items at once (a spreadsheet import), each with its opening stock.

    The outcome is that of `inventory_item_create` for every item: the item, and an Opening
    row in the ledger for each stock that is not zero, all in one transaction. It takes a few
    queries instead of several per item; no lock is needed because nobody else can see, let
    alone change, the stock of items that do not exist yet.
    """
    new_items = []
    for item, opening_quantity in items:
        if item.pk:
            raise ValueError("inventory_items_create_many() takes items not saved yet.")
        item.quantity_on_hand = opening_quantity or Decimal("0")
        new_items.append(item)
    bulk_create_with_history(new_items, InventoryItem, batch_size=500, default_user=user)
    InventoryActivity.objects.bulk_create(
        (
            InventoryActivity(
                item=item,
                kind=ActivityKind.OPENING,
                quantity=item.quantity_on_hand,
                balance_after=item.quantity_on_hand,
                unit_cost=item.unit_cost,
                user=user,
                note="Opening stock",
            )
            for item in new_items
            if item.quantity_on_hand
        ),
        batch_size=500,
    )
    return new_items


# The ledger keeps three decimals; a finer amount would be rounded silently, so it is refused.
_LEDGER_PLACES = Decimal("0.001")


@transaction.atomic
def material_usage_log(
    *, job: Job, item: InventoryItem, lbs: Decimal, user: AbstractBaseUser | None, note: str = ""
) -> InventoryActivity:
    """Book material used on a job: one Usage row in the ledger, stock down by the same amount.

    `lbs` is the amount in the item's own unit (pounds for powders). The item row is locked by
    the ledger service, so several people logging at once all count. Stock may go below zero,
    because the powder has already been sprayed; the returned row's `balance_after` is then
    negative and the caller warns that the shelf needs counting. Refused, with a message: an
    amount that is not more than 0, an inactive item, and a cancelled job.
    """
    if lbs is None or lbs <= 0:
        raise ValidationError("Enter the pounds used, more than 0.")
    if lbs != lbs.quantize(_LEDGER_PLACES):
        raise ValidationError("Enter the pounds used with at most three decimals (e.g. 1.25).")
    note = note.strip()
    if len(note) > InventoryActivity._meta.get_field("note").max_length:
        raise ValidationError("Keep the note under 500 characters.")
    status = Job.objects.filter(pk=job.pk).values_list("status", flat=True).first()
    if status is None:
        raise ValidationError("That job no longer exists.")
    if status == JobStatus.CANCELLED:
        raise ValidationError(
            f"{job.number} is Cancelled; reopen it before logging material against it."
        )
    if not InventoryItem.objects.filter(pk=item.pk, is_active=True).exists():
        raise ValidationError(
            f"{item.name} is inactive; make it active again on its inventory page to log it."
        )
    return inventory_activity_record(
        item=item, kind=ActivityKind.USAGE, quantity=lbs, user=user, job=job, note=note
    )
