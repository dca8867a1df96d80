"""Spreadsheet import and export in the admin: who may use them, the forms, and the messages.

Exports are for the office roles only (view permission and the price permission), so Shop
Floor users get no Export button on any list: several lists carry costs, prices or customer
data. Imports need add and change permission on the list. Both take CSV and Excel (.xlsx).
"""

from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ExportMixin, ImportMixin
from import_export.forms import ConfirmImportForm
from import_export.results import RowResult
from unfold.contrib.import_export.forms import ImportForm, SelectableFieldsExportForm

from powdercoat.admin.mixins import can_see_prices
from powdercoat.admin.once import response_applied_once
from powdercoat.services.submissions import submission_key_issue
from powdercoat.spreadsheets import (
    FORMATS,
    XLSX,
    SpreadsheetError,
    SpreadsheetPreviewStorage,
    max_upload_bytes,
)

_EXTENSIONS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx"}
_FORMAT_NAMES = {"csv": gettext_lazy("CSV"), "xlsx": gettext_lazy("Excel (.xlsx)")}


def _name_formats(form) -> None:
    """Format choices as people call them: "Excel (.xlsx)" rather than "xlsx"."""
    field = form.fields["format"]
    field.choices = [(value, _FORMAT_NAMES.get(label, label)) for value, label in field.choices]


class SpreadsheetImportForm(ImportForm):
    """The upload form: a CSV or .xlsx file within the size limit; its format follows its name."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = formats
        _name_formats(self)
        self.fields["format"].required = False
        self.fields["format"].help_text = gettext_lazy(
            "Taken from the file name for .xlsx and .csv files."
        )
        field = self.fields["import_file"]
        field.label = gettext_lazy("Spreadsheet")
        field.help_text = gettext_lazy(
            "An Excel (.xlsx) or CSV file of at most %(mb)s MB. Row 1 holds the column names."
        ) % {"mb": max_upload_bytes() // (1024 * 1024)}
        field.widget.attrs["accept"] = ".xlsx,.csv"
        field.error_messages["empty"] = _("This file is empty: there is nothing in it to import.")

    def clean_import_file(self):
        """Refuse, before reading a byte of it, a file that is too big or not a spreadsheet."""
        upload = self.cleaned_data["import_file"]
        limit = max_upload_bytes()
        if upload.size > limit:
            raise forms.ValidationError(
                _(
                    "This file is %(size).1f MB; the limit is %(limit)s MB. Split it into "
                    "smaller files, or delete columns and rows you do not need."
                )
                % {"size": upload.size / (1024 * 1024), "limit": limit // (1024 * 1024)}
            )
        if Path(upload.name).suffix.lower() not in _EXTENSIONS:
            raise forms.ValidationError(
                _(
                    "'%(name)s' is not an Excel (.xlsx) or CSV file. Save it from your "
                    "spreadsheet program as one of those and upload that."
                )
                % {"name": upload.name}
            )
        return upload

    def clean(self):
        """The format of a .xlsx or .csv file is its extension, whatever was picked."""
        cleaned = super().clean()
        upload = cleaned.get("import_file")
        if upload is not None:
            wanted = _EXTENSIONS.get(Path(upload.name).suffix.lower())
            for index, file_format in enumerate(self.formats):
                if file_format().get_extension() == wanted:
                    cleaned["format"] = str(index)
        return cleaned


class SpreadsheetConfirmForm(ConfirmImportForm):
    """The Confirm import button's form, with the one-time key that applies it once."""

    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)


class SpreadsheetExportForm(SelectableFieldsExportForm):
    """The export form, its column tick boxes labelled with the column names."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        _name_formats(self)

    def _get_field_label(self, resource, field_name):
        field = resource.fields.get(field_name)
        return field.column_name if field is not None else field_name


class SpreadsheetExportMixin(ExportMixin):
    """Export the list, as filtered and searched, to CSV or Excel (SPEC X1)."""

    export_form_class = SpreadsheetExportForm
    export_formats = FORMATS

    def has_export_permission(self, request):
        """Office roles only: exports carry prices, costs and customer details (SPEC 0)."""
        return self.has_view_permission(request) and can_see_prices(request)

    def export_action(self, request):
        """The export page; an address with a filter the list does not know (a tracking
        parameter, a mistyped link) goes back to the list with a message, not a server error."""
        try:
            return super().export_action(request)
        except IncorrectLookupParameters:
            unknown = ", ".join(sorted(request.GET)) or "?"
            messages.error(
                request,
                _(
                    "This export address carries something the list cannot filter by (%(names)s). "
                    "Filter the list here, then press Export again."
                )
                % {"names": unknown},
            )
            opts = self.opts
            return redirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """The file's bytes; Excel gets real number and date cells, CSV plain text."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        data = self.get_data_for_export(
            request, queryset, force_native_type=isinstance(file_format, XLSX), **kwargs
        )
        return file_format.export_data(data)

    def get_export_filename(self, request, queryset, file_format):
        """inventory-items-2026-11-25.xlsx"""
        name = slugify(str(self.opts.verbose_name_plural))
        return f"{name}-{timezone.localdate():%Y-%m-%d}.{file_format.get_extension()}"


class SpreadsheetImportExportMixin(ImportMixin, SpreadsheetExportMixin):
    """Import with a preview and all-or-nothing saving, and export (SPEC X1, X2)."""

    import_export_change_list_template = "admin/import_export/change_list_import_export.html"
    import_template_name = "admin/powdercoat/spreadsheet_import.html"
    import_form_class = SpreadsheetImportForm
    confirm_form_class = SpreadsheetConfirmForm
    tmp_storage_class = SpreadsheetPreviewStorage
    import_formats = FORMATS

    def has_import_permission(self, request):
        """Those who may add and change the list's records."""
        return self.has_add_permission(request) and self.has_change_permission(request)

    def get_import_context_data(self, **kwargs):
        """The import page's help: what the key is and what an import leaves alone."""
        context = super().get_import_context_data(**kwargs)
        context["import_help"] = self.resource_classes[0].import_help
        return context

    def add_data_read_fail_error_to_form(self, form, e):
        """A file that cannot be read, said in plain words on the upload form."""
        if isinstance(e, SpreadsheetError):
            form.add_error("import_file", str(e))
        else:
            form.add_error(
                "import_file",
                _(
                    "This file cannot be read as a spreadsheet. Save it from your spreadsheet "
                    "program as Excel (.xlsx) or CSV and upload that."
                ),
            )

    def _import_url(self) -> str:
        opts = self.opts
        return reverse(f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_import")

    def get_confirm_form_initial(self, request, import_form):
        """The preview's Confirm button carries a fresh one-time key."""
        initial = super().get_confirm_form_initial(request, import_form)
        return {**initial, "submission_key": submission_key_issue(user=request.user)}

    def process_import(self, request, **kwargs):
        """Import the confirmed file, once per Confirm press; a file gone from the server asks
        for a new upload."""
        if request.method == "POST":
            try:
                self.get_import_formats()[int(request.POST.get("format", ""))]
            except (ValueError, IndexError):
                return self._upload_again(request)

        def imported(response):
            done = request.__dict__.get("_pc_import_done")
            return (response.get("Location", ""), done) if done is not None else None

        try:
            return response_applied_once(
                request,
                lambda: super(SpreadsheetImportExportMixin, self).process_import(request, **kwargs),
                imported,
                fallback_url=self._import_url(),
            )
        except FileNotFoundError:
            return self._upload_again(request)

    def _upload_again(self, request):
        messages.error(
            request, _("The uploaded file is no longer on the server. Upload it again, please.")
        )
        return redirect(self._import_url())

    def process_result(self, result, request):
        """Back to the import page when anything changed since the preview; nothing was saved."""
        if result.has_errors() or result.has_validation_errors():
            problems = result.problems()
            messages.error(
                request,
                _("Nothing was imported. %(problem)s") % {"problem": problems[0]}
                + (
                    _(" (and %(count)s more problems)") % {"count": len(problems) - 1}
                    if len(problems) > 1
                    else ""
                ),
            )
            return redirect(self._import_url())
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        """What the import did, in one sentence."""
        totals = result.totals
        text = _(
            "Imported %(new)s new and %(updated)s updated %(things)s; %(same)s rows were "
            "already up to date."
        ) % {
            "new": totals[RowResult.IMPORT_TYPE_NEW],
            "updated": totals[RowResult.IMPORT_TYPE_UPDATE],
            "things": self.opts.verbose_name_plural,
            "same": totals[RowResult.IMPORT_TYPE_SKIP],
        }
        request.__dict__["_pc_import_done"] = text  # read by process_import for the key
        messages.success(request, text)
