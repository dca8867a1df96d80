"""Reads that sum up the shop's history for the dashboard and the reports (SPEC R1, R2).

Every figure is worked out in the database (grouped aggregates, window functions), in a fixed
number of queries whatever the number of rows. Weeks start on Monday and months on the 1st, in
the shop's own time zone: the active one, which the middleware sets from the company settings
for each request (settings.TIME_ZONE in tasks and commands).
"""

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from powdercoat.models import Job


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


def jobs_finished_in(period: Period) -> QuerySet[Job]:
    """The jobs whose first move into Completed, Ready for Pickup or Delivered falls in
    `period` (a job sent back and finished again is finished once, the first time)."""
    return Job.objects.finished_between(period.starts_at, period.ends_before)


def jobs_ready_in(period: Period) -> QuerySet[Job]:
    """The jobs whose first move into Ready for Pickup or Delivered falls in `period`."""
    return Job.objects.ready_between(period.starts_at, period.ends_before)
