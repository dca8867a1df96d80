"""Emails queued in the outbox with the change, sent after commit, outcome kept (SPEC D4)."""

import smtplib

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction

from powdercoat.models import EmailLog
from powdercoat.models.choices import EmailOutcome
from powdercoat.services.notifications import Attachment, email_after_commit
from tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def test_email_waits_for_the_commit_then_is_logged_as_sent(
    company, office_user, django_capture_on_commit_callbacks
):
    """Inside the transaction the email is only a Queued row; on commit it goes, PDF and all."""
    job = JobFactory()
    with django_capture_on_commit_callbacks(execute=True):
        email_after_commit(
            to="buyer@example.com",
            subject="Your parts",
            body="Hello",
            user=office_user,
            attachment=Attachment("JOB.pdf", b"%PDF-1.4 test"),
            job=job,
        )
        assert mail.outbox == []
        assert EmailLog.objects.get().outcome == EmailOutcome.QUEUED
    [message] = mail.outbox
    assert message.to == ["buyer@example.com"]
    assert message.attachments[0][0] == "JOB.pdf"
    log = EmailLog.objects.get()
    assert (log.job, log.outcome, log.sent_by, log.attachment_name) == (
        job,
        EmailOutcome.SENT,
        office_user,
        "JOB.pdf",
    )


def test_rolled_back_change_sends_nothing(company, office_user, django_capture_on_commit_callbacks):
    """When the change that asked for the email rolls back, no email and no log row."""

    def email_then_fail() -> None:
        with transaction.atomic():
            email_after_commit(to="a@example.com", subject="S", body="B", user=office_user)
            raise RuntimeError("the change failed")

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError, match="the change failed"),
    ):
        email_then_fail()
    assert mail.outbox == []
    assert not EmailLog.objects.exists()


def test_mail_server_failure_is_logged_with_its_reason(
    company, office_user, monkeypatch, django_capture_on_commit_callbacks
):
    """An SMTP error is kept on the row after three tries, never raised at the person."""
    tries = []

    def refuse(self, fail_silently=False):
        tries.append(self.to)
        raise smtplib.SMTPRecipientsRefused({"a@example.com": (550, b"mailbox unavailable")})

    monkeypatch.setattr(EmailMessage, "send", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        email_after_commit(to="a@example.com", subject="S", body="B", user=office_user)
    log = EmailLog.objects.get()
    assert (log.outcome, log.attempts, len(tries)) == (EmailOutcome.FAILED, 3, 3)
    assert "SMTPRecipientsRefused" in log.error
    assert "mailbox unavailable" in log.error


def test_no_address_is_refused_at_once(company, office_user):
    """An empty address is refused in words before anything is scheduled."""
    with pytest.raises(ValidationError, match="no email address"):
        email_after_commit(to="  ", subject="S", body="B", user=office_user)
