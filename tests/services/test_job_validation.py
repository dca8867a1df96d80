"""job_create and job_update check every rule of the Job model, whoever calls them."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from powdercoat.models import Job, NumberSequence
from powdercoat.models.choices import JobStatus
from powdercoat.services import jobs as services
from tests.factories import CustomerFactory, JobFactory

pytestmark = pytest.mark.django_db

MAY_1 = datetime.date(2031, 5, 1)
MAY_20 = datetime.date(2031, 5, 20)


def _new_job(**fields) -> Job:
    return Job(**{"customer": CustomerFactory(), "description": "Gate panels", **fields})


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        (
            {"description": "x" * 301},
            "description",
            "Ensure this value has at most 300 characters (it has 301).",
        ),
        (
            {"discount_percent": Decimal("-5")},
            "discount_percent",
            "Ensure this value is greater than or equal to 0.",
        ),
        (
            {"scheduled_date": MAY_20, "due_date": MAY_1},
            "due_date",
            "The due date (May 1, 2031) is before the scheduled date (May 20, 2031); "
            "move one of them.",
        ),
        (
            {"estimated_hours": Decimal("-1")},
            "estimated_hours",
            "Ensure this value is greater than or equal to 0.",
        ),
    ],
)
def test_job_create_refuses_a_job_that_breaks_a_rule(company, fields, field, message):
    """The refusal names the field and says what is wrong; no job is saved and no job number
    is used up."""
    with pytest.raises(ValidationError) as refusal:
        services.job_create(job=_new_job(**fields), user=None)
    assert refusal.value.message_dict[field] == [message]
    assert not Job.objects.exists()
    assert not NumberSequence.objects.filter(prefix=services.JOB_NUMBER_PREFIX).exists()


def test_a_refused_job_leaves_the_next_number_to_the_next_job(company):
    """After a refusal the next good job still gets the first number of the month."""
    with pytest.raises(ValidationError):
        services.job_create(job=_new_job(description=""), user=None)
    job = services.job_create(job=_new_job(), user=None)
    assert job.number.endswith("-0001")


def test_job_create_without_a_customer_is_refused_in_words(company):
    """No customer: the customer field says so (no crash looking up their discount)."""
    with pytest.raises(ValidationError) as refusal:
        services.job_create(job=Job(description="Loose parts", discount_percent=None), user=None)
    assert refusal.value.message_dict["customer"] == ["This field cannot be null."]


def test_job_update_refuses_a_bad_edit_and_keeps_the_saved_job(company, office_user):
    """A discount above 100 % or a due date before the start is refused; the row is unchanged."""
    job = JobFactory(description="Railings", discount_percent=Decimal("10"))
    job.discount_percent = Decimal("150")
    job.scheduled_date, job.due_date = MAY_20, MAY_1
    with pytest.raises(ValidationError) as refusal:
        services.job_update(job=job, user=office_user)
    assert set(refusal.value.message_dict) == {"discount_percent", "due_date"}
    saved = Job.objects.get(pk=job.pk)
    assert (saved.discount_percent, saved.due_date, saved.updated_by) == (
        Decimal("10.00"),
        None,
        None,
    )


def test_job_update_accepts_a_job_away_from_pending(company, office_user):
    """A job at any stage can have its details edited: the status is not a field the edit
    checks (only transitions move it)."""
    job = JobFactory()
    services.job_set_status(job=job, user=office_user, status=JobStatus.COATING)
    job.refresh_from_db()
    job.po_number = "PO-1"
    services.job_update(job=job, user=office_user)
    assert Job.objects.get(pk=job.pk).po_number == "PO-1"
