"""Emails to customers and supervisors, through the outbox: documents, status news, alerts.

SPEC D4, J5, J7. Each email is an outbox row (`EmailLog`, Queued) written in the transaction of
the change that prompts it, so a rolled-back change mails nobody and leaves no row; once that
transaction commits, a task (powdercoat/tasks.py) sends it in the background, with three tries.
No page waits for the mail server, and a mail-server failure never undoes the change.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from powdercoat import roles
from powdercoat.alerts import PriorityAlertReach
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
from powdercoat.services.status_links import job_status_link_issue
from powdercoat.tasks import email_send


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
    user: User | None,
    attachment: Attachment | None = None,
    quote: Quote | None = None,
    invoice: Invoice | None = None,
    job: Job | None = None,
    status_change: StatusChange | None = None,
    is_priority_alert: bool = False,
    hold: timedelta | None = None,
) -> EmailLog:
    """Queue an email in the outbox now, to be sent by a task once this transaction commits.

    The row belongs to the caller's transaction: if that rolls back, there is no row and no
    task. Refuses at once, in words, when there is no address to send to. With `hold` the
    first try waits that long, so the email can still be recalled (`priority_alerts_recall`);
    a task backend that cannot run a task later (the immediate one) sends it at once.
    """
    to = (to or "").strip()
    if not to:
        raise ValidationError("There is no email address to send this to; add one first.")
    # A subject is one header line: a line break in a name it quotes would make the mail
    # library refuse every message (BadHeaderError).
    subject = " ".join(subject.split())[:300]
    company = CompanySettings.load()
    email = EmailLog.objects.create(
        quote=quote,
        invoice=invoice,
        job=job,
        status_change=status_change,
        to_address=to,
        reply_to=company.email or "",
        subject=subject,
        body=body,
        attachment_name=attachment.filename if attachment else "",
        attachment_type=attachment.mimetype if attachment else "",
        attachment_content=attachment.content if attachment else b"",
        outcome=EmailOutcome.QUEUED,
        next_attempt_at=timezone.now() + (hold or timedelta(0)),
        sent_by=user,
        is_priority_alert=is_priority_alert,
    )
    # Robust: the change has committed by then, so a failing enqueue must not turn the page
    # into an error; the row stays Queued and `manage.py requeue_emails` picks it up.
    run_after = email.next_attempt_at if hold else None
    transaction.on_commit(partial(_send_later, email.pk, run_after), robust=True)
    return email


def _send_later(email_id: int, run_after: datetime | None) -> None:
    """Hand the email to the task backend, for `run_after` where it can wait that long."""
    if run_after is not None and email_send.get_backend().supports_defer:
        email_send.using(run_after=run_after).enqueue(email_id)
    else:
        email_send.enqueue(email_id)


# -- job status emails to the customer (SPEC J7) ---------------------------------------------


def customer_email_refusal(customer: Customer) -> str | None:
    """Why this customer gets no status emails, in words; None when they do."""
    name = customer.display_name
    if not customer.email_notifications:
        return f"{name} has email notifications turned off, so no email will be sent."
    if not (customer.email or "").strip():
        return f"{name} has no email address on file, so no email can be sent."
    return None


def job_status_email(*, change: StatusChange, user: User | None) -> bool:
    """Queue an email telling the customer that their job moved; False when they get none.

    The customer's own choice wins: with notifications off or no address nothing is sent,
    whatever the person asked for. The move keeps "customer emailed" while the email is queued
    or sent; when the mail server refuses it for good, the email row says why and the move
    stops claiming the customer was emailed. The move itself stands either way.
    """
    job = change.job
    customer = job.customer
    if customer_email_refusal(customer) is not None:
        return False
    status = change.get_to_status_display()
    subject = f"{job.number} is now {status}"
    body = render_to_string(
        "powdercoat/emails/job_status.txt",
        {
            "job": job,
            "customer": customer,
            "status": status,
            "company": CompanySettings.load(),
            "status_link": job_status_link_issue(job=job),
        },
    )
    email_after_commit(
        to=customer.email, subject=subject, body=body, user=user, job=job, status_change=change
    )
    return True


@transaction.atomic
def job_status_link_send(*, job: Job, user: User | None) -> EmailLog:
    """Email the customer the link to their job's status page (issued now if need be).

    Sent whatever their status-email setting: the office sends it on purpose, as with a
    quote or an invoice. Refuses in words when the customer has no address.
    """
    customer = job.customer
    if not (customer.email or "").strip():
        raise ValidationError(
            f"{customer.display_name} has no email address on file; add one on their customer "
            "record first."
        )
    company = CompanySettings.load()
    body = render_to_string(
        "powdercoat/emails/job_status_link.txt",
        {
            "job": job,
            "customer": customer,
            "company": company,
            "status_link": job_status_link_issue(job=job),
        },
    )
    return email_after_commit(
        to=customer.email,
        subject=f"Follow your job {job.number} at {company.name}",
        body=body,
        user=user,
        job=job,
    )


def status_email_outcome(change: StatusChange) -> EmailOutcome | None:
    """Where the email about this status move is (Queued, Sent, Failed); None when none."""
    outcome = change.emails.order_by("-pk").values_list("outcome", flat=True).first()
    return None if outcome is None else EmailOutcome(outcome)


# -- Urgent and Rush alerts to the supervisors (SPEC J5) -------------------------------------


def active_supervisors() -> QuerySet[User]:
    """Active users in the Supervisor group, with or without an email address."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.SUPERVISOR)
        .distinct()
        .order_by("username")
    )


def job_priority_alert(
    *, job: Job, user: User | None, hold: timedelta | None = None
) -> PriorityAlertReach:
    """Queue an email to each supervisor that the job became Urgent or Rush; who it reached.

    Every email is an outbox row against the job: queued, then sent or failed. Supervisors
    without an address are named in the answer, so the page never claims they were told.
    With `hold` the emails wait that long first, so an undone move can recall them.
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
    emailed, without_address = [], []
    for supervisor in active_supervisors():
        name = supervisor.get_full_name() or supervisor.get_username()
        if supervisor.email:
            email_after_commit(
                to=supervisor.email,
                subject=subject,
                body=body,
                user=user,
                job=job,
                is_priority_alert=True,
                hold=hold,
            )
            emailed.append(name)
        else:
            without_address.append(name)
    return PriorityAlertReach(
        emailed=tuple(emailed),
        without_address=tuple(without_address),
        held=hold is not None and email_send.get_backend().supports_defer,
    )


def priority_alerts_recall(*, job: Job, since: datetime) -> int:
    """Call back the job's supervisor alerts queued since `since` that no try has taken yet.

    One UPDATE against the same row condition the sending task claims with (Queued, no try
    yet), so an alert is either recalled or sent, never both. How many were recalled.
    """
    return (
        EmailLog.objects.priority_alerts()
        .filter(job=job, outcome=EmailOutcome.QUEUED, attempts=0, created_at__gte=since)
        .update(outcome=EmailOutcome.RECALLED, next_attempt_at=None)
    )
