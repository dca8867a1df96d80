"""Every status move of a job through the services: targets, timeline rows, refusals (SPEC J3)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F

from powdercoat.models import Job, StatusChange
from powdercoat.models.choices import WORKFLOW, JobStatus
from powdercoat.services import jobs as services
from tests.factories import (
    JobFactory,
    LineItemFactory,
    LineItemPrepFactory,
    PrepServiceFactory,
    job_at,
)

pytestmark = pytest.mark.django_db


def _with_prep(job, *stages):
    """Give the job an item whose prep services belong to `stages`."""
    item = LineItemFactory(job=job)
    for stage in stages:
        LineItemPrepFactory(
            item=item, prep_service=PrepServiceFactory(name=f"Prep {stage}", stage=stage)
        )
    return job


def test_new_job_starts_pending_with_a_number():
    """A manual job starts at Pending and gets JOB-YYMM-0001."""
    job = JobFactory()
    assert job.status == JobStatus.PENDING
    assert job.number.startswith("JOB-")
    assert job.number.endswith("-0001")


def test_advance_moves_one_stage_and_records_who_and_why(company, floor_user):
    """Advance from Approved goes to In Preparation, with a timeline row naming the user."""
    job = job_at(JobStatus.APPROVED)
    change = services.job_advance(job=job, user=floor_user, note="Parts racked")
    job.refresh_from_db()
    assert job.status == JobStatus.IN_PREPARATION
    assert (change.from_status, change.to_status, change.transition) == (
        JobStatus.APPROVED,
        JobStatus.IN_PREPARATION,
        "advance",
    )
    assert change.user == floor_user
    assert change.note == "Parts racked"
    assert job.status_changes.count() == 2  # the setup move and this one


def test_advance_skips_prep_stages_no_item_needs(company, floor_user):
    """With only masking needed, In Preparation advances to Masking, then to In Oven."""
    job = _with_prep(job_at(JobStatus.IN_PREPARATION), JobStatus.MASKING)
    services.job_advance(job=job, user=floor_user)
    assert job.status == JobStatus.MASKING
    services.job_advance(job=job, user=floor_user)
    assert job.status == JobStatus.IN_OVEN


def test_advance_visits_every_prep_stage_that_is_needed(company, floor_user):
    """Blasting, masking and cleaning all needed: each is a stop."""
    job = _with_prep(
        job_at(JobStatus.IN_PREPARATION),
        JobStatus.SANDBLASTING,
        JobStatus.MASKING,
        JobStatus.CLEANING,
    )
    stops = []
    for _ in range(4):
        services.job_advance(job=job, user=floor_user)
        stops.append(job.status)
    assert stops == [
        JobStatus.SANDBLASTING,
        JobStatus.MASKING,
        JobStatus.CLEANING,
        JobStatus.IN_OVEN,
    ]


def test_skipping_can_be_turned_off(company, floor_user):
    """With the company setting off, Advance stops at every prep stage."""
    company.skip_unneeded_prep_stages = False
    company.save()
    job = job_at(JobStatus.IN_PREPARATION)
    services.job_advance(job=job, user=floor_user)
    assert job.status == JobStatus.SANDBLASTING


def test_advance_walks_the_whole_workflow_to_delivered(company, office_user):
    """From Pending, repeated advances reach Delivered, skipping unneeded prep only."""
    job = JobFactory()
    seen = [job.status]
    while job.status != JobStatus.DELIVERED:
        services.job_advance(job=job, user=office_user)
        seen.append(job.status)
    assert seen == [
        stage
        for stage in WORKFLOW
        if stage not in (JobStatus.SANDBLASTING, JobStatus.MASKING, JobStatus.CLEANING)
    ]


def test_delivered_job_cannot_advance(company, office_user):
    """Advance on a delivered job is refused in words and changes nothing."""
    job = job_at(JobStatus.DELIVERED)
    with pytest.raises(ValidationError, match="is Delivered; it cannot be advanced"):
        services.job_advance(job=job, user=office_user)
    assert Job.objects.get(pk=job.pk).status == JobStatus.DELIVERED
    assert job.status_changes.count() == 1


def test_hold_needs_a_reason(company, floor_user):
    """Hold without a reason is refused; nothing is recorded."""
    job = job_at(JobStatus.COATING)
    with pytest.raises(ValidationError, match="Say why"):
        services.job_hold(job=job, user=floor_user, reason="   ")
    assert Job.objects.get(pk=job.pk).status == JobStatus.COATING


def test_hold_and_resume_return_to_the_same_stage(company, floor_user):
    """A job held at Coating resumes at Coating; both steps are in the timeline."""
    job = job_at(JobStatus.COATING)
    services.job_hold(job=job, user=floor_user, reason="Waiting for RAL 3020 powder")
    job.refresh_from_db()
    assert (job.status, job.held_from_status) == (JobStatus.ON_HOLD, JobStatus.COATING)
    services.job_resume(job=job, user=floor_user)
    job.refresh_from_db()
    assert (job.status, job.held_from_status) == (JobStatus.COATING, "")
    moves = list(job.status_changes.order_by("id").values_list("transition", "to_status", "note"))
    assert moves[-2:] == [
        ("hold", JobStatus.ON_HOLD, "Waiting for RAL 3020 powder"),
        ("resume", JobStatus.COATING, ""),
    ]


def test_held_job_cannot_be_held_again_or_advanced(company, floor_user):
    """On Hold allows Resume (and Cancel), not Hold or Advance."""
    job = job_at(JobStatus.CURING)
    services.job_hold(job=job, user=floor_user, reason="Oven down")
    with pytest.raises(ValidationError, match="is On Hold; it cannot be put on hold"):
        services.job_hold(job=job, user=floor_user, reason="again")
    with pytest.raises(ValidationError, match="is On Hold; it cannot be advanced"):
        services.job_advance(job=job, user=floor_user)


def test_cancel_needs_a_reason_and_reopen_goes_to_pending(company, office_user, supervisor_user):
    """Cancel with a reason, then a supervisor reopens: back at Pending."""
    job = job_at(JobStatus.SANDBLASTING)
    with pytest.raises(ValidationError, match="Say why"):
        services.job_cancel(job=job, user=office_user, reason="")
    services.job_cancel(job=job, user=office_user, reason="Customer picked up unpainted")
    assert job.status == JobStatus.CANCELLED
    services.job_reopen(job=job, user=supervisor_user, note="Customer came back")
    job.refresh_from_db()
    assert job.status == JobStatus.PENDING


def test_held_job_can_be_cancelled(company, office_user, floor_user):
    """Cancel is reachable from On Hold too."""
    job = job_at(JobStatus.COATING)
    services.job_hold(job=job, user=floor_user, reason="Customer unreachable")
    services.job_cancel(job=job, user=office_user, reason="Customer cancelled")
    job.refresh_from_db()
    assert (job.status, job.held_from_status) == (JobStatus.CANCELLED, "")


def test_delivered_and_cancelled_jobs_cannot_be_held_or_cancelled(company, office_user):
    """Hold and Cancel are not available from Delivered or Cancelled."""
    delivered = job_at(JobStatus.DELIVERED)
    with pytest.raises(ValidationError):
        services.job_hold(job=delivered, user=office_user, reason="x")
    with pytest.raises(ValidationError):
        services.job_cancel(job=delivered, user=office_user, reason="x")
    cancelled = job_at(JobStatus.APPROVED)
    services.job_cancel(job=cancelled, user=office_user, reason="dup")
    with pytest.raises(ValidationError, match="is Cancelled; it cannot be cancelled"):
        services.job_cancel(job=cancelled, user=office_user, reason="x")


def test_only_cancelled_jobs_can_be_reopened(company, supervisor_user):
    """Reopen on an active job is refused."""
    job = job_at(JobStatus.COATING)
    with pytest.raises(ValidationError, match="cannot be reopened"):
        services.job_reopen(job=job, user=supervisor_user)


def test_set_status_moves_back_after_failed_quality_check(company, office_user):
    """Office moves a job from Quality Check back to Coating, with a note."""
    job = job_at(JobStatus.QUALITY_CHECK)
    change = services.job_set_status(
        job=job, user=office_user, status=JobStatus.COATING, note="Orange peel on rim 3"
    )
    assert job.status == JobStatus.COATING
    assert (change.transition, change.note) == ("set_status", "Orange peel on rim 3")


def test_set_status_refuses_non_stages_and_the_same_stage(company, office_user):
    """Set status cannot go to On Hold/Cancelled (they need reasons) or stay put."""
    job = job_at(JobStatus.COATING)
    with pytest.raises(ValidationError, match="use Hold or Cancel"):
        services.job_set_status(job=job, user=office_user, status=JobStatus.ON_HOLD)
    with pytest.raises(ValidationError, match="already Coating"):
        services.job_set_status(job=job, user=office_user, status=JobStatus.COATING)
    with pytest.raises(ValidationError):
        services.job_set_status(job=job, user=office_user, status="painting")


def test_set_status_takes_a_held_job_off_hold(company, office_user, floor_user):
    """Moving a held job to a stage clears where it was held."""
    job = job_at(JobStatus.CURING)
    services.job_hold(job=job, user=floor_user, reason="Oven down")
    services.job_set_status(job=job, user=office_user, status=JobStatus.COATING)
    job.refresh_from_db()
    assert (job.status, job.held_from_status) == (JobStatus.COATING, "")


def test_shop_floor_may_advance_and_hold_but_not_cancel_or_set(company, floor_user):
    """Role permissions are enforced by the services, not only hidden in the UI."""
    job = job_at(JobStatus.COATING)
    with pytest.raises(PermissionDenied):
        services.job_cancel(job=job, user=floor_user, reason="nope")
    with pytest.raises(PermissionDenied):
        services.job_set_status(job=job, user=floor_user, status=JobStatus.CURING)
    services.job_advance(job=job, user=floor_user)
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING


def test_office_cannot_reopen(company, office_user):
    """Reopening is for supervisors and administrators."""
    job = job_at(JobStatus.APPROVED)
    services.job_cancel(job=job, user=office_user, reason="Duplicate")
    with pytest.raises(PermissionDenied):
        services.job_reopen(job=job, user=office_user)


def test_a_stale_copy_cannot_move_a_job_twice(company, floor_user, supervisor_user):
    """Two people who both loaded the job at Coating: the second advance is refused."""
    first = job_at(JobStatus.COATING)
    second = Job.objects.get(pk=first.pk)
    services.job_advance(job=first, user=floor_user)
    with pytest.raises(ValidationError, match="moved to Curing by someone else"):
        services.job_advance(job=second, user=supervisor_user)
    assert Job.objects.get(pk=first.pk).status == JobStatus.CURING
    assert StatusChange.objects.filter(job=first, transition="advance").count() == 1


def test_every_status_change_is_kept_in_history(company, floor_user):
    """simple-history records each move with its user."""
    job = job_at(JobStatus.COATING)
    services.job_advance(job=job, user=floor_user)
    latest = job.history.latest()
    assert (latest.status, latest.history_user) == (JobStatus.CURING, floor_user)


def _milestones(job):
    return Job.objects.filter(pk=job.pk).values_list("finished_at", "ready_at").get()


def _move_time(job, to_status):
    return StatusChange.objects.filter(job=job, to_status=to_status).earliest("created_at")


def test_finishing_stamps_the_job_with_the_moment_of_its_timeline_row(company, floor_user):
    """Advance into Completed sets finished_at to that move's time; Ready for Pickup then sets
    ready_at to its own, and leaves finished_at alone."""
    job = job_at(JobStatus.QUALITY_CHECK)
    assert _milestones(job) == (None, None)

    services.job_advance(job=job, user=floor_user)
    completed = _move_time(job, JobStatus.COMPLETED).created_at
    assert _milestones(job) == (completed, None)

    services.job_advance(job=Job.objects.get(pk=job.pk), user=floor_user)
    ready = _move_time(job, JobStatus.READY_FOR_PICKUP).created_at
    assert ready > completed
    assert _milestones(job) == (completed, ready)


def test_a_job_sent_back_and_finished_again_keeps_its_first_milestones(company, office_user):
    """Ready, back to Coating for a redo, then Ready again: both stay at the first time."""
    job = job_at(JobStatus.READY_FOR_PICKUP)
    first = _move_time(job, JobStatus.READY_FOR_PICKUP).created_at
    assert _milestones(job) == (first, first)

    services.job_set_status(job=job, user=office_user, status=JobStatus.COATING, note="Redo")
    assert _milestones(job) == (first, first)
    services.job_set_status(
        job=Job.objects.get(pk=job.pk), user=office_user, status=JobStatus.READY_FOR_PICKUP
    )
    assert StatusChange.objects.filter(job=job, to_status=JobStatus.READY_FOR_PICKUP).count() == 2
    assert _milestones(job) == (first, first)


def test_holding_or_cancelling_stamps_no_milestone(company, office_user):
    """Neither On Hold nor Cancelled finishes a job."""
    held = job_at(JobStatus.ON_HOLD)
    cancelled = job_at(JobStatus.COATING)
    services.job_cancel(job=cancelled, user=office_user, reason="Customer changed their mind")
    assert _milestones(held) == (None, None)
    assert _milestones(cancelled) == (None, None)


def test_milestones_stay_out_of_the_jobs_history(company, floor_user):
    """The history page shows the status move, not a second 'finished' change beside it."""
    job = job_at(JobStatus.QUALITY_CHECK)
    services.job_advance(job=job, user=floor_user)
    latest = job.history.latest()
    assert latest.status == JobStatus.COMPLETED
    assert not hasattr(latest, "finished_at")
    assert not hasattr(latest, "ready_at")


# -- taking an advance back (the phone's Undo) ------------------------------------------------


def _advanced_by(user, status=JobStatus.COATING):
    job = job_at(status)
    change = services.job_advance(job=job, user=user)
    return Job.objects.get(pk=job.pk), change


def test_undo_puts_the_job_back_and_says_so_in_the_timeline(company, floor_user):
    """Coating → Curing by mistake, then Undo: back in Coating, with an "undo" row by the
    same person after the advance."""
    job, advance = _advanced_by(floor_user)

    back = services.job_advance_undo(job=job, user=floor_user, change_id=advance.pk)

    assert Job.objects.get(pk=job.pk).status == JobStatus.COATING
    assert (back.from_status, back.to_status, back.transition, back.user) == (
        JobStatus.CURING,
        JobStatus.COATING,
        "undo",
        floor_user,
    )
    assert "Curing" in back.note
    assert list(job.status_changes.order_by("-created_at", "-id")[:2]) == [back, advance]


def test_undoing_a_finish_clears_the_finish_it_stamped(company, floor_user):
    """Quality Check → Completed undone: the job has not finished after all."""
    job, advance = _advanced_by(floor_user, JobStatus.QUALITY_CHECK)
    assert _milestones(job)[0] == advance.created_at

    services.job_advance_undo(job=job, user=floor_user, change_id=advance.pk)

    assert _milestones(job) == (None, None)


def test_undoing_a_second_finish_keeps_the_first(company, office_user, floor_user):
    """A job finished last week, sent back and finished again by mistake keeps last week's."""
    job = job_at(JobStatus.COMPLETED)
    first_finish = _milestones(job)[0]
    services.job_set_status(job=job, user=office_user, status=JobStatus.QUALITY_CHECK)
    advance = services.job_advance(job=Job.objects.get(pk=job.pk), user=floor_user)

    services.job_advance_undo(job=Job.objects.get(pk=job.pk), user=floor_user, change_id=advance.pk)

    assert _milestones(job) == (first_finish, None)


def test_only_the_latest_advance_by_the_same_person_can_be_undone(
    company, floor_user, supervisor_user
):
    """Someone else's advance, an older move, or a second Undo are refused; nothing moves."""
    job, advance = _advanced_by(floor_user)
    with pytest.raises(ValidationError, match="Only the person who advanced"):
        services.job_advance_undo(job=job, user=supervisor_user, change_id=advance.pk)

    services.job_advance(job=job, user=floor_user)  # Curing → Quality Check
    with pytest.raises(ValidationError, match="has moved since that advance"):
        services.job_advance_undo(
            job=Job.objects.get(pk=job.pk), user=floor_user, change_id=advance.pk
        )
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUALITY_CHECK

    latest = job.status_changes.order_by("-created_at", "-id").first()
    services.job_advance_undo(job=Job.objects.get(pk=job.pk), user=floor_user, change_id=latest.pk)
    with pytest.raises(ValidationError, match="has moved since that advance"):
        services.job_advance_undo(
            job=Job.objects.get(pk=job.pk), user=floor_user, change_id=latest.pk
        )
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
    assert job.status_changes.filter(transition="undo").count() == 1


def test_an_advance_older_than_a_minute_is_kept(company, floor_user):
    """Undo two minutes later is refused in words; the job stays where it went."""
    job, advance = _advanced_by(floor_user)
    job.status_changes.update(created_at=F("created_at") - timedelta(minutes=2))
    with pytest.raises(ValidationError, match="more than a minute ago"):
        services.job_advance_undo(job=job, user=floor_user, change_id=advance.pk)
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING


def test_a_role_without_moves_cannot_undo(company, floor_user, django_user_model):
    """A user who may not advance jobs may not take an advance back either."""
    job, advance = _advanced_by(floor_user)
    viewer = django_user_model.objects.create_user("viewer", password="x")
    with pytest.raises(PermissionDenied):
        services.job_advance_undo(job=job, user=viewer, change_id=advance.pk)
