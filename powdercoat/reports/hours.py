"""Actual against estimated hours of finished jobs: per job, per worker and per kind of item."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    FloatField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce
from django.utils.translation import gettext

from powdercoat.models import Job, LineItem, TimeEntry
from powdercoat.models.choices import ItemKind
from powdercoat.querysets import aggregate_per_outer, customer_display_name
from powdercoat.reports import Period, jobs_finished_in

# The kind of a job whose items are of different kinds, and of a job without items.
MIXED_KINDS = "mixed"
NO_ITEMS = "none"

HUNDREDTH = Decimal("0.01")
TENTH = Decimal("0.1")
ZERO_HOURS = Decimal("0.00")
HOURS = DecimalField(max_digits=12, decimal_places=2)


@dataclass(frozen=True)
class JobHours:
    """One finished job: its estimate against the hours logged on it.

    `estimated`, `difference` and `percent` are None for a job without an estimate; `percent`
    also for an estimate of 0 h (there is nothing to divide by).
    """

    job_id: int
    number: str
    customer_name: str
    estimated: Decimal | None
    actual: Decimal
    difference: Decimal | None
    percent: Decimal | None


@dataclass(frozen=True)
class WorkerHours:
    """One worker's hours on the finished jobs, against their share of those jobs' estimates.

    `actual` counts only jobs with an estimate; `estimated` is, summed over those jobs, the
    job's estimate times the worker's part of the hours logged on the job (None when the worker
    logged nothing on an estimated job). `hours_without_estimate` are the worker's hours on
    jobs without one, left out of the comparison.
    """

    worker_id: int
    name: str
    estimated: Decimal | None
    actual: Decimal
    difference: Decimal | None
    percent: Decimal | None
    hours_without_estimate: Decimal


@dataclass(frozen=True)
class KindHours:
    """The finished jobs of one item kind (or "Mixed", or "No items"), estimate against actual.

    `jobs` counts them all; `estimated` and `actual` add up only the jobs with an estimate
    (`jobs_without_estimate` says how many were left out, `hours_without_estimate` what was
    logged on them).
    """

    kind: str
    label: str
    jobs: int
    jobs_without_estimate: int
    estimated: Decimal
    actual: Decimal
    difference: Decimal
    percent: Decimal | None
    hours_without_estimate: Decimal


@dataclass(frozen=True)
class HoursReport:
    """Actual against estimated hours of the jobs finished in a period.

    `jobs` holds at most the report's job limit, furthest over their estimate first, jobs
    without an estimate last; `job_count` counts every finished job. The totals add up the
    jobs with an estimate; `jobs_without_estimate` of `job_count` were left out of them
    (`hours_without_estimate` is what was logged on those).
    """

    period: Period
    jobs: list[JobHours]
    workers: list[WorkerHours]
    kinds: list[KindHours]
    job_count: int
    jobs_without_estimate: int
    estimated: Decimal
    actual: Decimal
    difference: Decimal
    percent: Decimal | None
    hours_without_estimate: Decimal


def hours_report(*, period: Period, job_limit: int = 50) -> HoursReport:
    """Estimated against logged hours of the jobs first finished in `period`: three queries.

    A job counts in the period when its first move to Completed, Ready for Pickup or
    Delivered is inside it; its actual hours are every time entry logged on it, whatever the
    entry's date. The totals are the sums of the kind rows, so they cost no query of their own.
    """
    finished_ids = jobs_finished_in(period).order_by().values("pk")
    finished = jobs_finished_in(period).annotate(actual=_hours_logged())
    kinds = _kinds(finished)
    estimated = sum((kind.estimated for kind in kinds), ZERO_HOURS)
    actual = sum((kind.actual for kind in kinds), ZERO_HOURS)
    return HoursReport(
        period=period,
        jobs=_jobs(finished, job_limit),
        workers=_workers(finished_ids),
        kinds=kinds,
        job_count=sum(kind.jobs for kind in kinds),
        jobs_without_estimate=sum(kind.jobs_without_estimate for kind in kinds),
        estimated=estimated,
        actual=actual,
        difference=actual - estimated,
        percent=_percent_over(actual=actual, estimated=estimated),
        hours_without_estimate=sum((kind.hours_without_estimate for kind in kinds), ZERO_HOURS),
    )


def _hours_logged() -> Coalesce:
    """Every hour logged on the outer query's job (0 when none)."""
    logged = aggregate_per_outer(TimeEntry.objects.all(), "job", Sum("hours"))
    return Coalesce(logged, Value(ZERO_HOURS), output_field=HOURS)


def _kinds(finished: QuerySet[Job]) -> list[KindHours]:
    """The finished jobs grouped by the kind of their items, in the order of the kinds: one
    query. A job's items share a kind when the least and the greatest of their kinds are the
    same; a job without items has neither."""
    shared_kind = (
        LineItem.objects.filter(job=OuterRef("pk"))
        .order_by()
        .values("job")
        .annotate(least=Min("kind"), greatest=Max("kind"))
        .annotate(
            shared=Case(
                When(least=F("greatest"), then=F("least")),
                default=Value(MIXED_KINDS),
                output_field=CharField(),
            )
        )
        .values("shared")
    )
    rows = (
        finished.annotate(item_kind=Coalesce(Subquery(shared_kind), Value(NO_ITEMS)))
        .order_by()
        .values("item_kind")
        .annotate(
            jobs=Count("pk"),
            jobs_without_estimate=Count("pk", filter=Q(estimated_hours__isnull=True)),
            estimated=Sum("estimated_hours", output_field=HOURS),
            actual_estimated=Sum("actual", filter=Q(estimated_hours__isnull=False)),
            actual_unestimated=Sum("actual", filter=Q(estimated_hours__isnull=True)),
        )
    )
    order = [*ItemKind.values, MIXED_KINDS, NO_ITEMS]
    kinds = []
    for row in sorted(rows, key=lambda row: _position(order, row["item_kind"])):
        estimated = _hours(row["estimated"])
        actual = _hours(row["actual_estimated"])
        kinds.append(
            KindHours(
                kind=row["item_kind"],
                label=_kind_label(row["item_kind"]),
                jobs=row["jobs"],
                jobs_without_estimate=row["jobs_without_estimate"],
                estimated=estimated,
                actual=actual,
                difference=actual - estimated,
                percent=_percent_over(actual=actual, estimated=estimated),
                hours_without_estimate=_hours(row["actual_unestimated"]),
            )
        )
    return kinds


def _jobs(finished: QuerySet[Job], limit: int) -> list[JobHours]:
    """The `limit` jobs furthest over their estimate (then the most hours, then by number),
    jobs without an estimate after every estimated one: one query."""
    rows = (
        finished.annotate(
            difference=ExpressionWrapper(F("actual") - F("estimated_hours"), output_field=HOURS)
        )
        .order_by(F("difference").desc(nulls_last=True), F("actual").desc(), "number")
        .annotate(customer_name=customer_display_name("customer__"))
        .values("pk", "number", "customer_name", "estimated_hours", "actual")[:limit]
    )
    jobs = []
    for row in rows:
        estimated = None if row["estimated_hours"] is None else _hours(row["estimated_hours"])
        actual = _hours(row["actual"])
        jobs.append(
            JobHours(
                job_id=row["pk"],
                number=row["number"],
                customer_name=row["customer_name"],
                estimated=estimated,
                actual=actual,
                difference=None if estimated is None else actual - estimated,
                percent=_percent_over(actual=actual, estimated=estimated),
            )
        )
    return jobs


def _workers(finished_ids: QuerySet[Job, Any]) -> list[WorkerHours]:
    """Each worker's hours on the finished jobs and their share of the estimates, by name: one
    query. A worker's share of a job's estimate is the estimate times their part of the hours
    logged on the job, worked out per time entry and added up."""
    logged_on_job = (
        TimeEntry.objects.filter(job=OuterRef("job"))
        .order_by()
        .values("job")
        .annotate(total=Sum("hours"))
        .values("total")
    )
    # In floating point: SQLite keeps whole hours (3.00) as integers and would divide them as
    # integers (10 * 3 / 12 = 2). The figures are rounded to hundredths afterwards.
    share_of_estimate = (
        Cast("job__estimated_hours", FloatField())
        * Cast("hours", FloatField())
        / Cast(Subquery(logged_on_job), FloatField())
    )
    rows = (
        TimeEntry.objects.filter(job__in=finished_ids)
        .order_by()
        .values("worker_id", "worker__name")
        .annotate(
            actual=Sum("hours", filter=Q(job__estimated_hours__isnull=False)),
            unestimated=Sum("hours", filter=Q(job__estimated_hours__isnull=True)),
            estimated=Sum(share_of_estimate),
        )
        .order_by("worker__name", "worker_id")
    )
    workers = []
    for row in rows:
        estimated = None if row["estimated"] is None else _hours(Decimal(str(row["estimated"])))
        actual = _hours(row["actual"])
        workers.append(
            WorkerHours(
                worker_id=row["worker_id"],
                name=row["worker__name"],
                estimated=estimated,
                actual=actual,
                difference=None if estimated is None else actual - estimated,
                percent=_percent_over(actual=actual, estimated=estimated),
                hours_without_estimate=_hours(row["unestimated"]),
            )
        )
    return workers


def _hours(value: Decimal | None) -> Decimal:
    return (value or ZERO_HOURS).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)


def _percent_over(*, actual: Decimal, estimated: Decimal | None) -> Decimal | None:
    """How far actual is over (+) or under (-) the estimate, in percent of it; None for no
    estimate or one of 0 h."""
    if not estimated:
        return None
    return ((actual - estimated) * 100 / estimated).quantize(TENTH, rounding=ROUND_HALF_UP)


def _position(order: list[str], value: str) -> tuple[int, str]:
    return (order.index(value) if value in order else len(order), value)


def _kind_label(kind: str) -> str:
    if kind == MIXED_KINDS:
        return gettext("Mixed")
    if kind == NO_ITEMS:
        return gettext("No items")
    try:
        return str(ItemKind(kind).label)
    except ValueError:
        return kind
