"""The stock ledger: every change is a row, balances stay exact, bad amounts refused (SPEC I4)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from powdercoat.models import InventoryActivity, InventoryItem
from powdercoat.models.choices import ActivityKind
from powdercoat.services.inventory import inventory_activity_record
from tests.factories import JobFactory, PowderFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_new_item_books_its_opening_stock_in_the_ledger(office_user):
    """50 lb on the shelf at creation: one Opening row with balance 50."""
    powder = PowderFactory(opening_stock=D("50"), user=office_user)
    row = InventoryActivity.objects.get(item=powder)
    assert (row.kind, row.quantity, row.balance_after, row.user) == (
        ActivityKind.OPENING,
        D("50"),
        D("50"),
        office_user,
    )
    assert InventoryItem.objects.get(pk=powder.pk).quantity_on_hand == D("50")


def test_item_without_opening_stock_has_an_empty_ledger():
    """No opening stock, no ledger row."""
    powder = PowderFactory(opening_stock=None)
    assert powder.quantity_on_hand == 0
    assert not InventoryActivity.objects.filter(item=powder).exists()


def test_receipt_usage_return_and_adjustment_keep_a_running_balance(company, office_user):
    """+20 received, 3.5 used on a job, 1 returned, -0.5 counted: 67 lb with four rows."""
    powder = PowderFactory(opening_stock=D("50"))
    job = JobFactory()
    inventory_activity_record(
        item=powder, kind=ActivityKind.RECEIPT, quantity=D("20"), user=office_user
    )
    inventory_activity_record(
        item=powder, kind=ActivityKind.USAGE, quantity=D("3.5"), user=office_user, job=job
    )
    inventory_activity_record(
        item=powder, kind=ActivityKind.RETURN, quantity=D("1"), user=office_user
    )
    inventory_activity_record(
        item=powder, kind=ActivityKind.ADJUSTMENT, quantity=D("-0.5"), user=office_user
    )
    rows = list(InventoryActivity.objects.filter(item=powder).order_by("id"))
    assert [row.quantity for row in rows] == [D("50"), D("20"), D("-3.5"), D("1"), D("-0.5")]
    assert [row.balance_after for row in rows] == [D("50"), D("70"), D("66.5"), D("67.5"), D("67")]
    assert rows[2].job == job
    powder.refresh_from_db()
    assert powder.quantity_on_hand == D("67") == sum(row.quantity for row in rows)


def test_usage_may_take_stock_below_zero(office_user):
    """The shop already used it: the ledger records the negative balance."""
    powder = PowderFactory(opening_stock=D("2"))
    row = inventory_activity_record(
        item=powder, kind=ActivityKind.USAGE, quantity=D("3"), user=office_user
    )
    assert row.balance_after == D("-1")
    assert InventoryItem.objects.get(pk=powder.pk).quantity_on_hand == D("-1")


@pytest.mark.parametrize(
    ("kind", "quantity", "message"),
    [
        (ActivityKind.USAGE, D("0"), "greater than 0"),
        (ActivityKind.RECEIPT, D("-5"), "greater than 0"),
        (ActivityKind.ADJUSTMENT, D("0"), "changes nothing"),
    ],
)
def test_meaningless_amounts_are_refused_and_change_nothing(kind, quantity, message, office_user):
    """Zero or wrongly signed amounts get a message; stock and ledger stay as they were."""
    powder = PowderFactory(opening_stock=D("10"))
    with pytest.raises(ValidationError, match=message):
        inventory_activity_record(item=powder, kind=kind, quantity=quantity, user=office_user)
    assert InventoryItem.objects.get(pk=powder.pk).quantity_on_hand == D("10")
    assert InventoryActivity.objects.filter(item=powder).count() == 1


def test_receipt_with_a_price_becomes_the_items_cost(office_user):
    """Receiving at $14.25/lb updates the unit cost; later rows carry that cost."""
    powder = PowderFactory(unit_cost=D("12.50"))
    inventory_activity_record(
        item=powder,
        kind=ActivityKind.RECEIPT,
        quantity=D("25"),
        user=office_user,
        unit_cost=D("14.25"),
    )
    assert InventoryItem.objects.get(pk=powder.pk).unit_cost == D("14.25")
    row = inventory_activity_record(
        item=powder, kind=ActivityKind.USAGE, quantity=D("1"), user=office_user
    )
    assert row.unit_cost == D("14.25")
