"""Every form that writes is applied once: the same post sent twice (a double click, a retry)
does the work once and answers the second time like the first, saying "Already recorded".

Each test goes through the real views with the test client: it opens the form as the page does
(which issues the one-time key), then posts exactly the same data twice.
"""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from powdercoat.models import (
    InventoryActivity,
    InventoryItem,
    Invoice,
    Job,
    JobNote,
    JobPhoto,
    JobTemplate,
    LineItem,
    PartIntake,
    Payment,
    Quote,
    ReworkRecord,
    StatusChange,
    Submission,
    TimeEntry,
)
from powdercoat.models.choices import ActivityKind, JobStatus, Priority, QuoteStatus
from powdercoat.services.inventory import material_usage_log
from tests.factories import (
    CustomerFactory,
    JobTemplateFactory,
    LineItemCoatFactory,
    LineItemFactory,
    PowderFactory,
    QuoteFactory,
    QuoteLineItemFactory,
    TemplateLineItemFactory,
    WorkerFactory,
    invoiced_job,
    job_at,
    paid,
)
from tests.helpers import form_data, page_key
from tests.shop_floor import floor_job
from tests.spreadsheet_files import csv_bytes
from tests.views.test_item_wizard import follow, step, walk_calculated
from tests.views.test_item_wizard import shop as shop

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def supervisor_client(supervisor_user, client):
    """A browser session of the shop lead."""
    client.force_login(supervisor_user)
    return client


def _messages(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def _change(model: str, pk) -> str:
    return reverse(f"admin:powdercoat_{model}_change", args=[pk])


def _action(model: str, pk, path: str) -> str:
    return _change(model, pk).removesuffix("change/") + f"{path}/"


def _post_twice(client, url: str, changes: dict, **extra):
    """Open the form as the page does, fill it in, and send the very same post twice."""
    data = form_data(client.get(url, **extra).content.decode())
    data.update(changes)
    first = client.post(url, data, **extra)
    second = client.post(url, data, **extra)
    return first, second


# -- the admin's dialogs ---------------------------------------------------------------------


@dataclass
class Dialog:
    """A dialog to double-submit: where it is, what to type, and what must exist once."""

    url: str
    changes: dict
    count: object  # a callable giving the number of records the dialog creates


def _payment():
    invoice = invoiced_job()
    return Dialog(
        _action("invoice", invoice.pk, "add-payment"),
        {"amount": "40.00", "method": "check", "reference": "1234"},
        lambda: Payment.objects.filter(invoice=invoice).count(),
    )


def _log_material():
    powder = PowderFactory(name="Gloss black", opening_stock=Decimal("20"))
    job = job_at(JobStatus.COATING)
    LineItemCoatFactory(item=LineItemFactory(job=job), powder=powder)
    return Dialog(
        _action("job", job.pk, "log-material"),
        {"item": str(powder.pk), "lbs": "0.5"},
        lambda: InventoryActivity.objects.filter(job=job, kind=ActivityKind.USAGE).count(),
    )


def _note():
    job = job_at(JobStatus.COATING)
    return Dialog(
        _action("job", job.pk, "add-note"),
        {"text": "Masked the threads"},
        lambda: JobNote.objects.filter(job=job).count(),
    )


def _time():
    job = job_at(JobStatus.COATING)
    worker = WorkerFactory()
    return Dialog(
        _action("job", job.pk, "log-time"),
        {"worker": str(worker.pk), "hours": "1.5", "started_at": "", "ended_at": ""},
        lambda: TimeEntry.objects.filter(job=job).count(),
    )


def _rework():
    job = job_at(JobStatus.QUALITY_CHECK)
    return Dialog(
        _action("job", job.pk, "record-rework"),
        {"kind": "recoat", "reason": "orange_peel"},
        lambda: ReworkRecord.objects.filter(job=job).count(),
    )


def _intake():
    job = job_at(JobStatus.APPROVED)
    return Dialog(
        _action("job", job.pk, "intake"),
        {"expected_count": "4", "actual_count": "4"},
        lambda: PartIntake.objects.filter(job=job).count(),
    )


def _advance():
    job = job_at(JobStatus.COATING)
    return Dialog(
        _action("job", job.pk, "advance"),
        {"note": ""},
        lambda: StatusChange.objects.filter(job=job, transition="advance").count(),
    )


def _quick_change():
    job = job_at(JobStatus.COATING)
    return Dialog(
        _action("job", job.pk, "quick-change"),
        {"status": JobStatus.QUALITY_CHECK, "note": "Skipped curing by mistake"},
        lambda: StatusChange.objects.filter(job=job, transition="set_status").count(),
    )


def _create_invoice():
    job = job_at(JobStatus.COMPLETED)
    LineItemFactory(job=job)
    return Dialog(
        _action("job", job.pk, "create-invoice"),
        {},
        lambda: Invoice.objects.filter(job=job).count(),
    )


def _send_invoice():
    invoice = invoiced_job(customer=CustomerFactory(email="ap@ridge.example"))
    return Dialog(_action("invoice", invoice.pk, "send"), {}, lambda: len(mail.outbox))


def _convert_quote():
    quote = QuoteFactory()
    QuoteLineItemFactory(quote=quote)
    Quote.objects.filter(pk=quote.pk).update(status=QuoteStatus.APPROVED)
    return Dialog(_action("quote", quote.pk, "convert"), {}, lambda: Job.objects.count())


def _clone():
    job = job_at(JobStatus.DELIVERED)
    return Dialog(
        _action("job", job.pk, "clone"), {}, lambda: Job.objects.exclude(pk=job.pk).count()
    )


def _save_as_template():
    job = job_at(JobStatus.COATING)
    LineItemFactory(job=job)
    return Dialog(
        _action("job", job.pk, "save-as-template"),
        {"name": "Patio set"},
        lambda: JobTemplate.objects.count(),
    )


def _job_from_template():
    template = JobTemplateFactory(name="Patio set")
    TemplateLineItemFactory(template=template)
    customer = CustomerFactory()
    return Dialog(
        _action("jobtemplate", template.pk, "create-job"),
        {"customer": str(customer.pk)},
        lambda: Job.objects.count(),
    )


def _reverse_payment():
    invoice = invoiced_job()
    payment = paid(invoice, "40.00")
    return Dialog(
        _action("invoice", invoice.pk, "reverse-payment") + f"?payment={payment.pk}",
        {"reason": "Entered on the wrong invoice"},
        lambda: Payment.objects.filter(reverses=payment).count(),
    )


def _reverse_usage():
    powder = PowderFactory(opening_stock=Decimal("20"))
    job = job_at(JobStatus.COATING)
    row = material_usage_log(job=job, item=powder, lbs=Decimal("0.4"), user=None)
    return Dialog(
        _action("inventoryactivity", row.pk, "reverse"),
        {"reason": "Logged on the wrong job"},
        lambda: InventoryActivity.objects.filter(reverses=row).count(),
    )


DIALOGS = {
    "payment": _payment,
    "log material": _log_material,
    "note": _note,
    "time entry": _time,
    "rework": _rework,
    "intake": _intake,
    "advance": _advance,
    "quick change": _quick_change,
    "create invoice": _create_invoice,
    "send invoice": _send_invoice,
    "convert quote": _convert_quote,
    "clone job": _clone,
    "save as template": _save_as_template,
    "job from template": _job_from_template,
    "reverse payment": _reverse_payment,
    "reverse stock row": _reverse_usage,
}


@pytest.mark.parametrize("name", DIALOGS)
def test_a_dialog_posted_twice_is_applied_once(
    name, company, office_client, django_capture_on_commit_callbacks
):
    """The same dialog post twice: one record, the same answer, and "Already recorded"."""
    dialog = DIALOGS[name]()
    before = dialog.count()
    with django_capture_on_commit_callbacks(execute=True):  # e-mails leave on commit
        first, second = _post_twice(office_client, dialog.url, dialog.changes, **HTMX)
    assert "HX-Redirect" in first.headers, first.content.decode()[:2000]
    assert dialog.count() == before + 1
    assert second.headers["HX-Redirect"] == first.headers["HX-Redirect"]
    assert "Already recorded" in _messages(second)


def test_a_repeat_says_what_the_first_post_did(company, office_client):
    """The second answer repeats the first one's words after "Already recorded"."""
    dialog = _payment()
    _first, second = _post_twice(office_client, dialog.url, dialog.changes, **HTMX)
    assert "Already recorded: $40.00 recorded on INV-" in _messages(second)


def test_a_refused_post_can_be_corrected_and_sent_with_the_same_key(company, office_client):
    """A refusal keeps nothing of the key: the corrected form goes through on its first try."""
    dialog = _time()
    data = form_data(office_client.get(dialog.url, **HTMX).content.decode())
    data.update(dialog.changes, hours="", started_at="14:00", ended_at="09:00")
    refused = office_client.post(dialog.url, data, **HTMX)
    assert "The end (09:00) must be after the start (14:00)" in refused.content.decode()
    assert not Submission.objects.exists()
    data.update(ended_at="16:00")
    accepted = office_client.post(dialog.url, data, **HTMX)
    assert "HX-Redirect" in accepted.headers
    assert TimeEntry.objects.get().hours == Decimal("2.00")


def test_a_post_without_its_key_changes_nothing_and_says_why(company, office_client):
    """A hand-made post with no key: nothing written, the dialog says to reload."""
    dialog = _note()
    data = form_data(office_client.get(dialog.url, **HTMX).content.decode())
    data.update(dialog.changes)
    del data["submission_key"]
    response = office_client.post(dialog.url, data, **HTMX)
    assert "missing its one-time key" in response.content.decode()
    assert dialog.count() == 0


def test_another_logins_key_is_refused(company, office_client, supervisor_client):
    """A key issued to one person does not apply a form for another."""
    dialog = _note()
    data = form_data(office_client.get(dialog.url, **HTMX).content.decode())
    data.update(dialog.changes)
    response = supervisor_client.post(dialog.url, data, **HTMX)
    assert "opened by another login" in response.content.decode()
    assert dialog.count() == 0


def test_a_key_older_than_a_day_is_refused(company, office_client, monkeypatch):
    """A form left open overnight and a day more is not applied; it asks to reopen it."""
    dialog = _note()
    data = form_data(office_client.get(dialog.url, **HTMX).content.decode())
    data.update(dialog.changes)
    import time

    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + 25 * 3600)
    response = office_client.post(dialog.url, data, **HTMX)
    assert "opened more than a day ago" in response.content.decode()
    assert dialog.count() == 0


# -- pages of their own ----------------------------------------------------------------------


def _png(name: str) -> SimpleUploadedFile:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_photos_uploaded_twice_are_stored_once(company, floor_client, settings, tmp_path):
    """Two photos, the upload sent twice: two photos on the job, not four."""
    settings.MEDIA_ROOT = tmp_path
    job = job_at(JobStatus.APPROVED)
    url = reverse("admin:powdercoat_job_photos_add", args=[job.pk])
    key = page_key(floor_client, url)
    responses = [
        floor_client.post(
            url,
            {"photos": [_png("a.png"), _png("b.png")], "kind": "before", "submission_key": key},
        )
        for _ in range(2)
    ]
    assert JobPhoto.objects.filter(job=job).count() == 2
    assert responses[0].url == responses[1].url
    assert "Already recorded: 2 photos added" in _messages(responses[1])


def test_wizard_finish_pressed_twice_adds_one_item(shop, office_client):
    """Finish, twice: one line item, and the second press lands on the job like the first."""
    job = job_at(JobStatus.APPROVED)
    catalog_step = follow(step(office_client, walk_calculated(office_client, job, shop)))
    data = form_data(office_client.get(catalog_step).content.decode(), "item-wizard")
    data["_finish"] = "1"
    first = office_client.post(catalog_step, data)
    second = office_client.post(catalog_step, data)
    assert LineItem.objects.filter(job=job).count() == 1
    assert second["Location"] == first["Location"] == _change("job", job.pk) + "?tab=items"
    assert "Already recorded: “17 in wheels” added." in _messages(second)


def test_remove_item_pressed_twice_answers_like_the_first(company, office_client):
    """The second Remove finds the item gone but answers "Already recorded", not 404."""
    job = job_at(JobStatus.APPROVED)
    item = LineItemFactory(job=job, description="Gate")
    url = reverse("admin:powdercoat_job_item_delete", args=[job.pk, item.pk])
    data = {"submission_key": page_key(office_client, url)}
    first = office_client.post(url, data)
    second = office_client.post(url, data)
    assert not LineItem.objects.filter(job=job).exists()
    assert second.status_code == 302
    assert second["Location"] == first["Location"]
    assert "Already recorded: “Gate” removed." in _messages(second)


def test_a_new_job_saved_twice_is_one_job(company, office_client):
    """The add form's Save pressed twice: one job, numbered once; the second lands on it."""
    customer = CustomerFactory()
    url = reverse("admin:powdercoat_job_add")
    data = form_data(office_client.get(url).content.decode(), form_id="job_form")
    data.update(customer=str(customer.pk), description="Gate", priority=str(Priority.NORMAL))
    first = office_client.post(url, data)
    second = office_client.post(url, data)
    job = Job.objects.get()
    assert first.status_code == second.status_code == 302
    assert second["Location"] == _change("job", job.pk)
    assert "Already recorded" in _messages(second)


def test_a_stock_receipt_saved_twice_adds_the_stock_once(company, office_client):
    """A receipt of 5 lb through the Activity add form, Save pressed twice: stock +5, one row."""
    powder = PowderFactory(opening_stock=Decimal("10"))
    url = reverse("admin:powdercoat_inventoryactivity_add")
    data = form_data(office_client.get(url).content.decode(), form_id="inventoryactivity_form")
    data.update(item=str(powder.pk), kind=ActivityKind.RECEIPT, quantity="5", unit_cost="")
    office_client.post(url, data)
    second = office_client.post(url, data)
    assert InventoryItem.objects.get(pk=powder.pk).quantity_on_hand == Decimal("15")
    assert InventoryActivity.objects.filter(item=powder, kind=ActivityKind.RECEIPT).count() == 1
    assert "Already recorded" in _messages(second)


def test_an_import_confirmed_twice_is_imported_once(company, office_client):
    """Confirm import pressed twice: the second press does not import again."""
    data = csv_bytes(
        [
            ["Type", "Company name", "Contact name", "Email"],
            ["Commercial", "Ridge Fab", "Al", "al@r.example"],
        ]
    )
    preview = office_client.post(
        reverse("admin:powdercoat_customer_import"),
        {
            "resource": "0",
            "format": "",
            "import_file": SimpleUploadedFile("customers.csv", data),
        },
    )
    confirm = preview.context["confirm_form"].initial
    url = reverse("admin:powdercoat_customer_process_import")
    first = office_client.post(url, confirm)
    second = office_client.post(url, confirm)
    assert first.status_code == second.status_code == 302
    assert second["Location"] == first["Location"]
    assert "Already recorded: Imported 1 new" in _messages(second)


# -- the shop-floor pages --------------------------------------------------------------------


def test_phone_advance_sent_twice_moves_one_stage(company, floor_client):
    """A double tap on Advance: Coating → Curing once; the second card says Already recorded."""
    job = floor_job(JobStatus.COATING)
    data = {
        "move": "advance",
        "seen_status": job.status,
        "submission_key": page_key(floor_client, reverse("admin_views:shop_mobile")),
    }
    url = reverse("admin_views:shop_mobile_advance", args=[job.number])
    floor_client.post(url, data, **HTMX)
    second = floor_client.post(url, data, **HTMX)
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
    assert StatusChange.objects.filter(job=job, transition="advance").count() == 1
    html = second.content.decode()
    assert f"Already recorded: {job.number}: Coating → Curing." in html
    assert "m-note--ok" in html


def test_bump_page_advance_sent_twice_moves_one_stage(company, floor_client):
    """The QR page's Advance pressed twice: one stage, and a friendly second answer."""
    job = floor_job(JobStatus.COATING)
    url = reverse("admin_views:job_bump", args=[job.number])
    data = {
        "move": "advance",
        "seen_status": job.status,
        "submission_key": page_key(floor_client, url),
    }
    floor_client.post(url, data)
    second = floor_client.post(url, data, follow=True)
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
    assert f"Already recorded: {job.number}: Coating → Curing." in second.content.decode()


def test_usage_page_saved_twice_books_one_row(company, floor_client):
    """The usage page's Save pressed twice: one row, and both land on the same receipt page."""
    powder = PowderFactory(opening_stock=Decimal("20"))
    job = floor_job(JobStatus.COATING, powders=[powder])
    url = reverse("admin_views:material_usage")
    data = {
        "item": str(powder.pk),
        "job": job.number,
        "lbs": "0.5",
        "note": "",
        "submission_key": page_key(floor_client, url),
    }
    first = floor_client.post(url, data)
    second = floor_client.post(url, data)
    assert InventoryActivity.objects.filter(job=job, kind=ActivityKind.USAGE).count() == 1
    assert second["Location"] == first["Location"]
    assert "Already recorded" in _messages(second)


def test_board_move_to_rush_sent_twice_alerts_once(company, supervisor_client, mailoutbox):
    """A card dropped on Rush twice: one change, one alert, and the surcharge said once."""
    job = floor_job(JobStatus.COATING)
    board = reverse("admin_views:priority_board")
    data = {"priority": str(Priority.RUSH), "submission_key": page_key(supervisor_client, board)}
    url = reverse("admin_views:priority_move", args=[job.number])
    first = supervisor_client.post(url, data, **HTMX)
    second = supervisor_client.post(url, data, **HTMX)
    assert Job.objects.get(pk=job.pk).priority == Priority.RUSH
    assert "Rush surcharge of" in first.content.decode()
    assert "Already recorded" in second.content.decode()
    assert Job.history.filter(id=job.pk, priority=Priority.RUSH).count() == 1
