"""Time in each stage (SPEC R2): stays from the status timeline, per stage and per week."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from powdercoat.models import Job
from powdercoat.models.choices import JobStatus
from powdercoat.reports import Period
from powdercoat.reports.stage_times import StageTime, StageWeek, stage_times
from powdercoat.services.jobs import job_hold, job_resume, job_set_status
from tests.factories import JobFactory
from tests.timeline import date_move

pytestmark = pytest.mark.django_db

COATING = JobStatus.COATING
CURING = JobStatus.CURING
QUALITY_CHECK = JobStatus.QUALITY_CHECK

# Two whole weeks, Monday 2 to Sunday 15 June 2025, well clear of a DST change.
TWO_WEEKS = Period(datetime.date(2025, 6, 2), datetime.date(2025, 6, 15))


def local(day: int, hour: int = 0, minute: int = 0, *, month: int = 6) -> datetime.datetime:
    """A moment of 2025 on the shop's clock (America/Chicago)."""
    return timezone.make_aware(datetime.datetime(2025, month, day, hour, minute))


def journey(*steps: tuple[str, datetime.datetime]) -> Job:
    """A new job moved through `steps` (status, when) by the services, each row dated `when`."""
    job = JobFactory()
    for status, at in steps:
        job = Job.objects.get(pk=job.pk)
        if status == JobStatus.ON_HOLD:
            change = job_hold(job=job, user=None, reason="Waiting on powder")
        elif job.status == JobStatus.ON_HOLD and status == job.held_from_status:
            change = job_resume(job=job, user=None)
        else:
            change = job_set_status(job=job, user=None, status=status)
        date_move(change, at)
    return job


def coating(label: str = "Coating", **figures) -> StageTime:
    """The expected Coating row."""
    return StageTime(stage=COATING, label=label, **figures)


def test_three_stays_of_2_4_and_6_hours_average_4_with_p90_6():
    """Three jobs in Coating for 2, 4 and 6 hours: 3 stays, average 4.00 h, p90 6.00 h."""
    for hours in (2, 4, 6):
        journey((COATING, local(3, 8)), (CURING, local(3, 8 + hours)))

    report = stage_times(period=TWO_WEEKS)

    # Curing has not ended for any of them, so it has no stay yet.
    assert report.stages == [
        StageTime(
            stage=COATING,
            label="Coating",
            stays=3,
            average_hours=Decimal("4.00"),
            p90_hours=Decimal("6.00"),
        )
    ]


def test_p90_is_the_nearest_rank_of_ten_stays():
    """Stays of 1 to 10 hours: average 5.50 h, p90 the 9th (ceil(0.9 x 10)), 9.00 h."""
    for hours in range(1, 11):
        journey((COATING, local(4, 6)), (CURING, local(4, 6 + hours)))

    [row] = stage_times(period=TWO_WEEKS).stages

    assert (row.stays, row.average_hours, row.p90_hours) == (10, Decimal("5.50"), Decimal("9.00"))


def test_average_is_rounded_to_hundredths_of_an_hour():
    """Stays of 1 h, 1 h and 1 h 20 min average 1 h 6 min 40 s: 1.11 h."""
    journey((COATING, local(3, 8)), (CURING, local(3, 9)))
    journey((COATING, local(3, 8)), (CURING, local(3, 9)))
    journey((COATING, local(3, 8)), (CURING, local(3, 9, 20)))

    [row] = stage_times(period=TWO_WEEKS).stages

    assert (row.average_hours, row.p90_hours) == (Decimal("1.11"), Decimal("1.33"))


def test_time_on_hold_is_left_out_of_the_stage():
    """Coating 2 h, on hold a day, back to Coating 2 h: one Coating stay of 4 h, not 28."""
    journey(
        (COATING, local(3, 8)),
        (JobStatus.ON_HOLD, local(3, 10)),
        (COATING, local(4, 10)),
        (CURING, local(4, 12)),
    )

    report = stage_times(period=TWO_WEEKS)

    assert report.stages == [
        coating(stays=1, average_hours=Decimal("4.00"), p90_hours=Decimal("4.00"))
    ]


def test_going_back_to_a_stage_adds_both_visits_to_one_stay():
    """Coating 2 h, Quality Check 1 h, sent back to Coating 3 h: Coating 5 h, QC 1 h."""
    journey(
        (COATING, local(5, 8)),
        (QUALITY_CHECK, local(5, 10)),
        (COATING, local(5, 11)),
        (CURING, local(5, 14)),
    )

    report = stage_times(period=TWO_WEEKS)

    assert [(row.stage, row.stays, row.average_hours) for row in report.stages] == [
        (COATING, 1, Decimal("5.00")),
        (QUALITY_CHECK, 1, Decimal("1.00")),
    ]


def test_stays_ending_outside_the_period_are_left_out():
    """Only stays ending inside the period count, whenever they started.

    Coating ends on 30 May (before) and the job's Curing, begun then, ends on 3 June (inside:
    96 h); a Coating stay ends at midnight after the last day (outside) and another on 17 June.
    """
    journey(
        (COATING, local(30, 8, month=5)),
        (CURING, local(30, 10, month=5)),
        (QUALITY_CHECK, local(3, 10)),
    )
    journey((COATING, local(15, 22)), (CURING, local(16, 0)))
    journey((COATING, local(16, 8)), (CURING, local(17, 8)))

    report = stage_times(period=TWO_WEEKS)

    assert report.stages == [
        StageTime(
            stage=CURING,
            label="Curing",
            stays=1,
            average_hours=Decimal("96.00"),
            p90_hours=Decimal("96.00"),
        )
    ]


def test_a_stay_ending_at_the_first_moment_of_the_period_counts():
    """A Coating stay ending at local midnight on the first day is inside the period."""
    journey((COATING, local(1, 21)), (CURING, local(2, 0)))

    [row] = stage_times(period=TWO_WEEKS).stages

    assert (row.stage, row.stays, row.average_hours) == (COATING, 1, Decimal("3.00"))


def test_only_the_segments_ending_inside_the_period_are_added():
    """Coating 2 h ending before the period and 3 h ending inside it: the period sees 3 h."""
    journey(
        (COATING, local(30, 8, month=5)),
        (QUALITY_CHECK, local(30, 10, month=5)),
        (COATING, local(3, 8)),
        (CURING, local(3, 11)),
    )

    report = stage_times(period=TWO_WEEKS)

    assert [(row.stage, row.average_hours) for row in report.stages] == [
        (COATING, Decimal("3.00")),
        (QUALITY_CHECK, Decimal("94.00")),
    ]


def test_a_stay_still_open_is_not_counted():
    """A job still in Coating, and one back in Coating after a hold, have no Coating stay."""
    journey((COATING, local(3, 8)))
    journey(
        (COATING, local(4, 8)),
        (JobStatus.ON_HOLD, local(4, 10)),
        (COATING, local(5, 8)),
    )

    report = stage_times(period=TWO_WEEKS)

    assert report == type(report)(stages=[], weeks=[])


def test_a_stay_open_when_the_period_ends_is_not_counted_in_it():
    """Coating 2 h, hold, back in Coating when the period ends: not a stay of that period."""
    journey(
        (COATING, local(13, 8)),
        (JobStatus.ON_HOLD, local(13, 10)),
        (COATING, local(14, 8)),
        (CURING, local(17, 8)),
    )

    assert stage_times(period=TWO_WEEKS).stages == []
    [row] = stage_times(
        period=Period(datetime.date(2025, 6, 16), datetime.date(2025, 6, 22))
    ).stages
    # The next week sees the stay end, with its segment ending there (14 June 08:00 on).
    assert (row.stage, row.stays, row.average_hours) == (COATING, 1, Decimal("72.00"))


def test_two_weeks_give_a_row_each_with_their_own_figures():
    """1 h and 3 h in the first week, 5 h in the second: one row per week, and 3 overall."""
    journey((COATING, local(3, 8)), (CURING, local(3, 9)))
    journey((COATING, local(4, 8)), (CURING, local(4, 11)))
    journey((COATING, local(10, 8)), (CURING, local(10, 13)))

    report = stage_times(period=TWO_WEEKS)

    assert report.stages == [
        coating(stays=3, average_hours=Decimal("3.00"), p90_hours=Decimal("5.00"))
    ]
    assert report.weeks == [
        StageWeek(
            week_start=datetime.date(2025, 6, 2),
            stage=COATING,
            label="Coating",
            stays=2,
            average_hours=Decimal("2.00"),
            p90_hours=Decimal("3.00"),
        ),
        StageWeek(
            week_start=datetime.date(2025, 6, 9),
            stage=COATING,
            label="Coating",
            stays=1,
            average_hours=Decimal("5.00"),
            p90_hours=Decimal("5.00"),
        ),
    ]


def test_a_stay_across_the_weekend_is_dated_by_its_end():
    """Coating from Friday 22:00 to Monday 02:00 (52 h) is in the week of that Monday."""
    journey((COATING, local(6, 22)), (CURING, local(9, 2)))

    [week] = stage_times(period=TWO_WEEKS).weeks

    assert (week.week_start, week.stays, week.average_hours) == (
        datetime.date(2025, 6, 9),
        1,
        Decimal("52.00"),
    )


def test_a_stay_ending_at_midnight_on_monday_is_in_the_week_that_starts_then():
    """Sunday 20:00 to Monday 00:00 local is in the week of that Monday; 1 minute less is not."""
    journey((COATING, local(8, 20)), (CURING, local(9, 0)))
    journey((COATING, local(8, 20)), (CURING, local(8, 23, 59)))

    report = stage_times(period=TWO_WEEKS)

    assert [(w.week_start, w.stays) for w in report.weeks] == [
        (datetime.date(2025, 6, 2), 1),
        (datetime.date(2025, 6, 9), 1),
    ]


def test_weeks_follow_the_shop_clock_across_the_spring_change():
    """Sat 23:00 to Sun 05:00 over the 9 March 2025 change is 5 real hours, in that week.

    A stay ending Sunday 23:30 local (Monday 04:30 UTC) is still in the week of 3 March.
    """
    journey((COATING, local(8, 23, month=3)), (CURING, local(9, 5, month=3)))
    journey((COATING, local(9, 20, month=3)), (CURING, local(9, 23, 30, month=3)))

    report = stage_times(period=Period(datetime.date(2025, 3, 3), datetime.date(2025, 3, 16)))

    assert [(w.week_start, w.stage, w.stays, w.average_hours) for w in report.weeks] == [
        (datetime.date(2025, 3, 3), COATING, 2, Decimal("4.25")),
    ]


def test_weeks_of_a_period_starting_midweek_start_on_monday():
    """A period from Wednesday 4 June puts its stays in the week of Monday 2 June."""
    journey((COATING, local(5, 8)), (CURING, local(5, 10)))

    report = stage_times(period=Period(datetime.date(2025, 6, 4), datetime.date(2025, 6, 8)))

    assert [(w.week_start, w.stays) for w in report.weeks] == [(datetime.date(2025, 6, 2), 1)]


@pytest.mark.parametrize("jobs", [3, 30])
def test_one_query_whatever_the_number_of_jobs(jobs, django_assert_num_queries):
    """The report runs one query for 3 jobs and for 30, each with a full history."""
    for number in range(jobs):
        journey(
            (COATING, local(3 + number % 10, 8)),
            (JobStatus.ON_HOLD, local(3 + number % 10, 9)),
            (COATING, local(3 + number % 10, 10)),
            (CURING, local(3 + number % 10, 12)),
            (QUALITY_CHECK, local(3 + number % 10, 14)),
        )

    with django_assert_num_queries(1):
        report = stage_times(period=TWO_WEEKS)

    assert [(row.stage, row.stays, row.average_hours) for row in report.stages] == [
        (COATING, jobs, Decimal("3.00")),
        (CURING, jobs, Decimal("2.00")),
    ]
