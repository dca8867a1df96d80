"""Test data for the shop-floor pages: jobs at a stage with items, powders and workers."""

from datetime import date

from powdercoat.models import Job
from powdercoat.models.choices import JobStatus, Priority
from tests.factories import (
    CustomerFactory,
    LineItemCoatFactory,
    LineItemFactory,
    PowderFactory,
    job_at,
)


def floor_job(
    status: str = JobStatus.COATING,
    *,
    customer: str | None = None,
    priority: int = Priority.NORMAL,
    due: date | None = None,
    workers=(),
    powders=(),
    items: int = 1,
    **fields,
) -> Job:
    """A job moved to `status`, with `items` line items each coated in every one of `powders`."""
    if customer is not None:
        fields["customer"] = CustomerFactory(company_name=customer)
    job = job_at(status, priority=priority, due_date=due, assigned_workers=list(workers), **fields)
    for _ in range(items):
        item = LineItemFactory(job=job)
        for position, powder in enumerate(powders, start=1):
            LineItemCoatFactory(item=item, powder=powder, position=position)
    return Job.objects.get(pk=job.pk)


def powder(name: str, hex_colour: str = "", **fields):
    """A powder with a colour name and a swatch colour."""
    return PowderFactory(name=name, color_name=name, swatch_hex=hex_colour, **fields)
