"""Test helpers: spreadsheet files built in memory, read and imported the way the admin does."""

import csv
import io

import openpyxl

from powdercoat.spreadsheets import CSV, XLSX


def csv_bytes(rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    """A CSV file of these rows (the first one holds the column names)."""
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    """An Excel file of these rows, written cell by cell as a spreadsheet program would.

    A string starting with "=" becomes a real formula cell, as if typed into Excel.
    """
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_file(data: bytes, kind: str = "csv"):
    """The dataset the import reads from a file's bytes."""
    return (XLSX() if kind == "xlsx" else CSV()).create_dataset(data)


def import_rows(resource_class, rows: list[list], *, kind: str = "csv", dry_run=False, user=None):
    """Import rows (column names first) from a CSV or Excel file; the result of the import."""
    data = xlsx_bytes(rows) if kind == "xlsx" else csv_bytes(rows)
    return resource_class().import_data(read_file(data, kind), dry_run=dry_run, user=user)


def sheet_rows(data: bytes) -> list[tuple]:
    """The cell values of an Excel file's first sheet, formulas as their text."""
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
