"""Test data for the shop-floor pages: jobs at a stage with items, powders and workers."""

from datetime import date, timedelta

from powdercoat.models import Job, Worker
from powdercoat.models.choices import JobStatus, Priority
from tests.factories import (
    CustomerFactory,
    LineItemCoatFactory,
    LineItemFactory,
    PowderFactory,
    WorkerFactory,
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
    customer_obj=None,
    **fields,
) -> Job:
    """A job moved to `status`, with `items` line items each coated in every one of `powders`
    (for `customer` a new customer of that name, or `customer_obj` an existing one)."""
    if customer is not None:
        fields["customer"] = CustomerFactory(company_name=customer)
    if customer_obj is not None:
        fields["customer"] = customer_obj
    job = job_at(status, priority=priority, due_date=due, assigned_workers=list(workers), **fields)
    for _ in range(items):
        item = LineItemFactory(job=job)
        for position, powder in enumerate(powders, start=1):
            LineItemCoatFactory(item=item, powder=powder, position=position)
    return Job.objects.get(pk=job.pk)


def powder(name: str, hex_colour: str = "", **fields):
    """A powder with a colour name and a swatch colour."""
    return PowderFactory(name=name, color_name=name, swatch_hex=hex_colour, **fields)


# Customer names as a real shop's list has them: some long, some with "&" and initials.
_CUSTOMERS = (
    "Hillside Ironworks & Fabrication LLC",
    "Ridge Cycles",
    "Northside Machine and Tool Company",
    "M. Alvarez",
    "Rock Crawler Supply Co.",
    "Wellington Architectural Metalworks",
    "Oak Street Fab",
    "Delta Pumps & Compressors Inc.",
)
_POWDERS = (
    ("Gloss Black", "#111111", "RAL 9005"),
    ("Signal White", "#F4F4F4", "RAL 9003"),
    ("Hammertone Silver Vein", "#9DA3A6", ""),
    ("Candy Apple Red", "#B00020", ""),
    ("Safety Yellow", "#F5C400", "RAL 1003"),
    ("Super Clear", "", ""),
)
# Rush and Urgent often, High and Low now and then, like a busy week.
_PRIORITIES = (
    Priority.NORMAL,
    Priority.RUSH,
    Priority.NORMAL,
    Priority.URGENT,
    Priority.HIGH,
    Priority.NORMAL,
    Priority.LOW,
)


def crowded_floor(count: int, *, stages, today: date) -> list[Job]:
    """`count` jobs spread over `stages` with what makes a card long: long customer names,
    Rush and Urgent, dates past due, two or three powders with colour codes, two workers."""
    customers = [CustomerFactory(company_name=name) for name in _CUSTOMERS]
    powders = [powder(name, colour, color_code=code) for name, colour, code in _POWDERS]
    # Worker names are unique: a second crowd in the same test joins the first one's people.
    workers = [
        Worker.objects.filter(name=name).first() or WorkerFactory(name=name)
        for name in ("Ana Ruiz", "Benedikt Oyelaran", "Chris Lee")
    ]
    jobs = []
    for n in range(count):
        jobs.append(
            floor_job(
                stages[n % len(stages)],
                priority=_PRIORITIES[n % len(_PRIORITIES)],
                due=today + timedelta(days=(n % 9) - 4),  # some overdue, some today, some ahead
                powders=[powders[(n + k) % len(powders)] for k in range(2 + n % 2)],
                workers=[workers[n % 3], workers[(n + 1) % 3]],
                customer_obj=customers[n % len(customers)],
            )
        )
    return jobs
