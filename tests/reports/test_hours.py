"""Hours report (SPEC R2): actual against estimated hours per job, per worker and per kind."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from powdercoat.models import Job, TimeEntry
from powdercoat.models.choices import ItemKind, JobStatus
from powdercoat.reports import Period
from powdercoat.reports.hours import JobHours, KindHours, WorkerHours, hours_report
from powdercoat.services.jobs import job_set_status
from tests.factories import CustomerFactory, JobFactory, LineItemFactory, WorkerFactory
from tests.timeline import date_move

pytestmark = pytest.mark.django_db

MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))


def _at(*moment: int) -> datetime:
    """A moment on the shop's clock."""
    return timezone.make_aware(datetime(*moment))


def _move(job: Job, status: str, when: datetime) -> Job:
    """Move the job to `status` through the service, dated `when` on its timeline."""
    change = job_set_status(job=job, user=None, status=status)
    date_move(change, when)
    return Job.objects.get(pk=job.pk)


def _finished_job(estimated: str | None, when: datetime | None = None, **fields) -> Job:
    """A job with this estimate, Completed at `when` (by default mid-March)."""
    job = JobFactory(estimated_hours=None if estimated is None else Decimal(estimated), **fields)
    return _move(job, JobStatus.COMPLETED, when or _at(2025, 3, 14, 16, 0))


def _log(job: Job, worker, hours: str, day: date = date(2025, 3, 10)) -> TimeEntry:
    return TimeEntry.objects.create(job=job, worker=worker, hours=Decimal(hours), work_date=day)


def test_a_job_over_its_estimate_by_two_hours_is_twenty_percent_over():
    """Estimated 10 h, entries of 4 h and 8 h: actual 12 h, +2 h, +20.0 %."""
    customer = CustomerFactory(company_name="Prairie Rail Works")
    job = _finished_job("10", customer=customer)
    worker = WorkerFactory(name="Ana")
    _log(job, worker, "4")
    _log(job, worker, "8")

    report = hours_report(period=MARCH)

    assert report.jobs == [
        JobHours(
            job_id=job.pk,
            number=job.number,
            customer_name="Prairie Rail Works",
            estimated=Decimal("10.00"),
            actual=Decimal("12.00"),
            difference=Decimal("2.00"),
            percent=Decimal("20.0"),
        )
    ]
    assert (report.job_count, report.jobs_without_estimate) == (1, 0)
    assert (report.estimated, report.actual) == (Decimal("10.00"), Decimal("12.00"))
    assert (report.difference, report.percent) == (Decimal("2.00"), Decimal("20.0"))


def test_two_workers_share_the_estimate_by_their_part_of_the_hours():
    """A 10 h job with 3 h and 9 h logged: 2.5 h and 7.5 h of the estimate, each 20 % over."""
    bo, ana = WorkerFactory(name="Bo"), WorkerFactory(name="Ana")
    job = _finished_job("10")
    _log(job, bo, "9")
    _log(job, ana, "3")

    report = hours_report(period=MARCH)

    assert report.workers == [
        WorkerHours(
            worker_id=ana.pk,
            name="Ana",
            estimated=Decimal("2.50"),
            actual=Decimal("3.00"),
            difference=Decimal("0.50"),
            percent=Decimal("20.0"),
            hours_without_estimate=Decimal("0.00"),
        ),
        WorkerHours(
            worker_id=bo.pk,
            name="Bo",
            estimated=Decimal("7.50"),
            actual=Decimal("9.00"),
            difference=Decimal("1.50"),
            percent=Decimal("20.0"),
            hours_without_estimate=Decimal("0.00"),
        ),
    ]


def test_a_workers_shares_add_up_over_jobs_and_hours_on_unestimated_jobs_stay_apart():
    """Ana: 1 h of a 4 h job's 2 h (2 h of estimate) and 6 h of a 3 h job's 6 h (3 h): 7 h
    logged against 5 h, +40 %; her 5 h on a job without an estimate are counted apart."""
    ana, cy = WorkerFactory(name="Ana"), WorkerFactory(name="Cy")
    quick = _finished_job("4")
    _log(quick, ana, "1")
    _log(quick, cy, "1")
    slow = _finished_job("3")
    _log(slow, ana, "2.5")
    _log(slow, ana, "3.5")
    unestimated = _finished_job(None)
    _log(unestimated, ana, "5")

    report = hours_report(period=MARCH)

    rows = {worker.name: worker for worker in report.workers}
    assert rows["Ana"] == WorkerHours(
        worker_id=ana.pk,
        name="Ana",
        estimated=Decimal("5.00"),
        actual=Decimal("7.00"),
        difference=Decimal("2.00"),
        percent=Decimal("40.0"),
        hours_without_estimate=Decimal("5.00"),
    )
    assert (rows["Cy"].estimated, rows["Cy"].actual, rows["Cy"].percent) == (
        Decimal("2.00"),
        Decimal("1.00"),
        Decimal("-50.0"),
    )


def test_a_worker_only_on_unestimated_jobs_has_nothing_to_compare():
    """Hours only on a job without an estimate: no share, no difference, no percent."""
    _log(_finished_job(None), WorkerFactory(name="Dee"), "2")

    (dee,) = hours_report(period=MARCH).workers

    assert (dee.estimated, dee.actual, dee.difference, dee.percent) == (
        None,
        Decimal("0.00"),
        None,
        None,
    )
    assert dee.hours_without_estimate == Decimal("2.00")


def test_jobs_count_when_they_first_finish_inside_the_period():
    """Counted: first Completed in March, Ready for Pickup at 23:30 on March 31, and Delivered
    straight from Coating. Not counted: finished in February and delivered in March, finished
    on April 1, reopened in March after finishing in February, never finished."""
    in_march = _finished_job("1")
    ready_last_evening = _move(
        JobFactory(estimated_hours=Decimal("1")),
        JobStatus.READY_FOR_PICKUP,
        _at(2025, 3, 31, 23, 30),
    )
    delivered = _move(
        _move(JobFactory(estimated_hours=Decimal("1")), JobStatus.COATING, _at(2025, 3, 2, 9)),
        JobStatus.DELIVERED,
        _at(2025, 3, 3, 9),
    )
    february_then_delivered = _finished_job("1", _at(2025, 2, 27, 10))
    _move(february_then_delivered, JobStatus.DELIVERED, _at(2025, 3, 5, 10))
    _finished_job("1", _at(2025, 4, 1, 0, 30))
    reopened = _finished_job("1", _at(2025, 2, 20, 10))
    reopened = _move(reopened, JobStatus.COATING, _at(2025, 3, 1, 10))
    _move(reopened, JobStatus.COMPLETED, _at(2025, 3, 8, 10))
    _move(JobFactory(estimated_hours=Decimal("1")), JobStatus.QUALITY_CHECK, _at(2025, 3, 9))

    report = hours_report(period=MARCH)

    assert {job.number for job in report.jobs} == {
        in_march.number,
        ready_last_evening.number,
        delivered.number,
    }
    assert report.job_count == 3


def test_actual_hours_are_every_entry_of_the_job_whatever_its_date():
    """Entries logged in January and in April count toward a job finished in March."""
    job = _finished_job("5")
    worker = WorkerFactory()
    _log(job, worker, "2", day=date(2025, 1, 20))
    _log(job, worker, "1.25", day=date(2025, 4, 2))

    (row,) = hours_report(period=MARCH).jobs

    assert (row.actual, row.difference, row.percent) == (
        Decimal("3.25"),
        Decimal("-1.75"),
        Decimal("-35.0"),
    )


def test_furthest_over_first_unestimated_last_and_the_limit_keeps_the_count():
    """Jobs by hours over their estimate, most first; without an estimate last; the limit
    cuts the list but not the counts or totals, which leave unestimated jobs out."""
    worker = WorkerFactory()
    under = _finished_job("10")
    _log(under, worker, "6")
    far_over = _finished_job("2")
    _log(far_over, worker, "7")
    bit_over = _finished_job("8")
    _log(bit_over, worker, "9")
    unestimated = _finished_job(None)
    _log(unestimated, worker, "20")
    no_hours = _finished_job("3")

    report = hours_report(period=MARCH)
    limited = hours_report(period=MARCH, job_limit=2)

    assert [(job.number, job.difference) for job in report.jobs] == [
        (far_over.number, Decimal("5.00")),
        (bit_over.number, Decimal("1.00")),
        (no_hours.number, Decimal("-3.00")),
        (under.number, Decimal("-4.00")),
        (unestimated.number, None),
    ]
    assert [job.number for job in limited.jobs] == [far_over.number, bit_over.number]
    for whole in (report, limited):
        assert (whole.job_count, whole.jobs_without_estimate) == (5, 1)
        assert (whole.estimated, whole.actual) == (Decimal("23.00"), Decimal("22.00"))
        assert (whole.difference, whole.percent) == (Decimal("-1.00"), Decimal("-4.3"))
        assert whole.hours_without_estimate == Decimal("20.00")
    assert report.jobs[-1] == JobHours(
        job_id=unestimated.pk,
        number=unestimated.number,
        customer_name=unestimated.customer.company_name,
        estimated=None,
        actual=Decimal("20.00"),
        difference=None,
        percent=None,
    )


def test_an_estimate_of_zero_has_no_percent():
    """Estimated 0 h and 1.5 h logged: +1.5 h, but no percentage of nothing."""
    job = _finished_job("0")
    _log(job, WorkerFactory(), "1.5")

    (row,) = hours_report(period=MARCH).jobs

    assert (row.estimated, row.difference, row.percent) == (
        Decimal("0.00"),
        Decimal("1.50"),
        None,
    )


def test_a_job_counts_under_the_kind_its_items_share_mixed_or_no_items():
    """Two Catalog items: Catalog. Catalog and Calculated: Mixed. No items: No items. Each
    kind adds up its jobs' estimates and hours; an unestimated job is counted apart."""
    worker = WorkerFactory()
    catalog = _finished_job("4")
    LineItemFactory(job=catalog, kind=ItemKind.CATALOG)
    LineItemFactory(job=catalog, kind=ItemKind.CATALOG)
    _log(catalog, worker, "5")
    catalog_unestimated = _finished_job(None)
    LineItemFactory(job=catalog_unestimated, kind=ItemKind.CATALOG)
    _log(catalog_unestimated, worker, "2")
    mixed = _finished_job("6")
    LineItemFactory(job=mixed, kind=ItemKind.CATALOG)
    LineItemFactory(job=mixed, kind=ItemKind.CALCULATED)
    _log(mixed, worker, "3")
    _finished_job("1")

    report = hours_report(period=MARCH)

    assert report.kinds == [
        KindHours(
            kind="catalog",
            label="Catalog",
            jobs=2,
            jobs_without_estimate=1,
            estimated=Decimal("4.00"),
            actual=Decimal("5.00"),
            difference=Decimal("1.00"),
            percent=Decimal("25.0"),
            hours_without_estimate=Decimal("2.00"),
        ),
        KindHours(
            kind="mixed",
            label="Mixed",
            jobs=1,
            jobs_without_estimate=0,
            estimated=Decimal("6.00"),
            actual=Decimal("3.00"),
            difference=Decimal("-3.00"),
            percent=Decimal("-50.0"),
            hours_without_estimate=Decimal("0.00"),
        ),
        KindHours(
            kind="none",
            label="No items",
            jobs=1,
            jobs_without_estimate=0,
            estimated=Decimal("1.00"),
            actual=Decimal("0.00"),
            difference=Decimal("-1.00"),
            percent=Decimal("-100.0"),
            hours_without_estimate=Decimal("0.00"),
        ),
    ]


def test_an_empty_period_gives_empty_lists_and_no_percent():
    """No job finished in the period: nothing listed, zero hours, no percent."""
    _finished_job("3", _at(2025, 2, 14, 12))

    report = hours_report(period=MARCH)

    assert (report.jobs, report.workers, report.kinds) == ([], [], [])
    assert (report.job_count, report.estimated, report.actual) == (
        0,
        Decimal("0.00"),
        Decimal("0.00"),
    )
    assert report.percent is None


@pytest.mark.parametrize("jobs", [2, 12])
def test_the_report_is_three_queries_whatever_the_number_of_jobs(django_assert_num_queries, jobs):
    """Kinds (and totals), the job rows and the workers: three queries for 2 jobs or 12."""
    workers = [WorkerFactory(), WorkerFactory()]
    kinds = ItemKind.values
    for index in range(jobs):
        job = _finished_job(None if index % 4 == 3 else str(index + 1))
        LineItemFactory(job=job, kind=kinds[index % len(kinds)])
        if index % 2:
            LineItemFactory(job=job, kind=kinds[(index + 1) % len(kinds)])
        _log(job, workers[index % 2], "1.5")
        _log(job, workers[(index + 1) % 2], "2")

    with django_assert_num_queries(3):
        report = hours_report(period=MARCH, job_limit=5)

    assert report.job_count == jobs
    assert len(report.jobs) == min(jobs, 5)
    assert sum(worker.actual + worker.hours_without_estimate for worker in report.workers) == (
        Decimal("3.5") * jobs
    )
