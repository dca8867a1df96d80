"""Running a big spreadsheet import in the task worker: check the file, import it, report.

The worker's half of background imports (the request's half, queueing and confirming, is in
powdercoat/services/imports.py): it checks a file exactly as its preview would (a dry run that
saves nothing), keeps what it found on the SpreadsheetImport row, and imports it, all or
nothing, once confirmed. Progress is written to a small file beside the upload, not to the
database: a step runs in one transaction, and on SQLite that transaction holds the only write
lock.
"""

import json
import logging
import os
from pathlib import Path
from typing import Any

from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from powdercoat.models.imports import ImportState, SpreadsheetImport
from powdercoat.resources import ImportOutcome
from powdercoat.spreadsheets import FORMATS, SpreadsheetError, SpreadsheetPreviewStorage

logger = logging.getLogger(__name__)

# Progress is written at most this often (rows): often enough for a smooth bar, rarely enough
# to cost nothing.
PROGRESS_EVERY_ROWS = 250


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


def spreadsheet_import_progress(run: SpreadsheetImport) -> tuple[int, int]:
    """(rows read, rows in the file) of the current step. The file's rows are the upload's
    estimate until the worker has read the file and counted them."""
    try:
        progress = json.loads(progress_path(run).read_text())
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
    write_progress(run, 0)

    def on_row(number: int) -> None:
        if number % PROGRESS_EVERY_ROWS == 0:
            write_progress(run, number)

    resource.on_row = on_row
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        file_name=run.file_name,
        user=run.user,
        retain_instance_in_row_result=not dry_run,
    )
    write_progress(run, len(dataset))
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
        remove_files(run)


def _stop(run: SpreadsheetImport, message: str, *, state: str = ImportState.FAILED) -> None:
    _finish(
        run,
        state,
        ImportOutcome({"problems": [message], "problem_count": 1}),
        remove_file=True,
    )


def progress_path(run: SpreadsheetImport) -> Path:
    """The progress file of a run, beside its upload."""
    return SpreadsheetPreviewStorage.folder() / f"{os.path.basename(run.stored_name)}.progress"


def write_progress(run: SpreadsheetImport, done: int) -> None:
    """Replace the progress file in one step, so a reader never sees half of it."""
    path = progress_path(run)
    partial_path = path.with_name(f"{path.name}.part")
    partial_path.write_text(json.dumps({"done": done, "rows": run.rows}))
    os.replace(partial_path, path)


def remove_files(run: SpreadsheetImport) -> None:
    """Delete a run's upload and progress file (it is imported, refused or dropped)."""
    folder = SpreadsheetPreviewStorage.folder()
    for path in (folder / os.path.basename(run.stored_name), progress_path(run)):
        path.unlink(missing_ok=True)
