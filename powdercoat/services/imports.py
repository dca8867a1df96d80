"""Big spreadsheet imports in the background: queue a file, check it, import it once, report.

A file of more than SPREADSHEET_BACKGROUND_ROWS rows would keep a web worker busy past its
timeout (50,000 rows take 30-40 s to check on a 2-core machine), so the import page hands it
to the task worker (powdercoat/tasks.py) and shows a progress bar instead. The worker checks
the file exactly as the page would (a dry run that saves nothing), keeps what it found on the
SpreadsheetImport row, and imports it only after the person presses Confirm import; all or
nothing, as in the request.

Progress is written to a small file beside the upload, not to the database: the check runs in
one transaction, and on SQLite that transaction holds the only write lock.
"""

import json
import logging
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from powdercoat import tasks as background
from powdercoat.models.imports import RUNNING_STATES, ImportState, SpreadsheetImport
from powdercoat.resources import ImportOutcome
from powdercoat.spreadsheets import FORMATS, SpreadsheetError, SpreadsheetPreviewStorage

logger = logging.getLogger(__name__)

# Progress is written at most this often (rows): often enough for a smooth bar, rarely enough
# to cost nothing.
PROGRESS_EVERY_ROWS = 250
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
    _write_progress(run, 0)
    transaction.on_commit(lambda: background.spreadsheet_check.enqueue(run.pk), robust=True)
    return run


def spreadsheet_import_check(*, import_id: int) -> None:
    """Check a queued file as its preview would (a dry run): keep the totals, the problems and
    the first rows' changes on the row, and wait for Confirm import."""
    if not _claim(import_id, ImportState.CHECK_QUEUED, ImportState.CHECKING):
        return
    run = SpreadsheetImport.objects.get(pk=import_id)
    outcome = _run(run, dry_run=True)
    if outcome is None:
        return
    _finish(
        run,
        ImportState.REFUSED if outcome.has_problems else ImportState.CHECKED,
        outcome,
        remove_file=outcome.has_problems,
    )


def spreadsheet_import_confirm(*, run: SpreadsheetImport) -> bool:
    """Queue the import of a checked file; False when it is not waiting for a confirm (pressed
    twice, cancelled, or already imported), so a double click imports once."""
    moved = SpreadsheetImport.objects.filter(pk=run.pk, state=ImportState.CHECKED).update(
        state=ImportState.IMPORT_QUEUED, read_at=None
    )
    if moved:
        _write_progress(run, 0)
        transaction.on_commit(lambda: background.spreadsheet_apply.enqueue(run.pk), robust=True)
    return bool(moved)


def spreadsheet_import_cancel(*, run: SpreadsheetImport) -> bool:
    """Drop a checked file without importing it; False when it is past that point."""
    moved = SpreadsheetImport.objects.filter(pk=run.pk, state=ImportState.CHECKED).update(
        state=ImportState.CANCELLED, finished_at=timezone.now()
    )
    if moved:
        _remove_files(run)
    return bool(moved)


def spreadsheet_import_apply(*, import_id: int) -> None:
    """Import a confirmed file, every row or none; what changed since the check refuses it."""
    if not _claim(import_id, ImportState.IMPORT_QUEUED, ImportState.IMPORTING):
        return
    run = SpreadsheetImport.objects.get(pk=import_id)
    outcome = _run(run, dry_run=False)
    if outcome is None:
        return
    _finish(
        run,
        ImportState.REFUSED if outcome.has_problems else ImportState.IMPORTED,
        outcome,
        remove_file=True,
    )


def spreadsheet_import_mark_read(*, run: SpreadsheetImport) -> None:
    """The person has seen how a finished import ended: it leaves the import page's list."""
    if not run.is_running and run.read_at is None:
        SpreadsheetImport.objects.filter(pk=run.pk).update(read_at=timezone.now())


def spreadsheet_import_progress(run: SpreadsheetImport) -> tuple[int, int]:
    """(rows read, rows in the file) of the current step. The file's rows are the upload's
    estimate until the worker has read the file and counted them."""
    try:
        progress = json.loads(_progress_path(run).read_text())
        return int(progress["done"]), int(progress.get("rows") or run.rows)
    except (OSError, ValueError, KeyError, TypeError):
        return 0, run.rows


# -- inside the worker ------------------------------------------------------------------------


def _claim(import_id: int, waiting: str, working: str) -> bool:
    """Move the row from waiting to working; False if another worker took it or it is gone."""
    return bool(SpreadsheetImport.objects.filter(pk=import_id, state=waiting).update(state=working))


def _run(run: SpreadsheetImport, *, dry_run: bool) -> ImportOutcome | None:
    """Read the file and run the import (a dry run for the check) in one transaction; None when
    it stopped, with the reason kept on the row."""
    try:
        with transaction.atomic():
            return _import(run, dry_run=dry_run)
    except FileNotFoundError:
        _stop(run, _("The uploaded file is no longer on the server. Upload it again, please."))
    except SpreadsheetError as error:
        _stop(run, str(error), state=ImportState.REFUSED)
    except Exception:
        logger.exception("Background import %s stopped", run.pk)
        _stop(
            run,
            _(
                "The import stopped with an error and saved nothing. Try again; if it stops "
                "again, tell whoever looks after this system (the error is in its log)."
            ),
        )
    return None


def _import(run: SpreadsheetImport, *, dry_run: bool) -> ImportOutcome:
    resource = import_string(run.resource_path)()
    formats: list[Any] = [kind() for kind in FORMATS]
    file_format = next(kind for kind in formats if kind.get_extension() == run.file_format)
    storage = SpreadsheetPreviewStorage(name=run.stored_name, read_mode="rb")

    dataset = file_format.create_dataset(storage.read())
    # The true count replaces the upload's estimate (a CSV cell with a line break counted twice).
    run.rows = len(dataset)
    _write_progress(run, 0)

    def on_row(number: int) -> None:
        if number % PROGRESS_EVERY_ROWS == 0:
            _write_progress(run, number)

    resource.on_row = on_row
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        file_name=run.file_name,
        user=run.user,
        retain_instance_in_row_result=not dry_run,
    )
    _write_progress(run, len(dataset))
    outcome: ImportOutcome = result.outcome()
    if not dry_run and not outcome.has_problems:
        _log_rows(run, result)
    return outcome


def _log_rows(run: SpreadsheetImport, result: Any) -> None:
    """The admin's history of each new and changed record, as an import in the request writes
    it (import-export's LogEntry rows)."""
    for kind, flag in (("new", ADDITION), ("update", CHANGE)):
        instances = [row.instance for row in result if row.import_type == kind]
        if len(instances) == 1:
            LogEntry.objects.log_actions(
                run.user_id, instances, flag, _log_message(kind), single_object=True
            )
        elif instances:
            LogEntry.objects.log_actions(run.user_id, instances, flag, _log_message(kind))


def _log_message(kind: str) -> str:
    return _("%(kind)s through a spreadsheet import") % {"kind": kind}


def _finish(
    run: SpreadsheetImport, state: str, outcome: ImportOutcome, *, remove_file: bool
) -> None:
    SpreadsheetImport.objects.filter(pk=run.pk).update(
        state=state,
        outcome=outcome.data,
        rows=outcome.data.get("total_rows", run.rows),
        finished_at=timezone.now(),
        read_at=None,
    )
    if remove_file:
        _remove_files(run)


def _stop(run: SpreadsheetImport, message: str, *, state: str = ImportState.FAILED) -> None:
    _finish(
        run,
        state,
        ImportOutcome({"problems": [message], "problem_count": 1}),
        remove_file=True,
    )


def _progress_path(run: SpreadsheetImport) -> Path:
    return SpreadsheetPreviewStorage.folder() / f"{os.path.basename(run.stored_name)}.progress"


def _write_progress(run: SpreadsheetImport, done: int) -> None:
    """Replace the progress file in one step, so a reader never sees half of it."""
    path = _progress_path(run)
    partial_path = path.with_name(f"{path.name}.part")
    partial_path.write_text(json.dumps({"done": done, "rows": run.rows}))
    os.replace(partial_path, path)


def _remove_files(run: SpreadsheetImport) -> None:
    folder = SpreadsheetPreviewStorage.folder()
    for path in (folder / os.path.basename(run.stored_name), _progress_path(run)):
        path.unlink(missing_ok=True)
