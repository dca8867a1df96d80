"""Reads that sum up the shop's history for the dashboard and the reports (SPEC R1, R2).

Every figure is worked out in the database (grouped aggregates, window functions), in a fixed
number of queries whatever the number of rows. Weeks start on Monday and months on the 1st, in
the shop's own time zone: the active one, which the middleware sets from the company settings
for each request (settings.TIME_ZONE in tasks and commands).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from powdercoat.models import StatusChange
from powdercoat.models.choices import JobStatus

# A job counts as finished, for the hours and powder reports, from its first move into one of
# these (a job sent back and finished again is finished once, the first time).
FINISHED_STAGES = (JobStatus.COMPLETED, JobStatus.READY_FOR_PICKUP, JobStatus.DELIVERED)


@dataclass(frozen=True)
class Period:
    """The days a report covers, both ends included, in the shop's calendar."""

    first_day: datetime.date
    last_day: datetime.date

    def __post_init__(self) -> None:
        if self.last_day < self.first_day:
            raise ValueError("A period cannot end before it starts.")

    @property
    def starts_at(self) -> datetime.datetime:
        """The first moment of the first day, in the shop's time zone."""
        return _local_midnight(self.first_day)

    @property
    def ends_before(self) -> datetime.datetime:
        """The first moment after the last day (the range is half-open in queries)."""
        return _local_midnight(self.last_day + datetime.timedelta(days=1))

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    def months(self) -> list[datetime.date]:
        """The 1st of every month the period touches, in order."""
        month, last = month_start(self.first_day), month_start(self.last_day)
        months = []
        while month <= last:
            months.append(month)
            month = (month + datetime.timedelta(days=32)).replace(day=1)
        return months

    @classmethod
    def last_weeks(cls, weeks: int, *, today: datetime.date | None = None) -> "Period":
        """The `weeks` whole weeks (Monday to Sunday) up to and including this one."""
        today = today or timezone.localdate()
        monday = today - datetime.timedelta(days=today.weekday())
        return cls(monday - datetime.timedelta(weeks=weeks - 1), today)

    @classmethod
    def last_months(cls, months: int, *, today: datetime.date | None = None) -> "Period":
        """The `months` calendar months up to and including this one."""
        today = today or timezone.localdate()
        year, month = today.year, today.month - (months - 1)
        while month < 1:
            year, month = year - 1, month + 12
        return cls(datetime.date(year, month, 1), today)


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the week `day` falls in."""
    return day - datetime.timedelta(days=day.weekday())


def month_start(day: datetime.date) -> datetime.date:
    """The 1st of the month `day` falls in."""
    return day.replace(day=1)


def month_end(day: datetime.date) -> datetime.date:
    """The last day of the month `day` falls in."""
    next_month = (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return next_month - datetime.timedelta(days=1)


def first_moves_into(stages: Iterable[str], *, period: Period) -> QuerySet[StatusChange]:
    """The moves in `period` that took a job into one of `stages` for the first time.

    Read from the period's moves into those stages (the timeline's stage-and-time index),
    leaving out any whose job had moved into one of them before, rather than working out every
    job's first move over the whole history. One row per job.
    """
    stages = tuple(stages)
    earlier = StatusChange.objects.filter(
        Q(created_at__lt=OuterRef("created_at"))
        | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk")),
        job_id=OuterRef("job_id"),
        to_status__in=stages,
    )
    return StatusChange.objects.filter(
        to_status__in=stages,
        created_at__gte=period.starts_at,
        created_at__lt=period.ends_before,
    ).exclude(Exists(earlier))
