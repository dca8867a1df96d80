"""The sample spreadsheets in fixtures/ import cleanly into an empty shop, and only once."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from powdercoat.models import Customer, InventoryActivity, InventoryItem
from powdercoat.resources import CustomerResource, InventoryItemResource
from tests.spreadsheet_files import read_file

pytestmark = pytest.mark.django_db
FIXTURES = Path(settings.BASE_DIR) / "fixtures"


@pytest.mark.parametrize(
    ("name", "kind", "resource_class", "model"),
    [
        ("sample_customers.csv", "csv", CustomerResource, Customer),
        ("sample_powders.xlsx", "xlsx", InventoryItemResource, InventoryItem),
    ],
)
def test_sample_file_imports_cleanly_and_a_second_time_changes_nothing(
    name, kind, resource_class, model
):
    """Every row is new the first time and already up to date the second time."""
    data = (FIXTURES / name).read_bytes()
    first = resource_class().import_data(read_file(data, kind))
    assert first.problems() == []
    assert first.totals["new"] == model.objects.count() > 5
    second = resource_class().import_data(read_file(data, kind))
    assert second.problems() == []
    assert (second.totals["new"], second.totals["update"]) == (0, 0)


def test_sample_powders_start_the_ledger_with_their_opening_stock():
    """Each powder's opening stock is on hand and explained by one Opening ledger row."""
    data = (FIXTURES / "sample_powders.xlsx").read_bytes()
    InventoryItemResource().import_data(read_file(data, "xlsx"))
    black = InventoryItem.objects.get(sku="BLK-9005-GL")
    assert (black.quantity_on_hand, black.finish, black.unit_cost) == (
        Decimal("50"),
        "gloss",
        Decimal("11.75"),
    )
    assert InventoryActivity.objects.count() == InventoryItem.objects.count()
