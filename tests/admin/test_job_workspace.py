"""The job page as a whole (SPEC J8): a fixed number of queries, and what Shop Floor never sees."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from powdercoat.models import Job, JobNote, JobPhoto, ReworkRecord, TimeEntry
from powdercoat.models.choices import JobStatus, PhotoKind, ReworkKind, ReworkReason
from powdercoat.services.inventory import material_usage_log
from powdercoat.services.invoices import invoice_create_for_job
from powdercoat.services.job_records import part_intake_save
from powdercoat.services.jobs import job_hold, job_resume
from tests.factories import (
    CustomerFactory,
    LineItemCoatFactory,
    LineItemFactory,
    LineItemPrepFactory,
    PowderFactory,
    PrepServiceFactory,
    UserFactory,
    WorkerFactory,
    job_at,
)

pytestmark = pytest.mark.django_db


def _change_url(job) -> str:
    return reverse("admin:powdercoat_job_change", args=[job.pk])


def _full_job(count: int) -> Job:
    """A job with `count` of everything the page lists: items, records, usage, moves."""
    job = job_at(JobStatus.APPROVED, estimated_hours=Decimal("3"))
    part_intake_save(job=job, expected_count=5, actual_count=4, user=UserFactory())
    for n in range(count):
        user = UserFactory()
        powder = PowderFactory()
        item = LineItemFactory(job=job, description=f"Part {n}")
        LineItemCoatFactory(item=item, powder=powder)
        LineItemPrepFactory(item=item, prep_service=PrepServiceFactory())
        material_usage_log(job=job, item=powder, lbs=Decimal("0.5"), user=user)
        JobPhoto.objects.create(job=job, image=f"jobs/t/{n}.png", kind=PhotoKind.AFTER)
        JobNote.objects.create(job=job, text=f"Note {n}", author=user)
        TimeEntry.objects.create(job=job, worker=WorkerFactory(), hours=Decimal("1"))
        ReworkRecord.objects.create(
            job=job, kind=ReworkKind.TOUCH_UP, reason=ReworkReason.DAMAGE, created_by=user
        )
        # Hold and resume: the timeline grows while the job stays at the same stage.
        job_hold(job=Job.objects.get(pk=job.pk), user=None, reason=f"Waiting {n}")
        job_resume(job=Job.objects.get(pk=job.pk), user=None)
    return Job.objects.get(pk=job.pk)


@pytest.mark.parametrize("client_fixture", ["office_client", "floor_client"])
def test_job_page_queries_do_not_grow_with_anything_on_it(company, request, client_fixture):
    """1 or 8 items, photos, notes, time entries, reworks, material logs and status moves:
    the job page runs the same number of queries."""
    client = request.getfixturevalue(client_fixture)

    def queries_for(count: int) -> int:
        job = _full_job(count)
        client.get(_change_url(job))  # warm caches (content types, session)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(_change_url(job))
        assert response.status_code == 200
        html = response.content.decode()
        assert f"Part {count - 1}" in html
        assert f"Note {count - 1}" in html
        return len(captured)

    assert queries_for(1) == queries_for(8)


def test_shop_floor_never_sees_prices_invoices_or_customer_contact_data(
    company, floor_client, office_client
):
    """The office sees the invoice, prices and the customer's details; Shop Floor none of it."""
    customer = CustomerFactory(
        company_name="Ridge Cycles",
        email="books@ridgecycles.example",
        phone="918-555-0199",
        billing_address="44 Harbor Lane, Tulsa",
    )
    job = job_at(JobStatus.COMPLETED, customer=customer)
    item = LineItemFactory(job=job, quantity=3, unit_price=Decimal("123.45"))
    LineItemCoatFactory(item=item, powder=PowderFactory(unit_cost=Decimal("17.25")))
    ReworkRecord.objects.create(
        job=job,
        kind=ReworkKind.RECOAT,
        reason=ReworkReason.ADHESION_FAILURE,
        cost=Decimal("88.40"),
    )
    invoice = invoice_create_for_job(job=Job.objects.get(pk=job.pk), user=None)

    office = office_client.get(_change_url(job)).content.decode()
    assert invoice.number in office
    assert "$370.35" in office

    floor = floor_client.get(_change_url(job)).content.decode()
    assert job.number in floor
    assert "Ridge Cycles" in floor
    for hidden in (
        invoice.number,
        "Create invoice",
        "books@ridgecycles.example",
        "918-555-0199",
        "44 Harbor Lane",
        "370.35",
        "123.45",
        "88.40",
        "17.25",
    ):
        assert hidden not in floor, hidden
    assert not re.search(r"\$\s?\d", floor), "a money amount is shown to Shop Floor"
