"""Big spreadsheet imports in the background, the request's half: queue, confirm, cancel, read.

A file of more than SPREADSHEET_BACKGROUND_ROWS rows would keep a web worker busy past its
timeout (50,000 rows take 30-40 s to check on a 2-core machine), so the import page hands it
to the task worker (powdercoat/tasks.py, running powdercoat/services/import_runs.py) and shows
a progress bar instead. The file is imported only after the person presses Confirm import,
once however often it is pressed.
"""

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from powdercoat import tasks as background
from powdercoat.models.imports import RUNNING_STATES, ImportState, SpreadsheetImport
from powdercoat.services.import_runs import remove_files, write_progress

# How long a finished background import stays readable.
KEEP_FINISHED = timedelta(days=30)


def spreadsheet_import_queue(
    *,
    user: User,
    resource_class: Any,
    file_name: str,
    stored_name: str,
    file_format: str,
    rows: int,
) -> SpreadsheetImport:
    """Record an uploaded file (already in the preview folder) and queue its check; forget the
    finished imports older than KEEP_FINISHED (their previews are kept in the rows)."""
    SpreadsheetImport.objects.filter(created_at__lt=timezone.now() - KEEP_FINISHED).exclude(
        state__in=RUNNING_STATES
    ).delete()
    model = resource_class._meta.model
    run = SpreadsheetImport.objects.create(
        user=user,
        model_label=model._meta.label_lower,
        resource_path=f"{resource_class.__module__}.{resource_class.__qualname__}",
        file_name=file_name[:255],
        stored_name=stored_name,
        file_format=file_format,
        rows=rows,
        state=ImportState.CHECK_QUEUED,
    )
    write_progress(run, 0)
    transaction.on_commit(lambda: background.spreadsheet_check.enqueue(run.pk), robust=True)
    return run


def spreadsheet_import_confirm(*, run: SpreadsheetImport) -> bool:
    """Queue the import of a checked file; False when it is not waiting for a confirm (pressed
    twice, cancelled, or already imported), so a double click imports once."""
    moved = SpreadsheetImport.objects.filter(pk=run.pk, state=ImportState.CHECKED).update(
        state=ImportState.IMPORT_QUEUED, read_at=None
    )
    if moved:
        write_progress(run, 0)
        transaction.on_commit(lambda: background.spreadsheet_apply.enqueue(run.pk), robust=True)
    return bool(moved)


def spreadsheet_import_cancel(*, run: SpreadsheetImport) -> bool:
    """Drop a checked file without importing it; False when it is past that point."""
    moved = SpreadsheetImport.objects.filter(pk=run.pk, state=ImportState.CHECKED).update(
        state=ImportState.CANCELLED, finished_at=timezone.now()
    )
    if moved:
        remove_files(run)
    return bool(moved)


def spreadsheet_import_mark_read(*, run: SpreadsheetImport) -> None:
    """The person has seen how a finished import ended: it leaves the import page's list."""
    if not run.is_running and run.read_at is None:
        SpreadsheetImport.objects.filter(pk=run.pk).update(read_at=timezone.now())
