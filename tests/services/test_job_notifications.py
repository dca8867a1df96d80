"""Status emails to the customer (SPEC J7): sent after commit, only when allowed, logged."""

import smtplib
import socket
import time
from email import message_from_bytes

import pytest
from django.core import mail
from django.db import transaction

from powdercoat.models import EmailLog, Job, StatusChange
from powdercoat.models.choices import EmailOutcome, JobStatus
from powdercoat.services.jobs import (
    job_advance,
    job_cancel,
    job_hold,
    job_reopen,
    job_resume,
    job_set_status,
)
from tests.factories import CustomerFactory, job_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(company):
    """The shop's contact details, which every status email carries."""
    company.name = "Ironclad Powder Coating"
    company.phone = "(555) 010-2040"
    company.email = "office@ironclad.example"
    company.website = "https://ironclad.example"
    company.save()
    return company


def test_notify_emails_the_customer_the_new_status(
    shop, office_user, django_capture_on_commit_callbacks
):
    """One email to the customer naming the job, its new status and the shop's contacts."""
    customer = CustomerFactory(company_name="Ridge Cycles", email="parts@ridge.example")
    job = job_at(JobStatus.COATING, customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        change = job_advance(job=job, user=office_user, notify_customer=True)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["parts@ridge.example"]
    assert message.subject == f"{job.number} is now Curing"
    for text in (job.number, "is now Curing", "Ironclad Powder Coating", "(555) 010-2040"):
        assert text in message.body, text
    assert message.reply_to == ["office@ironclad.example"]
    change.refresh_from_db()
    assert change.customer_notified is True
    log = EmailLog.objects.get(job=job)
    assert (log.outcome, log.to_address, log.sent_by) == (
        EmailOutcome.SENT,
        "parts@ridge.example",
        office_user,
    )


def test_without_notify_nothing_is_sent(shop, office_user, django_capture_on_commit_callbacks):
    """The default is silence: a move emails nobody unless asked to."""
    job = job_at(JobStatus.COATING)
    with django_capture_on_commit_callbacks(execute=True):
        change = job_advance(job=job, user=office_user)
    assert mail.outbox == []
    assert change.customer_notified is False
    assert not EmailLog.objects.exists()


@pytest.mark.parametrize(
    "customer_fields",
    [{"email_notifications": False}, {"email": ""}],
    ids=["notifications-off", "no-address"],
)
def test_customer_who_gets_no_emails_is_not_emailed_even_when_asked(
    shop, office_user, django_capture_on_commit_callbacks, customer_fields
):
    """Notifications off (or no address): the move happens, no email, timeline says so."""
    job = job_at(JobStatus.COATING, customer=CustomerFactory(**customer_fields))
    with django_capture_on_commit_callbacks(execute=True):
        change = job_advance(job=job, user=office_user, notify_customer=True)
    assert mail.outbox == []
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
    change.refresh_from_db()
    assert change.customer_notified is False
    assert not EmailLog.objects.exists()


@pytest.mark.parametrize(
    ("status", "move", "kwargs", "new_status"),
    [
        (JobStatus.CURING, job_hold, {"reason": "Waiting on parts"}, "On Hold"),
        (JobStatus.ON_HOLD, job_resume, {}, "Coating"),
        (JobStatus.COATING, job_cancel, {"reason": "Customer withdrew"}, "Cancelled"),
        (JobStatus.QUALITY_CHECK, job_set_status, {"status": JobStatus.READY_FOR_PICKUP}, None),
    ],
)
def test_every_status_move_can_notify(
    shop, supervisor_user, django_capture_on_commit_callbacks, status, move, kwargs, new_status
):
    """Hold, Resume, Cancel and Set status each email the status the job landed on."""
    job = job_at(status)
    with django_capture_on_commit_callbacks(execute=True):
        move(job=job, user=supervisor_user, notify_customer=True, **kwargs)
    expected = new_status or "Ready for Pickup"
    assert [m.subject for m in mail.outbox] == [f"{job.number} is now {expected}"]


def test_reopen_can_notify(shop, supervisor_user, django_capture_on_commit_callbacks):
    """Reopening a cancelled job can tell the customer it is Pending again."""
    job = job_at(JobStatus.APPROVED)
    job_cancel(job=job, user=None, reason="Duplicate")
    with django_capture_on_commit_callbacks(execute=True):
        job_reopen(job=job, user=supervisor_user, notify_customer=True)
    assert [m.subject for m in mail.outbox] == [f"{job.number} is now Pending"]


def test_mail_server_failure_is_logged_and_the_move_stands(
    shop, office_user, monkeypatch, django_capture_on_commit_callbacks
):
    """SMTP refuses: the job is on hold all the same, the log says why, no false 'emailed'."""

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPException("421 Service not available")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    job = job_at(JobStatus.COATING)
    with django_capture_on_commit_callbacks(execute=True):
        change = job_hold(job=job, user=office_user, reason="Oven down", notify_customer=True)
    assert Job.objects.get(pk=job.pk).status == JobStatus.ON_HOLD
    log = EmailLog.objects.get(job=job)
    assert log.outcome == EmailOutcome.FAILED
    assert "SMTPException: 421 Service not available" in log.error
    change.refresh_from_db()
    assert change.customer_notified is False


def test_a_move_that_rolls_back_emails_nobody(
    shop, office_user, django_capture_on_commit_callbacks
):
    """The email waits for the commit: a rolled-back move sends nothing."""
    job = job_at(JobStatus.COATING)

    def advance_then_fail() -> None:
        with transaction.atomic():
            job_advance(job=job, user=office_user, notify_customer=True)
            raise RuntimeError("something later failed")

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError, match="something later failed"),
    ):
        advance_then_fail()
    assert mail.outbox == []
    assert not StatusChange.objects.filter(job=job, transition="advance").exists()
    assert not EmailLog.objects.exists()


# -- a real SMTP conversation ------------------------------------------------------------------


class _Collector:
    """aiosmtpd handler keeping every message it is given."""

    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        """Keep the message and accept it."""
        self.envelopes.append(envelope)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server(settings):
    """An SMTP server on loopback that the default mailer talks to; stopped after the test."""
    from aiosmtpd.controller import Controller

    handler = _Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port(), ready_timeout=5)
    controller.start()
    try:
        settings.MAILERS = {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": {"host": "127.0.0.1", "port": controller.port, "timeout": 5},
            }
        }
        yield handler
    finally:
        controller.stop()


def test_status_email_goes_through_a_real_smtp_server(
    shop, office_user, smtp_server, django_capture_on_commit_callbacks
):
    """The SMTP server receives the message with the customer's address and the subject."""
    customer = CustomerFactory(email="fleet@haulers.example")
    job = job_at(JobStatus.QUALITY_CHECK, customer=customer)
    with django_capture_on_commit_callbacks(execute=True):
        job_set_status(
            job=job, user=office_user, status=JobStatus.READY_FOR_PICKUP, notify_customer=True
        )
    deadline = time.monotonic() + 5
    while not smtp_server.envelopes and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(smtp_server.envelopes) == 1
    envelope = smtp_server.envelopes[0]
    assert envelope.rcpt_tos == ["fleet@haulers.example"]
    message = message_from_bytes(envelope.content)
    assert message["To"] == "fleet@haulers.example"
    assert message["Subject"] == f"{job.number} is now Ready for Pickup"
    assert EmailLog.objects.get(job=job).outcome == EmailOutcome.SENT
