"""The e-mail outbox: rows written with the change, sent by a task after commit, three tries."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from powdercoat.models import EmailLog, Quote, StatusChange
from powdercoat.models.choices import EmailOutcome, JobStatus, QuoteStatus
from powdercoat.services import outbox
from powdercoat.services import quotes as quote_services
from powdercoat.services.jobs import job_hold
from powdercoat.services.notifications import email_after_commit
from powdercoat.tasks import email_send
from tests.factories import CustomerFactory, QuoteFactory, QuoteLineItemFactory, job_at
from tests.mail_stand_in import run_worker, use_database_tasks, use_mail_server

REFUSAL = "SMTPServerDisconnected: Connection unexpectedly closed"


def _draft_quote(email="buyer@ridge.example") -> Quote:
    quote = QuoteFactory(customer=CustomerFactory(email=email))
    QuoteLineItemFactory(quote=quote)
    return Quote.objects.get(pk=quote.pk)


# -- the retry schedule (pure) ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("failed_tries", "wait"),
    [(1, timedelta(minutes=1)), (2, timedelta(minutes=5)), (3, None)],
)
def test_retry_schedule_is_a_minute_then_five_then_gives_up(failed_tries, wait):
    """After the 1st failure wait 1 min, after the 2nd 5 min; the 3rd failure is final."""
    failed_at = timezone.now()
    expected = None if wait is None else failed_at + wait
    assert outbox.next_attempt_at(attempts=failed_tries, failed_at=failed_at) == expected
    assert outbox.is_last_attempt(failed_tries) is (wait is None)


def test_retry_schedule_needs_a_failed_try():
    """Asking when to retry before any try failed is a programming error, said loudly."""
    with pytest.raises(ValueError, match="No try has failed yet"):
        outbox.next_attempt_at(attempts=0, failed_at=timezone.now())


# -- written with the change, sent after the commit ------------------------------------------


@pytest.mark.django_db
def test_the_row_is_written_in_the_business_transaction_and_sent_after_commit(
    company, office_user, settings, django_capture_on_commit_callbacks
):
    """Inside the move's transaction the email is a Queued row and nobody has called SMTP."""
    company.email = "office@ironclad.example"
    company.save()
    server = use_mail_server(settings)
    job = job_at(JobStatus.COATING, customer=CustomerFactory(email="parts@ridge.example"))
    with django_capture_on_commit_callbacks(execute=True):
        change = job_hold(job=job, user=office_user, reason="Oven down", notify_customer=True)
        email = EmailLog.objects.get(job=job)
        assert (email.outcome, email.attempts, email.status_change) == (
            EmailOutcome.QUEUED,
            0,
            change,
        )
        assert (email.to_address, email.reply_to, email.sent_by) == (
            "parts@ridge.example",
            "office@ironclad.example",
            office_user,
        )
        assert job.number in email.body
        assert email.subject == f"{job.number} is now On Hold"
        assert server.calls == []
    [message] = server.calls
    assert (message.to, message.reply_to, message.subject, message.body) == (
        ["parts@ridge.example"],
        ["office@ironclad.example"],
        email.subject,
        email.body,
    )
    email.refresh_from_db()
    assert (email.outcome, email.attempts, email.error) == (EmailOutcome.SENT, 1, "")
    assert email.sent_at is not None
    assert email.next_attempt_at is None
    assert StatusChange.objects.get(pk=change.pk).customer_notified is True


@pytest.mark.django_db
def test_the_row_rolls_back_with_the_change_and_nothing_is_sent(
    company, office_user, settings, django_capture_on_commit_callbacks
):
    """A send whose transaction fails leaves no row, no task and no call to the mail server."""
    server = use_mail_server(settings)
    use_database_tasks(settings)
    quote = _draft_quote()

    def send_then_fail() -> None:
        with transaction.atomic():
            quote_services.quote_send(quote=quote, user=office_user)
            assert EmailLog.objects.filter(quote=quote, outcome=EmailOutcome.QUEUED).exists()
            raise RuntimeError("something later in the same change failed")

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError, match="something later"),
    ):
        send_then_fail()
    assert callbacks == []
    assert not EmailLog.objects.exists()
    assert not DBTaskResult.objects.exists()
    assert server.calls == []
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.DRAFT


@pytest.mark.django_db
def test_the_attached_pdf_is_kept_on_the_row_and_sent_as_kept(
    company, office_user, settings, django_capture_on_commit_callbacks
):
    """The outbox row holds the PDF bytes; the message carries exactly those bytes."""
    server = use_mail_server(settings)
    quote = _draft_quote()
    with django_capture_on_commit_callbacks(execute=True):
        quote_services.quote_send(quote=quote, user=office_user)
    email = EmailLog.objects.get(quote=quote)
    kept = bytes(email.attachment_content)
    assert kept.startswith(b"%PDF")
    assert email.attachment_type == "application/pdf"
    [message] = server.calls
    assert message.attachments == [(f"{quote.number}.pdf", kept, "application/pdf")]


# -- three tries -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_refusing_mail_server_gets_three_tries_then_the_email_is_failed(
    company, office_user, settings, django_capture_on_commit_callbacks
):
    """Three tries, the reason kept; the move stands but no longer claims the customer knows."""
    server = use_mail_server(settings, "refuse")
    job = job_at(JobStatus.COATING, customer=CustomerFactory(email="parts@ridge.example"))
    with django_capture_on_commit_callbacks(execute=True):
        change = job_hold(job=job, user=office_user, reason="Oven down", notify_customer=True)
    assert len(server.calls) == 3
    email = EmailLog.objects.get(job=job)
    assert (email.outcome, email.attempts, email.error) == (EmailOutcome.FAILED, 3, REFUSAL)
    assert email.sent_at is None
    assert email.next_attempt_at is None
    assert StatusChange.objects.get(pk=change.pk).customer_notified is False
    assert job.status_changes.get(pk=change.pk).to_status == JobStatus.ON_HOLD


def _ready_tries(email) -> list[tuple[list, object]]:
    """The send tasks waiting in the database for `email`: (arguments, run after)."""
    return [
        (task.args_kwargs["args"], task.run_after)
        for task in DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by(
            "enqueued_at"
        )
        if task.args_kwargs["args"][0] == email.pk
    ]


@pytest.mark.django_db
def test_with_the_database_backend_a_failed_try_is_scheduled_for_later(
    company, office_user, settings, django_capture_on_commit_callbacks
):
    """Try 1 refused: the reason is kept, a task waits a minute (run_after); try 2 sends."""
    server = use_mail_server(settings, "refuse")
    use_database_tasks(settings)
    quote = _draft_quote()
    with django_capture_on_commit_callbacks(execute=True):
        quote_services.quote_send(quote=quote, user=office_user)
    email = EmailLog.objects.get(quote=quote)
    assert server.calls == []
    assert email.outcome == EmailOutcome.QUEUED
    assert [args for args, _ in _ready_tries(email)] == [[email.pk]]

    before = timezone.now()
    email_send.call(email.pk)  # what the worker does with the first task
    email.refresh_from_db()
    assert len(server.calls) == 1
    assert (email.outcome, email.attempts, email.error) == (EmailOutcome.QUEUED, 1, REFUSAL)
    assert before + timedelta(minutes=1) <= email.next_attempt_at
    assert email.next_attempt_at <= timezone.now() + timedelta(minutes=1)
    retry = (task for task in _ready_tries(email) if task[0] == [email.pk, 2])
    assert next(retry)[1] == email.next_attempt_at

    server.behaviour = "accept"
    email_send.call(email.pk, 2)
    email.refresh_from_db()
    assert len(server.calls) == 2
    assert (email.outcome, email.attempts) == (EmailOutcome.SENT, 2)


@pytest.mark.django_db
def test_a_late_or_repeated_task_sends_nothing_twice(
    company, office_user, settings, django_capture_on_commit_callbacks
):
    """A second task for a try already made, or for an email already sent, does nothing."""
    server = use_mail_server(settings)
    use_database_tasks(settings)
    quote = _draft_quote()
    with django_capture_on_commit_callbacks(execute=True):
        quote_services.quote_send(quote=quote, user=office_user)
    email = EmailLog.objects.get(quote=quote)
    email_send.call(email.pk)
    email_send.call(email.pk)
    email_send.call(email.pk, 2)
    assert len(server.calls) == 1
    email.refresh_from_db()
    assert (email.outcome, email.attempts) == (EmailOutcome.SENT, 1)


# -- the worker, as in production -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_tries_three_times_with_back_off_then_fails(
    company, office_user, settings
):
    """db_worker: try 1 now; try 2 only once its minute has passed, try 3 after 5; then Failed."""
    server = use_mail_server(settings, "refuse")
    use_database_tasks(settings)
    job = job_at(JobStatus.COATING, customer=CustomerFactory(email="parts@ridge.example"))
    change = job_hold(job=job, user=office_user, reason="Oven down", notify_customer=True)
    email = EmailLog.objects.get(job=job)
    assert server.calls == []
    assert email.outcome == EmailOutcome.QUEUED
    assert StatusChange.objects.get(pk=change.pk).customer_notified is True  # queued

    waits = []
    for try_number in (1, 2, 3):
        run_worker()
        assert len(server.calls) == try_number
        email.refresh_from_db()
        assert (email.attempts, email.error) == (try_number, REFUSAL)
        run_worker()  # the next try is not due yet: nothing more happens
        assert len(server.calls) == try_number
        waiting = DBTaskResult.objects.filter(status=TaskResultStatus.READY)
        if try_number < 3:
            [task] = waiting
            assert task.args_kwargs["args"] == [email.pk, try_number + 1]
            assert task.run_after == email.next_attempt_at
            waits.append(email.next_attempt_at - email.last_attempt_at)
            # Let the back-off pass.
            waiting.update(run_after=timezone.now() - timedelta(seconds=1))
        else:
            assert not waiting.exists()

    assert [round(wait.total_seconds() / 60) for wait in waits] == [1, 5]
    assert email.outcome == EmailOutcome.FAILED
    assert StatusChange.objects.get(pk=change.pk).customer_notified is False


@pytest.mark.django_db(transaction=True)
def test_requeue_emails_sends_an_email_whose_task_was_lost(company, office_user, settings):
    """A Queued email with no task (the process died after the commit) is picked up again."""
    server = use_mail_server(settings)
    use_database_tasks(settings)
    email = email_after_commit(to="a@example.com", subject="S", body="B", user=office_user)
    DBTaskResult.objects.all().delete()  # the enqueue never happened
    run_worker()
    assert server.calls == []

    out = io.StringIO()
    call_command("requeue_emails", stdout=out)
    assert out.getvalue().strip() == "0 lost emails queued again."  # not overdue yet
    EmailLog.objects.filter(pk=email.pk).update(
        next_attempt_at=timezone.now() - timedelta(minutes=11)
    )
    call_command("requeue_emails", stdout=out)
    assert "1 lost email queued again." in out.getvalue()
    run_worker()
    assert len(server.calls) == 1
    assert EmailLog.objects.get(pk=email.pk).outcome == EmailOutcome.SENT


@pytest.mark.django_db
def test_a_lost_last_try_is_failed_by_the_sweep(company, office_user):
    """An email whose third try never reported back is Failed, with the reason in words."""
    email = EmailLog.objects.create(
        to_address="a@example.com",
        subject="S",
        attempts=3,
        next_attempt_at=timezone.now() - timedelta(hours=1),
    )
    assert outbox.outbox_lost_tries() == []
    email.refresh_from_db()
    assert email.outcome == EmailOutcome.FAILED
    assert email.error == "The last try never finished (its worker stopped)."
