"""Stock changes: every one is a ledger row written with the item row locked (SPEC I4)."""

from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from powdercoat.models import InventoryActivity, InventoryItem, Job
from powdercoat.models.choices import ActivityKind

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
