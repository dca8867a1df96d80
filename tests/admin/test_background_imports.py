"""Big spreadsheets go to the background worker: progress, preview, confirm once, result kept."""

from datetime import timedelta

import pytest
from django.contrib.admin.models import ADDITION, LogEntry
from django.urls import reverse
from django.utils import timezone

from powdercoat.models import Customer, SpreadsheetImport
from powdercoat.models.imports import ImportState
from powdercoat.resources import CustomerResource
from powdercoat.services import import_runs, imports
from powdercoat.spreadsheets import SpreadsheetPreviewStorage, estimate_rows
from tests.admin.test_spreadsheets_admin import CUSTOMERS, upload
from tests.factories import CustomerFactory, UserFactory
from tests.spreadsheet_files import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

HEADERS = ["Email", "Company name", "Contact name", "Discount %"]


@pytest.fixture(autouse=True)
def small_threshold(settings, tmp_path):
    """Files of more than three rows count as big here; previews go to a folder of the test."""
    settings.SPREADSHEET_BACKGROUND_ROWS = 3
    settings.SPREADSHEET_PREVIEW_DIR = tmp_path / "previews"


def _customers(count: int, *extra) -> bytes:
    rows = [[f"buyer{n}@shop.example", f"Fab {n}", f"Buyer {n}", "5"] for n in range(count)]
    return csv_bytes([HEADERS, *rows, *extra])


def _run_url(run, view="background_import") -> str:
    return reverse(f"{CUSTOMERS}_{view}", args=[run.pk])


def _upload_big(client, data: bytes, captured, name="customers.csv"):
    """Upload and let the worker (the immediate task backend, on commit) check the file."""
    with captured(execute=True):
        response = upload(client, CUSTOMERS, name, data)
    run = SpreadsheetImport.objects.latest("pk")
    assert response.status_code == 302
    assert response["Location"] == _run_url(run)
    run.refresh_from_db()
    return run


def test_a_big_file_is_checked_in_the_background_then_imported_once_on_confirm(
    company, office_client, office_user, django_capture_on_commit_callbacks
):
    """Five rows: checked by the worker, preview with Confirm; two presses import once."""
    run = _upload_big(office_client, _customers(5), django_capture_on_commit_callbacks)
    assert run.state == ImportState.CHECKED
    assert run.rows == 5
    assert not Customer.objects.exists()

    page = office_client.get(_run_url(run)).content.decode()
    assert "This file has 5 rows: 5 new, 0 to update, 0 already up to date" in page
    assert page.count('class="data-row new') == 5
    assert "Confirm import" in page

    with django_capture_on_commit_callbacks(execute=True):
        first = office_client.post(_run_url(run, "background_import_confirm"))
    with django_capture_on_commit_callbacks(execute=True):
        second = office_client.post(_run_url(run, "background_import_confirm"), follow=True)
    assert first.status_code == 302
    assert "This file is already being imported, or is finished." in second.content.decode()

    assert Customer.objects.count() == 5
    run.refresh_from_db()
    assert run.state == ImportState.IMPORTED
    done = office_client.get(_run_url(run)).content.decode()
    assert "Imported 5 rows: 5 new, 0 updated, 0 already up to date." in done
    # The admin's history and the records' own history, as an import in the request writes.
    assert LogEntry.objects.filter(action_flag=ADDITION, user=office_user).count() == 5
    assert Customer.history.filter(history_type="+", history_user=office_user).count() == 5
    # The upload and its progress file are gone once imported.
    assert list(SpreadsheetPreviewStorage.folder().iterdir()) == []


def test_a_small_file_still_gets_its_preview_in_the_request(company, office_client):
    """Three rows stay below the threshold: the preview page, no background import."""
    response = upload(office_client, CUSTOMERS, "few.csv", _customers(3))
    assert response.status_code == 200
    assert response.context["confirm_form"] is not None
    assert "This file has 3 rows: 3 new" in response.content.decode()
    assert not SpreadsheetImport.objects.exists()


def test_while_waiting_the_page_shows_a_progress_bar_and_the_import_page_lists_it(
    company, office_client
):
    """No worker has run yet: the page waits with a bar, the JSON says so, the list links it."""
    response = upload(office_client, CUSTOMERS, "customers.csv", _customers(5))
    run = SpreadsheetImport.objects.get()
    assert response.status_code == 302
    assert run.state == ImportState.CHECK_QUEUED

    page = office_client.get(_run_url(run)).content.decode()
    assert "data-import-progress" in page
    assert "Waiting for the background worker to start." in page
    assert "powdercoat/import_progress.js" in page

    progress = office_client.get(_run_url(run, "background_import_progress")).json()
    assert progress == {
        "state": "check_queued",
        "label": "Waiting to be checked",
        "running": True,
        "done": 0,
        "rows": 5,
        "percent": 0,
        "text": "Waiting for the background worker to start.",
    }
    listing = office_client.get(reverse(f"{CUSTOMERS}_import")).content.decode()
    assert f'href="{_run_url(run)}">customers.csv</a>: Waiting to be checked' in listing

    # A minute later with no worker, the page says so.
    SpreadsheetImport.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - timedelta(minutes=2)
    )
    page = office_client.get(_run_url(run)).content.decode()
    assert "Still waiting: the background worker does not seem to be running." in page


def test_the_worker_reports_progress_as_it_reads_rows(company, office_user, monkeypatch):
    """The progress file follows the rows read; the page reads it while the check runs."""
    monkeypatch.setattr(import_runs, "PROGRESS_EVERY_ROWS", 2)
    seen = []
    real_write = import_runs.write_progress
    monkeypatch.setattr(
        import_runs, "write_progress", lambda run, done: (seen.append(done), real_write(run, done))
    )
    storage = SpreadsheetPreviewStorage(read_mode="rb")
    storage.save(_customers(5))
    run = imports.spreadsheet_import_queue(
        user=office_user,
        resource_class=CustomerResource,
        file_name="customers.csv",
        stored_name=storage.name,
        file_format="csv",
        rows=5,
    )
    import_runs.spreadsheet_import_check(import_id=run.pk)
    assert seen == [0, 2, 4, 5]  # the file read; every second row; the end
    assert import_runs.spreadsheet_import_progress(run) == (5, 5)
    run.refresh_from_db()
    assert run.state == ImportState.CHECKED


def test_a_big_file_with_a_bad_row_is_refused_with_its_problem(
    company, office_client, django_capture_on_commit_callbacks
):
    """One bad row among five: the problem with its row and column, no Confirm, nothing saved."""
    data = _customers(4, ["bad@shop.example", "Bad", "Bad", "150"])
    run = _upload_big(office_client, data, django_capture_on_commit_callbacks)
    assert run.state == ImportState.REFUSED
    page = office_client.get(_run_url(run)).content.decode()
    assert "row 6, Discount %: must be a number from 0 to 100, got &#x27;150&#x27;" in page
    assert "Confirm import" not in page
    assert "Upload a corrected file" in page
    assert not Customer.objects.exists()
    # Refused files are not kept; confirming one anyway does nothing.
    assert list(SpreadsheetPreviewStorage.folder().iterdir()) == []
    office_client.post(_run_url(run, "background_import_confirm"))
    run.refresh_from_db()
    assert run.state == ImportState.REFUSED


def test_data_changed_between_check_and_confirm_imports_nothing(
    company, office_client, django_capture_on_commit_callbacks
):
    """A name that became ambiguous after the check refuses the whole file at import time."""
    known = CustomerFactory(email="old@x.example", contact_name="Old Name")
    data = csv_bytes(
        [
            ["Email", "Contact name"],
            ["old@x.example", "New Name"],
            ["", "Pat Quinn"],
            ["new@x.example", "New Person"],
            ["new2@x.example", "Other Person"],
        ]
    )
    run = _upload_big(office_client, data, django_capture_on_commit_callbacks)
    assert run.state == ImportState.CHECKED
    for _ in range(2):
        CustomerFactory(email="", company_name="", contact_name="Pat Quinn", customer_type="retail")
    with django_capture_on_commit_callbacks(execute=True):
        office_client.post(_run_url(run, "background_import_confirm"))
    run.refresh_from_db()
    assert run.state == ImportState.REFUSED
    page = office_client.get(_run_url(run)).content.decode()
    assert "row 3: the name &#x27;pat quinn&#x27; and no email matches 2" in page
    known.refresh_from_db()
    assert known.contact_name == "Old Name"
    assert not Customer.objects.filter(email__startswith="new").exists()


def test_cancel_drops_the_file_and_imports_nothing(
    company, office_client, django_capture_on_commit_callbacks
):
    """Cancel after the check: the file is deleted, a later Confirm does nothing."""
    run = _upload_big(office_client, _customers(5), django_capture_on_commit_callbacks)
    response = office_client.post(_run_url(run, "background_import_cancel"), follow=True)
    assert "customers.csv was not imported." in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        office_client.post(_run_url(run, "background_import_confirm"))
    run.refresh_from_db()
    assert run.state == ImportState.CANCELLED
    assert not Customer.objects.exists()
    assert list(SpreadsheetPreviewStorage.folder().iterdir()) == []


def test_a_script_in_a_cell_shows_as_text_in_the_background_preview(
    company, office_client, django_capture_on_commit_callbacks
):
    """The kept preview is drawn escaped, as the one made in the request."""
    data = _customers(4, ["x@shop.example", "<script>alert(1)</script>", "Eve", "0"])
    run = _upload_big(office_client, data, django_capture_on_commit_callbacks)
    page = office_client.get(_run_url(run)).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_only_the_uploader_sees_a_background_import(
    company, office_client, floor_client, django_capture_on_commit_callbacks, client
):
    """Another office user gets 404 (no such import for them); Shop Floor is refused."""
    run = _upload_big(office_client, _customers(5), django_capture_on_commit_callbacks)
    other = UserFactory(username="other-office", is_staff=True)
    other.groups.set(run.user.groups.all())
    client.force_login(other)
    for view in ("background_import", "background_import_progress"):
        assert client.get(_run_url(run, view)).status_code == 404
        assert floor_client.get(_run_url(run, view)).status_code == 403
    assert client.post(_run_url(run, "background_import_confirm")).status_code == 404
    assert floor_client.post(_run_url(run, "background_import_cancel")).status_code == 403
    assert office_client.get(_run_url(run, "background_import_confirm")).status_code == 405
    run.refresh_from_db()
    assert run.state == ImportState.CHECKED


def test_a_finished_import_leaves_the_list_once_read(
    company, office_client, django_capture_on_commit_callbacks
):
    """The import page lists a finished file until its page has been opened once."""
    data = _customers(4, ["x@shop.example", "", "", "150"])
    run = _upload_big(office_client, data, django_capture_on_commit_callbacks)
    import_page = reverse(f"{CUSTOMERS}_import")
    assert (
        "customers.csv</a>: Refused: problems in the file"
        in office_client.get(import_page).content.decode()
    )
    office_client.get(_run_url(run))
    assert "customers.csv" not in office_client.get(import_page).content.decode()


def test_a_file_gone_from_the_server_stops_with_a_message(
    company, office_client, django_capture_on_commit_callbacks
):
    """An upload deleted before the import (a cleanup, a second server) says so in words."""
    run = _upload_big(office_client, _customers(5), django_capture_on_commit_callbacks)
    (SpreadsheetPreviewStorage.folder() / run.stored_name).unlink()
    with django_capture_on_commit_callbacks(execute=True):
        office_client.post(_run_url(run, "background_import_confirm"))
    run.refresh_from_db()
    assert run.state == ImportState.FAILED
    page = office_client.get(_run_url(run)).content.decode()
    assert "The uploaded file is no longer on the server. Upload it again, please." in page
    assert not Customer.objects.exists()


def test_an_error_in_the_worker_saves_nothing_and_says_so(
    company, office_client, django_capture_on_commit_callbacks, monkeypatch
):
    """A crash after every row was written (here: writing the admin's log) rolls them all
    back; the page says what to do."""
    run = _upload_big(office_client, _customers(5), django_capture_on_commit_callbacks)

    def crash(run, result):
        assert Customer.objects.count() == 5
        raise RuntimeError("disk full")

    monkeypatch.setattr(import_runs, "_log_rows", crash)
    with django_capture_on_commit_callbacks(execute=True):
        office_client.post(_run_url(run, "background_import_confirm"))
    run.refresh_from_db()
    assert run.state == ImportState.FAILED
    page = office_client.get(_run_url(run)).content.decode()
    assert "The import stopped with an error and saved nothing." in page
    assert not Customer.objects.exists()


@pytest.mark.parametrize(
    ("data", "extension", "rows"),
    [
        (b"Email\na@b\nc@d\n", "csv", 2),
        (b"Email\na@b\nc@d", "csv", 2),
        (b"Email\n", "csv", 0),
        (xlsx_bytes([["Email"], *[[f"{n}@b"] for n in range(40)]]), "xlsx", 40),
    ],
)
def test_rows_are_estimated_without_reading_the_file(data, extension, rows):
    """Line ends of a CSV, the declared size of an .xlsx sheet."""
    assert estimate_rows(data, extension) == rows


def test_finished_imports_are_forgotten_after_30_days(
    company, office_client, django_capture_on_commit_callbacks
):
    """A new upload deletes finished imports older than 30 days; running ones stay."""
    old = _upload_big(office_client, _customers(5), django_capture_on_commit_callbacks)
    SpreadsheetImport.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    stuck = SpreadsheetImport.objects.create(
        user=old.user,
        model_label=old.model_label,
        resource_path=old.resource_path,
        file_name="stuck.csv",
        stored_name="preview-stuck0000000000000000000",
        file_format="csv",
        rows=5,
        state=ImportState.CHECKING,
    )
    SpreadsheetImport.objects.filter(pk=stuck.pk).update(
        created_at=timezone.now() - timedelta(days=31)
    )
    upload(office_client, CUSTOMERS, "new.csv", _customers(5))
    assert set(SpreadsheetImport.objects.values_list("file_name", flat=True)) == {
        "stuck.csv",
        "new.csv",
    }


def test_the_estimate_gives_way_to_the_true_row_count(
    company, office_client, django_capture_on_commit_callbacks
):
    """Addresses with line breaks make a CSV look twice as long; once read, the count is true."""
    rows = [[f"b{n}@shop.example", "", f"Buyer {n}", "0", "1 Main St\nTulsa"] for n in range(5)]
    data = csv_bytes([[*HEADERS, "Billing address"], *rows])
    assert estimate_rows(data, "csv") == 10
    run = _upload_big(office_client, data, django_capture_on_commit_callbacks)
    assert run.rows == 5
    progress = office_client.get(_run_url(run, "background_import_progress")).json()
    assert (progress["done"], progress["rows"]) == (5, 5)
    assert "This file has 5 rows: 5 new" in office_client.get(_run_url(run)).content.decode()


def test_a_kept_preview_edited_in_the_database_is_drawn_escaped(
    company, office_client, django_capture_on_commit_callbacks
):
    """Only import-export's own diff markup is drawn as HTML; a cell holding anything else
    (here a row edited behind the app's back) is shown as text."""
    run = _upload_big(office_client, _customers(5), django_capture_on_commit_callbacks)
    outcome = dict(run.outcome)
    outcome["rows"] = [
        {"kind": "new", "cells": ['<ins style="background:#e6ffe6;">kept</ins>']},
        {"kind": "new", "cells": ["<img src=x onerror=alert(1)>"]},
    ]
    SpreadsheetImport.objects.filter(pk=run.pk).update(outcome=outcome)
    page = office_client.get(_run_url(run)).content.decode()
    assert '<ins style="background:#e6ffe6;">kept</ins>' in page
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
