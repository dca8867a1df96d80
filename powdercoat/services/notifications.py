"""Emails to customers with a document attached, sent after commit and logged (SPEC D4, J7).

The email goes out only once the database change that prompted it has committed, so a
rolled-back change never mails anyone; a mail-server failure is written to the log with its
reason and never undoes the change.
"""

import logging
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction

from powdercoat.models import CompanySettings, EmailLog, Invoice, Job, Quote
from powdercoat.models.choices import EmailOutcome

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str = "application/pdf"


def email_after_commit(
    *,
    to: str,
    subject: str,
    body: str,
    user: AbstractBaseUser | None,
    attachment: Attachment | None = None,
    quote: Quote | None = None,
    invoice: Invoice | None = None,
    job: Job | None = None,
) -> None:
    """Schedule an email for when the current transaction commits, and log how it went.

    Refuses at once, in words, when there is no address to send to.
    """
    to = (to or "").strip()
    if not to:
        raise ValidationError("There is no email address to send this to; add one first.")
    company = CompanySettings.load()
    reply_to = [company.email] if company.email else None

    def send() -> None:
        message = EmailMessage(subject=subject, body=body, to=[to], reply_to=reply_to)
        if attachment is not None:
            message.attach(attachment.filename, attachment.content, attachment.mimetype)
        outcome, error = EmailOutcome.SENT, ""
        try:
            message.send()
        except Exception as problem:  # any mail-server failure is recorded, never raised
            outcome, error = EmailOutcome.FAILED, f"{type(problem).__name__}: {problem}"
            logger.warning("Email %r to %s failed: %s", subject, to, error)
        EmailLog.objects.create(
            quote=quote,
            invoice=invoice,
            job=job,
            to_address=to,
            subject=subject[:300],
            attachment_name=attachment.filename if attachment else "",
            outcome=outcome,
            error=error,
            sent_by=user,
        )

    transaction.on_commit(send)
