"""Rules the database itself enforces, whatever code writes the rows."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from powdercoat.models import CompanySettings, Customer, Job
from powdercoat.models.choices import JobStatus
from tests.factories import CustomerFactory, JobFactory, PowderFactory

pytestmark = pytest.mark.django_db


def _refused(callable_):
    with pytest.raises(IntegrityError), transaction.atomic():
        callable_()


def test_commercial_customer_without_company_is_refused():
    """The check constraint backs up the form's rule."""
    _refused(lambda: Customer.objects.create(customer_type="commercial", contact_name="Lee"))


def test_discount_above_100_percent_is_refused():
    """A discount over 100 % cannot be stored."""
    _refused(lambda: CustomerFactory(discount_percent=Decimal("150")))


def test_job_numbers_are_unique(company):
    """Two jobs can never hold the same number."""
    job = JobFactory()
    _refused(lambda: Job.objects.filter(pk=JobFactory().pk).update(number=job.number))


def test_unknown_status_is_refused(company):
    """The status column accepts only the workflow's statuses."""
    job = JobFactory()
    _refused(lambda: Job.objects.filter(pk=job.pk).update(status="painting"))


def test_on_hold_must_remember_where_it_was(company):
    """A job on hold always knows the stage Resume returns to."""
    job = JobFactory()
    _refused(lambda: Job.objects.filter(pk=job.pk).update(status=JobStatus.ON_HOLD))


def test_powder_coverage_must_be_positive():
    """A zero coverage rate would break the powder maths, so it cannot be stored."""
    powder = PowderFactory()
    _refused(lambda: type(powder).objects.filter(pk=powder.pk).update(coverage_rate=Decimal("0")))


def test_company_settings_is_a_single_row(company):
    """Saving settings never makes a second row."""
    CompanySettings(name="Another").save()
    assert CompanySettings.objects.count() == 1
    assert CompanySettings.load().name == "Another"


def test_a_saved_job_validates_without_touching_its_status(company):
    """full_clean() works on a job at any stage (the protected status is left to transitions)."""
    job = JobFactory()
    job.full_clean()
    job.description = ""
    with pytest.raises(ValidationError, match="description"):
        job.full_clean()
