"""Reading and writing the files themselves: bad files, encodings, formulas, row numbers."""

import pytest

from powdercoat.models import Customer
from powdercoat.resources import CustomerResource, InventoryItemResource
from powdercoat.spreadsheets import CSV, XLSX, SpreadsheetError, safe_cell
from tests.factories import CustomerFactory
from tests.spreadsheet_files import csv_bytes, read_file, sheet_rows, xlsx_bytes

NOT_EXCEL = (
    "This file is not an Excel (.xlsx) file we can read. Open it in your spreadsheet program, "
    "save it as Excel (.xlsx) or CSV, and upload that file."
)


@pytest.mark.parametrize(
    ("data", "kind", "message"),
    [
        (b"", "csv", "This file is empty: there is nothing in it to import."),
        (b"", "xlsx", NOT_EXCEL),
        (b"\n\n", "csv", "This file is empty: there is nothing in it to import."),
        (
            b"SKU,Name\n",
            "csv",
            "This file has column names but no rows below them: there is nothing to import.",
        ),
        (
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
            "xlsx",
            NOT_EXCEL,
        ),
        (b"%PDF-1.7\n1 0 obj\n", "csv", "This file is not a CSV file we can read."),
        (b"\n\nSKU,Name\nA,B\n", "csv", "Row 1 of this file is empty."),
        (b"SKU,Name\nA,B,C\n", "csv", "Column C has no name in row 1, but row 2 has something"),
    ],
)
def test_unreadable_files_say_why_in_words(data, kind, message):
    """Each kind of bad file is refused with a sentence a person can act on."""
    with pytest.raises(SpreadsheetError) as refused:
        read_file(data, kind)
    assert str(refused.value).startswith(message)


def test_too_many_rows_are_refused(settings):
    """Above SPREADSHEET_MAX_ROWS the file is refused before any row is imported."""
    settings.SPREADSHEET_MAX_ROWS = 3
    data = csv_bytes([["SKU"], ["A"], ["B"], ["C"], ["D"]])
    with pytest.raises(SpreadsheetError, match="more than 3 rows"):
        read_file(data)


def test_windows_csv_and_semicolons_are_read():
    """Excel's Windows-1252 CSV with semicolons (decimal-comma countries) still reads."""
    data = csv_bytes(
        [["Email", "Contact name"], ["jose@x.example", "José Núñez"]],
        delimiter=";",
        encoding="cp1252",
    )
    dataset = read_file(data)
    assert dataset.headers == ["Email", "Contact name"]
    assert dataset[0] == ("jose@x.example", "José Núñez")


def test_empty_columns_without_a_name_are_dropped_and_rows_keep_their_numbers():
    """Formatting left in empty columns and blank rows is ignored; numbers stay the sheet's."""
    data = xlsx_bytes([["SKU", None, "Name"], ["A", None, "B"], [None], ["C", "", "D"]])
    dataset = read_file(data, "xlsx")
    assert dataset.headers == ["SKU", "Name"]
    assert list(dataset) == [("A", "B"), ("C", "D")]
    assert dataset.row_numbers == [2, 4]


@pytest.mark.django_db
def test_exports_never_hand_a_formula_to_the_spreadsheet():
    """Text that would run as a formula gets an apostrophe; numbers stay numbers."""
    CustomerFactory(email="x@y.example", contact_name="=1+2", notes="@SUM(A1)", phone="+1 555")
    dataset = CustomerResource().export(Customer.objects.all())
    row = dataset.dict[0]
    assert (row["Contact name"], row["Notes"], row["Phone"]) == ("'=1+2", "'@SUM(A1)", "'+1 555")
    native = CustomerResource().export(Customer.objects.all(), force_native_type=True)
    header, first = sheet_rows(XLSX().export_data(native))
    cells = dict(zip(header, first, strict=True))
    assert cells["Contact name"] == "'=1+2"
    assert cells["Discount %"] == 0  # a real number cell
    csv_text = CSV().export_data(dataset)
    assert csv_text.startswith("\ufeffEmail,")


@pytest.mark.django_db
def test_escaped_text_comes_back_unchanged():
    """Exported then imported, a name starting with '=' is the same name: nothing to update."""
    CustomerFactory(email="x@y.example", contact_name="=1+2", company_name="Co")
    for file_format in (CSV(), XLSX()):
        data = file_format.export_data(CustomerResource().export(Customer.objects.all()))
        data = data.encode() if isinstance(data, str) else data
        result = CustomerResource().import_data(file_format.create_dataset(data), dry_run=True)
        assert result.problems() == []
        assert result.totals["skip"] == 1


def test_safe_cell_prefixes_only_formula_starts():
    """'=', '+', '-', '@' and tabs get an apostrophe; ordinary text does not."""
    assert [safe_cell(text) for text in ("=A1", "+1", "-2", "@x", "\tx", "Acme", "")] == [
        "'=A1",
        "'+1",
        "'-2",
        "'@x",
        "'\tx",
        "Acme",
        "",
    ]


@pytest.mark.django_db
def test_a_file_for_another_list_is_refused_by_its_columns():
    """A customer list uploaded as inventory: no SKU column, and columns the list does not know."""
    data = csv_bytes([["Email", "Company name"], ["a@b.example", "Acme"]])
    result = InventoryItemResource().import_data(read_file(data), dry_run=True)
    problems = result.problems()
    assert problems[0].startswith("This file has no 'SKU' column; the first row must hold")
    assert problems[1].startswith(
        "This file has columns we do not know: 'Email', 'Company name'. Rename them"
    )
