"""Which jobs the oven plan reads, and starting and finishing a batch (SPEC O1)."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from powdercoat.models import StatusChange
from powdercoat.models.choices import JobStatus, Priority
from powdercoat.selectors import oven_plan_jobs
from powdercoat.services.jobs import job_advance
from powdercoat.services.oven import oven_batch_finish, oven_batch_start
from tests.factories import LineItemPrepFactory, PrepServiceFactory, UserFactory
from tests.shop_floor import floor_job, powder

pytestmark = pytest.mark.django_db


@pytest.fixture
def black(db):
    """Gloss Black RAL 9005, cured at 400 °F for 10 minutes."""
    return powder(
        "Gloss Black", "#111111", color_code="RAL 9005", cure_temperature_f=400, cure_minutes=10
    )


def _seen(*jobs) -> dict[str, str]:
    return {job.number: job.status for job in jobs}


def _status(job) -> str:
    job.refresh_from_db()
    return job.status


def test_the_plan_reads_the_ready_stages_and_approved_jobs_without_prep(company, black):
    """Cleaning, In Oven, Coating and prep-free Approved jobs are planned; an Approved job
    that still needs blasting, a Curing job and a Sandblasting job are not."""
    ready = [
        floor_job(stage, powders=[black])
        for stage in (JobStatus.CLEANING, JobStatus.IN_OVEN, JobStatus.COATING, JobStatus.APPROVED)
    ]
    needs_blast = floor_job(JobStatus.APPROVED, powders=[black])
    LineItemPrepFactory(
        item=needs_blast.items.get(), prep_service=PrepServiceFactory(stage="sandblasting")
    )
    floor_job(JobStatus.CURING, powders=[black])
    floor_job(JobStatus.SANDBLASTING, powders=[black])
    planned = oven_plan_jobs(company)
    assert sorted(job.number for job in planned) == sorted(job.number for job in ready)
    (item,) = planned[0].items
    assert item.coats[0].label == "Gloss Black (RAL 9005)"
    assert item.coats[0].cure_schedule.label == "400 °F 10 min"


def test_the_stages_are_a_company_setting(company, black):
    """A shop that plans only Coating jobs sees only those."""
    company.oven_plan_stages = ["coating"]
    company.save()
    coating = floor_job(JobStatus.COATING, powders=[black])
    floor_job(JobStatus.CLEANING, powders=[black])
    assert [job.number for job in oven_plan_jobs(company)] == [coating.number]


def test_starting_a_batch_moves_its_jobs_to_coating_with_the_batch_in_the_timeline(
    company, black, floor_user
):
    """Cleaning and Approved jobs walk to Coating by Advance; each step names the batch."""
    cleaning = floor_job(JobStatus.CLEANING, powders=[black])
    approved = floor_job(JobStatus.APPROVED, powders=[black], priority=Priority.RUSH)
    outcome = oven_batch_start(powder_id=black.pk, seen=_seen(cleaning, approved), user=floor_user)
    assert _status(cleaning) == _status(approved) == JobStatus.COATING
    assert sorted(outcome.moved) == sorted([cleaning.number, approved.number])
    notes = set(
        StatusChange.objects.filter(job=approved, user=floor_user).values_list("note", flat=True)
    )
    assert notes == {"Oven batch: Gloss Black (RAL 9005) · 400 °F 10 min"}
    assert outcome.message.startswith("Oven batch Gloss Black (RAL 9005) · 400 °F 10 min started:")


def test_finishing_a_batch_moves_coating_jobs_to_curing(company, black, floor_user):
    """Done: the Coating jobs advance to Curing; the timeline names the batch."""
    coating = floor_job(JobStatus.COATING, powders=[black])
    outcome = oven_batch_finish(powder_id=black.pk, seen=_seen(coating), user=floor_user)
    assert _status(coating) == JobStatus.CURING
    assert outcome.moved == [coating.number]
    change = StatusChange.objects.filter(job=coating).latest("created_at")
    assert (change.from_status, change.to_status) == (JobStatus.COATING, JobStatus.CURING)
    assert change.note == "Oven batch: Gloss Black (RAL 9005) · 400 °F 10 min"


def test_jobs_that_moved_meanwhile_are_skipped_and_named(company, black, floor_user):
    """A job someone advanced after the plan was loaded is left where it is, and said so."""
    first = floor_job(JobStatus.COATING, powders=[black])
    second = floor_job(JobStatus.COATING, powders=[black])
    seen = _seen(first, second)
    job_advance(job=second, user=floor_user)  # to Curing, by someone else
    outcome = oven_batch_finish(powder_id=black.pk, seen=seen, user=floor_user)
    assert outcome.moved == [first.number]
    assert _status(second) == JobStatus.CURING
    assert f"{second.number} is now Curing; it moved since the plan was loaded" in (outcome.message)
    assert StatusChange.objects.filter(job=second).count() == 2  # the setup and the advance


def test_already_at_coating_is_said_not_moved(company, black, floor_user):
    """Starting a batch whose job is already at Coating leaves it and says so."""
    coating = floor_job(JobStatus.COATING, powders=[black])
    outcome = oven_batch_start(powder_id=black.pk, seen=_seen(coating), user=floor_user)
    assert outcome.moved == []
    assert outcome.message.endswith(f"no job was moved. Already at Coating: {coating.number}.")


def test_a_job_not_in_the_batch_is_not_moved(company, black, floor_user):
    """A job number posted with another powder's batch is refused for that job only."""
    red = powder("Red", "#B00020")
    other = floor_job(JobStatus.COATING, powders=[red])
    outcome = oven_batch_finish(powder_id=black.pk, seen=_seen(other), user=floor_user)
    assert _status(other) == JobStatus.COATING
    assert f"{other.number} has no coat of Gloss Black (RAL 9005)" in outcome.message


def test_finishing_a_batch_not_started_skips_its_jobs(company, black, floor_user):
    """Done on a Cleaning job is refused for it in words: it was never sprayed."""
    cleaning = floor_job(JobStatus.CLEANING, powders=[black])
    outcome = oven_batch_finish(powder_id=black.pk, seen=_seen(cleaning), user=floor_user)
    assert _status(cleaning) == JobStatus.CLEANING
    assert "is Cleaning, not ready to be finished here" in outcome.message


def test_a_role_without_advance_changes_nothing(company, black):
    """Someone who may not advance jobs is refused and no job moves."""
    coating = floor_job(JobStatus.COATING, powders=[black])
    with pytest.raises(PermissionDenied):
        oven_batch_finish(powder_id=black.pk, seen=_seen(coating), user=UserFactory())
    assert _status(coating) == JobStatus.COATING


@pytest.mark.parametrize(
    ("powder_id", "seen", "words"),
    [
        (10**9, {"JOB-1": "coating"}, "no longer in the inventory"),
        (None, {}, "lists no jobs"),
    ],
)
def test_bad_batches_are_refused_in_words(company, black, floor_user, powder_id, seen, words):
    """An unknown powder or an empty batch is a clear refusal."""
    with pytest.raises(ValidationError, match=words):
        oven_batch_start(powder_id=powder_id or black.pk, seen=seen, user=floor_user)


def test_the_pounds_are_the_shared_powder_maths(company, black):
    """The planner's input carries the shop's default rates (30 sq ft/lb, 65 %)."""
    floor_job(JobStatus.COATING, powders=[black])
    (job,) = oven_plan_jobs(company)
    assert job.items[0].coats[0].coverage_sqft_per_lb == Decimal("30")
    assert job.items[0].coats[0].transfer_efficiency_percent == Decimal("65")
