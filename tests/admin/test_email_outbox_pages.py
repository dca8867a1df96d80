"""Pages that send email never talk to the mail server; they show queued, sent, failed and why.

Every test here runs with the production task backend (the database) and a mail server that
hangs or refuses: the page must answer without calling it, which is asserted on the calls.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from powdercoat.models import EmailLog, Quote
from powdercoat.models.choices import EmailOutcome, JobStatus, QuoteStatus
from powdercoat.tasks import email_send
from tests.factories import (
    CustomerFactory,
    QuoteFactory,
    QuoteLineItemFactory,
    invoiced_job,
    job_at,
)
from tests.helpers import form_data
from tests.mail_stand_in import use_database_tasks, use_mail_server

pytestmark = pytest.mark.django_db


@pytest.fixture
def hanging_mail_server(settings):
    """The production task backend and a mail server that never answers."""
    use_database_tasks(settings)
    server = use_mail_server(settings, "hang")
    yield server
    server.release.set()  # never leave a thread waiting on it


def _post_dialog(client, url, **changes):
    """Open the dialog like the page does, fill it in and submit it."""
    data = form_data(client.get(url, HTTP_HX_REQUEST="true").content.decode())
    data.update(changes)
    return client.post(url, data, HTTP_HX_REQUEST="true")


def _action_url(change_url, path):
    return f"{change_url.removesuffix('change/')}{path}/"


def _fail_for_good(email):
    """Run the email's three tries against a refusing server, as the worker would."""
    for attempt in (1, 2, 3):
        email_send.call(email.pk, attempt)


def test_quick_change_with_notify_answers_without_calling_the_mail_server(
    company, office_client, hanging_mail_server, django_capture_on_commit_callbacks
):
    """The move commits and the page answers; the email is queued and the timeline says so."""
    job = job_at(JobStatus.CURING, customer=CustomerFactory(email="parts@ridge.example"))
    job_url = reverse("admin:powdercoat_job_change", args=[job.pk])
    url = reverse("admin:powdercoat_job_quick_change_job", args=[job.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_dialog(
            office_client, url, status="on_hold", note="Oven 2 down", notify_customer="on"
        )
    assert response.headers["HX-Redirect"] == job_url
    assert hanging_mail_server.calls == []
    email = EmailLog.objects.get(job=job)
    assert email.outcome == EmailOutcome.QUEUED
    assert job.status_changes.first().customer_notified is True
    page = office_client.get(job_url).content.decode()
    assert "The email to the customer is queued" in page
    assert 'data-email-state="queued"' in page

    hanging_mail_server.behaviour = "accept"
    email_send.call(email.pk)  # the worker's turn
    assert len(hanging_mail_server.calls) == 1
    page = office_client.get(job_url).content.decode()
    assert 'data-email-state="sent"' in page


def test_timeline_shows_a_failed_status_email_with_its_reason(
    company, office_client, hanging_mail_server, django_capture_on_commit_callbacks
):
    """After the last try fails the timeline says Failed and why, and no longer 'emailed'."""
    job = job_at(JobStatus.CURING, customer=CustomerFactory(email="parts@ridge.example"))
    url = reverse("admin:powdercoat_job_quick_change_job", args=[job.pk])
    with django_capture_on_commit_callbacks(execute=True):
        _post_dialog(office_client, url, status="on_hold", note="Oven", notify_customer="on")
    hanging_mail_server.behaviour = "refuse"
    email = EmailLog.objects.get(job=job)
    email_send.call(email.pk)
    page = office_client.get(reverse("admin:powdercoat_job_change", args=[job.pk])).content
    assert "Try 1 failed (SMTPServerDisconnected" in page.decode()
    email_send.call(email.pk, 2)
    email_send.call(email.pk, 3)
    page = office_client.get(reverse("admin:powdercoat_job_change", args=[job.pk])).content
    assert 'data-email-state="failed"' in page.decode()
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in page.decode()
    assert job.status_changes.first().customer_notified is False


def test_sending_a_quote_answers_without_calling_the_mail_server(
    company, office_client, hanging_mail_server, django_capture_on_commit_callbacks
):
    """Send: the quote is Sent, the page says the email is queued, the Emails tab shows it."""
    quote = QuoteFactory(customer=CustomerFactory(email="buyer@harbor.example"))
    QuoteLineItemFactory(quote=quote, quantity=4, unit_price=Decimal("25"))
    change_url = reverse("admin:powdercoat_quote_change", args=[quote.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_dialog(office_client, _action_url(change_url, "send"))
    assert response.headers["HX-Redirect"] == change_url
    assert hanging_mail_server.calls == []
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.SENT
    page = office_client.get(change_url).content.decode()
    assert "The email is queued; the Emails tab shows when it has gone." in page
    assert "⧗ Queued" in page

    hanging_mail_server.behaviour = "refuse"
    _fail_for_good(quote.emails.get())
    page = office_client.get(change_url).content.decode()
    assert "✗ Failed" in page
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in page


def test_sending_an_invoice_answers_without_calling_the_mail_server(
    company, office_client, hanging_mail_server, django_capture_on_commit_callbacks
):
    """Send: the page answers, the Emails tab shows Queued, later Failed with the reason."""
    invoice = invoiced_job(customer=CustomerFactory(email="ap@ridge.example"))
    change_url = reverse("admin:powdercoat_invoice_change", args=[invoice.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_dialog(office_client, _action_url(change_url, "send"))
    assert response.headers["HX-Redirect"] == change_url
    assert hanging_mail_server.calls == []
    page = office_client.get(change_url).content.decode()
    assert 'data-email-state="queued"' in page

    hanging_mail_server.behaviour = "refuse"
    _fail_for_good(invoice.emails.get())
    page = office_client.get(change_url).content.decode()
    assert 'data-email-state="failed"' in page
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("behaviour", "message"),
    [
        ("accept", "The customer was emailed the new status."),
        ("refuse", "The email to the customer could not be sent; the job&#x27;s email log says"),
    ],
)
def test_with_tasks_run_in_the_web_process_the_page_tells_the_final_outcome(
    company, office_client, settings, behaviour, message
):
    """TASKS_BACKEND=immediate: the email has gone (or failed) by the time the page answers."""
    use_mail_server(settings, behaviour)
    job = job_at(JobStatus.CURING, customer=CustomerFactory(email="parts@ridge.example"))
    url = reverse("admin:powdercoat_job_quick_change_job", args=[job.pk])
    _post_dialog(office_client, url, status="on_hold", note="Oven", notify_customer="on")
    page = office_client.get(reverse("admin:powdercoat_job_change", args=[job.pk])).content
    assert message in page.decode()
