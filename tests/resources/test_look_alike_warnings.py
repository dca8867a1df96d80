"""Look-alike warnings: a preview row that would add a second record of a name (or a powder's
colour code) the shop already has is imported as asked, with a warning in words."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from powdercoat.models import InventoryItem
from powdercoat.resources import (
    CatalogProductResource,
    CustomerResource,
    ImportOutcome,
    InventoryItemResource,
    PrepServiceResource,
    WorkerResource,
)
from tests.factories import (
    CatalogProductFactory,
    CustomerFactory,
    PowderFactory,
    PrepServiceFactory,
    WorkerFactory,
)
from tests.spreadsheet_files import import_rows

pytestmark = pytest.mark.django_db

POWDER_HEADERS = ["SKU", "Name", "Category", "Unit", "Unit cost", "Colour code"]
CUSTOMER_HEADERS = ["Email", "Type", "Company name", "Contact name"]


def _powders(*rows, dry_run=True):
    return import_rows(InventoryItemResource, [POWDER_HEADERS, *rows], dry_run=dry_run)


def _customers(*rows, dry_run=True):
    return import_rows(CustomerResource, [CUSTOMER_HEADERS, *rows], dry_run=dry_run)


@pytest.fixture
def gloss_black():
    """The shop's Gloss Black RAL 9005, SKU P-1001."""
    return PowderFactory(sku="P-1001", name="Gloss Black RAL 9005", color_code="RAL 9005")


# -- inventory -----------------------------------------------------------------------------------


def test_a_new_powder_named_like_a_stored_one_is_warned_about(gloss_black):
    """Other capitals and spacing still match; the warning names the stored SKU and the fix."""
    result = _powders(["BLK-1", "  gloss black  ral 9005 ", "Powder", "lb", "11.75", ""])
    assert result.problems() == []
    assert result.warnings() == [
        "row 2, Name: a powder named 'gloss black  ral 9005' already exists (SKU 'P-1001'); "
        "this row would make a second one. If they are the same, give this row SKU 'P-1001' "
        "to update it instead."
    ]


def test_a_new_powder_with_a_stored_colour_code_is_warned_about(gloss_black):
    """A colour code already in use gets a note to check it is not the same powder."""
    result = _powders(["MAT-1", "Matte Black", "Powder", "lb", "12.10", "ral 9005"])
    assert result.warnings() == [
        "row 2, Colour code: ral 9005 is already the colour code of Gloss Black RAL 9005 "
        "(SKU 'P-1001'); check this row is not the same powder under another SKU (the same "
        "colour in another finish is fine)."
    ]


def test_a_row_matching_one_powder_by_name_and_code_gets_one_warning(gloss_black):
    """The colour code of the powder already named in the warning is not repeated."""
    PowderFactory(sku="P-1002", name="Black Wrinkle", color_code="RAL 9005")
    result = _powders(["BLK-1", "Gloss Black RAL 9005", "Powder", "lb", "11.75", "RAL 9005"])
    assert len(result.warnings()) == 2
    name, code = result.warnings()
    assert name.startswith("row 2, Name: a powder named 'Gloss Black RAL 9005' already exists")
    assert code.startswith(
        "row 2, Colour code: RAL 9005 is already the colour code of Black Wrinkle (SKU 'P-1002')"
    )


def test_a_genuinely_new_powder_and_an_update_by_sku_get_no_warning(gloss_black):
    """A new name and code, and the stored powder updated by its own SKU, read as they are."""
    result = _powders(
        ["YEL-1", "Traffic Yellow RAL 1023", "Powder", "lb", "14.60", "RAL 1023"],
        ["P-1001", "Gloss Black RAL 9005", "Powder", "lb", "12.00", "RAL 9005"],
    )
    assert result.problems() == []
    assert (result.totals["new"], result.totals["update"]) == (1, 1)
    assert result.warnings() == []
    assert [row.warnings for row in result.rows] == [[], []]


def test_an_update_renaming_a_powder_to_anothers_name_is_warned_about(gloss_black):
    """Giving an existing powder the name of another is a second one of that name too."""
    PowderFactory(sku="P-2000", name="Old name", color_code="")
    result = _powders(["P-2000", "GLOSS BLACK RAL 9005", "Powder", "lb", "11.75", ""])
    assert result.totals["update"] == 1
    assert result.warnings() == [
        "row 2, Name: a powder named 'GLOSS BLACK RAL 9005' already exists (SKU 'P-1001'); "
        "this row would make a second one. If they are the same, give this row SKU 'P-1001' "
        "to update it instead."
    ]


def test_two_new_rows_of_one_name_in_a_file_are_warned_about():
    """The second row of a name new to the shop points at the first one."""
    result = _powders(
        ["BLK-1", "Gloss Black", "Powder", "lb", "11.75", "RAL 9005"],
        ["BLK-2", "Signal White", "Powder", "lb", "11.40", "RAL 9003"],
        ["BLK-3", "gloss black", "Powder", "lb", "11.75", ""],
    )
    assert result.warnings() == [
        "row 4, Name: row 2 of this file also has a powder named 'gloss black'; importing "
        "both gives two."
    ]


def test_a_look_alike_is_a_warning_and_the_import_still_adds_it(gloss_black):
    """The office may really want two: confirming imports the row as a second powder."""
    result = _powders(["BLK-1", "Gloss Black RAL 9005", "Powder", "lb", "11.75", ""], dry_run=False)
    assert result.problems() == []
    assert result.totals["new"] == 1
    assert InventoryItem.objects.filter(name="Gloss Black RAL 9005").count() == 2


def test_the_warnings_travel_in_the_outcome_a_background_import_keeps(gloss_black):
    """The outcome, through JSON, still lists the warning and holds it on its row."""
    result = _powders(["BLK-1", "Gloss Black RAL 9005", "Powder", "lb", "11.75", ""])
    outcome = ImportOutcome(json.loads(json.dumps(result.outcome().data)))
    assert outcome.warnings == result.warnings()
    assert [row["warnings"] for row in outcome.rows] == [result.warnings()]
    assert outcome.more_warnings == 0


# -- customers, catalogue, workers, prep services ------------------------------------------------


def test_a_new_customer_with_a_stored_company_name_is_warned_about():
    """Another email under a company the shop already has names that customer's email."""
    CustomerFactory(email="purchasing@redriver.example", company_name="Red River Fabrication")
    result = _customers(
        ["accounts@redriver.example", "Commercial", "Red River fabrication", "Gary"],
    )
    assert result.totals["new"] == 1
    assert result.warnings() == [
        "row 2, Company name: a customer named 'Red River fabrication' already exists (the "
        "email 'purchasing@redriver.example'); this row would make a second one. If they are "
        "the same, give this row the email 'purchasing@redriver.example' to update it instead."
    ]


def test_a_new_customer_without_email_named_like_one_with_an_email_is_warned_about():
    """A person without email matching a retail customer by name is a look-alike."""
    CustomerFactory(
        email="mike@example.com", customer_type="retail", company_name="", contact_name="Mike Do"
    )
    result = _customers(["", "Retail", "", "mike do"])
    assert [warning.split(";")[0] for warning in result.warnings()] == [
        "row 2, Contact name: a customer named 'mike do' already exists (the email "
        "'mike@example.com')"
    ]


def test_customers_updated_by_email_or_new_under_a_new_name_get_no_warning():
    """The key finds the stored customer; a new company is just new."""
    CustomerFactory(email="purchasing@redriver.example", company_name="Red River Fabrication")
    result = _customers(
        ["PURCHASING@redriver.example", "Commercial", "Red River Fabrication", "Gary L"],
        ["orders@northside.example", "Commercial", "Northside Fabrication", "Dana"],
    )
    assert (result.totals["new"], result.totals["update"]) == (1, 1)
    assert result.warnings() == []


@pytest.mark.parametrize(
    ("resource_class", "factory", "headers", "thing"),
    [
        (CatalogProductResource, CatalogProductFactory, ["Name", "Unit price"], "a product"),
        (WorkerResource, WorkerFactory, ["Name", "Role"], "a worker"),
        (PrepServiceResource, PrepServiceFactory, ["Name", "Rate"], "a prep service"),
    ],
)
def test_a_name_in_other_capitals_is_warned_about_in_every_named_list(
    resource_class, factory, headers, thing
):
    """Names are keys as written; the same name in other capitals would be a second record."""
    factory(name="Patio Chair")
    cells = {"Unit price": "45", "Role": "", "Rate": "2"}
    rows = [headers, ["patio  chair", cells[headers[1]]], ["Patio Chair", cells[headers[1]]]]
    result = import_rows(resource_class, rows, dry_run=True)
    assert result.problems() == []
    assert result.totals["new"] == 1
    assert result.warnings() == [
        f"row 2, Name: {thing} named 'patio  chair' already exists (Name 'Patio Chair'); this "
        "row would make a second one. If they are the same, give this row Name 'Patio Chair' "
        "to update it instead."
    ]


# -- cost ----------------------------------------------------------------------------------------


def _preview(resource_class, rows):
    """The result of a preview of these rows and the number of queries it ran."""
    with CaptureQueriesContext(connection) as queries:
        result = import_rows(resource_class, rows, dry_run=True)
    assert result.problems() == []
    return result, len(queries.captured_queries)


def _powder_rows(count: int) -> list[list]:
    """New powders, every one of them named or coded like a stored powder."""
    return [
        POWDER_HEADERS,
        *(
            [f"N-{n}", f"Stored {n % 30}", "Powder", "lb", "1", f"RAL {1000 + n}"]
            for n in range(count)
        ),
    ]


class LookAlikeBlindPowders(InventoryItemResource):
    """The powder import without its look-alike check, to measure what the check costs."""

    look_alike_fields = ()


def test_a_powder_preview_costs_the_same_queries_for_10_and_100_rows():
    """The stored names and codes are read once per file, not once per row."""
    for number in range(30):
        PowderFactory(name=f"Stored {number}", color_code=f"RAL {1000 + number}")
    ten, ten_queries = _preview(InventoryItemResource, _powder_rows(10))
    hundred, hundred_queries = _preview(InventoryItemResource, _powder_rows(100))
    assert ten_queries == hundred_queries
    assert len(ten.warnings()) == 10
    assert len(hundred.warnings()) == 100
    _blind, blind_queries = _preview(LookAlikeBlindPowders, _powder_rows(100))
    assert hundred_queries == blind_queries + 1


def test_a_customer_preview_costs_the_same_queries_for_10_and_100_rows():
    """The stored customers' names are read once per file, not once per row."""
    for number in range(30):
        CustomerFactory(company_name=f"Company {number}")

    def rows(count):
        return [
            CUSTOMER_HEADERS,
            *([f"new{n}@example.com", "Commercial", f"Company {n % 30}", ""] for n in range(count)),
        ]

    ten, ten_queries = _preview(CustomerResource, rows(10))
    hundred, hundred_queries = _preview(CustomerResource, rows(100))
    assert ten_queries == hundred_queries
    assert (len(ten.warnings()), len(hundred.warnings())) == (10, 100)
