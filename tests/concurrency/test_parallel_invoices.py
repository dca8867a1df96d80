"""Invoicing one job from 8 connections at once makes exactly one invoice (PostgreSQL; V1)."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from powdercoat.models import CompanySettings, Invoice, InvoiceLine, Job
from powdercoat.services.invoices import invoice_create_for_job
from tests.concurrency.test_parallel_writers import WRITERS, _run_in_parallel
from tests.factories import JobFactory, LineItemFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class _CreateInvoice:
    """Each writer loads the job before the start signal, then presses Create invoice."""

    def __init__(self, job_pk: int):
        self.job_pk = job_pk

    def prepare(self, _index):
        return Job.objects.get(pk=self.job_pk)

    def __call__(self, _index, job):
        return invoice_create_for_job(job=job, user=None).number


def test_parallel_invoice_creation_makes_exactly_one_invoice():
    """8 people invoicing the same job at once: one invoice, 7 refusals naming it."""
    CompanySettings.load()
    job = JobFactory()
    LineItemFactory(job=job, quantity=12, unit_price=Decimal("61.93"))

    results, errors = _run_in_parallel(_CreateInvoice(job.pk), WRITERS)

    assert len(results) == 1
    [number] = results
    assert len(errors) == WRITERS - 1
    assert all(isinstance(error, ValidationError) for error in errors)
    assert all(
        f"{job.number} already has invoice {number}" in " ".join(error.messages) for error in errors
    )
    invoice = Invoice.objects.get(job=job)
    assert invoice.number == number
    assert InvoiceLine.objects.filter(invoice=invoice).count() == 1
