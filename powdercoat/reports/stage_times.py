"""Time jobs spend in each workflow stage, from the status timeline, to find the bottleneck (R2)."""

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import BooleanField, F, FloatField, Func, Subquery, Window
from django.db.models.expressions import Expression
from django.db.models.functions import Lead
from django.db.models.sql.compiler import SQLCompiler

from powdercoat.models import StatusChange
from powdercoat.models.choices import WORKFLOW, JobStatus
from powdercoat.reports import Period, week_start

# What an expression compiles to: its SQL and the parameters that go with it.
SqlWithParams = tuple[str, tuple[Any, ...]]

SECONDS_PER_HOUR = Decimal(3600)
HUNDREDTH = Decimal("0.01")


@dataclass(frozen=True)
class StageTime:
    """One stage over the period: how many stays ended in it, their mean and 90th percentile."""

    stage: str
    label: str
    stays: int
    average_hours: Decimal
    p90_hours: Decimal


@dataclass(frozen=True)
class StageWeek:
    """One stage in one week (Monday start): the stays that ended that week."""

    week_start: datetime.date
    stage: str
    label: str
    stays: int
    average_hours: Decimal
    p90_hours: Decimal


@dataclass(frozen=True)
class StageTimes:
    """The stage figures of a period, per stage (workflow order) and per week and stage."""

    stages: list[StageTime]
    weeks: list[StageWeek]


class SecondsElapsed(Func):
    """Seconds from `start` to `end` (two datetime expressions), as a number."""

    output_field = FloatField()

    def __init__(self, start: Any, end: Any, **extra: Any) -> None:
        # Stored end first: both templates below subtract the second expression from the first.
        super().__init__(end, start, **extra)

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> SqlWithParams:
        """SQLite keeps datetimes as text: julianday() reads them as days."""
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> SqlWithParams:
        """PostgreSQL subtracts timestamps into an interval, whose epoch is its length."""
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s))",
            arg_joiner=" - ",
            **extra_context,
        )


class IsAmong(Func):
    """`column IN (subquery)`, a condition; on PostgreSQL `column = ANY(ARRAY(subquery))`."""

    output_field = BooleanField()
    conditional = True
    template = "%(expressions)s"
    arg_joiner = " IN "

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra_context: Any
    ) -> SqlWithParams:
        """An array the planner looks up in the column's index, one probe per value: `IN`
        hashes the subquery and scans the whole table against it (8M changes: 650 -> 33 ms)."""
        return self.as_sql(
            compiler,
            connection,
            template="%(expressions)s)",
            arg_joiner=" = ANY(ARRAY",
            **extra_context,
        )


def stage_times(*, period: Period) -> StageTimes:
    """Stays per workflow stage over `period`, overall and per week; one query.

    A job is in a stage from a change into it until its next change. A stay is one job's time
    in one stage: its segments there added up, so time On Hold (or Cancelled) in between is
    not counted, and a job sent back to a stage adds the new visit to the same stay. A stay
    counts in the period when its last segment ended inside it, and is dated by that end; only
    its segments ending inside the period are added. A stay still open when the period ends
    (the job is in that stage at that moment) is not counted, so a period's figures do not
    change once it is over. The 90th percentile is the nearest rank: the stay at rank
    ceil(0.9 x n) of the sorted stays.
    """
    weeks = _weeks_of(period)
    segments_sql, segments_params = _segments_query(period)
    week_rows = ", ".join("(%s, %s)" for _ in weeks)
    workflow = ", ".join("%s" for _ in WORKFLOW)
    adapt = connection.ops.adapt_datetimefield_value
    # Django cannot aggregate over a window function, so the timeline's segments (built and
    # compiled by the ORM above) are grouped here, in one statement.
    # A stay's week is the last week starting at or before its end: the week starts are sorted
    # in among the stays (a start first when a stay ends at that very moment) and carried
    # forward by a running MAX. That is one sort; joining stays to weeks by range compares
    # every stay with every week (a year at 1,000,000 jobs: 735,000 x 53, 6.5 s).
    # Percentiles are ranks: the 90th is the first stay whose rank r has r >= 0.9 n, written
    # 10 r >= 9 n to stay in whole numbers.
    sql = f"""
        WITH segments AS ({segments_sql}),
        weeks (week_index, starts_at) AS (VALUES {week_rows}),
        stays AS (
            SELECT job_id, to_status AS stage, MAX(ended_at) AS ended_at,
                SUM(CASE WHEN ended_at >= %s THEN seconds ELSE 0 END) AS seconds
            FROM segments
            WHERE to_status IN ({workflow})
            GROUP BY job_id, to_status
            HAVING COUNT(*) = COUNT(ended_at) AND MAX(ended_at) >= %s
        ),
        dated AS (
            SELECT stage, seconds, is_stay,
                MAX(week_index) OVER (ORDER BY moment, is_stay ROWS UNBOUNDED PRECEDING)
                    AS week_index
            FROM (
                SELECT stage, seconds, ended_at AS moment, 1 AS is_stay, NULL AS week_index
                FROM stays
                UNION ALL
                SELECT NULL, NULL, starts_at, 0, week_index FROM weeks
            ) AS stays_and_weeks
        ),
        ranked AS (
            SELECT stage, week_index, seconds,
                ROW_NUMBER() OVER (PARTITION BY stage ORDER BY seconds) AS stage_rank,
                COUNT(*) OVER (PARTITION BY stage) AS stage_stays,
                ROW_NUMBER() OVER (PARTITION BY stage, week_index ORDER BY seconds)
                    AS week_rank,
                COUNT(*) OVER (PARTITION BY stage, week_index) AS week_stays
            FROM dated
            WHERE is_stay = 1
        )
        SELECT stage, NULL, COUNT(*), AVG(seconds),
            MIN(CASE WHEN stage_rank * 10 >= stage_stays * 9 THEN seconds END)
        FROM ranked GROUP BY stage
        UNION ALL
        SELECT stage, week_index, COUNT(*), AVG(seconds),
            MIN(CASE WHEN week_rank * 10 >= week_stays * 9 THEN seconds END)
        FROM ranked GROUP BY stage, week_index
    """
    params = [
        *segments_params,
        *(
            value
            for index, (_monday, starts_at) in enumerate(weeks)
            for value in (index, adapt(starts_at))
        ),
        adapt(period.starts_at),
        *WORKFLOW,
        adapt(period.starts_at),
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()

    order: dict[str, int] = {stage: position for position, stage in enumerate(WORKFLOW)}
    stages: list[StageTime] = []
    by_week: list[StageWeek] = []
    for stage, week_index, stays, average_seconds, p90_seconds in rows:
        label = str(JobStatus(stage).label)
        average, p90 = _hours(average_seconds), _hours(p90_seconds)
        if week_index is None:
            stages.append(
                StageTime(
                    stage=stage, label=label, stays=stays, average_hours=average, p90_hours=p90
                )
            )
        else:
            by_week.append(
                StageWeek(
                    week_start=weeks[int(week_index)][0],
                    stage=stage,
                    label=label,
                    stays=stays,
                    average_hours=average,
                    p90_hours=p90,
                )
            )
    stages.sort(key=lambda row: order[row.stage])
    by_week.sort(key=lambda row: (row.week_start, order[row.stage]))
    return StageTimes(stages=stages, weeks=by_week)


def _weeks_of(period: Period) -> list[tuple[datetime.date, datetime.datetime]]:
    """The Monday of each week the period touches, with its first moment in the shop's time."""
    weeks = []
    monday = week_start(period.first_day)
    while monday <= period.last_day:
        weeks.append((monday, Period(monday, monday).starts_at))
        monday += datetime.timedelta(weeks=1)
    return weeks


def _segments_query(period: Period) -> SqlWithParams:
    """SQL for the timeline rows a period needs, each with the moment its segment ended.

    Only jobs with a change inside the period can have a segment ending in it; their changes
    up to the period's end are read, as a segment ending inside may have started before it.
    `ended_at` is None for the segment still open at the period's end. Listing every status
    lets PostgreSQL read the period from the (to_status, created_at) index.
    """
    changed_in_period = (
        StatusChange.objects.filter(
            to_status__in=JobStatus.values,
            created_at__gte=period.starts_at,
            created_at__lt=period.ends_before,
        )
        .values("job_id")
        .order_by()
    )
    ended_at: Expression = Window(
        Lead("created_at"),
        partition_by=F("job_id"),
        order_by=[F("created_at").asc(), F("id").asc()],
    )
    segments = (
        StatusChange.objects.filter(
            IsAmong(F("job_id"), Subquery(changed_in_period)),
            created_at__lt=period.ends_before,
        )
        .annotate(ended_at=ended_at, seconds=SecondsElapsed(F("created_at"), ended_at))
        .values("job_id", "to_status", "ended_at", "seconds")
        .order_by()
    )
    compiler: SQLCompiler = segments.query.get_compiler(connection=connection)
    return compiler.as_sql()


def _hours(seconds: float | Decimal) -> Decimal:
    return (Decimal(str(seconds)) / SECONDS_PER_HOUR).quantize(HUNDREDTH, rounding=ROUND_HALF_UP)
