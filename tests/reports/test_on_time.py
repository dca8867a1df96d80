"""On-time delivery (SPEC R2): jobs finished by their due date, per month, customer and total."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from powdercoat.models import Job
from powdercoat.models.choices import CustomerType, JobStatus
from powdercoat.reports import Period
from powdercoat.reports.on_time import (
    OnTimeCustomer,
    OnTimeMonth,
    OnTimeTotal,
    on_time_delivery,
)
from powdercoat.services.jobs import job_set_status
from tests.factories import CustomerFactory, JobFactory
from tests.timeline import date_move

pytestmark = pytest.mark.django_db

READY = JobStatus.READY_FOR_PICKUP

JUNE = Period(datetime.date(2025, 6, 1), datetime.date(2025, 6, 30))
MAY_AND_JUNE = Period(datetime.date(2025, 5, 1), datetime.date(2025, 6, 30))


def day(month: int, number: int) -> datetime.date:
    """A day of 2025."""
    return datetime.date(2025, month, number)


def local(month: int, number: int, hour: int = 12, minute: int = 0) -> datetime.datetime:
    """A moment of 2025 on the shop's clock (America/Chicago)."""
    return timezone.make_aware(datetime.datetime(2025, month, number, hour, minute))


def finished_job(*steps: tuple[str, datetime.datetime], due: datetime.date | None, **fields) -> Job:
    """A job due on `due`, moved through `steps` (status, when), each timeline row so dated."""
    job = JobFactory(due_date=due, **fields)
    for status, at in steps:
        change = job_set_status(job=Job.objects.get(pk=job.pk), user=None, status=status)
        date_move(change, at)
    return job


def test_three_jobs_of_four_on_time_is_75_percent():
    """Ready on, before, and the day before the due date; one a day late: 75.0 %."""
    finished_job((READY, local(6, 10)), due=day(6, 10))
    finished_job((READY, local(6, 10)), due=day(6, 20))
    finished_job((READY, local(6, 9)), due=day(6, 10))
    finished_job((READY, local(6, 11)), due=day(6, 10))

    report = on_time_delivery(period=JUNE)

    assert report.total == OnTimeTotal(jobs=4, on_time=3, on_time_percent=Decimal("75.0"))
    assert report.months == [
        OnTimeMonth(month_start=day(6, 1), jobs=4, on_time=3, on_time_percent=Decimal("75.0"))
    ]


def test_ready_on_the_due_date_is_on_time():
    """A job ready during its due day is on time."""
    finished_job((READY, local(6, 10, 17)), due=day(6, 10))

    assert on_time_delivery(period=JUNE).total == OnTimeTotal(
        jobs=1, on_time=1, on_time_percent=Decimal("100.0")
    )


def test_ready_late_in_the_evening_of_the_due_date_is_on_time_by_the_shop_clock():
    """Ready at 23:30 in Chicago on the due date (04:30 UTC the next day) is on time."""
    finished_job((READY, local(6, 10, 23, 30)), due=day(6, 10))
    # Just after midnight is the next day, and late.
    finished_job((READY, local(6, 11, 0, 30)), due=day(6, 10))

    report = on_time_delivery(period=JUNE)

    assert report.total == OnTimeTotal(jobs=2, on_time=1, on_time_percent=Decimal("50.0"))


def test_delivered_without_ready_for_pickup_counts():
    """A job taken straight to Delivered is finished when it got there."""
    finished_job((JobStatus.DELIVERED, local(6, 12)), due=day(6, 11))

    assert on_time_delivery(period=JUNE).total == OnTimeTotal(
        jobs=1, on_time=0, on_time_percent=Decimal("0.0")
    )


def test_a_job_finished_twice_counts_once_by_the_first_time():
    """Ready on its due date, sent back to Quality Check, Ready again later: one job, on time."""
    finished_job(
        (READY, local(6, 10)),
        (JobStatus.QUALITY_CHECK, local(6, 11)),
        (READY, local(6, 16)),
        (JobStatus.DELIVERED, local(6, 17)),
        due=day(6, 10),
    )

    report = on_time_delivery(period=JUNE)

    assert report.total == OnTimeTotal(jobs=1, on_time=1, on_time_percent=Decimal("100.0"))


def test_a_job_first_finished_before_the_period_is_not_in_it():
    """Ready in May and Ready again in June: it belongs to May only."""
    finished_job(
        (READY, local(5, 28)),
        (JobStatus.QUALITY_CHECK, local(5, 30)),
        (READY, local(6, 3)),
        due=day(5, 29),
    )

    assert on_time_delivery(period=JUNE).total.jobs == 0
    assert on_time_delivery(period=MAY_AND_JUNE).months[0] == OnTimeMonth(
        month_start=day(5, 1), jobs=1, on_time=1, on_time_percent=Decimal("100.0")
    )


def test_jobs_not_yet_finished_or_finished_outside_the_period_are_left_out():
    """Work still in Coating, and jobs ready on 31 May or 1 July, are not June's."""
    finished_job((JobStatus.COATING, local(6, 10)), due=day(6, 5))
    finished_job((READY, local(5, 31, 23, 59)), due=day(6, 5))
    finished_job((READY, local(7, 1, 0, 0)), due=day(6, 5))

    report = on_time_delivery(period=JUNE)

    assert report.total == OnTimeTotal(jobs=0, on_time=0, on_time_percent=None)
    assert report.months == [
        OnTimeMonth(month_start=day(6, 1), jobs=0, on_time=0, on_time_percent=None)
    ]
    assert report.customers == []


def test_jobs_without_a_due_date_are_counted_apart():
    """A job with no due date is in no percentage, only in `without_due_date`."""
    finished_job((READY, local(6, 10)), due=None)
    finished_job((READY, local(6, 10)), due=day(6, 12))

    report = on_time_delivery(period=JUNE)

    assert report.without_due_date == 1
    assert report.total == OnTimeTotal(jobs=1, on_time=1, on_time_percent=Decimal("100.0"))
    assert [row.jobs for row in report.customers] == [1]


def test_two_months_and_two_customers():
    """May: 1 of 2 on time; June: 2 of 3. Acme is late twice, Birch once; each has its row."""
    acme = CustomerFactory(company_name="Acme Rails")
    birch = CustomerFactory(company_name="Birch Fabrication")
    finished_job((READY, local(5, 10)), due=day(5, 10), customer=acme)
    finished_job((READY, local(5, 20)), due=day(5, 15), customer=acme)
    finished_job((READY, local(6, 2)), due=day(6, 1), customer=acme)
    finished_job((READY, local(6, 2)), due=day(6, 5), customer=birch)
    finished_job((READY, local(6, 3)), due=day(6, 5), customer=birch)
    # A late job that finished in July is outside the period, for both months and customers.
    finished_job((READY, local(7, 3)), due=day(6, 5), customer=birch)

    report = on_time_delivery(period=MAY_AND_JUNE)

    assert report.months == [
        OnTimeMonth(month_start=day(5, 1), jobs=2, on_time=1, on_time_percent=Decimal("50.0")),
        OnTimeMonth(month_start=day(6, 1), jobs=3, on_time=2, on_time_percent=Decimal("66.7")),
    ]
    assert report.customers == [
        OnTimeCustomer(
            customer_id=acme.pk,
            name="Acme Rails",
            jobs=3,
            on_time=1,
            late=2,
            on_time_percent=Decimal("33.3"),
        ),
        OnTimeCustomer(
            customer_id=birch.pk,
            name="Birch Fabrication",
            jobs=2,
            on_time=2,
            late=0,
            on_time_percent=Decimal("100.0"),
        ),
    ]
    assert report.total == OnTimeTotal(jobs=5, on_time=3, on_time_percent=Decimal("60.0"))
    assert (report.more_customers, report.without_due_date) == (0, 0)


def test_months_follow_the_shop_clock():
    """Ready at 21:00 on 31 May in Chicago (02:00 UTC on 1 June) belongs to May."""
    finished_job((READY, local(5, 31, 21)), due=day(5, 31))

    report = on_time_delivery(period=MAY_AND_JUNE)

    assert [(month.month_start, month.jobs) for month in report.months] == [
        (day(5, 1), 1),
        (day(6, 1), 0),
    ]


def test_customers_with_most_late_jobs_first_then_by_name_up_to_the_limit():
    """Late 2, then two with 1 late by name (a person's name for a retail customer); limit 3."""
    names = {
        "Zenith Gates": 2,
        "Harbor Marine": 1,
        "": 1,  # retail: listed by the contact name "Dana Ruiz"
        "Alpine Trailers": 0,
    }
    for company_name, late in names.items():
        customer = (
            CustomerFactory(company_name=company_name)
            if company_name
            else CustomerFactory(
                customer_type=CustomerType.RETAIL, company_name="", contact_name="Dana Ruiz"
            )
        )
        for number in range(late):
            finished_job((READY, local(6, 12)), due=day(6, 1 + number), customer=customer)
        finished_job((READY, local(6, 2)), due=day(6, 9), customer=customer)

    report = on_time_delivery(period=JUNE, customer_limit=3)

    assert [(row.name, row.late, row.on_time) for row in report.customers] == [
        ("Zenith Gates", 2, 1),
        ("Dana Ruiz", 1, 1),
        ("Harbor Marine", 1, 1),
    ]
    assert report.more_customers == 1
    # The total still counts every customer's jobs.
    assert report.total == OnTimeTotal(jobs=8, on_time=4, on_time_percent=Decimal("50.0"))


def test_a_limit_below_one_is_refused():
    """Asking for no customer rows is a programming mistake, said plainly."""
    with pytest.raises(ValueError, match="at least 1"):
        on_time_delivery(period=JUNE, customer_limit=0)


@pytest.mark.parametrize("jobs", [3, 30])
def test_two_queries_whatever_the_number_of_jobs(jobs, django_assert_num_queries):
    """The report runs two queries for 3 jobs and for 30, over several customers and months."""
    customers = [CustomerFactory() for _ in range(3)]
    for number in range(jobs):
        finished_job(
            (READY, local(5 + number % 2, 10 + number % 5)),
            (JobStatus.QUALITY_CHECK, local(5 + number % 2, 16)),
            (READY, local(5 + number % 2, 17)),
            due=day(5 + number % 2, 12) if number % 3 else None,
            customer=customers[number % 3],
        )

    with django_assert_num_queries(2):
        report = on_time_delivery(period=MAY_AND_JUNE, customer_limit=2)

    assert report.total.jobs + report.without_due_date == jobs
    assert len(report.customers) == 2
    assert report.more_customers == 0
