"""Cloning a job (SPEC J17) and changing its customer (SPEC J9)."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from powdercoat.models import (
    InventoryActivity,
    Job,
    JobNote,
    LineItem,
    LineItemCoat,
    LineItemPrep,
    StatusChange,
)
from powdercoat.models.choices import JobStatus, Priority
from powdercoat.services.inventory import material_usage_log
from powdercoat.services.invoices import invoice_create_for_job
from powdercoat.services.jobs import job_change_customer, job_clone
from tests.factories import (
    CustomerFactory,
    LineItemCoatFactory,
    LineItemFactory,
    LineItemPrepFactory,
    PowderFactory,
    PrepServiceFactory,
    QuoteFactory,
    WorkerFactory,
    job_at,
)

pytestmark = pytest.mark.django_db
D = Decimal


def _busy_job(**fields):
    """A job at Coating with details, two workers, two items, a note, usage and a quote."""
    fields = {
        "customer": CustomerFactory(company_name="Ridge Cycles"),
        "description": "Frame and swingarm",
        "project_name": "Race season",
        "po_number": "PO-7781",
        "priority": Priority.HIGH,
        "special_instructions": "Mask the bearing seats.",
        "estimated_hours": D("6.5"),
        "discount_percent": D("10"),
        "scheduled_date": date(2026, 3, 2),
        "due_date": date(2026, 3, 9),
        **fields,
    }
    job = job_at(JobStatus.COATING, **fields)
    job.assigned_workers.set([WorkerFactory(name="Ana"), WorkerFactory(name="Bo")])
    frame = LineItemFactory(job=job, description="Frame", quantity=1, unit_price=D("300"))
    LineItemCoatFactory(item=frame, powder=PowderFactory(name="Candy red"), position=1)
    LineItemCoatFactory(item=frame, powder=PowderFactory(name="Clear"), position=2)
    LineItemPrepFactory(item=frame, prep_service=PrepServiceFactory(name="Media blasting"))
    LineItemFactory(job=job, description="Swingarm", quantity=2, unit_price=D("80"))
    JobNote.objects.create(job=job, text="Customer wants it by race day")
    material_usage_log(job=job, item=PowderFactory(), lbs=D("1"), user=None)
    quote = QuoteFactory(customer=job.customer)
    quote.job = job
    quote.save(update_fields=["job"])
    return Job.objects.get(pk=job.pk)


# -- clone ---------------------------------------------------------------------------------------


def test_clone_copies_the_details_workers_and_items(company, office_user):
    """Same customer, description, project, PO, priority, instructions, hours, discount."""
    source = _busy_job()
    clone = job_clone(job=source, user=office_user)
    assert clone.pk != source.pk
    assert re.fullmatch(r"JOB-\d{4}-\d{4}", clone.number)
    assert clone.number != source.number
    assert clone.status == JobStatus.PENDING
    same = (
        "customer",
        "description",
        "project_name",
        "po_number",
        "priority",
        "special_instructions",
        "estimated_hours",
        "discount_percent",
    )
    assert {f: getattr(clone, f) for f in same} == {f: getattr(source, f) for f in same}
    assert sorted(w.name for w in clone.assigned_workers.all()) == ["Ana", "Bo"]
    items = list(clone.items.order_by("position"))
    assert [(i.description, i.quantity, i.unit_price) for i in items] == [
        ("Frame", 1, D("300.00")),
        ("Swingarm", 2, D("80.00")),
    ]
    assert [str(c.powder.name) for c in items[0].coats.order_by("position")] == [
        "Candy red",
        "Clear",
    ]
    assert [p.prep_service.name for p in items[0].prep_lines.all()] == ["Media blasting"]
    # 300 + 160 = 460 less 10 %: priced like the source.
    assert (clone.subtotal, clone.total_price) == (D("460.00"), D("414.00"))
    assert clone.created_by == office_user


def test_clone_leaves_the_record_of_the_source_behind(company, office_user):
    """No dates, timeline, notes, usage, invoice or quote link; the source is untouched."""
    source = _busy_job()
    invoice_create_for_job(job=source, user=office_user)
    items_before = LineItem.objects.filter(job=source).count()
    clone = job_clone(job=source, user=office_user)
    assert (clone.scheduled_date, clone.due_date, clone.source_template) == (None, None, None)
    assert not StatusChange.objects.filter(job=clone).exists()
    assert not clone.notes.exists()
    assert not clone.photos.exists()
    assert not clone.time_entries.exists()
    assert not clone.reworks.exists()
    assert not InventoryActivity.objects.filter(job=clone).exists()
    assert not clone.invoices.exists()
    assert not hasattr(Job.objects.get(pk=clone.pk), "source_quote")
    assert LineItem.objects.filter(job=source).count() == items_before
    assert LineItemCoat.objects.filter(item__job=source).count() == 2
    assert LineItemPrep.objects.filter(item__job=source).count() == 1
    assert Job.objects.get(pk=source.pk).status == JobStatus.COATING


def test_clone_history_is_one_creation_record_with_the_workers(company, office_user):
    """The new job's history starts with a single "created" record by the user who cloned."""
    clone = job_clone(job=_busy_job(), user=office_user)
    [record] = clone.history.all()
    assert (record.history_type, record.history_user) == ("+", office_user)
    assert sorted(link.worker.name for link in record.assigned_workers.all()) == ["Ana", "Bo"]


def test_clone_takes_only_workers_still_in_the_shop(company, office_user):
    """A worker who has left stays on the old job but is not put on the new one."""
    source = _busy_job()
    source.assigned_workers.filter(name="Bo").update(is_active=False)
    clone = job_clone(job=source, user=office_user)
    assert [w.name for w in clone.assigned_workers.all()] == ["Ana"]


def test_clone_of_an_inactive_customers_job_is_refused(company, office_user):
    """Work for a customer no longer served is not started by cloning."""
    source = _busy_job()
    source.customer.is_active = False
    source.customer.save()
    jobs_before = Job.objects.count()
    with pytest.raises(ValidationError, match="inactive customer"):
        job_clone(job=source, user=office_user)
    assert Job.objects.count() == jobs_before


# -- change customer -----------------------------------------------------------------------------


def test_change_customer_is_recorded_in_history(company, office_user):
    """The history's newest record has the new customer and the user; the one before the old."""
    old, new = CustomerFactory(company_name="Old Works"), CustomerFactory(company_name="New Fab")
    job = job_at(JobStatus.COATING, customer=old)
    job_change_customer(job=job, customer=new, user=office_user)
    assert Job.objects.get(pk=job.pk).customer == new
    latest, before = job.history.all()[:2]
    assert (latest.customer, latest.history_user) == (new, office_user)
    assert before.customer == old
    assert latest.history_change_reason == "Customer changed from Old Works to New Fab"
    delta = latest.diff_against(before)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("customer", old.pk, new.pk)]


def test_change_customer_keeps_price_status_and_items(company, office_user):
    """Only the customer moves: discount, totals, status and items stay."""
    job = _busy_job()
    before = (job.discount_percent, job.total_price, job.status, job.items.count())
    job_change_customer(job=job, customer=CustomerFactory(), user=office_user)
    job = Job.objects.get(pk=job.pk)
    assert (job.discount_percent, job.total_price, job.status, job.items.count()) == before
    assert job.updated_by == office_user


@pytest.mark.parametrize("status", [JobStatus.DELIVERED, JobStatus.CANCELLED])
def test_change_customer_works_on_closed_jobs(company, office_user, status):
    """Allowed at any stage (SPEC J9): a delivered or cancelled job can be put right."""
    job = job_at(JobStatus.APPROVED)
    if status == JobStatus.CANCELLED:
        from powdercoat.services.jobs import job_cancel

        job_cancel(job=job, user=None, reason="Duplicate")
    else:
        job = job_at(status)
    new = CustomerFactory()
    job_change_customer(job=job, customer=new, user=office_user)
    assert Job.objects.get(pk=job.pk).customer == new


def test_change_to_an_inactive_or_the_same_customer_is_refused(company, office_user):
    """An inactive customer, or the one the job already has: a message, nothing saved."""
    job = job_at(JobStatus.COATING)
    records = job.history.count()
    with pytest.raises(ValidationError, match="inactive customer"):
        job_change_customer(job=job, customer=CustomerFactory(is_active=False), user=office_user)
    with pytest.raises(ValidationError, match="is already the customer"):
        job_change_customer(job=job, customer=job.customer, user=office_user)
    assert job.history.count() == records


def test_change_customer_is_refused_while_an_invoice_is_live(company, office_user):
    """The invoice is made out to the old customer: void it first."""
    job = job_at(JobStatus.COMPLETED)
    LineItemFactory(job=job)
    invoice = invoice_create_for_job(job=Job.objects.get(pk=job.pk), user=office_user)
    with pytest.raises(ValidationError, match=f"has invoice {invoice.number}"):
        job_change_customer(job=job, customer=CustomerFactory(), user=office_user)
    assert Job.objects.get(pk=job.pk).customer == invoice.customer
