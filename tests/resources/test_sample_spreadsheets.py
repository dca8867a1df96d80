"""The sample spreadsheets in fixtures/: they import cleanly into an empty shop, only once, and
into the demo shop they add only records the demo does not have (no second "Gloss Black")."""

import importlib.util
import io
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from powdercoat.models import Customer, InventoryActivity, InventoryItem
from powdercoat.resources import CustomerResource, InventoryItemResource, folded
from tests.spreadsheet_files import read_file, sheet_rows

pytestmark = pytest.mark.django_db
FIXTURES = Path(settings.BASE_DIR) / "fixtures"
SAMPLES = [
    ("sample_customers.csv", "csv", CustomerResource, Customer),
    ("sample_powders.xlsx", "xlsx", InventoryItemResource, InventoryItem),
]


def _import(name: str, kind: str, resource_class, *, dry_run: bool = False):
    data = (FIXTURES / name).read_bytes()
    return resource_class().import_data(read_file(data, kind), dry_run=dry_run)


@pytest.mark.parametrize(("name", "kind", "resource_class", "model"), SAMPLES)
def test_sample_file_imports_cleanly_and_a_second_time_changes_nothing(
    name, kind, resource_class, model
):
    """Every row is new the first time and already up to date the second time."""
    first = _import(name, kind, resource_class)
    assert first.problems() == []
    assert first.totals["new"] == model.objects.count() > 5
    second = _import(name, kind, resource_class)
    assert second.problems() == []
    assert (second.totals["new"], second.totals["update"]) == (0, 0)


def test_sample_powders_start_the_ledger_with_their_opening_stock():
    """Each powder's opening stock is on hand and explained by one Opening ledger row."""
    _import("sample_powders.xlsx", "xlsx", InventoryItemResource)
    black = InventoryItem.objects.get(sku="TIG-9005-GL")
    assert (black.name, black.quantity_on_hand, black.finish, black.unit_cost) == (
        "Gloss Black RAL 9005",
        Decimal("88"),
        "gloss",
        Decimal("11.75"),
    )
    assert InventoryActivity.objects.count() == InventoryItem.objects.count()


def _make_samples():
    spec = importlib.util.spec_from_file_location("make_samples", FIXTURES / "make_samples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_sample_files_are_what_make_samples_writes():
    """fixtures/make_samples.py and the files beside it agree cell for cell."""
    make_samples = _make_samples()
    powders = [
        tuple(float(cell) if isinstance(cell, Decimal) else cell for cell in row)
        for row in make_samples.powder_rows()
    ]
    assert sheet_rows((FIXTURES / "sample_powders.xlsx").read_bytes()) == powders
    customers = read_file((FIXTURES / "sample_customers.csv").read_bytes(), "csv")
    assert [list(customers.headers), *map(list, customers)] == make_samples.customer_rows()


# -- the demo shop ------------------------------------------------------------------------------


@pytest.fixture(scope="class")
def demo_shop(django_db_setup, django_db_blocker):
    """The demo shop of `manage.py seed_demo`, seeded once for a test class and rolled back
    afterwards; each test runs in its own savepoint inside it."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(
            DEBUG=True, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
        ):
            call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def _powders() -> dict[str, dict]:
    """Every stored column of every inventory item, by SKU."""
    return {item["sku"]: item for item in InventoryItem.objects.values()}


def _customers() -> dict[int, dict]:
    """Every stored column of every customer, by id."""
    return {customer["id"]: customer for customer in Customer.objects.values()}


@pytest.mark.usefixtures("demo_shop")
class TestSamplesInTheDemoShop:
    """What the README's "import the samples unchanged to try it out" does to the demo shop."""

    def test_sample_powders_add_no_second_powder_of_any_name(self):
        """The demo's powders stay as they are, the file's new ones are added, no name twice."""
        demo = _powders()
        result = _import("sample_powders.xlsx", "xlsx", InventoryItemResource)
        assert result.problems() == []
        assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (3, 0, 13)
        stored = InventoryItem.objects.values_list("name", flat=True)
        names = Counter(folded(name) for name in stored)
        assert [name for name, count in names.items() if count > 1] == []
        after = _powders()
        assert {sku: after[sku] for sku in demo} == demo
        assert sorted(set(after) - set(demo)) == ["PMB-SLV-MET", "SUP-GLOVE-L", "TIG-1023-GL"]

    def test_sample_customers_add_no_second_customer_of_any_name_or_email(self):
        """The demo's customers stay as they are, the file's new ones are added, none twice."""
        demo = _customers()
        result = _import("sample_customers.csv", "csv", CustomerResource)
        assert result.problems() == []
        assert (result.totals["new"], result.totals["update"], result.totals["skip"]) == (6, 0, 4)
        customers = list(Customer.objects.all())
        names = Counter(folded(customer.display_name) for customer in customers)
        emails = Counter(folded(customer.email) for customer in customers if customer.email)
        assert [name for name, count in (names + emails).items() if count > 1] == []
        after = _customers()
        assert {pk: after[pk] for pk in demo} == demo

    @pytest.mark.parametrize(("name", "kind", "resource_class", "model"), SAMPLES)
    def test_sample_preview_in_the_demo_shop_warns_about_nothing(
        self, name, kind, resource_class, model
    ):
        """Previewing a sample on the demo shop shows no look-alike warning and saves nothing."""
        before = model.objects.count()
        result = _import(name, kind, resource_class, dry_run=True)
        assert result.problems() == []
        assert result.warnings() == []
        assert result.totals["new"] > 0
        assert model.objects.count() == before
