"""The figures of the admin home: what is late, what is rush, what to order, who owes (SPEC R1).

Each figure is counted with the same named queryset as the list it links to, so the number on
the dashboard and the count at the top of that list agree.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone

from powdercoat.models import (
    EmailLog,
    InventoryItem,
    Invoice,
    Job,
    Payment,
    Quote,
    ReworkRecord,
    StatusChange,
)
from powdercoat.models.choices import (
    ACTIVE_STAGES,
    WORKFLOW,
    InventoryCategory,
    JobStatus,
    Priority,
    QuoteStatus,
)
from powdercoat.reports import Period, month_end, month_start, week_start

ZERO = Decimal("0")
# How many rows the dashboard's short lists show; the list behind each has the rest.
SHORT_LIST = 5
URGENT_LIST = 10
# The charts' span, and the rework figure's.
CHART_WEEKS = 12
REWORK_DAYS = 30


@dataclass(frozen=True)
class StageCount:
    """Active jobs at one stage now."""

    stage: str
    label: str
    jobs: int


@dataclass(frozen=True)
class WorkFigures:
    """The work in the shop now, counted in one grouped query."""

    by_stage: list[StageCount]
    active: int
    due_today: int
    overdue: int
    urgent_or_rush: int
    ready_for_pickup: int


@dataclass(frozen=True)
class WaitingJob:
    """A finished job the customer has not collected, and since when."""

    job: Job
    ready_since: datetime.datetime | None

    @property
    def days_waiting(self) -> int | None:
        if self.ready_since is None:
            return None
        return (timezone.localdate() - timezone.localdate(self.ready_since)).days


@dataclass(frozen=True)
class PriorityAlertEmail:
    """One e-mail that told a supervisor a job became Urgent or Rush, and how sending went."""

    to_address: str
    outcome: str
    outcome_label: str


@dataclass(frozen=True)
class UrgentJob:
    """An active Urgent or Rush job, with the alerts e-mailed about it."""

    job: Job
    alerts: list[PriorityAlertEmail]


@dataclass(frozen=True)
class WeekBar:
    """One week of the chart: jobs taken in and jobs completed."""

    week_start: datetime.date
    taken_in: int
    completed: int


@dataclass(frozen=True)
class MoneyFigures:
    """This month's invoicing and collection, and what is owed (office and owner only)."""

    month_start: datetime.date
    invoiced: Decimal
    invoices: int
    collected: Decimal
    invoices_paid_into: int
    outstanding: Decimal
    unpaid_invoices: int
    oldest_unpaid: list[Invoice]


def work_figures(*, today: datetime.date | None = None) -> WorkFigures:
    """Active jobs by stage, due today, overdue, Urgent/Rush and ready for pickup: one query."""
    today = today or timezone.localdate()
    rows = (
        Job.objects.filter(status__in=(*ACTIVE_STAGES, JobStatus.READY_FOR_PICKUP))
        .order_by()
        .values("status")
        .annotate(
            jobs=Count("pk"),
            due_today=Count("pk", filter=Q(due_date=today)),
            overdue=Count("pk", filter=Q(due_date__lt=today)),
            urgent=Count("pk", filter=Q(priority__gte=Priority.URGENT)),
        )
    )
    by_status = {row["status"]: row for row in rows}
    ready = by_status.pop(JobStatus.READY_FOR_PICKUP, None)
    # Shop order, On Hold last; stages with no job are left out of the counts but not the chart.
    order = [*[stage for stage in WORKFLOW if stage in ACTIVE_STAGES], JobStatus.ON_HOLD]
    return WorkFigures(
        by_stage=[
            StageCount(
                stage=stage,
                label=str(JobStatus(stage).label),
                jobs=by_status[stage]["jobs"] if stage in by_status else 0,
            )
            for stage in order
        ],
        active=sum(row["jobs"] for row in by_status.values()),
        due_today=sum(row["due_today"] for row in by_status.values()),
        overdue=sum(row["overdue"] for row in by_status.values()),
        urgent_or_rush=sum(row["urgent"] for row in by_status.values()),
        ready_for_pickup=ready["jobs"] if ready else 0,
    )


def jobs_waiting_longest(*, limit: int = SHORT_LIST) -> list[WaitingJob]:
    """Ready-for-pickup jobs, the longest waiting first, with when they became ready: one query."""
    became_ready = (
        StatusChange.objects.filter(job=OuterRef("pk"), to_status=JobStatus.READY_FOR_PICKUP)
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )
    jobs = (
        Job.objects.ready_for_pickup()
        .select_related("customer")
        .annotate(ready_since=Subquery(became_ready))
        .order_by("ready_since", "number")[:limit]
    )
    return [
        WaitingJob(job=job, ready_since=job.ready_since)  # type: ignore[attr-defined]
        for job in jobs
    ]


def urgent_jobs(*, limit: int = URGENT_LIST) -> list[UrgentJob]:
    """Active Urgent and Rush jobs, most pressing first, with their supervisor alerts: two
    queries."""
    jobs = list(
        Job.objects.active()
        .filter(priority__gte=Priority.URGENT)
        .select_related("customer")
        .order_by("-priority", "due_date", "number")[:limit]
    )
    alerts: dict[int, list[PriorityAlertEmail]] = {job.pk: [] for job in jobs}
    if jobs:
        emails = (
            EmailLog.objects.priority_alerts()
            .filter(job__in=jobs)
            .order_by("created_at", "id")
            .values_list("job_id", "to_address", "outcome")
        )
        for job_id, address, outcome in emails:
            alerts[job_id].append(
                PriorityAlertEmail(
                    to_address=address,
                    outcome=outcome,
                    outcome_label=EmailLog(outcome=outcome).get_outcome_display(),
                )
            )
    return [UrgentJob(job=job, alerts=alerts[job.pk]) for job in jobs]


def low_stock_powders() -> QuerySet[InventoryItem]:
    """Active powders at or below their reorder point, the emptiest shelf first."""
    return (
        InventoryItem.objects.active()
        .filter(category=InventoryCategory.POWDER)
        .low_stock()
        .order_by("quantity_on_hand", "name")
    )


def quotes_awaiting_answer() -> QuerySet[Quote]:
    """Quotes sent to the customer and not yet answered."""
    return Quote.objects.filter(status=QuoteStatus.SENT)


def recent_reworks(*, today: datetime.date | None = None) -> QuerySet[ReworkRecord]:
    """Rework recorded in the last 30 days, today included."""
    today = today or timezone.localdate()
    return ReworkRecord.objects.filter(created_at__gte=rework_period(today=today).starts_at)


def rework_period(*, today: datetime.date | None = None) -> Period:
    """The days the dashboard's rework figure covers."""
    today = today or timezone.localdate()
    return Period(today - datetime.timedelta(days=REWORK_DAYS - 1), today)


def weekly_intake_and_completion(
    *, weeks: int = CHART_WEEKS, today: datetime.date | None = None
) -> list[WeekBar]:
    """Jobs taken in (created) and jobs finished per week: two queries.

    A job is finished in the week it first reached Completed, Ready for Pickup or Delivered
    (`Job.finished_at`, the same moment the reports use), so a job sent back and completed
    again, or set straight to Delivered, counts once, in its first week.
    """
    period = Period.last_weeks(weeks, today=today)
    zone = timezone.get_current_timezone()
    taken_in = dict(
        Job.objects.filter(created_at__gte=period.starts_at, created_at__lt=period.ends_before)
        .annotate(week=TruncWeek("created_at", tzinfo=zone))
        .order_by()
        .values_list("week")
        .annotate(jobs=Count("pk"))
    )
    completed = dict(
        Job.objects.finished_between(period.starts_at, period.ends_before)
        .annotate(week=TruncWeek("finished_at", tzinfo=zone))
        .order_by()
        .values_list("week")
        .annotate(jobs=Count("pk"))
    )
    taken_in = {_as_date(week): jobs for week, jobs in taken_in.items()}
    completed = {_as_date(week): jobs for week, jobs in completed.items()}
    first = week_start(period.first_day)
    bars = []
    for index in range(weeks):
        monday = first + datetime.timedelta(weeks=index)
        bars.append(
            WeekBar(
                week_start=monday,
                taken_in=taken_in.get(monday, 0),
                completed=completed.get(monday, 0),
            )
        )
    return bars


def _as_date(value: datetime.date | datetime.datetime) -> datetime.date:
    """TruncWeek gives a local datetime on a DateTimeField; the week's Monday as a date."""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def month_invoices(*, today: datetime.date | None = None) -> QuerySet[Invoice]:
    """Invoices dated this month, voided ones left out."""
    today = today or timezone.localdate()
    return Invoice.objects.live().filter(
        invoice_date__gte=month_start(today), invoice_date__lte=month_end(today)
    )


def month_payments(*, today: datetime.date | None = None) -> QuerySet[Payment]:
    """Payments (and their reversals) received this month."""
    today = today or timezone.localdate()
    return Payment.objects.filter(paid_on__gte=month_start(today), paid_on__lte=month_end(today))


def money_figures(*, today: datetime.date | None = None) -> MoneyFigures:
    """Invoiced, collected and owed, with the oldest unpaid invoices: four queries."""
    today = today or timezone.localdate()
    invoiced = month_invoices(today=today).aggregate(
        total=Coalesce(Sum("total"), ZERO), invoices=Count("pk")
    )
    collected = month_payments(today=today).aggregate(
        total=Coalesce(Sum("amount"), ZERO), invoices=Count("invoice", distinct=True)
    )
    owed = Invoice.objects.unpaid().aggregate(
        total=Coalesce(Sum("balance"), ZERO), invoices=Count("pk")
    )
    oldest = list(
        Invoice.objects.unpaid()
        .filter(balance__gt=0)
        .select_related("customer")
        .order_by("due_date", "invoice_date", "number")[:SHORT_LIST]
    )
    return MoneyFigures(
        month_start=month_start(today),
        invoiced=invoiced["total"],
        invoices=invoiced["invoices"],
        collected=collected["total"],
        invoices_paid_into=collected["invoices"],
        outstanding=owed["total"],
        unpaid_invoices=owed["invoices"],
        oldest_unpaid=oldest,
    )
