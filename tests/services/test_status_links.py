"""Issuing and revoking a job's status link (services/status_links.py), and the progress line."""

import pytest

from powdercoat.models import Job
from powdercoat.models.choices import JobStatus
from powdercoat.services.status_links import (
    job_status_link_issue,
    job_status_link_revoke,
    status_link_url,
)
from powdercoat.status_page import STAGE_STEP, customer_progress
from tests.factories import JobFactory

pytestmark = pytest.mark.django_db


def test_a_job_has_no_link_until_one_is_issued_and_then_keeps_it():
    """Issued lazily, once: asking again gives the same address and writes nothing."""
    job = JobFactory()
    assert job.status_token is None
    first = job_status_link_issue(job=job)
    again = job_status_link_issue(job=Job.objects.get(pk=job.pk))
    assert first == again == status_link_url(job.status_token)
    assert first.endswith(f"/s/{job.status_token}/")


def test_the_secret_has_at_least_128_bits_and_differs_per_job():
    """32 URL-safe characters (192 bits), unique per job."""
    tokens = {
        job_status_link_issue(job=JobFactory()).rstrip("/").rsplit("/", 1)[-1] for _ in range(5)
    }
    assert len(tokens) == 5
    assert all(len(token) >= 22 for token in tokens)  # 22 base64 characters = 132 bits


def test_a_stale_copy_of_the_job_gets_the_link_already_issued():
    """Two requests issuing at once hand out one link: the second reads the first's."""
    job = JobFactory()
    stale = Job.objects.get(pk=job.pk)
    first = job_status_link_issue(job=job)
    assert job_status_link_issue(job=stale) == first


def test_revoking_gives_a_new_secret():
    """The old secret is gone from the database; the new one is on the job."""
    job = JobFactory()
    old = job_status_link_issue(job=job)
    new = job_status_link_revoke(job=job, user=None)
    assert new != old
    assert Job.objects.get(pk=job.pk).status_token == job.status_token
    assert not Job.objects.filter(status_token=old.rstrip("/").rsplit("/", 1)[-1]).exists()


def test_the_secret_stays_out_of_the_jobs_history():
    """The history tables never hold the link's secret."""
    job = JobFactory()
    job_status_link_issue(job=job)
    assert "status_token" not in {field.name for field in Job.history.model._meta.fields}


def test_every_workflow_stage_maps_to_a_customer_step():
    """No stage is left without a step (a new stage must be placed on the line)."""
    from powdercoat.models.choices import WORKFLOW

    assert set(WORKFLOW) == set(STAGE_STEP)


@pytest.mark.parametrize(
    ("status", "current"),
    [
        (JobStatus.APPROVED, "received"),
        (JobStatus.SANDBLASTING, "prep"),
        (JobStatus.COATING, "coating"),
        (JobStatus.CURING, "curing"),
        (JobStatus.QUALITY_CHECK, "quality"),
        (JobStatus.READY_FOR_PICKUP, "ready"),
    ],
)
def test_the_current_step_follows_the_stage(status, current):
    """Each stage lights its step; the ones before are done."""
    progress = customer_progress(status)
    states = {step.key: step.state for step in progress.steps}
    assert states[current] == "current"
    keys = [step.key for step in progress.steps]
    assert all(states[key] == "done" for key in keys[: keys.index(current)])


def test_on_hold_keeps_its_place_and_says_so():
    """A job held at Curing shows Curing as where it stopped, and On hold in words."""
    progress = customer_progress(JobStatus.ON_HOLD, JobStatus.CURING)
    assert progress.on_hold
    assert {step.key: step.state for step in progress.steps}["curing"] == "current"
    assert "On hold" in str(progress.headline)


def test_cancelled_has_no_progress_line():
    """Cancelled: no steps, a sentence."""
    progress = customer_progress(JobStatus.CANCELLED)
    assert progress.cancelled
    assert progress.steps == ()


def test_status_emails_carry_the_link(company):
    """A status email to the customer ends with the job's status link."""
    from powdercoat.models import EmailLog
    from powdercoat.services.jobs import job_set_status
    from tests.factories import CustomerFactory

    job = JobFactory(customer=CustomerFactory(email="dana@example.com", email_notifications=True))
    job_set_status(job=job, user=None, status=JobStatus.COATING, notify_customer=True)
    email = EmailLog.objects.get(job=job)
    job.refresh_from_db()
    assert status_link_url(job.status_token) in email.body
