"""Spreadsheet files and cells: reading CSV and XLSX safely, and the widgets of each column kind.

Everything here is about the file, not the shop: how a cell becomes a number, a yes/no, a
choice or a piece of text, with the words a person reads when it cannot. The resources in
`powdercoat/resources.py` put these together per list (SPEC X).
"""

import contextlib
import csv
import io
import os
import re
import secrets
import zipfile
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from pathlib import Path

import tablib
from django.conf import settings
from django.utils.translation import gettext as _
from import_export.formats import base_formats
from import_export.tmp_storages import TempFolderStorage
from import_export.widgets import CharWidget, DateTimeWidget, DateWidget, Widget

# A text cell starting with one of these runs as a formula when a spreadsheet program opens it.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class SpreadsheetError(Exception):
    """A whole file cannot be imported; the message says why in plain words."""


def safe_cell(text: str) -> str:
    """Text as a spreadsheet shows it, never as a formula it would run."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def max_upload_bytes() -> int:
    """The largest spreadsheet the import page accepts (setting SPREADSHEET_MAX_MB)."""
    return int(settings.SPREADSHEET_MAX_MB * 1024 * 1024)


def max_unpacked_bytes() -> int:
    """The most an .xlsx may unpack to (setting SPREADSHEET_MAX_UNPACKED_MB)."""
    return int(settings.SPREADSHEET_MAX_UNPACKED_MB * 1024 * 1024)


def check_unpacked_size(data: bytes) -> None:
    """Refuse an .xlsx (a zip) that would unpack to more than the limit, before reading it.

    A 265 KB file can hold a 256 MiB string; the upload limit only sees the packed size. The
    sizes the zip declares are what Python's zipfile will unpack at most, so checking them is
    enough.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise _not_readable(_("an Excel (.xlsx)")) from error
    if unpacked > max_unpacked_bytes():
        raise SpreadsheetError(
            _(
                "This Excel file unpacks to %(size)s MB, more than the %(limit)s MB the import "
                "reads. Save only the sheet and columns you need, or split it into smaller files."
            )
            % {
                "size": f"{unpacked / (1024 * 1024):,.0f}",
                "limit": settings.SPREADSHEET_MAX_UNPACKED_MB,
            }
        )


class SpreadsheetPreviewStorage(TempFolderStorage):
    """Where an uploaded spreadsheet waits between the preview and Confirm import.

    A folder of its own (SPREADSHEET_PREVIEW_DIR) with random names: the Confirm form names its
    file, and a name that is not one of ours never opens anything else on the server. Files
    older than a day (previews nobody confirmed) are deleted whenever a new one is written.
    """

    PREFIX = "preview-"
    _NAME = re.compile(r"^preview-[A-Za-z0-9_-]{24,64}$")
    MAX_AGE_SECONDS = 24 * 60 * 60

    @staticmethod
    def folder() -> Path:
        path = Path(settings.SPREADSHEET_PREVIEW_DIR)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def get_full_path(self) -> str:
        if not self.name or not self._NAME.match(os.path.basename(self.name)):
            raise FileNotFoundError("not a spreadsheet preview of this shop")
        return str(self.folder() / os.path.basename(self.name))

    def _open(self, mode="r"):
        if not self.name:
            # A new preview: the upload's bytes are written as they came (as import-export's
            # own temporary file does).
            self._prune()
            self.name = f"{self.PREFIX}{secrets.token_urlsafe(24)}"
            return open(self.get_full_path(), "wb")
        return open(self.get_full_path(), mode, encoding=self.encoding)

    def _prune(self) -> None:
        cutoff = datetime.now().timestamp() - self.MAX_AGE_SECONDS
        for path in self.folder().glob(f"{self.PREFIX}*"):
            with contextlib.suppress(OSError):
                if path.stat().st_mtime < cutoff:
                    path.unlink()


def show_value(value) -> str:
    """A cell's content as quoted back in an error message: short, one line, dates as dates."""
    if isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    elif isinstance(value, date | time):
        text = value.isoformat()
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= 60 else f"{text[:57]}…"


def is_blank(value) -> bool:
    """An empty cell: nothing, or only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


# -- reading files ------------------------------------------------------------------------------


def _not_readable(kind: str) -> SpreadsheetError:
    return SpreadsheetError(
        _(
            "This file is not %(kind)s file we can read. Open it in your spreadsheet program, "
            "save it as Excel (.xlsx) or CSV, and upload that file."
        )
        % {"kind": kind}
    )


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def build_dataset(numbered_rows) -> tablib.Dataset:
    """A dataset from (row number, cells) pairs; the first row with content holds the names.

    Blank rows are left out, and `dataset.row_numbers` keeps the row number the spreadsheet
    program shows for each remaining row, so every message can point at the right line.
    Columns without a name are dropped when they are empty and refused when they are not.
    """
    max_rows = settings.SPREADSHEET_MAX_ROWS
    headers = None
    header_row = 0
    rows: list[list] = []
    row_numbers: list[int] = []
    for number, cells in numbered_rows:
        cells = list(cells)
        if all(is_blank(cell) for cell in cells):
            continue
        if headers is None:
            headers = [None if is_blank(cell) else show_value(cell).strip() for cell in cells]
            header_row = number
            continue
        if len(rows) >= max_rows:
            raise SpreadsheetError(
                _(
                    "This file has more than %(max)s rows. Split it into smaller files and "
                    "import them one after another."
                )
                % {"max": f"{max_rows:,}"}
            )
        rows.append(cells)
        row_numbers.append(number)
    if headers is None:
        raise SpreadsheetError(_("This file is empty: there is nothing in it to import."))
    if header_row != 1:
        raise SpreadsheetError(
            _(
                "Row 1 of this file is empty. The first row must hold the column names, with "
                "the data below it."
            )
        )
    if not rows:
        raise SpreadsheetError(
            _("This file has column names but no rows below them: there is nothing to import.")
        )
    width = max(len(headers), *(len(row) for row in rows))
    headers += [None] * (width - len(headers))
    keep = []
    for index, header in enumerate(headers):
        if header is not None:
            keep.append(index)
            continue
        for number, row in zip(row_numbers, rows, strict=True):
            if index < len(row) and not is_blank(row[index]):
                raise SpreadsheetError(
                    _(
                        "Column %(column)s has no name in row 1, but row %(row)s has "
                        "something in it. Give the column a name or clear it."
                    )
                    % {"column": _column_letter(index), "row": number}
                )
    dataset = tablib.Dataset(headers=[headers[index] for index in keep])
    for row in rows:
        row += [None] * (width - len(row))
        dataset.append([row[index] for index in keep])
    dataset.row_numbers = row_numbers
    return dataset


def _decode(data: bytes) -> str:
    """Text of a CSV file: UTF-8 (with or without the mark Excel adds), else Windows-1252."""
    # A PDF, an Excel file or any other binary file given a .csv name.
    if data.startswith((b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0")) or b"\x00" in data[:4096]:
        raise _not_readable(_("a CSV"))
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1")


def _delimiter(text: str) -> str:
    """Comma, semicolon (what Excel writes where the comma is the decimal mark) or tab."""
    first_line = text.split("\n", 1)[0]
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


class CSV(base_formats.CSV):
    """CSV read without guessing types: every cell stays text until its column reads it."""

    def is_binary(self):
        # Read as bytes so the encoding can be found here instead of failing in the upload.
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        """Rows of the file, numbered as a spreadsheet program numbers them."""
        text = _decode(in_stream) if isinstance(in_stream, bytes) else in_stream
        try:
            reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
            return build_dataset(enumerate(reader, start=1))
        except csv.Error as error:
            raise _not_readable(_("a CSV")) from error

    def export_data(self, dataset, **kwargs):
        """CSV text with a byte order mark, so Excel opens it as UTF-8."""
        return "\ufeff" + dataset.export("csv")


class XLSX(base_formats.XLSX):
    """Excel files read cell by cell; a formula comes in as its text and is never worked out."""

    def create_dataset(self, in_stream, **kwargs):
        """Rows of the first sheet, numbered as Excel numbers them."""
        import openpyxl

        check_unpacked_size(in_stream)
        try:
            book = openpyxl.load_workbook(io.BytesIO(in_stream), read_only=True, data_only=False)
        except Exception as error:  # BadZipFile, KeyError, ...: openpyxl has many ways to fail
            raise _not_readable(_("an Excel (.xlsx)")) from error
        try:
            sheet = book.worksheets[0]
            sheet.reset_dimensions()
            return build_dataset(
                (number, [cell.value for cell in row])
                for number, row in enumerate(sheet.iter_rows(), start=1)
            )
        except SpreadsheetError:
            raise
        except Exception as error:
            raise _not_readable(_("an Excel (.xlsx)")) from error
        finally:
            book.close()


FORMATS = [CSV, XLSX]

# Packed bytes per .xlsx row: about 45 for a customer row, never under 20. A sheet that does not
# tell its size is taken at the fewest bytes a row can have; one that does is trusted up to the
# most a plain row takes, so a sheet understating its size still goes to the worker.
_MIN_XLSX_BYTES_PER_ROW = 20
_MAX_XLSX_BYTES_PER_ROW = 200


def estimate_rows(data: bytes, extension: str) -> int:
    """About how many rows a file holds, without reading it: the import page decides from this
    whether the file is checked in the request or by the background worker.

    A CSV counts its line ends (a cell with a line break counts twice, which errs towards the
    worker); an .xlsx tells its sheet's size in its first bytes, or, when it does not, its
    packed size bounds it.
    """
    if extension != "xlsx":
        return data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1
    import openpyxl

    check_unpacked_size(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        try:
            declared = book.worksheets[0].max_row
        finally:
            book.close()
    except Exception as error:  # the full read says what is wrong; here only the size matters
        raise _not_readable(_("an Excel (.xlsx)")) from error
    if not declared:
        return len(data) // _MIN_XLSX_BYTES_PER_ROW
    return max(declared - 1, len(data) // _MAX_XLSX_BYTES_PER_ROW)


# -- cells ---------------------------------------------------------------------------------------


def _plain_number(value: Decimal | int) -> str:
    """A number without trailing zeros and without thousands separators: 12.5, 1250, 0.125."""
    if isinstance(value, int):
        return str(value)
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def _limit(value: Decimal) -> str:
    return _plain_number(value)


# US-style thousands separators ("1,250.50"); any other comma is a decimal comma and refused.
_GROUPED = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")


class TextWidget(CharWidget):
    """Text as typed; numbers Excel made of a code (SKU 1001) come back as that code.

    Exports put an apostrophe before text that a spreadsheet would run as a formula; reading
    the file back takes that apostrophe off again, so a round trip changes nothing.
    """

    def clean(self, value, row=None, **kwargs):
        """The cell as text, trimmed, with Windows line ends made plain."""
        if value is None:
            return ""
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, datetime | date | time):
            value = show_value(value)
        text = str(value).replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()
        if text.startswith("'") and text[1:2].startswith(FORMULA_STARTS):
            text = text[1:]
        return text

    def render(self, value, obj=None, **kwargs):
        """The text, made safe to open in a spreadsheet program."""
        return safe_cell("" if value is None else str(value))


class NumberWidget(Widget):
    """A number within limits; every refusal says what the column wants in one phrase.

    Money columns (`money=True`) are written with at least two decimals: 855.00, 0.125.
    """

    def __init__(
        self,
        *,
        minimum: Decimal | int | None = None,
        maximum: Decimal | int | None = None,
        above: Decimal | int | None = None,
        places: int | None = None,
        digits: int | None = None,
        whole: bool = False,
        money: bool = False,
    ):
        super().__init__(coerce_to_string=True)
        self.money = money
        self.minimum = None if minimum is None else Decimal(minimum)
        self.maximum = None if maximum is None else Decimal(maximum)
        self.above = None if above is None else Decimal(above)
        self.places = 0 if whole else places
        self.digits = digits
        self.whole = whole

    @property
    def wanted(self) -> str:
        """What the column holds, in words: "a number greater than 0"."""
        noun = _("a whole number") if self.whole else _("a number")
        if self.above is not None:
            return _("%(noun)s greater than %(limit)s") % {
                "noun": noun,
                "limit": _limit(self.above),
            }
        if self.minimum is not None and self.maximum is not None:
            return _("%(noun)s from %(low)s to %(high)s") % {
                "noun": noun,
                "low": _limit(self.minimum),
                "high": _limit(self.maximum),
            }
        if self.minimum is not None:
            return _("%(noun)s of %(limit)s or more") % {
                "noun": noun,
                "limit": _limit(self.minimum),
            }
        return noun

    def _refuse(self, extra: str = ""):
        return ValueError(_("must be %(wanted)s") % {"wanted": self.wanted} + extra)

    def _to_decimal(self, value) -> Decimal:
        if isinstance(value, bool):
            raise self._refuse()
        if isinstance(value, datetime | date | time):
            raise self._refuse(
                _(", not a date (the spreadsheet program may have turned the number into one)")
            )
        if isinstance(value, int):
            return Decimal(value)
        if isinstance(value, float):
            number = Decimal(repr(value))
            if number.is_finite() and self.places is not None:
                # Excel stores 0.1 + 0.2 as 0.30000000000000004; such dust is not a decimal.
                rounded = number.quantize(Decimal(1).scaleb(-self.places))
                if abs(number - rounded) < Decimal("1e-9"):
                    number = rounded
            return number
        text = str(value).strip().replace("\u00a0", "").replace(" ", "")
        sign = ""
        if text[:1] in "+-":
            sign, text = text[:1], text[1:]
        text = sign + text.removeprefix("$")
        if "," in text:
            if not _GROUPED.fullmatch(text):
                raise self._refuse(_(" written with a point for decimals (3.5, not 3,5)"))
            text = text.replace(",", "")
        try:
            return Decimal(text)
        except InvalidOperation:
            raise self._refuse() from None

    def clean(self, value, row=None, **kwargs):
        """The cell as a Decimal (an int for whole numbers), or None when it is empty."""
        if is_blank(value):
            return None
        number = self._to_decimal(value)
        if not number.is_finite():
            raise self._refuse()
        if (
            (self.minimum is not None and number < self.minimum)
            or (self.maximum is not None and number > self.maximum)
            or (self.above is not None and number <= self.above)
        ):
            raise self._refuse()
        if self.whole:
            if number != number.to_integral_value():
                raise self._refuse()
        elif self.places is not None and number != number.quantize(Decimal(1).scaleb(-self.places)):
            raise self._refuse(_(" with at most %(places)s decimals") % {"places": self.places})
        if self.digits is not None and abs(number) >= Decimal(10) ** self.digits:
            raise self._refuse(
                _(" below %(limit)s") % {"limit": f"{Decimal(10) ** self.digits:,.0f}"}
            )
        return int(number) if self.whole else number

    def render(self, value, obj=None, **kwargs):
        """A real number in Excel; plain digits with a point in CSV."""
        if value is None:
            return ""
        if kwargs.get("force_native_type"):
            return value
        text = _plain_number(value)
        if self.money:
            whole, _point, cents = text.partition(".")
            text = f"{whole}.{cents.ljust(2, '0')}"
        return text


class ChoiceWidget(Widget):
    """One of a fixed list, typed as its label ("Shop Supply") or its stored value."""

    def __init__(self, choices):
        super().__init__(coerce_to_string=True)
        self.choices = [(str(value), str(label)) for value, label in choices if value != ""]
        self._lookup = {}
        for value, label in self.choices:
            self._lookup.setdefault(self._key(label), value)
            self._lookup.setdefault(self._key(value), value)

    @staticmethod
    def _key(text: str) -> str:
        return re.sub(r"[^0-9a-z]+", "", str(text).casefold())

    @property
    def wanted(self) -> str:
        """The labels a cell may hold."""
        return ", ".join(label for _value, label in self.choices)

    def clean(self, value, row=None, **kwargs):
        """The stored value of the choice, or None when the cell is empty."""
        if is_blank(value):
            return None
        found = self._lookup.get(self._key(value))
        if found is None:
            raise ValueError(_("must be one of %(choices)s") % {"choices": self.wanted})
        return found

    def render(self, value, obj=None, **kwargs):
        """The label a person reads."""
        for stored, label in self.choices:
            if stored == str(value):
                return label
        return "" if value in (None, "") else str(value)


class YesNoWidget(Widget):
    """A yes/no column: yes, no, true, false, 1, 0, y, n or x (a tick) are all understood."""

    YES = {"yes", "y", "true", "1", "x", "on", "✓", "✔"}
    NO = {"no", "n", "false", "0", "off"}

    def __init__(self):
        super().__init__(coerce_to_string=True)

    def clean(self, value, row=None, **kwargs):
        """True, False, or None for an empty cell (the column's default then applies)."""
        if isinstance(value, bool):
            return value
        if is_blank(value):
            return None
        if isinstance(value, int | float):
            value = show_value(value)
        text = str(value).strip().casefold()
        if text in self.YES:
            return True
        if text in self.NO:
            return False
        raise ValueError(_("must be yes or no"))

    def render(self, value, obj=None, **kwargs):
        """yes or no."""
        if value is None:
            return ""
        return _("yes") if value else _("no")


class ISODateWidget(DateWidget):
    """Dates written 2026-11-25 in CSV, real date cells in Excel."""

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class LocalDateTimeWidget(DateTimeWidget):
    """Moments in the shop's time zone, written 2026-11-25 14:05."""

    def __init__(self):
        super().__init__(format="%Y-%m-%d %H:%M")
