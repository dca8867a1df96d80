"""Moving a job to another priority from the board and taking the move back (SPEC S2)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.utils import timezone

from powdercoat.models import EmailLog, Job
from powdercoat.models.choices import EmailOutcome, JobStatus, Priority
from powdercoat.services.job_priority import UNDO_WINDOW, job_priority_move, job_priority_undo
from powdercoat.services.jobs import job_update
from powdercoat.services.outbox import outbox_attempt
from tests.factories import job_at

pytestmark = pytest.mark.django_db


def _fresh(job: Job) -> Job:
    return Job.objects.get(pk=job.pk)


def _moved(user, *, to=Priority.RUSH, **fields):
    """An active job at Normal (unless `fields` say otherwise), moved to `to` by `user`."""
    job = job_at(JobStatus.COATING, **fields)
    return job, job_priority_move(job=job, user=user, priority=to)


def test_a_move_changes_the_priority_records_who_and_offers_undo(company, supervisor_user):
    """Normal → Rush: the surcharge rate is taken, history names the mover, a stamp is given."""
    job, change = _moved(supervisor_user)
    job = _fresh(job)
    assert (change.before, change.after) == (Priority.NORMAL, Priority.RUSH)
    assert job.priority == Priority.RUSH
    assert job.rush_surcharge_percent == company.rush_surcharge_percent
    assert job.history.latest().history_user == supervisor_user
    assert change.undo_stamp


def test_a_move_of_a_finished_job_or_to_the_same_lane_is_refused(company, supervisor_user):
    """Only active jobs move, and only to another lane; nothing is written otherwise."""
    finished = job_at(JobStatus.COMPLETED)
    with pytest.raises(ValidationError, match="only active jobs are on the board"):
        job_priority_move(job=finished, user=supervisor_user, priority=Priority.RUSH)
    normal = job_at(JobStatus.COATING)
    records = normal.history.count()
    with pytest.raises(ValidationError, match="already Normal"):
        job_priority_move(job=normal, user=supervisor_user, priority=Priority.NORMAL)
    assert normal.history.count() == records


def test_undo_puts_the_priority_back_in_the_history_by_the_same_person(company, supervisor_user):
    """Normal → Rush → Undo: Normal again without surcharge, recorded as an undo."""
    job, move = _moved(supervisor_user)
    change = job_priority_undo(stamp=move.undo_stamp, user=supervisor_user)
    job = _fresh(job)
    assert (change.before, change.after) == (Priority.RUSH, Priority.NORMAL)
    assert job.priority == Priority.NORMAL
    assert job.rush_surcharge_percent == Decimal("0")
    latest = job.history.latest()
    assert latest.history_user == supervisor_user
    assert latest.priority == Priority.NORMAL
    assert latest.history_change_reason == "Undo of the board move to Rush"


def test_undo_gives_back_the_rush_rate_the_job_had(company, supervisor_user):
    """A Rush job charged 25 % moved to Low and back keeps 25 %, though the shop now asks 40 %."""
    company.rush_surcharge_percent = Decimal("25")
    company.save()
    job = job_at(JobStatus.COATING, priority=Priority.RUSH)
    assert job.rush_surcharge_percent == Decimal("25")
    move = job_priority_move(job=job, user=supervisor_user, priority=Priority.LOW)
    company.rush_surcharge_percent = Decimal("40")
    company.save()
    job_priority_undo(stamp=move.undo_stamp, user=supervisor_user)
    job = _fresh(job)
    assert job.priority == Priority.RUSH
    assert job.rush_surcharge_percent == Decimal("25")


def test_undo_back_to_rush_does_not_alert_the_supervisors_again(
    company, supervisor_user, office_user, django_capture_on_commit_callbacks
):
    """The supervisors heard when the job became Rush; taking a slip back is not news."""
    job = job_at(JobStatus.COATING, priority=Priority.RUSH)
    move = job_priority_move(job=job, user=office_user, priority=Priority.HIGH)
    with django_capture_on_commit_callbacks(execute=True):
        job_priority_undo(stamp=move.undo_stamp, user=office_user)
    assert _fresh(job).priority == Priority.RUSH
    assert mail.outbox == []


def test_undo_twice_takes_the_move_back_once(company, supervisor_user):
    """A second Undo of the same move is refused in words; one undo record in the history."""
    job, move = _moved(supervisor_user)
    job_priority_undo(stamp=move.undo_stamp, user=supervisor_user)
    records = job.history.count()
    with pytest.raises(ValidationError, match="already taken back"):
        job_priority_undo(stamp=move.undo_stamp, user=supervisor_user)
    assert job.history.count() == records
    assert _fresh(job).priority == Priority.NORMAL


def test_undo_after_a_minute_is_refused(company, supervisor_user):
    """Two minutes later the move is kept, and Undo says why."""
    job, move = _moved(supervisor_user)
    job.history.update(history_date=F("history_date") - timedelta(minutes=2))
    with pytest.raises(ValidationError, match="more than a minute ago"):
        job_priority_undo(stamp=move.undo_stamp, user=supervisor_user)
    assert _fresh(job).priority == Priority.RUSH


def test_undo_after_someone_else_changed_the_priority_is_refused(
    company, supervisor_user, office_user
):
    """The office made it Urgent meanwhile: Undo names them and leaves it Urgent."""
    job, move = _moved(supervisor_user)
    job_priority_move(job=job, user=office_user, priority=Priority.URGENT)
    with pytest.raises(ValidationError, match="changed to Urgent by office after your move"):
        job_priority_undo(stamp=move.undo_stamp, user=supervisor_user)
    assert _fresh(job).priority == Priority.URGENT


def test_undo_after_a_change_and_a_change_back_is_still_refused(
    company, supervisor_user, office_user
):
    """Urgent and back to Rush by the office: the job is Rush again, but not by this move."""
    job, move = _moved(supervisor_user)
    job_priority_move(job=job, user=office_user, priority=Priority.URGENT)
    job_priority_move(job=job, user=office_user, priority=Priority.RUSH)
    with pytest.raises(ValidationError, match="after your move"):
        job_priority_undo(stamp=move.undo_stamp, user=supervisor_user)
    assert _fresh(job).priority == Priority.RUSH


def test_an_edit_that_leaves_the_priority_alone_does_not_block_undo(
    company, supervisor_user, office_user
):
    """Someone fixing the PO number meanwhile is no reason to keep the move."""
    job, move = _moved(supervisor_user)
    edited = _fresh(job)
    edited.po_number = "PO-77"
    job_update(job=edited, user=office_user)
    job_priority_undo(stamp=move.undo_stamp, user=supervisor_user)
    job = _fresh(job)
    assert (job.priority, job.po_number) == (Priority.NORMAL, "PO-77")


def test_only_the_mover_can_undo(company, supervisor_user, office_user):
    """Another login with the stamp gets a refusal; the move stands."""
    job, move = _moved(supervisor_user)
    with pytest.raises(ValidationError, match="Only the person who moved the card"):
        job_priority_undo(stamp=move.undo_stamp, user=office_user)
    assert _fresh(job).priority == Priority.RUSH


@pytest.mark.parametrize(
    "tamper",
    [
        lambda stamp: stamp[:-2] + ("AA" if not stamp.endswith("AA") else "BB"),
        lambda stamp: signing.dumps(
            {**signing.loads(stamp, salt="powdercoat.job-priority-undo"), "from": 1},
            salt="somewhere-else",
        ),
        lambda stamp: "",
        lambda stamp: "not-a-stamp",
    ],
    ids=["altered", "signed-elsewhere", "empty", "garbage"],
)
def test_a_tampered_stamp_is_refused(company, supervisor_user, tamper):
    """A stamp not signed here, for this purpose, is refused in words; nothing changes."""
    job, move = _moved(supervisor_user)
    with pytest.raises(ValidationError, match="This Undo cannot be read"):
        job_priority_undo(stamp=tamper(move.undo_stamp), user=supervisor_user)
    assert _fresh(job).priority == Priority.RUSH


def test_a_role_that_cannot_change_priorities_cannot_undo(company, supervisor_user, floor_user):
    """Shop Floor may neither move a card nor take a move back."""
    job, move = _moved(supervisor_user)
    with pytest.raises(PermissionDenied):
        job_priority_move(job=job, user=floor_user, priority=Priority.LOW)
    with pytest.raises(PermissionDenied):
        job_priority_undo(stamp=move.undo_stamp, user=floor_user)
    assert _fresh(job).priority == Priority.RUSH


# -- the supervisors' alert waits out the undo window --------------------------------------------

# The production task backend: it can run a task later, so a held alert waits in its queue.
DEFERRING_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _alerts(job: Job):
    return EmailLog.objects.priority_alerts().filter(job=job)


def test_a_move_to_rush_holds_the_alert_for_the_undo_window(
    company, supervisor_user, office_user, settings, django_capture_on_commit_callbacks
):
    """The alert is queued to leave a minute later, and the board says so."""
    settings.TASKS = DEFERRING_TASKS
    before = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        job, move = _moved(office_user)
    alert = _alerts(job).get()
    assert alert.outcome == EmailOutcome.QUEUED
    assert alert.next_attempt_at >= before + UNDO_WINDOW
    assert move.job.priority_alert.words() == (
        "Alert to supervisor supervisor leaves in a minute unless you undo."
    )
    assert mail.outbox == []


def test_undo_recalls_the_held_alert_and_it_never_leaves(
    company, supervisor_user, office_user, settings, django_capture_on_commit_callbacks
):
    """Normal → Rush → Undo: the alert is Recalled, and its task, when it runs, sends nothing."""
    settings.TASKS = DEFERRING_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        job, move = _moved(office_user)
    change = job_priority_undo(stamp=move.undo_stamp, user=office_user)
    assert change.alerts_recalled == 1
    alert = _alerts(job).get()
    assert alert.outcome == EmailOutcome.RECALLED
    assert outbox_attempt(email_id=alert.pk, attempt=1) is None
    assert mail.outbox == []
    assert _alerts(job).get().outcome == EmailOutcome.RECALLED


def test_an_alert_already_sent_is_not_recalled(
    company, supervisor_user, office_user, django_capture_on_commit_callbacks
):
    """With a backend that sends at once (or a try already taken), Undo leaves the Sent row."""
    with django_capture_on_commit_callbacks(execute=True):
        job, move = _moved(office_user)
    assert _alerts(job).get().outcome == EmailOutcome.SENT
    change = job_priority_undo(stamp=move.undo_stamp, user=office_user)
    assert change.alerts_recalled == 0
    assert _alerts(job).get().outcome == EmailOutcome.SENT
    assert len(mail.outbox) == 1


def test_undo_recalls_only_that_moves_alert(
    company, supervisor_user, office_user, settings, django_capture_on_commit_callbacks
):
    """An alert queued for the job before the move (another person's) stays queued."""
    settings.TASKS = DEFERRING_TASKS
    job = job_at(JobStatus.COATING, priority=Priority.NORMAL)
    with django_capture_on_commit_callbacks(execute=True):
        earlier = job_priority_move(job=job, user=supervisor_user, priority=Priority.URGENT)
        move = job_priority_move(job=earlier.job, user=office_user, priority=Priority.RUSH)
    EmailLog.objects.filter(subject__startswith="Urgent:").update(
        created_at=F("created_at") - timedelta(seconds=5)
    )
    job_priority_undo(stamp=move.undo_stamp, user=office_user)
    outcomes = dict(_alerts(job).values_list("subject", "outcome"))
    assert {subject.split(":")[0]: outcome for subject, outcome in outcomes.items()} == {
        "Urgent": EmailOutcome.QUEUED,
        "Rush": EmailOutcome.RECALLED,
    }
