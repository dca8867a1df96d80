"""Import-export resources: the columns of each spreadsheet the office imports or exports (SPEC X).

Imports read human column names ("Coverage rate"), find existing rows by their natural key
(SKU, email, name) so a second import updates instead of duplicating, and never write a status
or a computed figure. Every problem is reported as "row N, Column: what is wrong, got 'value'",
where N is the row number the spreadsheet program shows (the column names are row 1, so the
first data row is row 2). A file with any problem imports nothing. A row that would add a second
record of a name the list already has (in other capitals, under another key) is a warning
instead, in the same words: the preview shows it and Confirm import still adds the row.
"""

import logging
import re
from copy import copy
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import DecimalField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources
from import_export.fields import Field
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import Result, RowResult
from simple_history.utils import bulk_create_with_history

from powdercoat.models import (
    CatalogProduct,
    CatalogProductCoat,
    Customer,
    InventoryActivity,
    InventoryItem,
    Invoice,
    Job,
    LineItem,
    PrepService,
    Quote,
    Worker,
)
from powdercoat.models.choices import (
    COATING_CATEGORIES,
    ActivityKind,
    CoatLayer,
    InventoryCategory,
    InvoiceStatus,
    ItemKind,
    JobStatus,
    Priority,
    QuoteStatus,
)
from powdercoat.services.inventory import inventory_items_create_many
from powdercoat.spreadsheets import (
    ChoiceWidget,
    ISODateWidget,
    LocalDateTimeWidget,
    NumberWidget,
    SpreadsheetError,
    TextWidget,
    YesNoWidget,
    is_blank,
    show_value,
)

logger = logging.getLogger(__name__)

# SQLite refuses queries with too many parameters; look keys up in slices of this size.
_KEY_CHUNK = 500


def header_key(text) -> str:
    """A column name reduced to letters, digits and % so "unit_cost" finds "Unit cost"."""
    return re.sub(r"[^0-9a-z%]+", "", str(text).casefold())


def _chunks(values: list, size: int = _KEY_CHUNK):
    for start in range(0, len(values), size):
        yield values[start : start + size]


def folded(value) -> str:
    """Text as two records are compared for looking alike: trimmed, inner spaces made single,
    capitals left out ("  Gloss  BLACK " and "gloss black" are the same)."""
    if value is None:
        return ""
    return " ".join(str(value).split()).casefold()


# -- columns -------------------------------------------------------------------------------------


class ExportOnlyField(Field):
    """A column that exports show and imports accept but never read (totals, balances)."""

    def __init__(self, **kwargs):
        super().__init__(readonly=True, **kwargs)


def column(model: type[models.Model], name: str, label: str, **limits) -> Field:
    """The import-export column of a model field, with the widget its kind of data needs.

    Number limits come from the field's validators and digits; `limits` can add to them
    (`above=0` for "greater than 0"). An empty cell gives the field's default, if it has one.
    """
    model_field = model._meta.get_field(name)
    default = model_field.default if model_field.has_default() else models.NOT_PROVIDED
    if model_field.choices:
        widget = ChoiceWidget(model_field.choices)
        if model_field.blank and default is models.NOT_PROVIDED:
            default = ""
    elif isinstance(model_field, models.BooleanField):
        widget = YesNoWidget()
    elif isinstance(model_field, models.DecimalField | models.IntegerField):
        bounds = {}
        for validator in model_field.validators:
            code = getattr(validator, "code", None)
            if code == "min_value":
                bounds["minimum"] = validator.limit_value
            elif code == "max_value":
                bounds["maximum"] = validator.limit_value
        if isinstance(model_field, models.DecimalField):
            bounds["places"] = model_field.decimal_places
            bounds["digits"] = model_field.max_digits - model_field.decimal_places
        else:
            kind = model_field.get_internal_type()
            bounds["whole"] = True
            if "Positive" in kind:
                bounds.setdefault("minimum", 0)
            largest = 32767 if "Small" in kind else 2147483647
            bounds["maximum"] = min(bounds.get("maximum", largest), largest)
        bounds.update(limits)
        if "above" in limits:
            bounds.pop("minimum", None)
        widget = NumberWidget(**bounds)
        if model_field.null:
            default = models.NOT_PROVIDED
    else:
        widget = TextWidget()
        default = models.NOT_PROVIDED
    return Field(attribute=name, column_name=label, widget=widget, default=default)


# -- the shared machinery ------------------------------------------------------------------------


class SpreadsheetRowResult(RowResult):
    """One row's outcome, with the warnings a person should read before confirming."""

    def __init__(self):
        super().__init__()
        #: What may be wrong with a row that can still be imported (it looks like a record the
        #: shop already has), each a sentence naming the row and column.
        self.warnings: list[str] = []


class SpreadsheetResult(Result):
    """The outcome of an import, with its problems, warnings and notes in plain words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        #: Things the import left alone on purpose (e.g. stock of existing items).
        self.notes: list[str] = []

    def problems(self) -> list[str]:
        """Every reason the file cannot be imported, file-wide ones first, then row by row."""
        found = []
        for error in self.base_errors:
            if isinstance(error.error, SpreadsheetError):
                found.append(str(error.error))
            else:
                found.append(
                    _("The file could not be imported: %(error)s") % {"error": error.error}
                )
        for row in self.invalid_rows:
            found.extend(row.error.messages)
        for number, errors in self.row_errors():
            found.extend(
                _("row %(row)s: %(error)s") % {"row": number + 1, "error": error.error}
                for error in errors
            )
        return found

    def warnings(self) -> list[str]:
        """Every row's warnings, in file order: rows that can be imported but look like
        records the shop already has."""
        return [warning for row in self.rows for warning in getattr(row, "warnings", ())]

    def outcome(self) -> "ImportOutcome":
        """What the import page shows of this result, small enough to keep (see ImportOutcome)."""
        problems = self.problems()
        rows = self.valid_rows() if not problems else []
        warnings = self.warnings() if not problems else []
        return ImportOutcome(
            {
                "total_rows": self.total_rows,
                "totals": {kind: self.totals[kind] for kind in ImportOutcome.KINDS},
                "problems": problems[: ImportOutcome.SHOWN],
                "problem_count": len(problems),
                "notes": self.notes[: ImportOutcome.SHOWN],
                "warnings": warnings[: ImportOutcome.SHOWN],
                "warning_count": len(warnings),
                "headers": [str(header) for header in self.diff_headers],
                # The cells' changes as import-export drew them: its HTML escapes the values.
                # Warnings are plain text, escaped where the page shows them.
                "rows": [
                    {
                        "kind": row.import_type,
                        "cells": [str(cell) for cell in row.diff or ()],
                        "warnings": [str(text) for text in getattr(row, "warnings", ())],
                    }
                    for row in rows[: ImportOutcome.SHOWN_ROWS]
                ],
                "row_count": len(rows),
            }
        )


# The only markup in a cell's change as import-export draws it (diff_match_patch's
# diff_prettyHtml, which escapes the text itself): insertions, deletions, unchanged runs and
# line breaks.
_DIFF_MARKUP = re.compile(
    r'<(?:ins style="background:#e6ffe6;"|del style="background:#ffe6e6;"|span|/ins|/del|/span|br)>'
)


def _diff_cell(cell: str) -> str:
    """A kept cell as HTML only when it holds nothing but that markup around escaped text;
    anything else (a row edited in the database, another library's output) is escaped."""
    text = _DIFF_MARKUP.sub("", cell)
    if "<" in text or ">" in text:
        return escape(cell)
    return mark_safe(cell)  # checked above: diff markup around escaped text


class ImportOutcome:
    """What a preview or an import found, as the import page shows it: totals, problems, warnings,
    notes and the first rows' changes. A plain dict inside, so a background import keeps it in a
    JSONField (SpreadsheetImport.outcome) and the page draws it the same way as a preview made in
    the request.
    """

    KINDS = (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE, RowResult.IMPORT_TYPE_SKIP)
    SHOWN = 200
    SHOWN_ROWS = 500

    def __init__(self, data: dict):
        self.data = data

    @property
    def has_problems(self) -> bool:
        return bool(self.data.get("problem_count"))

    @property
    def problems(self) -> list[str]:
        return self.data.get("problems", [])

    @property
    def more_problems(self) -> int:
        return max(0, self.data.get("problem_count", 0) - len(self.problems))

    @property
    def notes(self) -> list[str]:
        return self.data.get("notes", [])

    @property
    def warnings(self) -> list[str]:
        """Rows that can be imported but look like records the shop already has."""
        return self.data.get("warnings", [])

    @property
    def more_warnings(self) -> int:
        return max(0, self.data.get("warning_count", 0) - len(self.warnings))

    @property
    def totals(self) -> dict[str, int]:
        return self.data.get("totals", {})

    @property
    def total_rows(self) -> int:
        return self.data.get("total_rows", 0)

    @property
    def headers(self) -> list[str]:
        return self.data.get("headers", [])

    @property
    def rows(self) -> list[dict]:
        """The first rows that will change, each cell's change as safe HTML, with the row's
        warnings as plain text."""
        return [
            {
                "kind": row["kind"],
                "cells": [_diff_cell(cell) for cell in row["cells"]],
                "warnings": row.get("warnings", []),
            }
            for row in self.data.get("rows", [])
        ]

    @property
    def more_rows(self) -> int:
        return max(0, self.data.get("row_count", 0) - len(self.data.get("rows", [])))


class KeyInstanceLoader(BaseInstanceLoader):
    """Finds the existing rows of a file by natural key, all of them in a few queries."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        keys = set()
        for row in dataset.dict if dataset is not None else ():
            key = resource.safe_row_key(row)
            if key is not None:
                keys.add(key)
        self.instances: dict[tuple, list] = {}
        for instance in resource.existing_instances(keys):
            self.instances.setdefault(resource.instance_key(instance), []).append(instance)

    def get_instance(self, row):
        """The row's existing instance, None for a new one; refused when the key is ambiguous."""
        key = self.resource.safe_row_key(row)
        if key is None:
            return None
        found = self.instances.get(key, [])
        if len(found) > 1:
            raise ValidationError(
                _("%(key)s matches %(count)s existing records; give this row a unique key")
                % {"key": self.resource.describe_key(key), "count": len(found)}
            )
        return found[0] if found else None


class SpreadsheetResource(resources.ModelResource):
    """Base of the importable lists: human columns, natural keys, plain messages, all or nothing.

    Subclasses declare their columns with `column(...)`, list them in `Meta.fields` (which is
    also the export order), name the key in `Meta.import_id_fields` and, in
    `look_alike_fields`, what a new row should not share with a stored record.
    """

    #: Other column names accepted for a column: {"Opening stock": "quantity_on_hand"}.
    header_aliases: dict[str, str] = {}
    #: One paragraph for the import page: what the key is and what is left alone.
    import_help: str = ""
    #: Model fields a new row should not share with a stored record under another key (a name
    #: in other capitals, a powder's colour code), compared as `folded` text. The preview warns
    #: about such a row; it is still imported, as the shop may really want two.
    look_alike_fields: tuple[str, ...] = ()
    #: A record of this list with its article, as a warning names it.
    look_alike_noun = gettext_lazy("a record")

    class Meta:
        skip_unchanged = True
        # The preview lists what will change; unchanged rows are only counted.
        report_skipped = False
        clean_model_instances = True
        use_transactions = True
        instance_loader_class = KeyInstanceLoader

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Options of this import only (the class's are shared by every import).
        self._meta = copy(self._meta)
        # A resource that keeps its rows for one write at the end writes nothing per row, so
        # the savepoint import-export opens around each row (two statements, a round trip each
        # on PostgreSQL) guards nothing: use_bulk turns it off. Its own bulk lists stay empty,
        # as save_instance below never fills them.
        self._meta.use_bulk = self.bulk_new_rows
        self.user = None
        self.row_numbers: list[int] = []
        self.notes: list[str] = []
        self._new_instances: list = []
        self._changed_instances: list = []
        self._import_fields: list | None = None
        #: Stored records by what they may not share: {field: {folded text: [values]}}.
        self._look_alikes: dict[str, dict[str, list[dict]]] = {}
        #: The same for this file's rows so far: {field: {folded text: row number}}.
        self._file_look_alikes: dict[str, dict[str, int]] = {}
        self._row_instance = None
        self._row_texts_before: dict[str, str] = {}
        #: Called with each row's number as it is read: a background import reports progress.
        self.on_row = None

    @classmethod
    def get_result_class(cls):
        """Results that can say what went wrong in words."""
        return SpreadsheetResult

    @classmethod
    def get_row_result_class(cls):
        """Row results that can carry warnings."""
        return SpreadsheetRowResult

    @classmethod
    def get_display_name(cls):
        """The list's name, as the export form shows it."""
        return str(cls._meta.model._meta.verbose_name_plural).capitalize()

    # -- columns --------------------------------------------------------------------------------

    def get_import_fields(self):
        """Every column but the export-only ones (worked out once per import: import-export
        asks five times a row)."""
        if self._import_fields is None:
            self._import_fields = [
                field
                for field in super().get_import_fields()
                if not isinstance(field, ExportOnlyField)
            ]
        return list(self._import_fields)

    def get_user_visible_fields(self):
        """The columns an import reads, as the import page lists them."""
        return [field for field in self.get_import_fields() if not field.readonly]

    def key_columns(self) -> list[str]:
        """The column names that identify a row (the natural key)."""
        return [self.fields[name].column_name for name in self.get_import_id_fields()]

    def _known_columns(self) -> dict[str, str]:
        known = {}
        for name, field in self.fields.items():
            for text in (field.column_name, name, field.attribute or ""):
                if text:
                    known.setdefault(header_key(text), field.column_name)
        for alias, name in self.header_aliases.items():
            known.setdefault(header_key(alias), self.fields[name].column_name)
        return known

    def _field_for(self, key: str) -> Field | None:
        for name, field in self.fields.items():
            if key in (name, field.attribute):
                return field
        return None

    # -- keys -----------------------------------------------------------------------------------

    def row_key(self, row) -> tuple | None:
        """The natural key of a file row; None when the row has none (it is then new)."""
        values = []
        for name in self.get_import_id_fields():
            field = self.fields[name]
            value = field.clean(row) if field.column_name in row else None
            if is_blank(value):
                return None
            values.append(str(value).strip())
        return tuple(values)

    def safe_row_key(self, row) -> tuple | None:
        """The row's key, or None when a key cell cannot be read (its row reports that)."""
        try:
            return self.row_key(row)
        except ValueError:
            return None

    def instance_key(self, instance) -> tuple:
        """The natural key of a stored instance, comparable with `row_key`."""
        return tuple(
            str(getattr(instance, self.fields[name].attribute)).strip()
            for name in self.get_import_id_fields()
        )

    def existing_instances(self, keys: set[tuple]):
        """The stored instances the file's keys may refer to."""
        (name,) = self.get_import_id_fields()
        attribute = self.fields[name].attribute
        values = sorted(key[0] for key in keys)
        for chunk in _chunks(values):
            yield from self.get_queryset().filter(**{f"{attribute}__in": chunk})

    def describe_key(self, key: tuple) -> str:
        """A key as a message names it: "SKU 'TIG-9005'"."""
        return ", ".join(
            f"{column} '{value}'" for column, value in zip(self.key_columns(), key, strict=True)
        )

    # -- the file as a whole ----------------------------------------------------------------------

    def check_dataset(self, dataset) -> list[str]:
        """What makes the whole file unusable; on success the headers become our column names."""
        known = self._known_columns()
        visible = ", ".join(field.column_name for field in self.get_user_visible_fields())
        headers = list(dataset.headers or [])
        named, unknown, problems = [], [], []
        seen: dict[str, str] = {}
        for header in headers:
            column = known.get(header_key(header)) if not is_blank(header) else None
            if column is None:
                unknown.append(str(header or ""))
                named.append(header)
                continue
            if column in seen:
                problems.append(
                    _("The columns '%(first)s' and '%(second)s' both hold %(column)s; keep one.")
                    % {"first": seen[column], "second": header, "column": column}
                )
            seen[column] = header
            named.append(column)
        missing = [name for name in self.key_columns() if name not in seen]
        if missing:
            problems.insert(
                0,
                _(
                    "This file has no '%(column)s' column; the first row must hold the column "
                    "names: %(columns)s."
                )
                % {"column": missing[0], "columns": visible},
            )
        if unknown:
            problems.append(
                _(
                    "This file has columns we do not know: %(unknown)s. Rename them to one of "
                    "%(columns)s, or delete them."
                )
                % {"unknown": ", ".join(f"'{name}'" for name in unknown), "columns": visible}
            )
        if problems:
            return problems
        dataset.headers = named
        if not len(dataset):
            return [_("This file has column names but no rows below them: nothing to import.")]
        numbers = list(getattr(dataset, "row_numbers", None) or [])
        self.row_numbers = (
            numbers if len(numbers) == len(dataset) else list(range(2, len(dataset) + 2))
        )
        first_seen: dict[tuple, int] = {}
        for line, row in zip(self.row_numbers, dataset.dict, strict=True):
            key = self.safe_row_key(row)
            if key is None:
                continue
            if key in first_seen:
                problems.append(
                    _(
                        "Rows %(first)s and %(second)s both have %(key)s; a file may hold each "
                        "one only once."
                    )
                    % {"first": first_seen[key], "second": line, "key": self.describe_key(key)}
                )
            else:
                first_seen[key] = line
        return problems

    def import_data(self, dataset, *args, **kwargs):
        """Check the file as a whole, then import every row or none of them."""
        self.user = kwargs.get("user")
        self.notes = []
        self._import_fields = None
        problems = self.check_dataset(dataset)
        if problems:
            if kwargs.get("raise_errors"):
                raise SpreadsheetError("\n".join(problems))
            result = self.get_result_class()()
            result.diff_headers = self.get_diff_headers()
            result.total_rows = len(dataset)
            for problem in problems:
                result.append_base_error(self.get_error_result_class()(SpreadsheetError(problem)))
            return result
        # All or nothing (SPEC X2): one bad row rolls every row back.
        kwargs["rollback_on_validation_errors"] = True
        # Only a preview shows the cell-by-cell changes; the real import skips drawing them.
        self._meta.skip_html_diff = not kwargs.get("dry_run", False)
        result = super().import_data(dataset, *args, **kwargs)
        result.notes = self.notes
        return result

    # -- rows -----------------------------------------------------------------------------------

    def line_of(self, row_number: int) -> int:
        """The spreadsheet row number of the n-th data row (1-based)."""
        if 0 < row_number <= len(self.row_numbers):
            return self.row_numbers[row_number - 1]
        return row_number + 1

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Field and model checks; keys are matched, not unique-checked, and the columns'
        widgets already hold the rules of the database's check constraints.
        """
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=list(errors), validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def import_row(self, row, instance_loader, **kwargs):
        """Import one row; whatever goes wrong becomes a sentence naming row, column and value."""
        if self.on_row is not None:
            self.on_row(kwargs.get("row_number", 0))
        row_result = super().import_row(row, instance_loader, **kwargs)
        line = self.line_of(kwargs.get("row_number", 0))
        messages = []
        if row_result.validation_error is not None:
            messages += self.plain_errors(line, row, row_result.validation_error)
        messages += [
            _("row %(row)s: this row could not be saved (%(error)s)")
            % {"row": line, "error": error.error}
            for error in row_result.errors
        ]
        if messages:
            row_result.errors = []
            row_result.validation_error = ValidationError(messages)
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
        return row_result

    def cell_message(self, line: int, column: str, problem: str, value=None) -> str:
        """ "row 7, Coverage rate: must be a number greater than 0, got 'thirty'"."""
        text = _("row %(row)s, %(column)s: %(problem)s") % {
            "row": line,
            "column": column,
            "problem": problem,
        }
        if not is_blank(value):
            text += _(", got '%(value)s'") % {"value": show_value(value)}
        return text

    def plain_errors(self, line: int, row, error: ValidationError) -> list[str]:
        """The messages of a row's ValidationError, each naming its column."""
        by_field = getattr(error, "error_dict", None) or {NON_FIELD_ERRORS: error.error_list}
        messages = []
        for key, errors in by_field.items():
            field = self._field_for(key) if key != NON_FIELD_ERRORS else None
            for item in errors:
                problem = self.describe_error(item, key)
                if field is not None:
                    value = row.get(field.column_name)
                    messages.append(self.cell_message(line, field.column_name, problem, value))
                elif key != NON_FIELD_ERRORS:
                    label = str(self._meta.model._meta.get_field(key).verbose_name).capitalize()
                    messages.append(self.cell_message(line, label, problem))
                else:
                    messages.append(
                        _("row %(row)s: %(problem)s") % {"row": line, "problem": problem}
                    )
        return messages

    def describe_error(self, error: ValidationError, key: str) -> str:
        """One validation message in the words of the import page ("is required")."""
        params = error.params or {}
        if error.code in {"blank", "null", "required"}:
            return _("is required")
        if error.code == "max_length":
            return _("must be at most %(limit)s characters long (this one has %(count)s)") % {
                "limit": params.get("limit_value"),
                "count": params.get("show_value"),
            }
        if error.code == "invalid" and key != NON_FIELD_ERRORS:
            try:
                model_field = self._meta.model._meta.get_field(key)
            except FieldDoesNotExist:
                model_field = None
            if isinstance(model_field, models.EmailField):
                return _("must be an email address like name@example.com")
        text = str(error.message % params if params else error.message).strip().rstrip(".")
        if not (len(text) > 1 and text[1].isupper()):
            text = text[:1].lower() + text[1:]
        return text

    # -- look-alikes ----------------------------------------------------------------------------

    def look_alike_read_fields(self) -> list[str]:
        """The model fields read from each stored record: the compared ones and the key."""
        names = list(self.look_alike_fields)
        for name in self.get_import_id_fields():
            attribute = self.fields[name].attribute
            if attribute not in names:
                names.append(attribute)
        return names

    def look_alike_texts(self, values: dict) -> dict[str, str]:
        """What a record should not share with another, by field, as `folded` text; an empty
        value is shared by many records and not compared."""
        texts = {}
        for name in self.look_alike_fields:
            text = folded(values.get(name))
            if text:
                texts[name] = text
        return texts

    def look_alike_column(self, name: str, values: dict) -> str:
        """The column a warning about `name` points at."""
        field = self._field_for(name)
        return field.column_name if field is not None else name

    def describe_record(self, values: dict) -> str:
        """A stored record as a warning names it, by its key: "SKU 'TIG-9005-GL'"."""
        return self.describe_key(self.instance_key(self._meta.model(**values)))

    def look_alike_problem(self, name: str, values: dict, stored: list[dict]) -> str:
        """What a warning says of a row whose `name` is already a stored record's."""
        which = self.describe_record(stored[0])
        if len(stored) > 1:
            which = _("%(which)s and %(count)s more") % {"which": which, "count": len(stored) - 1}
        return _(
            "%(thing)s named '%(value)s' already exists (%(which)s); this row would make a "
            "second one. If they are the same, give this row %(key)s to update it instead."
        ) % {
            "thing": self.look_alike_noun_of(stored[0]),
            "value": self.look_alike_shown(name, values),
            "which": which,
            "key": self.describe_record(stored[0]),
        }

    def look_alike_in_file(self, name: str, values: dict, earlier: int) -> str:
        """What a warning says of a row whose `name` an earlier row of the file already has."""
        return _(
            "row %(earlier)s of this file also has %(thing)s named '%(value)s'; importing both "
            "gives two."
        ) % {
            "earlier": earlier,
            "thing": self.look_alike_noun_of(values),
            "value": self.look_alike_shown(name, values),
        }

    def look_alike_shown(self, name: str, values: dict) -> str:
        """The compared value as the row has it, for a warning to quote."""
        return str(values.get(name) or "").strip()

    def look_alike_noun_of(self, values: dict) -> str:
        """The record with its article, as a warning names it ("a powder")."""
        return str(self.look_alike_noun)

    def before_import(self, dataset, **kwargs):
        """Read what every stored record may not share, in one query, before a row is saved
        (so a row saved by this import is never taken for a stored record)."""
        super().before_import(dataset, **kwargs)
        self._look_alikes = {}
        self._file_look_alikes = {}
        if not self.look_alike_fields:
            return
        records = self.get_queryset().order_by("pk").values("pk", *self.look_alike_read_fields())
        for values in records:
            for name, text in self.look_alike_texts(values).items():
                self._look_alikes.setdefault(name, {}).setdefault(text, []).append(values)

    def after_init_instance(self, instance, new, row, **kwargs):
        """Remember the row's record, and what it shared before the file changed it."""
        super().after_init_instance(instance, new, row, **kwargs)
        self._row_instance = instance
        self._row_texts_before = {} if new else self.look_alike_texts(self._values_of(instance))

    def _values_of(self, instance) -> dict:
        values = {name: getattr(instance, name) for name in self.look_alike_read_fields()}
        return {"pk": instance.pk, **values}

    def after_import_row(self, row, row_result, **kwargs):
        """Warn about a new or changed row that gives its record a name (or another value of
        `look_alike_fields`) a stored record or an earlier row already has."""
        super().after_import_row(row, row_result, **kwargs)
        if not self.look_alike_fields or row_result.import_type not in (
            RowResult.IMPORT_TYPE_NEW,
            RowResult.IMPORT_TYPE_UPDATE,
        ):
            return
        instance = self._row_instance
        values = self._values_of(instance)
        line = self.line_of(kwargs.get("row_number", 0))
        # A record named once in the row's warnings is not named again for another field.
        named = {instance.pk} if instance.pk is not None else set()
        for name, text in self.look_alike_texts(values).items():
            if self._row_texts_before.get(name) == text:
                continue  # the record's own value, not changed by this file
            earlier = self._file_look_alikes.setdefault(name, {}).setdefault(text, line)
            matches = self._look_alikes.get(name, {}).get(text, [])
            if matches:
                stored = [other for other in matches if other["pk"] not in named]
                if not stored:
                    continue
                named.update(other["pk"] for other in stored)
                problem = self.look_alike_problem(name, values, stored)
            elif earlier != line:
                problem = self.look_alike_in_file(name, values, earlier)
            else:
                continue
            row_result.warnings.append(
                _("row %(row)s, %(column)s: %(problem)s")
                % {
                    "row": line,
                    "column": self.look_alike_column(name, values),
                    "problem": problem,
                }
            )

    # -- saving ---------------------------------------------------------------------------------

    #: New and changed rows are written together once every row has been read, instead of
    #: one by one (a 50,000-row file in seconds instead of minutes).
    bulk_new_rows = False

    def save_instance(self, instance, is_create, row, **kwargs):
        """Save the row now, or keep it for the bulk write at the end."""
        if self.bulk_new_rows:
            self.before_save_instance(instance, row, **kwargs)
            (self._new_instances if is_create else self._changed_instances).append(instance)
            return
        super().save_instance(instance, is_create, row, **kwargs)

    def written_fields(self) -> list[str]:
        """The model fields an import may change: its writable columns, and the edit time."""
        names = [
            field.attribute
            for field in self.get_import_fields()
            if not field.readonly and field.attribute and "__" not in field.attribute
        ]
        concrete = {field.name for field in self._meta.model._meta.concrete_fields}
        if "updated_at" in concrete:
            names.append("updated_at")
        return [name for name in names if name in concrete]

    def do_instance_save(self, instance, is_create):
        """Save with the importing user in the history; an update writes only the file's
        columns, so stock or a status changed meanwhile by someone else is never overwritten.
        """
        instance._history_user = self.user
        if is_create:
            instance.save(force_insert=True)
        else:
            instance.save(update_fields=self.written_fields())

    def create_new(self, instances: list) -> None:
        """Write the new rows in bulk, with their history."""
        model = self._meta.model
        if hasattr(model, "history"):
            bulk_create_with_history(instances, model, batch_size=500, default_user=self.user)
        else:
            model.objects.bulk_create(instances, batch_size=500)

    def update_changed(self, instances: list) -> None:
        """Write the changed rows together, with their history: only the file's columns, as
        `do_instance_save` does, so what someone changed meanwhile is kept.

        One prepared UPDATE run for every row (`executemany`): Django's `bulk_update` builds a
        CASE per column per row, slower than saving the rows one by one.
        """
        model = self._meta.model
        names = self.written_fields()
        if "updated_at" in names:
            now = timezone.now()
            for instance in instances:
                instance.updated_at = now
        connection = transaction.get_connection()
        fields = [model._meta.get_field(name) for name in names]
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        sql = (
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} "
            f"WHERE {quote(model._meta.pk.column)} = %s"
        )
        rows = [
            [
                field.get_db_prep_save(getattr(instance, field.attname), connection)
                for field in fields
            ]
            + [instance.pk]
            for instance in instances
        ]
        with connection.cursor() as cursor:
            cursor.executemany(sql, rows)
        if hasattr(model, "history"):
            model.history.bulk_history_create(
                instances, batch_size=500, update=True, default_user=self.user
            )

    def after_import(self, dataset, result, **kwargs):
        """Write the new rows kept for the bulk write, when every row was valid, and log the
        import once it is committed."""
        valid = not (result.has_errors() or result.has_validation_errors())
        if self._changed_instances and valid:
            self.update_changed(self._changed_instances)
        if self._new_instances and valid:
            self.create_new(self._new_instances)
        self._new_instances = []
        self._changed_instances = []
        if valid and not kwargs.get("dry_run"):
            # On commit: a preview, or a file refused further on, rolls back and logs nothing.
            transaction.on_commit(partial(self._log_import, dict(result.totals)))
        super().after_import(dataset, result, **kwargs)

    def _log_import(self, totals: dict[str, int]) -> None:
        logger.info(
            "Spreadsheet import %s by %s: %s new, %s updated, %s unchanged.",
            type(self).__name__,
            self.user.get_username() if self.user is not None else "a script",
            totals.get(RowResult.IMPORT_TYPE_NEW, 0),
            totals.get(RowResult.IMPORT_TYPE_UPDATE, 0),
            totals.get(RowResult.IMPORT_TYPE_SKIP, 0),
        )

    # -- exporting ------------------------------------------------------------------------------

    def export(self, queryset=None, **kwargs):
        """The rows as a sheet named after the list."""
        dataset = super().export(queryset, **kwargs)
        dataset.title = self.get_display_name()
        return dataset


# -- customers (SPEC C1) -------------------------------------------------------------------------


class CustomerResource(SpreadsheetResource):
    email = column(Customer, "email", "Email")
    customer_type = column(Customer, "customer_type", "Type")
    company_name = column(Customer, "company_name", "Company name")
    contact_name = column(Customer, "contact_name", "Contact name")
    phone = column(Customer, "phone", "Phone")
    mobile = column(Customer, "mobile", "Mobile")
    billing_address = column(Customer, "billing_address", "Billing address")
    shipping_address = column(Customer, "shipping_address", "Shipping address")
    email_notifications = column(Customer, "email_notifications", "Email notifications")
    tax_exempt = column(Customer, "tax_exempt", "Tax exempt")
    discount_percent = column(Customer, "discount_percent", "Discount %")
    is_active = column(Customer, "is_active", "Active")
    notes = column(Customer, "notes", "Notes")
    open_balance = ExportOnlyField(
        attribute="export_open_balance",
        column_name="Open balance",
        widget=NumberWidget(money=True),
    )

    import_help = (
        "A row whose Email matches a customer (in any capitals) updates that customer; a row "
        "without an email updates the customer with the same company and contact name and no "
        "email. Other rows add customers. Open balance is never read: it comes from invoices."
    )

    bulk_new_rows = True
    # A customer is known by its company name, or by its contact's name when it has no company.
    look_alike_fields = ("company_name", "contact_name")
    look_alike_noun = gettext_lazy("a customer")

    class Meta:
        model = Customer
        fields = (
            "email",
            "customer_type",
            "company_name",
            "contact_name",
            "phone",
            "mobile",
            "billing_address",
            "shipping_address",
            "email_notifications",
            "tax_exempt",
            "discount_percent",
            "is_active",
            "notes",
            "open_balance",
        )
        import_id_fields = ["email"]

    def _text(self, row, name: str) -> str:
        field = self.fields[name]
        return field.clean(row).casefold() if field.column_name in row else ""

    def row_key(self, row):
        """The email in lower case; without one, the company and contact names."""
        email = self._text(row, "email")
        if email:
            return ("email", email)
        company, contact = self._text(row, "company_name"), self._text(row, "contact_name")
        if company or contact:
            return ("name", company, contact)
        return None

    def instance_key(self, instance):
        """Same shape as `row_key`, read from a stored customer."""
        if instance.email:
            return ("email", instance.email.strip().casefold())
        return (
            "name",
            instance.company_name.strip().casefold(),
            instance.contact_name.strip().casefold(),
        )

    def existing_instances(self, keys):
        """Customers with one of the file's emails, and email-less customers of its names."""
        emails = sorted(key[1] for key in keys if key[0] == "email")
        for chunk in _chunks(emails):
            yield from Customer.objects.annotate(_email=Lower("email")).filter(_email__in=chunk)
        if any(key[0] == "name" for key in keys):
            yield from Customer.objects.filter(email="")

    def describe_key(self, key):
        """ "the email 'a@b.example'" or "the name 'Acme / Jo Smith' and no email"."""
        if key[0] == "email":
            return _("the email '%(email)s'") % {"email": key[1]}
        name = " / ".join(part for part in key[1:] if part)
        return _("the name '%(name)s' and no email") % {"name": name}

    def look_alike_texts(self, values):
        """The name the customer goes by (company, else contact), as `folded` text."""
        text = folded(values.get("company_name")) or folded(values.get("contact_name"))
        return {"display_name": text} if text else {}

    def look_alike_column(self, name, values):
        """Company name for a company, else Contact name."""
        field = "company_name" if folded(values.get("company_name")) else "contact_name"
        return self.fields[field].column_name

    def look_alike_shown(self, name, values):
        """The company name, else the contact's name, as the row has it."""
        company = str(values.get("company_name") or "").strip()
        return company or str(values.get("contact_name") or "").strip()

    def describe_record(self, values):
        """ "the email 'a@b.example'", or "the name 'Acme / Jo Smith' and no email"."""
        email = str(values.get("email") or "").strip()
        if email:
            return _("the email '%(email)s'") % {"email": email}
        parts = (values.get("company_name"), values.get("contact_name"))
        name = " / ".join(str(part).strip() for part in parts if part and str(part).strip())
        return _("the name '%(name)s' and no email") % {"name": name}

    def filter_export(self, queryset, **kwargs):
        """Each customer's open balance, worked out in the same query."""
        owed = (
            Invoice.objects.unpaid()
            .filter(customer=OuterRef("pk"))
            .order_by()
            .values("customer")
            .annotate(total=Sum("balance"))
            .values("total")
        )
        return queryset.annotate(
            export_open_balance=Coalesce(
                Subquery(owed, output_field=DecimalField(max_digits=12, decimal_places=2)),
                Decimal("0"),
                output_field=DecimalField(max_digits=12, decimal_places=2),
            )
        )


# -- workers (SPEC W1) ---------------------------------------------------------------------------


class WorkerResource(SpreadsheetResource):
    name = column(Worker, "name", "Name")
    role = column(Worker, "role", "Role")
    phone = column(Worker, "phone", "Phone")
    email = column(Worker, "email", "Email")
    is_active = column(Worker, "is_active", "Active")
    login = ExportOnlyField(attribute="user__username", column_name="Login", widget=TextWidget())

    import_help = (
        "A row whose Name matches a worker updates that worker; other rows add workers. Login "
        "is never read: link a login on the worker's page."
    )

    look_alike_fields = ("name",)
    look_alike_noun = gettext_lazy("a worker")

    class Meta:
        model = Worker
        fields = ("name", "role", "phone", "email", "is_active", "login")
        import_id_fields = ["name"]

    def filter_export(self, queryset, **kwargs):
        """Logins joined in the same query."""
        return queryset.select_related("user")


# -- inventory (SPEC I1, I4) ---------------------------------------------------------------------


class InventoryItemResource(SpreadsheetResource):
    sku = column(InventoryItem, "sku", "SKU")
    name = column(InventoryItem, "name", "Name")
    category = column(InventoryItem, "category", "Category")
    unit = column(InventoryItem, "unit", "Unit")
    unit_cost = column(InventoryItem, "unit_cost", "Unit cost", money=True)
    reorder_point = column(InventoryItem, "reorder_point", "Reorder point")
    vendor = column(InventoryItem, "vendor", "Vendor")
    manufacturer = column(InventoryItem, "manufacturer", "Manufacturer")
    color_name = column(InventoryItem, "color_name", "Colour name")
    color_code = column(InventoryItem, "color_code", "Colour code")
    swatch_hex = column(InventoryItem, "swatch_hex", "Swatch colour")
    finish = column(InventoryItem, "finish", "Finish")
    specific_gravity = column(InventoryItem, "specific_gravity", "Specific gravity")
    film_thickness_mils = column(InventoryItem, "film_thickness_mils", "Film thickness (mils)")
    coverage_rate = column(InventoryItem, "coverage_rate", "Coverage rate", above=0)
    transfer_efficiency = column(InventoryItem, "transfer_efficiency", "Transfer efficiency %")
    cure_temperature_f = column(InventoryItem, "cure_temperature_f", "Cure temperature (F)")
    cure_minutes = column(InventoryItem, "cure_minutes", "Cure time (min)")
    is_active = column(InventoryItem, "is_active", "Active")
    notes = column(InventoryItem, "notes", "Notes")
    # Shown in exports and previews; read only as the opening stock of a new item.
    quantity_on_hand = Field(
        attribute="quantity_on_hand",
        column_name="On hand",
        widget=NumberWidget(minimum=0, places=3, digits=9),
        readonly=True,
    )

    header_aliases = {"Opening stock": "quantity_on_hand", "Opening quantity": "quantity_on_hand"}
    import_help = (
        "A row whose SKU matches an item updates that item; other rows add items. On hand (or "
        "Opening stock) is read only for a new item: it is booked as the item's opening stock "
        "in the stock ledger. For existing items it is left alone; change stock through "
        "Inventory → Activity."
    )
    look_alike_fields = ("name", "color_code")
    look_alike_noun = gettext_lazy("an inventory item")

    class Meta:
        model = InventoryItem
        fields = (
            "sku",
            "name",
            "category",
            "unit",
            "unit_cost",
            "reorder_point",
            "quantity_on_hand",
            "vendor",
            "manufacturer",
            "color_name",
            "color_code",
            "swatch_hex",
            "finish",
            "specific_gravity",
            "film_thickness_mils",
            "coverage_rate",
            "transfer_efficiency",
            "cure_temperature_f",
            "cure_minutes",
            "is_active",
            "notes",
        )
        import_id_fields = ["sku"]

    def look_alike_read_fields(self):
        """The compared fields and the SKU, and the category a warning names."""
        return [*super().look_alike_read_fields(), "category"]

    def look_alike_noun_of(self, values):
        """ "a powder", "a primer", "a clear" ...: the item's category."""
        try:
            kind = InventoryCategory(values.get("category")).label
        except ValueError:
            return super().look_alike_noun_of(values)
        return _("a %(kind)s") % {"kind": str(kind).lower()}

    def look_alike_problem(self, name, values, stored):
        """A shared colour code may well be another finish of the colour: a note to check."""
        if name != "color_code":
            return super().look_alike_problem(name, values, stored)
        which = _("%(name)s (%(key)s)") % {
            "name": stored[0]["name"],
            "key": self.describe_record(stored[0]),
        }
        if len(stored) > 1:
            which = _("%(which)s and %(count)s more") % {"which": which, "count": len(stored) - 1}
        return _(
            "%(code)s is already the colour code of %(which)s; check this row is not the same "
            "powder under another SKU (the same colour in another finish is fine)."
        ) % {"code": self.look_alike_shown(name, values), "which": which}

    def look_alike_in_file(self, name, values, earlier):
        """Two rows of one colour code: a note to check they are not the same powder."""
        if name != "color_code":
            return super().look_alike_in_file(name, values, earlier)
        return _(
            "row %(earlier)s of this file also has the colour code %(code)s; check the two rows "
            "are not the same powder (the same colour in another finish is fine)."
        ) % {"earlier": earlier, "code": self.look_alike_shown(name, values)}

    def import_instance(self, instance, row, **kwargs):
        """Read the row; a new item's On hand becomes its opening stock, an existing one's is
        left as it is (and noted when the file says otherwise).
        """
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        field = self.fields["quantity_on_hand"]
        value = row.get(field.column_name)
        if field.column_name in row and not is_blank(value):
            if instance.pk is None:
                try:
                    instance._opening_stock = field.widget.clean(value)
                    # Shown in the preview; the inventory service books it as the opening row.
                    instance.quantity_on_hand = instance._opening_stock
                except ValueError as error:
                    errors["quantity_on_hand"] = [ValidationError(str(error), code="invalid")]
            else:
                self._note_stock_left_alone(instance, value, kwargs.get("row_number", 0))
        if errors:
            raise ValidationError(errors)

    def _note_stock_left_alone(self, instance, value, row_number: int) -> None:
        try:
            same = self.fields["quantity_on_hand"].widget.clean(value) == instance.quantity_on_hand
        except ValueError:
            same = False
        if not same:
            self.notes.append(
                _(
                    "row %(row)s, On hand: left at %(stock)s %(unit)s for %(sku)s (the file says "
                    "'%(value)s'); stock changes go through Inventory → Activity."
                )
                % {
                    "row": self.line_of(row_number),
                    "stock": NumberWidget().render(instance.quantity_on_hand),
                    "unit": instance.unit,
                    "sku": instance.sku,
                    "value": show_value(value),
                }
            )

    bulk_new_rows = True

    def create_new(self, instances):
        """New items through the inventory service, so opening stock is a ledger row (I4)."""
        inventory_items_create_many(
            items=[(item, getattr(item, "_opening_stock", None)) for item in instances],
            user=self.user,
        )


# -- prep services (SPEC P1) ---------------------------------------------------------------------


class PrepServiceResource(SpreadsheetResource):
    name = column(PrepService, "name", "Name")
    description = column(PrepService, "description", "Description")
    pricing_method = column(PrepService, "pricing_method", "Priced")
    rate = column(PrepService, "rate", "Rate", money=True)
    stage = column(PrepService, "stage", "Job stage")
    is_active = column(PrepService, "is_active", "Active")

    import_help = (
        "A row whose Name matches a prep service updates it; other rows add prep services. "
        "Priced is Per sq ft or Flat per part; Job stage is Sandblasting, Masking / Taping, "
        "Cleaning or empty."
    )

    look_alike_fields = ("name",)
    look_alike_noun = gettext_lazy("a prep service")

    class Meta:
        model = PrepService
        fields = ("name", "description", "pricing_method", "rate", "stage", "is_active")
        import_id_fields = ["name"]


# -- catalogue products (SPEC K1) ---------------------------------------------------------------

# The layer words a Coats cell may use after each SKU.
_LAYERS = ChoiceWidget(CoatLayer.choices)


class CoatsField(Field):
    """Coats as one cell, in spraying order: "TIG-9005-GL:base; PPS-2974:clear".

    Each coat is an inventory SKU (a powder, primer or clear), then a colon and the layer
    (primer, base, mid or clear; base when left out), coats separated by semicolons.
    """

    def __init__(self, **kwargs):
        super().__init__(attribute="coats", widget=TextWidget(), **kwargs)
        self.powders: dict[str, InventoryItem] | None = None

    @staticmethod
    def as_text(coats) -> str:
        """The cell for a list of (powder, layer) pairs."""
        return "; ".join(f"{powder.sku}:{layer}" for powder, layer in coats)

    def _powder(self, sku: str) -> InventoryItem | None:
        if self.powders is None:
            self.powders = {item.sku: item for item in InventoryItem.objects.all()}
        return self.powders.get(sku)

    def clean(self, row, **kwargs):
        """The (powder, layer) pairs of the cell; ValueError naming the first bad coat."""
        text = self.widget.clean(row[self.column_name])
        coats = []
        for part in re.split(r"[;\n]+", text):
            if not part.strip():
                continue
            sku, _sep, layer = part.partition(":")
            sku = sku.strip()
            powder = self._powder(sku)
            if powder is None:
                raise ValueError(
                    _("no inventory item has the SKU '%(sku)s' (write coats as SKU:layer; …)")
                    % {"sku": sku}
                )
            if powder.category not in COATING_CATEGORIES:
                raise ValueError(
                    _("%(sku)s is a %(category)s, not a powder, primer or clear")
                    % {"sku": sku, "category": powder.get_category_display().lower()}
                )
            try:
                layer_value = _LAYERS.clean(layer) or CoatLayer.BASE
            except ValueError:
                raise ValueError(
                    _("the layer '%(layer)s' after %(sku)s must be one of %(layers)s")
                    % {"layer": layer.strip(), "sku": sku, "layers": _LAYERS.wanted}
                ) from None
            coats.append((powder, layer_value))
        return coats

    def get_value(self, instance):
        """The coats as text: the planned ones during an import, else the stored ones."""
        planned = getattr(instance, "_coats_plan", None)
        if planned is not None:
            return self.as_text(planned)
        if instance.pk is None:
            return ""
        return self.as_text((coat.powder, coat.layer) for coat in instance.coats.all())

    def save(self, instance, row, is_m2m=False, **kwargs):
        """Remember the coats; they are written once the product is saved."""
        instance._coats_plan = self.clean(row)


class PrepServicesField(Field):
    """Prep services as one cell, by name: "Masking / Taping; Sandblasting"."""

    def __init__(self, **kwargs):
        super().__init__(attribute="prep_services", widget=TextWidget(), **kwargs)
        self.services: dict[str, PrepService] | None = None

    @staticmethod
    def as_text(services) -> str:
        """The cell for some prep services, in name order."""
        return "; ".join(sorted(service.name for service in services))

    def _service(self, name: str) -> PrepService | None:
        if self.services is None:
            self.services = {}
            for service in PrepService.objects.all():
                self.services[service.name] = service
                self.services.setdefault(service.name.casefold(), service)
        return self.services.get(name) or self.services.get(name.casefold())

    def clean(self, row, **kwargs):
        """The services named in the cell; ValueError naming the first unknown one."""
        text = self.widget.clean(row[self.column_name])
        services = []
        for name in re.split(r"[;\n]+", text):
            if not name.strip():
                continue
            service = self._service(name.strip())
            if service is None:
                raise ValueError(
                    _("no prep service is called '%(name)s' (separate names with ;)")
                    % {"name": name.strip()}
                )
            if service not in services:
                services.append(service)
        return services

    def get_value(self, instance):
        """The services as text: the planned ones during an import, else the stored ones."""
        planned = getattr(instance, "_prep_plan", None)
        if planned is not None:
            return self.as_text(planned)
        if instance.pk is None:
            return ""
        return self.as_text(instance.prep_services.all())

    def save(self, instance, row, is_m2m=False, **kwargs):
        """Remember the services; they are set once the product is saved."""
        instance._prep_plan = self.clean(row)


class CatalogProductResource(SpreadsheetResource):
    name = column(CatalogProduct, "name", "Name")
    category = column(CatalogProduct, "category", "Category")
    description = column(CatalogProduct, "description", "Description")
    surface_area_sqft = column(CatalogProduct, "surface_area_sqft", "Area per part (sq ft)")
    default_quantity = column(CatalogProduct, "default_quantity", "Default quantity")
    unit_price = column(CatalogProduct, "unit_price", "Unit price", money=True)
    coats = CoatsField(column_name="Coats")
    prep_services = PrepServicesField(column_name="Prep services")
    is_active = column(CatalogProduct, "is_active", "Active")

    import_help = (
        "A row whose Name matches a product updates it; other rows add products. Coats are "
        "inventory SKUs in spraying order with their layer, like 'TIG-9005-GL:base; "
        "PPS-2974:clear'; Prep services are names separated by semicolons, like "
        "'Sandblasting; Masking / Taping'. Images are added on the product's page."
    )

    look_alike_fields = ("name",)
    look_alike_noun = gettext_lazy("a product")

    class Meta:
        model = CatalogProduct
        fields = (
            "name",
            "category",
            "description",
            "surface_area_sqft",
            "default_quantity",
            "unit_price",
            "coats",
            "prep_services",
            "is_active",
        )
        import_id_fields = ["name"]

    def existing_instances(self, keys):
        """Products with their coats and prep services, for comparing without more queries."""
        values = sorted(key[0] for key in keys)
        for chunk in _chunks(values):
            yield from CatalogProduct.objects.filter(name__in=chunk).prefetch_related(
                "coats__powder", "prep_services"
            )

    def after_save_instance(self, instance, row, **kwargs):
        """Write the planned coats and prep services once the product has its id."""
        coats = getattr(instance, "_coats_plan", None)
        if coats is not None:
            instance.coats.all().delete()
            CatalogProductCoat.objects.bulk_create(
                CatalogProductCoat(product=instance, powder=powder, layer=layer, position=number)
                for number, (powder, layer) in enumerate(coats, start=1)
            )
        services = getattr(instance, "_prep_plan", None)
        if services is not None:
            instance.prep_services.set(services)

    def filter_export(self, queryset, **kwargs):
        """Coats and prep services fetched with the products, a page at a time."""
        return queryset.prefetch_related("coats__powder", "prep_services")


# -- exports only (SPEC X1) ----------------------------------------------------------------------


class ExportResource(resources.ModelResource):
    """A list that is exported, never imported: every column is read-only."""

    @classmethod
    def get_display_name(cls):
        """The list's name, as the export form shows it."""
        return str(cls._meta.model._meta.verbose_name_plural).capitalize()

    def export(self, queryset=None, **kwargs):
        """The rows as a sheet named after the list."""
        dataset = super().export(queryset, **kwargs)
        dataset.title = self.get_display_name()
        return dataset


def _out(attribute: str, label: str, widget=None) -> ExportOnlyField:
    return ExportOnlyField(attribute=attribute, column_name=label, widget=widget or TextWidget())


def _money(attribute: str, label: str) -> ExportOnlyField:
    return _out(attribute, label, NumberWidget(money=True))


def _day(attribute: str, label: str) -> ExportOnlyField:
    return _out(attribute, label, ISODateWidget())


@dataclass
class JobItemRow:
    """One row of the jobs export: a job and one of its items (None for a job without items)."""

    job: Job
    item: LineItem | None


class JobExportResource(ExportResource):
    """Jobs with their items flattened: one row per item, the job's columns repeated."""

    job_number = _out("job__number", "Job")
    status = _out("job__status", "Status", ChoiceWidget(JobStatus.choices))
    priority = _out("job__priority", "Priority", ChoiceWidget(Priority.choices))
    customer = _out("job__customer__display_name", "Customer")
    po_number = _out("job__po_number", "PO number")
    scheduled = _day("job__scheduled_date", "Scheduled")
    due = _day("job__due_date", "Due")
    line = _out("item__position", "Line", NumberWidget())
    item = _out("item__description", "Item")
    kind = _out("item__kind", "Kind", ChoiceWidget(ItemKind.choices))
    quantity = _out("item__quantity", "Quantity", NumberWidget())
    area = _out("item__surface_area_sqft", "Area per part (sq ft)", NumberWidget())
    coats = _out("item", "Coats")
    prep = _out("item", "Prep services")
    unit_price = _money("item__unit_price", "Unit price")
    line_total = _money("item__line_total", "Line total")
    job_total = _money("job__total_price", "Job total")

    class Meta:
        model = Job
        fields = (
            "job_number",
            "status",
            "priority",
            "customer",
            "po_number",
            "scheduled",
            "due",
            "line",
            "item",
            "kind",
            "quantity",
            "area",
            "coats",
            "prep",
            "unit_price",
            "line_total",
            "job_total",
        )

    def iter_queryset(self, queryset):
        """Each job's items as rows, fetched a page of jobs at a time."""
        jobs = queryset.select_related("customer").prefetch_related(
            "items__coats__powder", "items__prep_lines__prep_service"
        )
        for job in super().iter_queryset(jobs):
            items = list(job.items.all())
            for item in items or [None]:
                yield JobItemRow(job=job, item=item)

    def dehydrate_coats(self, row: JobItemRow) -> str:
        """The item's coats in spraying order, SKU:layer."""
        if row.item is None:
            return ""
        return TextWidget().render(
            CoatsField.as_text((coat.powder, coat.layer) for coat in row.item.coats.all())
        )

    def dehydrate_prep(self, row: JobItemRow) -> str:
        """The item's prep services by name."""
        if row.item is None:
            return ""
        return TextWidget().render(
            PrepServicesField.as_text(line.prep_service for line in row.item.prep_lines.all())
        )


class QuoteExportResource(ExportResource):
    number = _out("number", "Quote")
    status = _out("status", "Status", ChoiceWidget(QuoteStatus.choices))
    recipient = _out("recipient_name", "Customer or prospect")
    description = _out("description", "Description")
    quote_date = _day("quote_date", "Quote date")
    valid_until = _day("valid_until", "Valid until")
    subtotal = _money("subtotal", "Items total")
    discount = _money("discount_amount", "Discount")
    rush_fee = _money("rush_surcharge_amount", "Rush fee")
    tax = _money("tax_amount", "Tax")
    total = _money("total", "Total")
    job = _out("job__number", "Job")

    class Meta:
        model = Quote
        fields = (
            "number",
            "status",
            "recipient",
            "description",
            "quote_date",
            "valid_until",
            "subtotal",
            "discount",
            "rush_fee",
            "tax",
            "total",
            "job",
        )

    def filter_export(self, queryset, **kwargs):
        """Customer and job joined in the same query."""
        return queryset.select_related("customer", "job")


class InvoiceExportResource(ExportResource):
    number = _out("number", "Invoice")
    status = _out("status", "Status", ChoiceWidget(InvoiceStatus.choices))
    customer = _out("customer__display_name", "Customer")
    job = _out("job__number", "Job")
    invoice_date = _day("invoice_date", "Invoice date")
    due_date = _day("due_date", "Due date")
    subtotal = _money("subtotal", "Items total")
    discount = _money("discount_amount", "Discount")
    rush_fee = _money("rush_surcharge_amount", "Rush fee")
    tax = _money("tax_amount", "Tax")
    total = _money("total", "Total")
    paid = _money("amount_paid", "Paid")
    balance = _money("balance", "Balance")

    class Meta:
        model = Invoice
        fields = (
            "number",
            "status",
            "customer",
            "job",
            "invoice_date",
            "due_date",
            "subtotal",
            "discount",
            "rush_fee",
            "tax",
            "total",
            "paid",
            "balance",
        )

    def filter_export(self, queryset, **kwargs):
        """Customer and job joined in the same query."""
        return queryset.select_related("customer", "job")


class InventoryActivityExportResource(ExportResource):
    row = _out("id", "Row")
    when = _out("created_at", "When", LocalDateTimeWidget())
    sku = _out("item__sku", "SKU")
    item = _out("item__name", "Item")
    kind = _out("kind", "Kind", ChoiceWidget(ActivityKind.choices))
    change = _out("quantity", "Change", NumberWidget())
    unit = _out("item__unit", "Unit")
    balance = _out("balance_after", "Balance", NumberWidget())
    unit_cost = _money("unit_cost", "Unit cost")
    job = _out("job__number", "Job")
    user = _out("user__username", "By")
    note = _out("note", "Note")
    # A reversal names the row it cancels (the ledger is put right, never edited).
    reverses = _out("reverses_id", "Reverses row")

    class Meta:
        model = InventoryActivity
        fields = (
            "row",
            "when",
            "sku",
            "item",
            "kind",
            "change",
            "unit",
            "balance",
            "unit_cost",
            "job",
            "user",
            "note",
            "reverses",
        )

    def filter_export(self, queryset, **kwargs):
        """Item, job and user joined in the same query."""
        return queryset.select_related("item", "job", "user")


__all__ = [
    "CatalogProductResource",
    "CustomerResource",
    "InventoryActivityExportResource",
    "InventoryItemResource",
    "InvoiceExportResource",
    "JobExportResource",
    "PrepServiceResource",
    "QuoteExportResource",
    "WorkerResource",
]
