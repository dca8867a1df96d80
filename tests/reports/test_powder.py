"""Powder report (SPEC R2): estimated against logged per powder and job, usage per month."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from powdercoat import pricing
from powdercoat.models import InventoryActivity
from powdercoat.models.choices import ActivityKind, InventoryCategory, JobStatus
from powdercoat.reports import Period
from powdercoat.reports.powder import (
    CoverageBasis,
    PowderLbs,
    UsageMonth,
    powder_report,
    variance_percent,
)
from powdercoat.selectors import _demand_by_job_and_powder
from powdercoat.services.inventory import inventory_activity_record, inventory_activity_reverse
from powdercoat.services.jobs import job_set_status
from tests.factories import JobFactory, LineItemCoatFactory, LineItemFactory, PowderFactory
from tests.timeline import date_move

pytestmark = pytest.mark.django_db
D = Decimal

MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))
MARCH_AND_APRIL = Period(date(2025, 3, 1), date(2025, 4, 30))


def _at(*moment: int) -> datetime:
    """A moment on the shop's clock."""
    return timezone.make_aware(datetime(*moment))


def _powder(**fields):
    """A powder at 30 sq ft/lb and 65 % transfer efficiency unless told otherwise."""
    fields.setdefault("coverage_rate", D("30"))
    fields.setdefault("transfer_efficiency", D("65"))
    return PowderFactory(**fields)


def _coat(job, powder, *, quantity=12, area="6.5"):
    """Give `job` an item of `quantity` parts of `area` sq ft each, coated once in `powder`."""
    item = LineItemFactory(job=job, quantity=quantity, surface_area_sqft=D(area))
    return LineItemCoatFactory(item=item, powder=powder)


def _move(job, status, when):
    """Move `job` to `status` as an office correction, dated `when`."""
    change = job_set_status(job=job, user=None, status=status, note="report test")
    date_move(change, when)
    job.refresh_from_db()


def _use(job, powder, lbs, when, *, kind=ActivityKind.USAGE):
    """Log `lbs` of `powder` used on `job` through the ledger, dated `when`."""
    activity = inventory_activity_record(
        item=powder, kind=kind, quantity=D(lbs), user=None, job=job
    )
    InventoryActivity.objects.filter(pk=activity.pk).update(created_at=when)
    return activity


def _finished_job(when=None, **fields):
    """A job that reached Completed at `when` (10 March, noon, unless told)."""
    job = JobFactory(**fields)
    _move(job, JobStatus.COMPLETED, when or _at(2025, 3, 10, 12, 0))
    return job


# -- known answers ---------------------------------------------------------------------------


def test_one_job_estimated_against_logged_with_a_reversed_mistake(company):
    """12 parts x 6.5 sq ft = 78 sq ft; at 30 sq ft/lb x 65 % = 19.5 sq ft per pound sprayed,
    78 / 19.5 = 4.0 lb estimated. Logged 4.6 lb, and 1.0 lb typed by mistake then reversed:
    4.6 lb logged, 0.6 lb more than estimated, 0.6 / 4.0 = 15.0 %."""
    powder = _powder(name="Gloss Black", color_code="RAL 9005")
    job = JobFactory()
    _coat(job, powder)
    _use(job, powder, "4.6", _at(2025, 3, 8, 9, 0))
    mistake = _use(job, powder, "1", _at(2025, 3, 8, 9, 5))
    inventory_activity_reverse(activity=mistake, reason="typed twice", user=None)
    _move(job, JobStatus.COMPLETED, _at(2025, 3, 10, 12, 0))

    report = powder_report(period=MARCH)

    (row,) = report.powders
    assert row.powder_id == powder.pk
    assert row.powder == "Gloss Black (RAL 9005)"
    assert (row.estimated_lbs, row.logged_lbs) == (D("4.0"), D("4.600"))
    assert (row.difference_lbs, row.percent) == (D("0.6"), D("15.0"))
    assert (row.coverage_sqft_per_lb, row.coverage_basis) == (D("30.00"), CoverageBasis.TYPED_RATE)
    assert (row.efficiency_percent, row.efficiency_is_shop_default) == (D("65"), False)
    assert row.jobs_count == 1
    (job_row,) = report.jobs
    assert (job_row.job_id, job_row.number, job_row.customer) == (
        job.pk,
        job.number,
        job.customer.company_name,
    )
    assert (job_row.estimated_lbs, job_row.logged_lbs, job_row.difference_lbs) == (
        D("4.0"),
        D("4.6"),
        D("0.6"),
    )
    assert job_row.percent == D("15.0")
    assert report.jobs_count == 1
    assert (report.estimated_lbs, report.logged_lbs, report.difference_lbs, report.percent) == (
        D("4.0"),
        D("4.6"),
        D("0.6"),
        D("15.0"),
    )


def test_each_coat_is_rounded_up_on_its_own_and_the_defaults_apply(company):
    """A powder with no figures of its own takes the shop's 30 sq ft/lb and 65 %. Three items
    of one 1 sq ft part: 1 / 19.5 = 0.051 lb, 0.1 lb each, 0.3 lb (not 3 / 19.5 -> 0.2 lb).
    Nothing logged: -0.3 lb, -100.0 %."""
    powder = _powder(coverage_rate=None, transfer_efficiency=None)
    job = JobFactory()
    for _ in range(3):
        _coat(job, powder, quantity=1, area="1")
    _move(job, JobStatus.COMPLETED, _at(2025, 3, 10, 12, 0))

    (row,) = powder_report(period=MARCH).powders

    assert (row.estimated_lbs, row.logged_lbs) == (D("0.3"), D("0"))
    assert (row.difference_lbs, row.percent) == (D("-0.3"), D("-100.0"))
    assert (row.coverage_sqft_per_lb, row.coverage_basis) == (
        D("30.00"),
        CoverageBasis.SHOP_DEFAULT,
    )
    assert (row.efficiency_percent, row.efficiency_is_shop_default) == (D("65"), True)


def test_coverage_from_specific_gravity_and_film_thickness(company):
    """SG 1.6 at 2 mils covers 192.3 / 3.2 = 60.09375 sq ft/lb (shown 60.09); at 50 % a pound
    sprayed covers 30.046875 sq ft; 78 sq ft / 30.046875 = 2.5959... -> 2.6 lb. Logged 2.0 lb:
    -0.6 lb, -0.6 / 2.6 = -23.08 -> -23.1 %."""
    powder = _powder(
        coverage_rate=None,
        specific_gravity=D("1.6"),
        film_thickness_mils=D("2"),
        transfer_efficiency=D("50"),
    )
    job = JobFactory()
    _coat(job, powder)
    _use(job, powder, "2", _at(2025, 3, 9, 15, 0))
    _move(job, JobStatus.COMPLETED, _at(2025, 3, 10, 12, 0))

    (row,) = powder_report(period=MARCH).powders

    assert (row.estimated_lbs, row.logged_lbs, row.difference_lbs) == (D("2.6"), D("2"), D("-0.6"))
    assert row.percent == D("-23.1")
    assert (row.coverage_sqft_per_lb, row.coverage_basis) == (
        D("60.09"),
        CoverageBasis.GRAVITY_AND_FILM,
    )


def test_a_job_counts_in_the_period_it_first_finished(company):
    """Counted: finished 10 March (then Ready 12 March, Delivered 14 March: once). Not counted:
    first Completed 25 February, reopened and completed again in March; completed 1 April;
    still coating. Each needs 4.0 lb (12 x 6.5 sq ft at 19.5 sq ft/lb); only the first counts.
    """
    powder = _powder()
    counted = JobFactory()
    _coat(counted, powder)
    _move(counted, JobStatus.COMPLETED, _at(2025, 3, 10, 12, 0))
    _move(counted, JobStatus.READY_FOR_PICKUP, _at(2025, 3, 12, 12, 0))
    _move(counted, JobStatus.DELIVERED, _at(2025, 3, 14, 12, 0))
    earlier = JobFactory()
    _coat(earlier, powder)
    _move(earlier, JobStatus.COMPLETED, _at(2025, 2, 25, 12, 0))
    _move(earlier, JobStatus.COATING, _at(2025, 3, 3, 12, 0))
    _move(earlier, JobStatus.COMPLETED, _at(2025, 3, 5, 12, 0))
    later = JobFactory()
    _coat(later, powder)
    _move(later, JobStatus.COMPLETED, _at(2025, 4, 1, 9, 0))
    unfinished = JobFactory()
    _coat(unfinished, powder)
    _move(unfinished, JobStatus.COATING, _at(2025, 3, 10, 12, 0))

    report = powder_report(period=MARCH)

    assert [job.job_id for job in report.jobs] == [counted.pk]
    assert report.jobs_count == 1
    (row,) = report.powders
    assert (row.estimated_lbs, row.jobs_count) == (D("4.0"), 1)


def test_usage_logged_before_the_period_counts_and_other_items_do_not(company):
    """Logged on the job in February (2.5 lb) and March (1.5 lb): 4.0 lb, the estimate exactly.
    Masking tape logged on it is not powder; a stray powder with no coat shows with no estimate
    and no percentage."""
    powder = _powder(name="A Powder")
    stray = _powder(name="B Stray")
    tape = PowderFactory(name="Tape", category=InventoryCategory.SHOP_SUPPLY, unit="roll")
    job = JobFactory()
    _coat(job, powder)
    _use(job, powder, "2.5", _at(2025, 2, 20, 9, 0))
    _use(job, powder, "1.5", _at(2025, 3, 3, 9, 0))
    _use(job, stray, "0.4", _at(2025, 3, 3, 9, 0))
    _use(job, tape, "2", _at(2025, 3, 3, 9, 0))
    _move(job, JobStatus.COMPLETED, _at(2025, 3, 10, 12, 0))

    report = powder_report(period=MARCH)

    assert [(r.powder, r.estimated_lbs, r.logged_lbs, r.percent) for r in report.powders] == [
        (f"A Powder ({powder.color_code})", D("4.0"), D("4"), D("0.0")),
        (str(stray), D("0"), D("0.4"), None),
    ]
    assert report.powders[1].jobs_count == 0
    (job_row,) = report.jobs
    assert (job_row.estimated_lbs, job_row.logged_lbs, job_row.difference_lbs) == (
        D("4.0"),
        D("4.4"),
        D("0.4"),
    )


def test_jobs_are_ranked_by_the_size_of_their_difference_either_way(company):
    """Each job needs 4.0 lb. Logged 4.1 (+0.1), 2.0 (-2.0), 5.0 (+1.0), 4.0 (0): ranked
    -2.0, +1.0, +0.1, 0; with job_limit=2 the first two, out of 4 jobs."""
    powder = _powder()
    logged = ["4.1", "2", "5", "4"]
    jobs = []
    for lbs in logged:
        job = JobFactory()
        _coat(job, powder)
        _use(job, powder, lbs, _at(2025, 3, 9, 9, 0))
        _move(job, JobStatus.COMPLETED, _at(2025, 3, 10, 12, 0))
        jobs.append(job)

    full = powder_report(period=MARCH)
    short = powder_report(period=MARCH, job_limit=2)

    assert [row.job_id for row in full.jobs] == [jobs[1].pk, jobs[2].pk, jobs[0].pk, jobs[3].pk]
    assert [row.difference_lbs for row in full.jobs] == [D("-2"), D("1"), D("0.1"), D("0")]
    assert [row.percent for row in full.jobs] == [D("-50.0"), D("25.0"), D("2.5"), D("0.0")]
    assert [row.job_id for row in short.jobs] == [jobs[1].pk, jobs[2].pk]
    assert short.jobs_count == 4
    (row,) = short.powders
    assert (row.estimated_lbs, row.logged_lbs, row.difference_lbs) == (
        D("16.0"),
        D("15.1"),
        D("-0.9"),
    )


def test_usage_per_month_in_the_shops_calendar(company):
    """All usage booked in the period, whatever the job: 31 March 23:30 in Chicago is already
    1 April in UTC but belongs to March. March: A 1.0 + 0.5 = 1.5, B 2.0 (3.5 in all); April:
    A 0.25 less a reversal of an earlier 0.5 (booked in April) = -0.25. A February row and
    masking tape are left out."""
    a = _powder(name="A")
    b = _powder(name="B")
    tape = PowderFactory(name="Tape", category=InventoryCategory.SHOP_SUPPLY, unit="roll")
    job = JobFactory()  # still open: monthly usage does not ask
    _use(job, a, "1", _at(2025, 3, 4, 10, 0))
    half = _use(job, a, "0.5", _at(2025, 3, 31, 23, 30))
    _use(job, b, "2", _at(2025, 3, 15, 10, 0))
    _use(job, a, "0.25", _at(2025, 4, 1, 0, 30))
    _use(job, a, "9", _at(2025, 2, 27, 10, 0))
    _use(job, tape, "3", _at(2025, 3, 4, 10, 0))
    reversal = inventory_activity_reverse(activity=half, reason="wrong job", user=None)
    InventoryActivity.objects.filter(pk=reversal.pk).update(created_at=_at(2025, 4, 2, 8, 0))

    report = powder_report(period=MARCH_AND_APRIL)

    assert report.months == (
        UsageMonth(
            month=date(2025, 3, 1),
            powders=(PowderLbs(a.pk, str(a), D("1.5")), PowderLbs(b.pk, str(b), D("2"))),
            total_lbs=D("3.5"),
        ),
        UsageMonth(
            month=date(2025, 4, 1),
            powders=(PowderLbs(a.pk, str(a), D("-0.25")),),
            total_lbs=D("-0.25"),
        ),
    )
    assert report.powders == ()
    assert report.jobs == ()
    assert report.jobs_count == 0


def test_an_empty_period_has_its_months_and_no_percentages(company):
    """Nothing happened: every month of the period listed with 0, totals 0, percentage None."""
    report = powder_report(period=Period(date(2025, 1, 15), date(2025, 3, 2)))

    assert [month.month for month in report.months] == [
        date(2025, 1, 1),
        date(2025, 2, 1),
        date(2025, 3, 1),
    ]
    assert all(month.total_lbs == 0 and month.powders == () for month in report.months)
    assert (report.estimated_lbs, report.logged_lbs, report.percent) == (D("0"), D("0"), None)


def test_variance_percent_divides_safely():
    """0.6 of 4.0 is 15.0 %; 1 of 3 is 33.3 %; 1 of 0 is None, not an error."""
    assert variance_percent(D("0.6"), D("4.0")) == D("15.0")
    assert variance_percent(D("1"), D("3")) == D("33.3")
    assert variance_percent(D("1"), D("0")) is None


# -- the database's figure is the Python maths' ----------------------------------------------


def _python_estimates(company):
    """Lbs per job and per powder as `selectors._demand_by_job_and_powder` works them out in
    Python, while the jobs are active and nothing is logged yet."""
    needed = _demand_by_job_and_powder(company=company, exclude_job_id=None)
    per_job: dict[int, Decimal] = {}
    per_powder: dict[int, Decimal] = {}
    for (job_id, powder_id), lbs in needed.items():
        per_job[job_id] = per_job.get(job_id, D("0")) + lbs
        per_powder[powder_id] = per_powder.get(powder_id, D("0")) + lbs
    return per_job, per_powder


# Areas and quantities chosen to catch floating point (1.001 x 1000 is 1000.999... in floats)
# and values landing exactly on a tenth (12 x 6.5 at 19.5 sq ft/lb = 4.0 lb).
AREAS = ["6.5", "2.675", "0.333", "1", "14.125", "0.05", "7.777", "3.3", "1.001"]
QUANTITIES = [12, 1, 7, 3, 25, 250, 2, 9, 39]


def test_the_database_estimate_equals_the_python_maths_for_every_kind_of_powder(company):
    """Five powders (typed rate, typed rate with its own efficiency, SG + film with the default
    efficiency, SG + film with its own, shop defaults) over 9 jobs of mixed coats: per powder
    and per job, the report's estimate is exactly what the Python maths gives."""
    powders = [
        _powder(coverage_rate=D("33.33"), transfer_efficiency=None),
        _powder(coverage_rate=D("45"), transfer_efficiency=D("62.5")),
        _powder(
            coverage_rate=None,
            specific_gravity=D("1.45"),
            film_thickness_mils=D("2.5"),
            transfer_efficiency=None,
        ),
        _powder(
            coverage_rate=None,
            specific_gravity=D("1.725"),
            film_thickness_mils=D("3.25"),
            transfer_efficiency=D("70"),
        ),
        _powder(coverage_rate=None, transfer_efficiency=None),
    ]
    jobs = []
    for index, (area, quantity) in enumerate(zip(AREAS, QUANTITIES, strict=True)):
        job = JobFactory()
        for offset in range(3):
            _coat(job, powders[(index + offset) % len(powders)], quantity=quantity, area=area)
        jobs.append(job)
    per_job, per_powder = _python_estimates(company)
    for job in jobs:
        _move(job, JobStatus.COMPLETED, _at(2025, 3, 10, 12, 0))

    report = powder_report(period=MARCH)

    assert {row.powder_id: row.estimated_lbs for row in report.powders} == per_powder
    assert {row.job_id: row.estimated_lbs for row in report.jobs} == per_job
    assert {row.coverage_basis for row in report.powders} == set(CoverageBasis)


def test_an_area_a_float_cannot_hold_is_read_exactly(company):
    """39 parts of 1.001 sq ft = 39.039 sq ft; / 19.5 = 2.002 -> 2.1 lb. (SQLite keeps 1.001 as
    a float, and 1.001 x 1000 = 1000.999...: cut to 1000, it would make 39 / 19.5 = 2.0 lb.)"""
    _coat(_finished_job(), _powder(), quantity=39, area="1.001")

    (row,) = powder_report(period=MARCH).powders

    assert row.estimated_lbs == D("2.1")


def test_the_estimate_follows_changed_shop_defaults(company):
    """Shop defaults of 40 sq ft/lb and 80 %: 78 sq ft / 32 = 2.4375 -> 2.5 lb."""
    company.default_coverage_sqft_per_lb = D("40")
    company.default_transfer_efficiency = D("80")
    company.save()
    powder = _powder(coverage_rate=None, transfer_efficiency=None)
    _coat(_finished_job(), powder)

    (row,) = powder_report(period=MARCH).powders

    assert (row.estimated_lbs, row.coverage_sqft_per_lb, row.efficiency_percent) == (
        D("2.5"),
        D("40.00"),
        D("80.00"),
    )


def test_gravity_and_film_is_exact_where_the_python_maths_rounds_a_tenth_too_far(company):
    """9.615 sq ft x 24 at SG 1.65, 2.5 mils and 75 %: 230.76 x 1.65 x 2.5 / (192.3 x 0.75) =
    951.885 / 144.225 = 6.6 lb exactly. `pricing` works 192.3 / 4.125 out to 28 digits, and
    its rounding leaves the amount a hair above 6.6, which it rounds up to 6.7; the database
    divides whole numbers and keeps 6.6 (a known difference, only on an exact tenth)."""
    powder = _powder(
        coverage_rate=None,
        specific_gravity=D("1.65"),
        film_thickness_mils=D("2.5"),
        transfer_efficiency=D("75"),
    )
    _coat(_finished_job(), powder, quantity=24, area="9.615")
    in_python = pricing.powder_needed_lbs(
        area_sqft_per_part=D("9.615"),
        quantity=24,
        coverage_sqft_per_lb=powder.coverage_sqft_per_lb(company.default_coverage_sqft_per_lb),
        transfer_efficiency_percent=D("75"),
    )

    (row,) = powder_report(period=MARCH).powders

    assert (row.estimated_lbs, in_python) == (D("6.6"), D("6.7"))


# -- cost ------------------------------------------------------------------------------------


@pytest.mark.parametrize("jobs", [2, 15])
def test_five_queries_whatever_the_number_of_jobs(company, django_assert_num_queries, jobs):
    """Settings, estimate per powder, usage per powder, ranked jobs and months: five queries
    for 2 jobs or 15, with several powders, coats and usage rows each."""
    powders = [_powder(), _powder(coverage_rate=None, specific_gravity=D("1.5"))]
    for index in range(jobs):
        job = JobFactory()
        _coat(job, powders[index % 2])
        _coat(job, powders[(index + 1) % 2], quantity=2)
        _use(job, powders[0], "1.5", _at(2025, 3, 5 + index % 5, 9, 0))
        _use(job, powders[1], "0.5", _at(2025, 4, 5, 9, 0))
        _move(job, JobStatus.COMPLETED, _at(2025, 3, 10 + index % 5, 12, 0))

    with django_assert_num_queries(5):
        report = powder_report(period=MARCH_AND_APRIL, job_limit=10)

    assert report.jobs_count == jobs
    assert len(report.jobs) == min(jobs, 10)
    assert report.logged_lbs == D("2") * jobs
    assert [month.total_lbs for month in report.months] == [D("1.5") * jobs, D("0.5") * jobs]
