"""The dashboard's weekly chart: jobs taken in and jobs finished, per week of the last twelve."""

import datetime

import pytest
from django.utils import timezone

from powdercoat.models import Job, StatusChange
from powdercoat.models.choices import JobStatus
from powdercoat.reports import week_start
from powdercoat.reports.dashboard import weekly_intake_and_completion
from powdercoat.services.jobs import job_set_status
from tests.factories import job_at
from tests.timeline import date_moves

pytestmark = pytest.mark.django_db


def _monday_at(weeks_ago: int, today: datetime.date) -> datetime.datetime:
    """10:00 on the Tuesday of the week `weeks_ago` weeks before this one, shop time."""
    day = week_start(today) - datetime.timedelta(weeks=weeks_ago) + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def test_each_job_counts_once_in_the_week_it_first_finished(company):
    """Completed three weeks ago and again last week: counted three weeks ago only. Set
    straight to Delivered two weeks ago: counted then. Still coating: not counted. Taken in
    counts by the week each job was created."""
    today = timezone.localdate()
    twice = job_at(JobStatus.COMPLETED)
    date_moves(StatusChange.objects.filter(job=twice), _monday_at(3, today))
    job_set_status(job=twice, user=None, status=JobStatus.COATING, note="sent back")
    job_set_status(job=Job.objects.get(pk=twice.pk), user=None, status=JobStatus.COMPLETED)
    last_week = StatusChange.objects.filter(job=twice, created_at__gt=_monday_at(3, today))
    date_moves(last_week, _monday_at(1, today))
    delivered = job_at(JobStatus.DELIVERED)
    date_moves(StatusChange.objects.filter(job=delivered), _monday_at(2, today))
    job_at(JobStatus.COATING)
    Job.objects.filter(pk=twice.pk).update(created_at=_monday_at(4, today))

    bars = {bar.week_start: bar for bar in weekly_intake_and_completion(today=today)}
    assert len(bars) == 12
    this_week = week_start(today)
    week = lambda n: this_week - datetime.timedelta(weeks=n)  # noqa: E731
    assert [bars[week(n)].completed for n in (4, 3, 2, 1, 0)] == [0, 1, 1, 0, 0]
    assert bars[week(4)].taken_in == 1
    assert bars[this_week].taken_in == 2
    assert sum(bar.completed for bar in bars.values()) == 2
