"""Sending the e-mail outbox: one try at a queued email, when to try again, and lost tries.

Runs in the task worker (powdercoat/tasks.py), never in a request: a mail server that is down
costs the worker a timeout, not a person at a page. Three tries, a minute and then five minutes
apart; after the third failure the email is Failed with the mail server's reason.
"""

import logging
from datetime import datetime, timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from powdercoat.models import EmailLog, StatusChange
from powdercoat.models.choices import EmailOutcome

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# The wait after the 1st and after the 2nd failed try; the 3rd failure is final.
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5))
# A try that has not reported back after this long died with its worker; it may be run again.
# (The SMTP timeout is seconds, so a live try is long finished by then.)
ATTEMPT_LEASE = timedelta(minutes=15)


def next_attempt_at(*, attempts: int, failed_at: datetime) -> datetime | None:
    """When to try again after `attempts` tries have failed, or None when that was the last."""
    if attempts < 1:
        raise ValueError("No try has failed yet.")
    if is_last_attempt(attempts):
        return None
    return failed_at + RETRY_DELAYS[attempts - 1]


def is_last_attempt(attempts: int) -> bool:
    """Whether the try numbered `attempts` (1, 2, 3) is the last one allowed."""
    return attempts >= MAX_ATTEMPTS


def email_message(email: EmailLog) -> EmailMessage:
    """The message an outbox row describes, ready for the mail server."""
    message = EmailMessage(
        subject=email.subject,
        body=email.body,
        to=[email.to_address],
        reply_to=[email.reply_to] if email.reply_to else None,
    )
    if email.attachment_name:
        message.attach(
            email.attachment_name,
            bytes(email.attachment_content),
            email.attachment_type or "application/octet-stream",
        )
    return message


def outbox_attempt(*, email_id: int, attempt: int) -> datetime | None:
    """Make try number `attempt` at sending a queued email; when to try next, or None.

    A task that comes late or twice (a requeue, a restarted worker) finds the try already
    claimed, or the email no longer queued, and does nothing: the claim moves the row's try
    count from `attempt - 1` to `attempt` in one UPDATE, which only one caller can win.
    No transaction is held while the mail server is talked to.
    """
    now = timezone.now()
    claimed = EmailLog.objects.filter(
        pk=email_id, outcome=EmailOutcome.QUEUED, attempts=attempt - 1
    ).update(attempts=attempt, last_attempt_at=now, next_attempt_at=now + ATTEMPT_LEASE)
    if not claimed:
        return None
    email = EmailLog.objects.get(pk=email_id)
    try:
        email_message(email).send()
    except Exception as problem:  # noqa: BLE001 - any mail-server failure is recorded, never raised
        error = f"{type(problem).__name__}: {problem}"
        retry_at = next_attempt_at(attempts=attempt, failed_at=timezone.now())
        logger.warning(
            "Email %s (%r to %s), try %s of %s, failed: %s",
            email.pk,
            email.subject,
            email.to_address,
            attempt,
            MAX_ATTEMPTS,
            error,
        )
        if retry_at is None:
            _give_up(email, error)
        else:
            EmailLog.objects.filter(pk=email.pk).update(error=error, next_attempt_at=retry_at)
        return retry_at
    EmailLog.objects.filter(pk=email.pk).update(
        outcome=EmailOutcome.SENT, sent_at=timezone.now(), next_attempt_at=None
    )
    return None


@transaction.atomic
def _give_up(email: EmailLog, error: str) -> None:
    """Mark the email Failed with its reason; a status move no longer claims it was emailed."""
    failed = EmailLog.objects.filter(pk=email.pk, outcome=EmailOutcome.QUEUED).update(
        outcome=EmailOutcome.FAILED, error=error, next_attempt_at=None
    )
    if failed and email.status_change_id is not None:
        StatusChange.objects.filter(pk=email.status_change_id).update(customer_notified=False)


def outbox_lost_tries(
    *, now: datetime | None = None, grace: timedelta = timedelta(minutes=10)
) -> list[tuple[int, int]]:
    """Tries to make again, as (email id, try number), for queued emails overdue by `grace`.

    An email is overdue when its task was lost: the process died between the commit and the
    enqueue, or a worker died in the middle of a try. Requeuing one whose task is merely late
    (a worker that was stopped) is harmless: whichever of the two tasks runs first claims the
    try and the other does nothing. An overdue email that has had all its tries is failed here.
    """
    now = now or timezone.now()
    overdue = (
        EmailLog.objects.for_display()
        .filter(outcome=EmailOutcome.QUEUED, next_attempt_at__lte=now - grace)
        .order_by("next_attempt_at", "pk")
    )
    tries = []
    for email in overdue:
        if is_last_attempt(email.attempts):
            _give_up(email, email.error or "The last try never finished (its worker stopped).")
        else:
            tries.append((email.pk, email.attempts + 1))
    return tries
