"""Spreadsheet import and export in the admin: who may use them, the forms, and the messages.

Exports are for the office roles only (view permission and the price permission), so Shop
Floor users get no Export button on any list: several lists carry costs, prices or customer
data. Imports need add and change permission on the list. Both take CSV and Excel (.xlsx).
"""

from datetime import timedelta
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export.admin import ExportMixin, ImportMixin
from import_export.forms import ConfirmImportForm
from import_export.results import RowResult
from unfold.contrib.import_export.forms import ImportForm, SelectableFieldsExportForm

from powdercoat.admin.mixins import can_see_prices
from powdercoat.admin.once import response_applied_once
from powdercoat.models.imports import ImportState, SpreadsheetImport
from powdercoat.resources import ImportOutcome
from powdercoat.services.import_runs import spreadsheet_import_progress
from powdercoat.services.imports import (
    spreadsheet_import_cancel,
    spreadsheet_import_confirm,
    spreadsheet_import_mark_read,
    spreadsheet_import_queue,
)
from powdercoat.services.submissions import submission_key_issue
from powdercoat.spreadsheets import (
    FORMATS,
    XLSX,
    SpreadsheetError,
    SpreadsheetPreviewStorage,
    estimate_rows,
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


# A queued file not started after this long means no worker is running.
WORKER_LATE = timedelta(minutes=1)


def _percent(done: int, rows: int) -> int:
    return min(100, round(100 * done / rows)) if rows else 0


def _progress_text(run: SpreadsheetImport, done: int) -> str:
    """What the progress bar says, in the words of the step the file is at."""
    figures = {"done": f"{min(done, run.rows):,}", "rows": f"{run.rows:,}"}
    if run.state in (ImportState.CHECK_QUEUED, ImportState.IMPORT_QUEUED):
        since = run.finished_at if run.state == ImportState.IMPORT_QUEUED else run.created_at
        if since is not None and timezone.now() - since > WORKER_LATE:
            return _(
                "Still waiting: the background worker does not seem to be running. Tell "
                "whoever looks after this system (it is started with manage.py db_worker)."
            )
        return _("Waiting for the background worker to start.")
    if done == 0:
        return _("Reading the file.")
    if run.state == ImportState.CHECKING:
        return _("Checked %(done)s of about %(rows)s rows.") % figures
    if run.state == ImportState.IMPORTING:
        if done >= run.rows:
            return _("Saving the rows.")
        return _("Imported %(done)s of about %(rows)s rows.") % figures
    return str(run.get_state_display())


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

    def get_urls(self):
        """The import page's own pages for a file checked and imported in the background."""
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path(
                "import/<int:import_id>/",
                view(self.background_import_view),
                name=f"{prefix}_background_import",
            ),
            path(
                "import/<int:import_id>/progress/",
                view(self.background_import_progress),
                name=f"{prefix}_background_import_progress",
            ),
            path(
                "import/<int:import_id>/confirm/",
                view(self.background_import_confirm),
                name=f"{prefix}_background_import_confirm",
            ),
            path(
                "import/<int:import_id>/cancel/",
                view(self.background_import_cancel),
                name=f"{prefix}_background_import_cancel",
            ),
            *super().get_urls(),
        ]

    def get_import_context_data(self, **kwargs):
        """The import page's help: what the key is and what an import leaves alone."""
        context = super().get_import_context_data(**kwargs)
        context["import_help"] = self.resource_classes[0].import_help
        return context

    def import_action(self, request, **kwargs):
        """The import page. A file too big to check inside the request goes to the background
        worker and the page follows it; a smaller one gets its preview here. Either way the
        preview is drawn from an ImportOutcome, and the person's unread background imports of
        this list are listed above the form."""
        if request.method == "POST" and self.has_import_permission(request):
            form = self.create_import_form(request)
            if form.is_valid():
                queued = self._queue_if_big(request, form)
                if queued is not None:
                    return queued
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None)
        if context is not None:
            result = context.get("result")
            if result is not None:
                context["outcome"] = result.outcome()
            context["background_imports"] = list(
                SpreadsheetImport.objects.of_list(request.user, self.opts.label_lower).unread()[:10]
            )
        return response

    def _queue_if_big(self, request, form):
        """Queue a file of more than SPREADSHEET_BACKGROUND_ROWS rows; None for a smaller one."""
        upload = form.cleaned_data["import_file"]
        input_format = self.get_import_formats()[int(form.cleaned_data["format"])]()
        data = b"".join(upload.chunks())
        try:
            rows = estimate_rows(data, input_format.get_extension())
        except SpreadsheetError:
            return None  # the preview in the request says what is wrong with the file
        if rows <= settings.SPREADSHEET_BACKGROUND_ROWS:
            return None
        storage = self.write_to_tmp_storage(upload, input_format)
        run = spreadsheet_import_queue(
            user=request.user,
            resource_class=self.choose_import_resource_class(form, request),
            file_name=upload.name,
            stored_name=storage.name,
            file_format=input_format.get_extension(),
            rows=rows,
        )
        return redirect(self._background_url(run))

    def _background_url(self, run, view: str = "background_import") -> str:
        opts = self.opts
        return reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_{view}", args=[run.pk]
        )

    def _background_run(self, request, import_id: int):
        """The person's own import into this list; anyone else's is not found."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        return get_object_or_404(
            SpreadsheetImport, pk=import_id, user=request.user, model_label=self.opts.label_lower
        )

    def background_import_view(self, request, import_id: int):
        """Where a background import stands: a progress bar while it runs, then its preview
        with Confirm import, its problems, or what it imported."""
        run = self._background_run(request, import_id)
        done, run.rows = spreadsheet_import_progress(run)
        if not run.is_running:
            spreadsheet_import_mark_read(run=run)
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import %(file)s") % {"file": run.file_name},
            "opts": self.opts,
            "run": run,
            "outcome": ImportOutcome(run.outcome),
            "percent": _percent(done, run.rows),
            "progress_text": _progress_text(run, done),
            "progress_url": self._background_url(run, "background_import_progress"),
            "confirm_url": self._background_url(run, "background_import_confirm"),
            "cancel_url": self._background_url(run, "background_import_cancel"),
            "import_url": self._import_url(),
            "list_url": reverse(
                f"{self.admin_site.name}:{self.opts.app_label}_{self.opts.model_name}_changelist"
            ),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/powdercoat/spreadsheet_import_run.html", context)

    def background_import_progress(self, request, import_id: int):
        """The progress bar's figures, read by the page every second while the import runs."""
        run = self._background_run(request, import_id)
        done, run.rows = spreadsheet_import_progress(run)
        return JsonResponse(
            {
                "state": run.state,
                "label": str(run.get_state_display()),
                "running": run.is_running,
                "done": min(done, run.rows),
                "rows": run.rows,
                "percent": _percent(done, run.rows),
                "text": _progress_text(run, done),
            }
        )

    @method_decorator(require_POST)
    def background_import_confirm(self, request, import_id: int):
        """Confirm import of a checked file: queued once, however often the button is pressed."""
        run = self._background_run(request, import_id)
        if not spreadsheet_import_confirm(run=run):
            messages.info(request, _("This file is already being imported, or is finished."))
        return redirect(self._background_url(run))

    @method_decorator(require_POST)
    def background_import_cancel(self, request, import_id: int):
        """Drop a checked file without importing anything."""
        run = self._background_run(request, import_id)
        if spreadsheet_import_cancel(run=run):
            messages.info(request, _("%(file)s was not imported.") % {"file": run.file_name})
            return redirect(self._import_url())
        messages.info(request, _("This file is already being imported, or is finished."))
        return redirect(self._background_url(run))

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
