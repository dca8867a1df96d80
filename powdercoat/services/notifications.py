"""Emails sent after commit and logged: documents and status news to customers, alerts (D4, J5, J7).

The email goes out only once the database change that prompted it has committed, so a
rolled-back change never mails anyone; a mail-server failure is written to the log with its
reason and never undoes the change.
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse

from powdercoat import roles
from powdercoat.models import (
    CompanySettings,
    Customer,
    EmailLog,
    Invoice,
    Job,
    Quote,
    StatusChange,
)
from powdercoat.models.choices import EmailOutcome, JobStatus, Priority

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
    # A subject is one header line: a line break in a name it quotes would make the mail
    # library refuse every message (BadHeaderError).
    subject = " ".join(subject.split())
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


# -- job status emails to the customer (SPEC J7) ---------------------------------------------


def customer_email_refusal(customer: Customer) -> str | None:
    """Why this customer gets no status emails, in words; None when they do."""
    name = customer.display_name
    if not customer.email_notifications:
        return f"{name} has email notifications turned off, so no email will be sent."
    if not (customer.email or "").strip():
        return f"{name} has no email address on file, so no email can be sent."
    return None


def job_status_email(*, change: StatusChange, user: AbstractBaseUser | None) -> bool:
    """Email the customer that their job moved, once the move commits; False when they get none.

    The customer's own choice wins: with notifications off or no address nothing is sent,
    whatever the person asked for. When the mail server refuses, the log says why and the
    timeline stops claiming the customer was emailed; the move itself stands.
    """
    job = change.job
    customer = job.customer
    if customer_email_refusal(customer) is not None:
        return False
    status = change.get_to_status_display()
    subject = f"{job.number} is now {status}"
    body = render_to_string(
        "powdercoat/emails/job_status.txt",
        {"job": job, "customer": customer, "status": status, "company": CompanySettings.load()},
    )
    email_after_commit(to=customer.email, subject=subject, body=body, user=user, job=job)

    def unmark_if_not_sent() -> None:
        # Runs after email_after_commit's own callback, which has logged the outcome by now.
        log = EmailLog.objects.filter(job=job, subject=subject[:300]).order_by("-id").first()
        if log is None or log.outcome != EmailOutcome.SENT:
            StatusChange.objects.filter(pk=change.pk).update(customer_notified=False)

    transaction.on_commit(unmark_if_not_sent)
    return True


# -- Urgent and Rush alerts to the supervisors (SPEC J5) -------------------------------------


def supervisors_to_alert() -> QuerySet:
    """Active users in the Supervisor group who have an email address."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.SUPERVISOR)
        .exclude(email="")
        .distinct()
        .order_by("username")
    )


def job_priority_alert(*, job: Job, user: AbstractBaseUser | None) -> int:
    """Email each supervisor that the job became Urgent or Rush, after commit; how many.

    Every email is logged against the job, sent or failed.
    """
    priority = Priority(job.priority)
    customer = job.customer.display_name
    subject = f"{priority.label}: {job.number} for {customer}"
    link = settings.SITE_URL + reverse("admin:powdercoat_job_change", args=[job.pk])
    body = render_to_string(
        "powdercoat/emails/priority_alert.txt",
        {
            "job": job,
            "customer": customer,
            "priority": priority.label,
            "status": JobStatus(job.status).label,
            "by": user,
            "link": link,
            "company": CompanySettings.load(),
        },
    )
    recipients = list(supervisors_to_alert().values_list("email", flat=True))
    for address in recipients:
        email_after_commit(to=address, subject=subject, body=body, user=user, job=job)
    return len(recipients)
