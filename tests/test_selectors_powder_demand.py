"""Powder demand (SPEC I6): what active jobs still need of each powder, by hand-worked figures."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from powdercoat.models import JobTemplate, LineItem
from powdercoat.models.choices import ActivityKind, JobStatus
from powdercoat.selectors import powder_demand, powder_demand_report
from powdercoat.services.inventory import inventory_activity_record
from powdercoat.services.jobs import job_cancel
from tests.factories import (
    JobFactory,
    LineItemCoatFactory,
    LineItemFactory,
    PowderFactory,
    job_at,
)

pytestmark = pytest.mark.django_db
D = Decimal


def _powder(**fields):
    """A powder at 30 sq ft/lb and 65 % transfer efficiency unless told otherwise."""
    fields.setdefault("coverage_rate", D("30"))
    fields.setdefault("transfer_efficiency", D("65"))
    return PowderFactory(**fields)


def _coat(job, powder, *, quantity=12, area="6.5"):
    """Give `job` an item of `quantity` parts of `area` sq ft each, coated once in `powder`."""
    item = LineItemFactory(job=job, quantity=quantity, surface_area_sqft=D(area))
    return LineItemCoatFactory(item=item, powder=powder)


def _use(job, powder, lbs):
    """Log `lbs` of `powder` used on `job` through the ledger."""
    inventory_activity_record(
        item=powder, kind=ActivityKind.USAGE, quantity=D(lbs), user=None, job=job
    )


def test_one_coat_needs_area_times_quantity_over_coverage_and_efficiency(company):
    """12 parts x 6.5 sq ft at 30 sq ft/lb and 65 %: 78 / 19.5 = 4.0 lb."""
    powder = _powder()
    _coat(JobFactory(), powder)
    assert powder_demand() == {powder.pk: D("4.0")}


def test_powder_without_its_own_figures_uses_the_company_defaults(company):
    """No coverage, no SG: the shop's 30 sq ft/lb and 65 % give the same 4.0 lb."""
    powder = _powder(coverage_rate=None, transfer_efficiency=None)
    _coat(JobFactory(), powder)
    assert powder_demand() == {powder.pk: D("4.0")}


def test_coverage_from_specific_gravity_and_film_thickness(company):
    """SG 1.6 at 2 mils covers 192.3 / 3.2 = 60.09 sq ft/lb; at 50 %: 78 / 30.05 = 2.6 lb up."""
    powder = _powder(
        coverage_rate=None,
        specific_gravity=D("1.6"),
        film_thickness_mils=D("2"),
        transfer_efficiency=D("50"),
    )
    _coat(JobFactory(), powder)
    assert powder_demand() == {powder.pk: D("2.6")}


def test_each_coat_is_rounded_up_on_its_own(company):
    """Three 1 sq ft parts on three items: 0.1 lb each, 0.3 lb (not 3 / 19.5 = 0.2 lb)."""
    powder = _powder()
    job = JobFactory()
    for _ in range(3):
        _coat(job, powder, quantity=1, area="1")
    assert powder_demand() == {powder.pk: D("0.3")}


def test_two_active_jobs_add_up_per_powder(company):
    """4.0 lb on a pending job and 4.0 lb on a job in Coating: 8.0 lb; other powders apart."""
    black, white = _powder(), _powder()
    _coat(JobFactory(), black)
    _coat(job_at(JobStatus.COATING), black)
    _coat(job_at(JobStatus.ON_HOLD), white, quantity=6)
    assert powder_demand() == {black.pk: D("8.0"), white.pk: D("2.0")}


def test_finished_cancelled_jobs_and_templates_need_nothing(company):
    """Completed, Delivered and Cancelled jobs and job-template items add no demand."""
    powder = _powder()
    _coat(job_at(JobStatus.COMPLETED), powder)
    _coat(job_at(JobStatus.DELIVERED), powder)
    cancelled = JobFactory()
    _coat(cancelled, powder)
    job_cancel(job=cancelled, user=None, reason="Customer changed their mind")
    template = JobTemplate.objects.create(name="Set of four wheels")
    item = LineItem.objects.create(
        template=template, description="Wheel", quantity=12, surface_area_sqft=D("6.5")
    )
    LineItemCoatFactory(item=item, powder=powder)
    assert powder_demand() == {}


def test_logged_usage_reduces_the_jobs_demand(company):
    """4.0 lb needed, 1.5 lb already logged against the job: 2.5 lb still needed."""
    powder = _powder()
    job = JobFactory()
    _coat(job, powder)
    _use(job, powder, "1.5")
    assert powder_demand() == {powder.pk: D("2.5")}


def test_over_logging_floors_at_zero_and_leaves_other_jobs_alone(company):
    """6 lb logged on a 4.0 lb job: it needs 0, and the other job still needs its 4.0 lb."""
    powder = _powder()
    done, waiting = JobFactory(), JobFactory()
    _coat(done, powder)
    _coat(waiting, powder)
    _use(done, powder, "6")
    assert powder_demand() == {powder.pk: D("4.0")}


def test_usage_of_another_powder_or_job_does_not_count(company):
    """Usage logged against another job, without a job, or of another powder changes nothing."""
    powder, other = _powder(), _powder()
    job = JobFactory()
    _coat(job, powder)
    _use(JobFactory(), powder, "1")
    inventory_activity_record(item=powder, kind=ActivityKind.USAGE, quantity=D("1"), user=None)
    _use(job, other, "1")
    assert powder_demand() == {powder.pk: D("4.0")}


def test_exclude_job_id_leaves_that_job_out(company):
    """The wizard's "other jobs" figure: excluding one 4.0 lb job of two leaves 4.0 lb."""
    powder = _powder()
    editing, other = JobFactory(), JobFactory()
    _coat(editing, powder)
    _coat(other, powder, quantity=6)
    assert powder_demand(exclude_job_id=editing.pk) == {powder.pk: D("2.0")}
    assert powder_demand(exclude_job_id=other.pk) == {powder.pk: D("4.0")}


def _queries(call) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries)


def test_demand_runs_three_queries_whatever_the_number_of_jobs(company):
    """Settings, coats and usage: three queries for 2 jobs and for 20."""
    powders = [_powder(), _powder()]

    def add_jobs(count):
        for n in range(count):
            job = JobFactory()
            _coat(job, powders[n % 2])
            _coat(job, powders[(n + 1) % 2], quantity=2)
            _use(job, powders[n % 2], "0.5")

    add_jobs(2)
    assert _queries(powder_demand) == 3
    add_jobs(18)
    assert _queries(powder_demand) == 3
    assert _queries(powder_demand_report) == 4


def test_report_groups_by_vendor_with_no_vendor_last(company):
    """Vendors A to Z, powders by name inside, blank vendor under "No vendor" at the end."""
    job = JobFactory()
    for name, vendor in [
        ("Signal White", "Prismatic"),
        ("Candy Red", ""),
        ("Gloss Black", "Prismatic"),
        ("Chrome", "Columbia Coatings"),
    ]:
        _coat(job, _powder(name=name, vendor=vendor))
    groups = powder_demand_report()
    assert [group.label for group in groups] == ["Columbia Coatings", "Prismatic", "No vendor"]
    assert [row.powder.name for row in groups[1].rows] == ["Gloss Black", "Signal White"]


def test_report_shows_shortfall_jobs_and_vendor_totals(company):
    """Black: 8.0 lb needed by 2 jobs, 5 lb on hand, 3.0 short; white: 2.0 of 50, none short."""
    black = _powder(name="Gloss Black", vendor="Prismatic", opening_stock=D("5"))
    white = _powder(name="Signal White", vendor="Prismatic", opening_stock=D("50"))
    _coat(JobFactory(), black)
    _coat(JobFactory(), black)
    _coat(JobFactory(), white, quantity=6)
    _coat(job_at(JobStatus.COMPLETED), white, quantity=600)
    (group,) = powder_demand_report()
    figures = [
        (row.powder, row.needed_lbs, row.on_hand, row.shortfall, row.is_short, row.jobs_count)
        for row in group.rows
    ]
    assert figures == [
        (black, D("8.0"), D("5"), D("3.0"), True, 2),
        (white, D("2.0"), D("50"), D("0"), False, 1),
    ]
    assert (group.needed_lbs, group.shortfall) == (D("10.0"), D("3.0"))


def test_report_leaves_out_powders_nobody_needs_any_more(company):
    """A powder whose only job has logged all its usage is not on the report."""
    used_up, needed = _powder(name="Used up"), _powder(name="Still needed")
    job = JobFactory()
    _coat(job, used_up)
    _coat(job, needed)
    _use(job, used_up, "4")
    assert [row.powder for group in powder_demand_report() for row in group.rows] == [needed]
