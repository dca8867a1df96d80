"""Spreadsheet imports that run in the background: a big file's preview and its confirmed import.

A file of more rows than SPREADSHEET_BACKGROUND_ROWS is checked and imported by a task
(powdercoat/tasks.py), not inside the request, so no web worker times out on it. One row here
follows that file from upload to result: what it is, where it stands, and what the check or
the import found, kept until the person who uploaded it has read it.
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportState(models.TextChoices):
    """Where a background import stands; the page polls it while it runs."""

    CHECK_QUEUED = "check_queued", _("Waiting to be checked")
    CHECKING = "checking", _("Checking")
    CHECKED = "checked", _("Checked: ready to import")
    REFUSED = "refused", _("Refused: problems in the file")
    IMPORT_QUEUED = "import_queued", _("Waiting to be imported")
    IMPORTING = "importing", _("Importing")
    IMPORTED = "imported", _("Imported")
    FAILED = "failed", _("Stopped by an error")
    CANCELLED = "cancelled", _("Cancelled")


#: States in which a task has the file in hand or is about to.
RUNNING_STATES = (
    ImportState.CHECK_QUEUED,
    ImportState.CHECKING,
    ImportState.IMPORT_QUEUED,
    ImportState.IMPORTING,
)


class SpreadsheetImportQuerySet(models.QuerySet["SpreadsheetImport"]):
    def of_list(self, user: Any, model_label: str) -> "SpreadsheetImportQuerySet":
        """One person's imports into one list, newest first."""
        return self.filter(user=user, model_label=model_label).order_by("-created_at")

    def unread(self) -> "SpreadsheetImportQuerySet":
        """Still running, or finished and not yet looked at since."""
        return self.filter(models.Q(state__in=RUNNING_STATES) | models.Q(read_at__isnull=True))


class SpreadsheetImport(models.Model):
    """One uploaded spreadsheet handled by the background worker, from check to import."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.CASCADE,
        related_name="spreadsheet_imports",
    )
    # "powdercoat.customer": the list the file goes into (its admin names the columns).
    model_label = models.CharField(_("list"), max_length=100)
    file_name = models.CharField(_("file"), max_length=255)
    # The resource that reads it ("powdercoat.resources.CustomerResource"; set by the code,
    # never by the upload), the upload's name in the preview folder (SpreadsheetPreviewStorage)
    # and its format ("csv" or "xlsx").
    resource_path = models.CharField(max_length=200)
    stored_name = models.CharField(max_length=100)
    file_format = models.CharField(max_length=10)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    state = models.CharField(
        _("state"), max_length=20, choices=ImportState.choices, default=ImportState.CHECK_QUEUED
    )
    # What the check (then the import) found: totals, problems, notes, the first rows' changes.
    outcome = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = SpreadsheetImportQuerySet.as_manager()

    class Meta:
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")
        indexes = [models.Index(fields=["user", "model_label", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    @property
    def is_running(self) -> bool:
        return self.state in RUNNING_STATES
