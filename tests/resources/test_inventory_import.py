"""Importing inventory items: SKU as the key, opening stock through the ledger, plain errors."""

from datetime import datetime
from decimal import Decimal

import pytest

from powdercoat.models import InventoryActivity, InventoryItem
from powdercoat.models.choices import ActivityKind
from powdercoat.resources import InventoryItemResource
from tests.factories import PowderFactory, UserFactory
from tests.spreadsheet_files import import_rows

pytestmark = pytest.mark.django_db

HEADERS = ["SKU", "Name", "Category", "Unit", "Unit cost", "Opening stock", "Coverage rate"]


def _import(rows, **options):
    return import_rows(InventoryItemResource, [HEADERS, *rows], **options)


def test_new_items_get_their_opening_stock_as_ledger_rows():
    """Two new powders with 25 and 0 lb: items saved, one Opening row of 25 lb by the user."""
    user = UserFactory()
    result = _import(
        [
            ["TIG-9005", "Gloss Black", "Powder", "lb", "11.40", "25", "60"],
            ["TIG-9003", "Signal White", "powder", "lb", "11.40", "0", ""],
        ],
        user=user,
    )
    assert result.problems() == []
    assert (result.totals["new"], result.totals["update"]) == (2, 0)
    black = InventoryItem.objects.get(sku="TIG-9005")
    assert (black.quantity_on_hand, black.coverage_rate) == (Decimal("25"), Decimal("60"))
    row = InventoryActivity.objects.get(item=black)
    assert (row.kind, row.quantity, row.balance_after, row.user) == (
        ActivityKind.OPENING,
        Decimal("25"),
        Decimal("25"),
        user,
    )
    white = InventoryItem.objects.get(sku="TIG-9003")
    assert white.quantity_on_hand == 0
    assert not white.activities.exists()
    assert black.history.get().history_user == user


def test_reimport_updates_by_sku_instead_of_duplicating():
    """The same SKU again changes the item; the same file a third time changes nothing."""
    PowderFactory(sku="TIG-9005", name="Old name", unit_cost=Decimal("10"))
    rows = [["TIG-9005", "Gloss Black", "Powder", "lb", "11.75", "", ""]]
    first = _import(rows)
    assert (first.totals["new"], first.totals["update"]) == (0, 1)
    item = InventoryItem.objects.get(sku="TIG-9005")
    assert (item.name, item.unit_cost) == ("Gloss Black", Decimal("11.75"))
    again = _import(rows)
    assert (again.totals["update"], again.totals["skip"]) == (0, 1)
    assert InventoryItem.objects.count() == 1


def test_stock_of_an_existing_item_is_never_written_by_an_import():
    """On hand in the file is left alone for an existing item, and the preview says so."""
    item = PowderFactory(sku="TIG-9005", opening_stock=Decimal("50"))
    rows = [
        ["SKU", "Name", "Category", "Unit", "Unit cost", "On hand"],
        ["TIG-9005", item.name, "Powder", "lb", "13.00", "5"],
    ]
    result = import_rows(InventoryItemResource, rows)
    assert result.problems() == []
    item.refresh_from_db()
    assert (item.unit_cost, item.quantity_on_hand) == (Decimal("13.00"), Decimal("50"))
    assert item.activities.count() == 1
    assert result.notes == [
        "row 2, On hand: left at 50 lb for TIG-9005 (the file says '5'); stock changes go "
        "through Inventory → Activity."
    ]


def test_an_update_does_not_overwrite_stock_changed_during_the_import():
    """The import writes only its columns: a usage booked after the rows were read stays."""
    item = PowderFactory(sku="TIG-9005", opening_stock=Decimal("50"))
    resource = InventoryItemResource()
    stale = InventoryItem.objects.get(pk=item.pk)
    InventoryItem.objects.filter(pk=item.pk).update(quantity_on_hand=Decimal("42"))
    stale.unit_cost = Decimal("99")
    resource.do_instance_save(stale, is_create=False)
    item.refresh_from_db()
    assert (item.unit_cost, item.quantity_on_hand) == (Decimal("99"), Decimal("42"))


def test_an_error_names_the_row_the_column_and_the_value():
    """'thirty' as a coverage rate on the sheet's row 3 reads like a person wrote it."""
    result = _import(
        [
            ["A-1", "Gloss Black", "Powder", "lb", "11", "", "60"],
            ["A-2", "Signal White", "Powder", "lb", "11", "", "thirty"],
        ]
    )
    assert result.problems() == [
        "row 3, Coverage rate: must be a number greater than 0, got 'thirty'"
    ]


def test_one_bad_row_means_no_row_is_imported():
    """Rows 2 and 4 are fine (an update and a new item), row 3 is not: nothing is saved."""
    PowderFactory(sku="A-1", name="Gloss Black", unit_cost=Decimal("10"))
    result = _import(
        [
            ["A-1", "Gloss Black", "Powder", "lb", "11", "", ""],
            ["A-2", "", "Powder", "lb", "11", "10", ""],
            ["A-3", "Traffic Red", "Powder", "lb", "11", "10", ""],
        ]
    )
    assert result.problems() == ["row 3, Name: is required"]
    assert InventoryItem.objects.get().unit_cost == Decimal("10")
    assert InventoryActivity.objects.count() == 1


def test_several_problems_are_all_listed_in_sheet_order():
    """Every bad cell of every row is reported, each on its own line."""
    result = _import(
        [
            ["A-1", "Gloss Black", "Glitter", "lb", "-2", "", ""],
            ["A-2", "Signal White", "Powder", "each", "11", "-5", ""],
        ]
    )
    assert result.problems() == [
        "row 2, Category: must be one of Powder, Primer, Clear, Consumable, Shop Supply, "
        "got 'Glitter'",
        "row 2, Unit cost: must be a number of 0 or more, got '-2'",
        "row 3, On hand: must be a number of 0 or more, got '-5'",
        "row 3, Unit: powders are counted in pounds (lb), got 'each'",
    ]


def test_a_decimal_comma_is_refused_and_thousands_separators_are_read():
    """'3,5' is ambiguous in a US shop and refused; '1,250.50' is one thousand two hundred."""
    result = _import([["A-1", "Gloss Black", "Powder", "lb", "3,5", "", ""]])
    assert result.problems() == [
        "row 2, Unit cost: must be a number of 0 or more written with a point for decimals "
        "(3.5, not 3,5), got '3,5'"
    ]
    result = _import([["A-1", "Gloss Black", "Powder", "lb", "$1,250.50", "", ""]])
    assert result.problems() == []
    assert InventoryItem.objects.get().unit_cost == Decimal("1250.50")


def test_dates_where_a_number_belongs_are_refused_with_the_value():
    """A European date typed as text, or a cell Excel turned into a date, is named back."""
    result = _import([["A-1", "Gloss Black", "Powder", "lb", "25.11.2026", "", ""]])
    assert result.problems() == [
        "row 2, Unit cost: must be a number of 0 or more, got '25.11.2026'"
    ]
    result = _import(
        [["A-1", "Gloss Black", "Powder", "lb", datetime(2026, 5, 3), "", ""]], kind="xlsx"
    )
    assert result.problems() == [
        "row 2, Unit cost: must be a number of 0 or more, not a date (the spreadsheet program "
        "may have turned the number into one), got '2026-05-03'"
    ]


def test_formulas_are_read_as_their_text_and_never_worked_out():
    """A formula in a text cell is stored as typed; one where a number belongs is refused."""
    rows = [
        ["SKU", "Name", "Category", "Unit", "Notes"],
        ["A-1", "Gloss Black", "Powder", "lb", '=HYPERLINK("http://evil.example","click")'],
    ]
    result = import_rows(InventoryItemResource, rows, kind="xlsx")
    assert result.problems() == []
    assert InventoryItem.objects.get().notes == '=HYPERLINK("http://evil.example","click")'
    rows = [["SKU", "Name", "Category", "Unit", "Unit cost"], ["A-2", "X", "Powder", "lb", "=2*6"]]
    result = import_rows(InventoryItemResource, rows, kind="xlsx")
    assert result.problems() == ["row 2, Unit cost: must be a number of 0 or more, got '=2*6'"]


def test_duplicate_skus_in_one_file_are_refused_naming_both_rows():
    """A SKU twice in the file: the whole file is refused, rows 2 and 4 named."""
    result = _import(
        [
            ["A-1", "Gloss Black", "Powder", "lb", "11", "", ""],
            ["A-2", "Signal White", "Powder", "lb", "11", "", ""],
            ["A-1", "Gloss Black again", "Powder", "lb", "12", "", ""],
        ]
    )
    assert result.problems() == [
        "Rows 2 and 4 both have SKU 'A-1'; a file may hold each one only once."
    ]
    assert not InventoryItem.objects.exists()


def test_a_file_without_the_key_column_is_refused_with_the_columns_it_needs():
    """No SKU column: the message names it and lists the columns the import reads."""
    result = import_rows(InventoryItemResource, [["Name", "Category"], ["Gloss Black", "Powder"]])
    assert result.problems() == [
        "This file has no 'SKU' column; the first row must hold the column names: SKU, Name, "
        "Category, Unit, Unit cost, Reorder point, Vendor, Manufacturer, Colour name, Colour "
        "code, Swatch colour, Finish, Specific gravity, Film thickness (mils), Coverage rate, "
        "Transfer efficiency %, Cure temperature (F), Cure time (min), Active, Notes."
    ]


def test_unknown_columns_are_refused_rather_than_silently_dropped():
    """A misspelt column would lose data without a word, so the file is refused."""
    result = import_rows(
        InventoryItemResource, [["SKU", "Name", "Unit cots"], ["A-1", "Gloss Black", "11"]]
    )
    (problem,) = result.problems()
    assert problem.startswith("This file has columns we do not know: 'Unit cots'. Rename them")


def test_column_names_are_matched_loosely():
    """'sku', 'unit_cost' and 'UNIT COST' find their columns; labels and values both work."""
    rows = [
        ["sku", "name", "CATEGORY", "unit", "unit_cost", "finish", "active"],
        ["A-1", "Gloss Black", "shop_supply", "each", "2.5", "", "no"],
        ["A-2", "Satin Black", "Powder", "lb", "11", "Semi gloss", "YES"],
    ]
    result = import_rows(InventoryItemResource, rows)
    assert result.problems() == []
    supply, powder = InventoryItem.objects.order_by("sku")
    assert (supply.category, supply.is_active) == ("shop_supply", False)
    assert (powder.finish, powder.is_active) == ("semi_gloss", True)


def test_row_numbers_are_the_ones_the_spreadsheet_shows():
    """With a blank line in the sheet, the bad row is still called by its own number."""
    rows = [
        ["SKU", "Name", "Category", "Unit"],
        ["A-1", "Gloss Black", "Powder", "lb"],
        [None, None, None, None],
        ["A-2", "Signal White", "Paint", "lb"],
    ]
    result = import_rows(InventoryItemResource, rows, kind="xlsx")
    assert result.problems() == [
        "row 4, Category: must be one of Powder, Primer, Clear, Consumable, Shop Supply, "
        "got 'Paint'"
    ]
