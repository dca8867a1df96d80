"""On-time delivery: jobs finished by their due date, per month and per customer (SPEC R2)."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Window
from django.db.models.functions import Lower, TruncDate, TruncMonth
from django.utils import timezone

from powdercoat.querysets import customer_display_name
from powdercoat.reports import Period, jobs_ready_in

HUNDRED = Decimal(100)
TENTH = Decimal("0.1")


@dataclass(frozen=True)
class OnTimeMonth:
    """One calendar month: jobs with a due date finished in it, and how many by that date."""

    month_start: datetime.date
    jobs: int
    on_time: int
    on_time_percent: Decimal | None


@dataclass(frozen=True)
class OnTimeCustomer:
    """One customer over the period: jobs with a due date finished, on time and late."""

    customer_id: int
    name: str
    jobs: int
    on_time: int
    late: int
    on_time_percent: Decimal | None


@dataclass(frozen=True)
class OnTimeTotal:
    """The whole period: jobs with a due date finished, and how many by that date."""

    jobs: int
    on_time: int
    on_time_percent: Decimal | None


@dataclass(frozen=True)
class OnTimeReport:
    """On-time figures per month, per customer (most late jobs first) and for the period.

    `customers` holds at most the limit asked for; `more_customers` says how many more there
    are. `without_due_date` counts the jobs finished in the period that had no due date and
    so are in none of the other figures.
    """

    months: list[OnTimeMonth]
    customers: list[OnTimeCustomer]
    more_customers: int
    total: OnTimeTotal
    without_due_date: int


def on_time_delivery(*, period: Period, customer_limit: int = 50) -> OnTimeReport:
    """Jobs finished in `period` against their due dates, by month and customer; two queries.

    A job is finished when it first reaches Ready for Pickup or Delivered (a job sent back
    and finished again counts once, by the first time); it is on time when that moment's date
    in the shop's time zone is on or before its due date. Every month of the period has a row,
    even an empty one. Customers are listed with the most late jobs first, then by name.
    """
    if customer_limit < 1:
        raise ValueError("customer_limit must be at least 1.")
    shop_zone = timezone.get_current_timezone()
    finished = jobs_ready_in(period).annotate(finished_on=TruncDate("ready_at", tzinfo=shop_zone))
    on_time = Q(due_date__gte=F("finished_on"))
    has_due_date = Q(due_date__isnull=False)

    per_month = {
        timezone.localtime(row["month"], shop_zone).date(): row
        for row in finished.annotate(month=TruncMonth("ready_at", tzinfo=shop_zone))
        .values("month")
        .annotate(
            jobs=Count("pk", filter=has_due_date),
            on_time=Count("pk", filter=has_due_date & on_time),
            without_due_date=Count("pk", filter=~has_due_date),
        )
        .order_by("month")
    }
    months = []
    for first in period.months():
        counts = per_month.get(first, {"jobs": 0, "on_time": 0})
        months.append(
            OnTimeMonth(
                month_start=first,
                jobs=counts["jobs"],
                on_time=counts["on_time"],
                on_time_percent=_percent(counts["on_time"], counts["jobs"]),
            )
        )

    customer_rows = list(
        finished.filter(has_due_date)
        .values("customer_id")
        .annotate(
            name=customer_display_name("customer__"),
            jobs=Count("pk"),
            on_time=Count("pk", filter=on_time),
            late=Count("pk", filter=~on_time),
            # Counted over every customer row, before the limit cuts the list short.
            customers_in_period=Window(Count("*")),
        )
        .order_by("-late", Lower("name"), "customer_id")[:customer_limit]
    )
    customers = [
        OnTimeCustomer(
            customer_id=row["customer_id"],
            name=row["name"],
            jobs=row["jobs"],
            on_time=row["on_time"],
            late=row["late"],
            on_time_percent=_percent(row["on_time"], row["jobs"]),
        )
        for row in customer_rows
    ]
    customers_in_period = customer_rows[0]["customers_in_period"] if customer_rows else 0

    jobs = sum(month.jobs for month in months)
    on_time_jobs = sum(month.on_time for month in months)
    return OnTimeReport(
        months=months,
        customers=customers,
        more_customers=customers_in_period - len(customers),
        total=OnTimeTotal(
            jobs=jobs, on_time=on_time_jobs, on_time_percent=_percent(on_time_jobs, jobs)
        ),
        without_due_date=sum(row["without_due_date"] for row in per_month.values()),
    )


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / whole).quantize(TENTH, rounding=ROUND_HALF_UP)
