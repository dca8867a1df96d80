"""Many new items at once (spreadsheet imports): the same ledger as one at a time (SPEC I4)."""

from decimal import Decimal

import pytest

from powdercoat.models import InventoryActivity, InventoryItem
from powdercoat.models.choices import ActivityKind
from powdercoat.services.inventory import inventory_items_create_many
from tests.factories import PowderFactory, UserFactory

pytestmark = pytest.mark.django_db


def _item(sku: str) -> InventoryItem:
    return InventoryItem(sku=sku, name=sku, category="powder", unit="lb", unit_cost=Decimal("9"))


def test_each_opening_stock_is_one_opening_row_and_zero_is_none():
    """25 lb and nothing: one Opening row of 25 at the item's cost, stock matching the ledger."""
    user = UserFactory()
    inventory_items_create_many(
        items=[(_item("A"), Decimal("25")), (_item("B"), None), (_item("C"), Decimal("0"))],
        user=user,
    )
    stock = dict(InventoryItem.objects.values_list("sku", "quantity_on_hand"))
    assert stock == {"A": Decimal("25"), "B": Decimal("0"), "C": Decimal("0")}
    row = InventoryActivity.objects.get()
    assert (row.item.sku, row.kind, row.quantity, row.balance_after, row.unit_cost, row.user) == (
        "A",
        ActivityKind.OPENING,
        Decimal("25"),
        Decimal("25"),
        Decimal("9"),
        user,
    )
    assert InventoryItem.objects.get(sku="A").history.get().history_user == user


def test_saved_items_are_refused():
    """Only new items: an existing one would get a second opening stock."""
    item = PowderFactory()
    with pytest.raises(ValueError, match="takes items not saved yet"):
        inventory_items_create_many(items=[(item, Decimal("5"))], user=None)
