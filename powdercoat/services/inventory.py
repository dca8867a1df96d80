"""Stock changes: every one is a ledger row written with the item row locked (SPEC I4)."""

from collections.abc import Sequence
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from powdercoat.formatting import amount_text
from powdercoat.models import InventoryActivity, InventoryItem, Job
from powdercoat.models.base import history_by, max_length_of
from powdercoat.models.choices import ActivityKind, JobStatus
from powdercoat.selectors import job_materials
from powdercoat.services.checks import ConfirmationNeeded, Figure

# Kinds whose typed quantity is an amount (always positive) and the direction it moves stock.
_DIRECTION: dict[str, Decimal] = {
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
    user: User | None,
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
    if kind == ActivityKind.RECEIPT and unit_cost is not None and unit_cost < 0:
        raise ValidationError("A unit cost cannot be negative.")
    return _ledger_write(
        item=item,
        kind=kind,
        change=change,
        user=user,
        job=job,
        new_unit_cost=unit_cost if kind == ActivityKind.RECEIPT else None,
        note=note,
    )


def _ledger_write(
    *,
    item: InventoryItem,
    kind: str,
    change: Decimal,
    user: User | None,
    job: Job | None = None,
    new_unit_cost: Decimal | None = None,
    note: str = "",
    reverses: InventoryActivity | None = None,
) -> InventoryActivity:
    """Lock the item, move its stock by `change` and write the ledger row (caller is atomic)."""
    locked = InventoryItem.objects.select_for_update().get(pk=item.pk)
    locked.quantity_on_hand += change
    update_fields = ["quantity_on_hand", "updated_at"]
    if new_unit_cost is not None:
        locked.unit_cost = new_unit_cost
        update_fields.append("unit_cost")
    history_by(locked, user)
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
        reverses=reverses,
    )


@transaction.atomic
def inventory_item_create(
    *, item: InventoryItem, user: User | None, opening_quantity: Decimal | None
) -> InventoryItem:
    """Save a new item; a starting stock is booked through the ledger as an Opening row."""
    if item.pk:
        raise ValueError("inventory_item_create() takes an item that has not been saved yet.")
    item.quantity_on_hand = Decimal("0")
    history_by(item, user)
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
    *, items: Sequence[tuple[InventoryItem, Decimal | None]], user: User | None
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


# Usage this many times the job's estimate for the powder is asked about before it is booked.
ESTIMATE_FACTOR_TO_CONFIRM = Decimal("3")


def _usage_question(
    *, job: Job, item: InventoryItem, lbs: Decimal, on_hand: Decimal
) -> ConfirmationNeeded | None:
    """The question to ask before booking `lbs`, or None when the figure is plausible.

    Asked when it is more than is on the shelf, or when it would bring the job's total for
    this item to more than three times what the job's items were estimated to need.
    """
    unit = item.unit
    reasons = []
    figures = [Figure("Logging now", amount_text(lbs, unit))]
    figures.append(Figure("On the shelf", amount_text(on_hand, unit)))
    if lbs > on_hand:
        reasons.append(f"more than the {amount_text(on_hand, unit)} on the shelf")
    row = next((row for row in job_materials(job) if row.item.pk == item.pk), None)
    if row is not None and row.estimated_lbs is not None:
        figures.append(Figure(f"{job.number}'s estimate", amount_text(row.estimated_lbs, unit)))
        figures.append(Figure("Logged on the job so far", amount_text(row.logged_lbs, unit)))
        if row.logged_lbs + lbs > ESTIMATE_FACTOR_TO_CONFIRM * row.estimated_lbs:
            reasons.append(
                f"more than {ESTIMATE_FACTOR_TO_CONFIRM:g}× the "
                f"{amount_text(row.estimated_lbs, unit)} the job's items need"
            )
    if not reasons:
        return None
    figures.append(Figure("On the shelf afterwards", amount_text(on_hand - lbs, unit)))
    return ConfirmationNeeded(
        f"{amount_text(lbs, unit)} of {item.name} is {' and '.join(reasons)}. "
        "Check the figure; tick the box to log it anyway.",
        prompt=f"Yes, log {amount_text(lbs, unit)}",
        figures=figures,
    )


@transaction.atomic
def material_usage_log(
    *,
    job: Job,
    item: InventoryItem,
    lbs: Decimal,
    user: User | None,
    note: str = "",
    confirmed: bool = False,
) -> InventoryActivity:
    """Book material used on a job: one Usage row in the ledger, stock down by the same amount.

    `lbs` is the amount in the item's own unit (pounds for powders). The item row is locked
    first, so several people logging at once all count. An unlikely amount (more than is on the
    shelf, or more than three times the job's estimate) raises `ConfirmationNeeded` unless
    `confirmed`; once confirmed it is booked, and stock may go below zero because the powder
    has already been sprayed. Refused, with a message: an amount that is not more than 0, an
    inactive item, and a cancelled job.
    """
    if lbs is None or lbs <= 0:
        raise ValidationError("Enter the pounds used, more than 0.")
    if lbs != lbs.quantize(_LEDGER_PLACES):
        raise ValidationError("Enter the pounds used with at most three decimals (e.g. 1.25).")
    note = note.strip()
    if len(note) > max_length_of(InventoryActivity, "note"):
        raise ValidationError("Keep the note under 500 characters.")
    status = Job.objects.filter(pk=job.pk).values_list("status", flat=True).first()
    if status is None:
        raise ValidationError("That job no longer exists.")
    if status == JobStatus.CANCELLED:
        raise ValidationError(
            f"{job.number} is Cancelled; reopen it before logging material against it."
        )
    locked = InventoryItem.objects.select_for_update().filter(pk=item.pk, is_active=True).first()
    if locked is None:
        raise ValidationError(
            f"{item.name} is inactive; make it active again on its inventory page to log it."
        )
    if not confirmed:
        question = _usage_question(job=job, item=locked, lbs=lbs, on_hand=locked.quantity_on_hand)
        if question is not None:
            raise question
    return inventory_activity_record(
        item=item, kind=ActivityKind.USAGE, quantity=lbs, user=user, job=job, note=note
    )


# -- putting a row right ---------------------------------------------------------------------

# Rows a person may reverse; an opening is corrected by an adjustment, a reversal by a new row.
REVERSIBLE_KINDS = (
    ActivityKind.USAGE,
    ActivityKind.RECEIPT,
    ActivityKind.ADJUSTMENT,
    ActivityKind.RETURN,
)


def _already_reversed(original: InventoryActivity) -> ValidationError:
    reversal = InventoryActivity.objects.select_related("user").get(reverses=original)
    who = f" by {reversal.user}" if reversal.user else ""
    when = timezone.localtime(reversal.created_at)
    return ValidationError(
        f"This {original.get_kind_display().lower()} was already reversed on "
        f"{when:%b} {when.day}, {when:%Y %H:%M}{who}."
    )


def _cost_before(original: InventoryActivity) -> Decimal | None:
    """The unit cost a mistaken receipt replaced, if putting it back is still right.

    Only while that receipt is the item's latest receipt and its cost is still in force;
    the cost recorded on the ledger row before it is the one it replaced.
    """
    item = original.item
    if original.kind != ActivityKind.RECEIPT or item.unit_cost != original.unit_cost:
        return None
    later = item.activities.filter(kind=ActivityKind.RECEIPT, pk__gt=original.pk, reverses=None)
    if later.exists():
        return None
    before = item.activities.filter(pk__lt=original.pk).order_by("-pk").first()
    return before.unit_cost if before is not None else None


@transaction.atomic
def inventory_activity_reverse(
    *, activity: InventoryActivity, reason: str, user: User | None
) -> InventoryActivity:
    """Cancel a ledger row entered by mistake with an opposite row of the same kind.

    The new row names the one it cancels and says why; stock returns exactly to what it would
    have been, and totals by kind (a job's usage) net out. A receipt's cost is put back to the
    cost before it while that receipt is still the latest. Nothing is edited or deleted, and a
    row can be reversed once: a second person reversing it at the same moment is refused.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the row is being reversed.")
    original = (
        InventoryActivity.objects.select_for_update().select_related("item").get(pk=activity.pk)
    )
    if original.reverses_id is not None:
        raise ValidationError(
            "This row is itself a reversal. If the original change was right after all, "
            "record it again."
        )
    if original.kind not in REVERSIBLE_KINDS:
        raise ValidationError(
            "Opening stock is not reversed; correct the count with an adjustment instead."
        )
    if InventoryActivity.objects.filter(reverses=original).exists():
        raise _already_reversed(original)
    max_length = max_length_of(InventoryActivity, "note")
    if len(reason) > max_length:
        raise ValidationError(f"Keep the reason under {max_length} characters.")
    try:
        # A savepoint of its own, so the transaction can still explain the refusal.
        with transaction.atomic():
            return _ledger_write(
                item=original.item,
                kind=original.kind,
                change=-original.quantity,
                user=user,
                job=original.job,
                new_unit_cost=_cost_before(original),
                note=reason,
                reverses=original,
            )
    except IntegrityError:
        raise _already_reversed(original) from None
