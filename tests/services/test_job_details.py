"""Creating and editing jobs: numbering, default discount, price lines and the rush surcharge."""

from decimal import Decimal

import pytest

from powdercoat.models import Job
from powdercoat.models.choices import JobStatus, Priority
from powdercoat.services import jobs as services
from tests.factories import CustomerFactory, JobFactory, LineItemFactory

pytestmark = pytest.mark.django_db


def test_empty_discount_takes_the_customers_tier(company):
    """A customer on a 10 % tier gets 10 % on a new job unless told otherwise."""
    job = JobFactory(customer=CustomerFactory(discount_percent=Decimal("10")))
    assert job.discount_percent == Decimal("10")


def test_typed_discount_is_kept(company):
    """An explicit 0 % is not replaced by the customer's tier."""
    job = JobFactory(
        customer=CustomerFactory(discount_percent=Decimal("10")), discount_percent=Decimal("0")
    )
    assert job.discount_percent == Decimal("0")


def test_price_follows_items_discount_and_rush(company):
    """4 x $85 = $340, less 10 % = $306, plus 25 % rush = $382.50."""
    job = JobFactory(priority=Priority.RUSH, discount_percent=Decimal("10"))
    LineItemFactory(job=job, quantity=4, unit_price=Decimal("85"))
    job.refresh_from_db()
    assert (job.subtotal, job.discount_amount, job.rush_surcharge_amount, job.total_price) == (
        Decimal("340.00"),
        Decimal("34.00"),
        Decimal("76.50"),
        Decimal("382.50"),
    )


def test_rush_rate_is_fixed_when_the_job_becomes_rush(company, office_user):
    """A later change of the company's rush rate does not reprice an existing Rush job."""
    company.rush_surcharge_percent = Decimal("20")
    company.save()
    job = JobFactory(priority=Priority.RUSH, discount_percent=Decimal("0"))
    LineItemFactory(job=job, quantity=1, unit_price=Decimal("100"))
    company.rush_surcharge_percent = Decimal("50")
    company.save()
    job.refresh_from_db()
    job.description = "Renamed"
    services.job_update(job=job, user=office_user)
    job.refresh_from_db()
    assert job.rush_surcharge_percent == Decimal("20")
    assert job.total_price == Decimal("120.00")


def test_leaving_rush_drops_the_surcharge(company, office_user):
    """Rush → Normal removes the surcharge line."""
    job = JobFactory(priority=Priority.RUSH, discount_percent=Decimal("0"))
    LineItemFactory(job=job, quantity=1, unit_price=Decimal("100"))
    job.refresh_from_db()
    job.priority = Priority.NORMAL
    services.job_update(job=job, user=office_user)
    job.refresh_from_db()
    assert (job.rush_surcharge_percent, job.rush_surcharge_amount, job.total_price) == (
        Decimal("0"),
        Decimal("0.00"),
        Decimal("100.00"),
    )


def test_editing_an_old_copy_keeps_the_status_someone_else_set(company, office_user, floor_user):
    """An edit form opened before an advance saves its fields and keeps the new status."""
    job = JobFactory()
    services.job_set_status(job=job, user=office_user, status=JobStatus.COATING)
    stale = Job.objects.get(pk=job.pk)
    services.job_advance(job=job, user=floor_user)
    stale.po_number = "PO-7781"
    services.job_update(job=stale, user=office_user)
    fresh = Job.objects.get(pk=job.pk)
    assert (fresh.status, fresh.po_number, fresh.updated_by) == (
        JobStatus.CURING,
        "PO-7781",
        office_user,
    )


def test_job_create_refuses_a_saved_job(company):
    """job_create() is for new jobs only."""
    job = JobFactory()
    with pytest.raises(ValueError, match="not been saved"):
        services.job_create(job=job, user=None)
