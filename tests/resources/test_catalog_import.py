"""Importing catalogue products, prep services and workers: names as keys, coats by SKU."""

from decimal import Decimal

import pytest

from powdercoat.models import CatalogProduct, PrepService, Worker
from powdercoat.models.choices import InventoryCategory, JobStatus
from powdercoat.resources import CatalogProductResource, PrepServiceResource, WorkerResource
from tests.factories import (
    CatalogProductFactory,
    PowderFactory,
    PrepServiceFactory,
    UserFactory,
    WorkerFactory,
)
from tests.spreadsheet_files import import_rows

pytestmark = pytest.mark.django_db

HEADERS = ["Name", "Unit price", "Coats", "Prep services"]


@pytest.fixture
def stock():
    """A black base, a clear top coat, a roll of tape and two prep services."""
    PowderFactory(sku="TIG-9005-GL")
    PowderFactory(sku="PPS-2974", category=InventoryCategory.CLEAR)
    PowderFactory(sku="TAPE-1", category=InventoryCategory.CONSUMABLE, unit="roll", color_code="")
    PrepServiceFactory(name="Sandblasting")
    PrepServiceFactory(name="Masking / Taping")


def test_coats_and_prep_services_are_read_from_one_cell_each(stock):
    """Coats keep their spraying order and layers; prep names match in any capitals."""
    result = import_rows(
        CatalogProductResource,
        [
            HEADERS,
            ["Wheel", "125", "TIG-9005-GL:base; PPS-2974:Clear", "sandblasting; Masking / Taping"],
        ],
    )
    assert result.problems() == []
    wheel = CatalogProduct.objects.get(name="Wheel")
    assert [(c.position, c.powder.sku, c.layer) for c in wheel.coats.all()] == [
        (1, "TIG-9005-GL", "base"),
        (2, "PPS-2974", "clear"),
    ]
    assert sorted(wheel.prep_services.values_list("name", flat=True)) == [
        "Masking / Taping",
        "Sandblasting",
    ]
    again = import_rows(
        CatalogProductResource,
        [
            HEADERS,
            [
                "Wheel",
                "125.00",
                "TIG-9005-GL:base; PPS-2974:clear",
                "Masking / Taping; Sandblasting",
            ],
        ],
    )
    assert (again.totals["update"], again.totals["skip"]) == (0, 1)


def test_changed_coats_replace_the_old_ones(stock):
    """A product's coats become exactly the coats of the file."""
    product = CatalogProductFactory(name="Rail", unit_price=Decimal("40"))
    import_rows(CatalogProductResource, [HEADERS, ["Rail", "40", "PPS-2974", ""]])
    import_rows(CatalogProductResource, [HEADERS, ["Rail", "40", "TIG-9005-GL:primer", ""]])
    assert [(c.powder.sku, c.layer) for c in product.coats.all()] == [("TIG-9005-GL", "primer")]


def test_unknown_coats_and_prep_services_are_named(stock):
    """An unknown SKU, a tape roll as a coat, a made-up layer and an unknown prep service."""
    result = import_rows(
        CatalogProductResource,
        [
            HEADERS,
            ["A", "10", "NOPE:base", ""],
            ["B", "10", "TAPE-1", ""],
            ["C", "10", "PPS-2974:top", ""],
            ["D", "10", "", "Sandblasting; Powder bath"],
        ],
    )
    assert result.problems() == [
        "row 2, Coats: no inventory item has the SKU 'NOPE' (write coats as SKU:layer; …), "
        "got 'NOPE:base'",
        "row 3, Coats: TAPE-1 is a consumable, not a powder, primer or clear, got 'TAPE-1'",
        "row 4, Coats: the layer 'top' after PPS-2974 must be one of Primer, Base, Mid-coat, "
        "Clear, got 'PPS-2974:top'",
        "row 5, Prep services: no prep service is called 'Powder bath' (separate names with ;), "
        "got 'Sandblasting; Powder bath'",
    ]
    assert not CatalogProduct.objects.exists()


def test_prep_services_import_their_pricing_and_stage_by_label():
    """'Flat per part' and 'Masking / Taping' are read as the stored choices."""
    rows = [
        ["Name", "Priced", "Rate", "Job stage", "Active"],
        ["Masking / Taping", "Flat per part", "4.50", "Masking / Taping", "yes"],
        ["Outgassing", "Per sq ft", "0.40", "", "yes"],
    ]
    result = import_rows(PrepServiceResource, rows)
    assert result.problems() == []
    masking = PrepService.objects.get(name="Masking / Taping")
    assert (masking.pricing_method, masking.rate, masking.stage) == (
        "flat_per_part",
        Decimal("4.50"),
        JobStatus.MASKING,
    )
    assert PrepService.objects.get(name="Outgassing").stage == ""


def test_workers_are_found_by_name_and_their_login_is_never_read():
    """A worker's role changes by name; a Login column cannot link an account."""
    worker = WorkerFactory(name="Dwayne Pickett", role="general_labor")
    UserFactory(username="boss", is_superuser=True)
    rows = [["Name", "Role", "Login"], ["Dwayne Pickett", "Sandblaster", "boss"]]
    result = import_rows(WorkerResource, rows)
    assert result.problems() == []
    worker.refresh_from_db()
    assert (worker.role, worker.user) == ("sandblaster", None)
    assert Worker.objects.count() == 1
