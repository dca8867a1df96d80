"""Material logged on a job (SPEC I4, J16): the ledger row, refusals, estimated against logged."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from powdercoat.models import InventoryActivity, InventoryItem
from powdercoat.models.choices import ActivityKind, InventoryCategory, JobStatus
from powdercoat.selectors import job_materials
from powdercoat.services.checks import ConfirmationNeeded
from powdercoat.services.inventory import material_usage_log
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
    """A powder planned at 30 sq ft/lb and 65 % transfer efficiency."""
    fields.setdefault("coverage_rate", D("30"))
    fields.setdefault("transfer_efficiency", D("65"))
    return PowderFactory(**fields)


def _coat(job, powder, *, quantity=12, area="6.5", position=1, item=None):
    """A coat of `powder` on a new item of `quantity` parts of `area` sq ft (or on `item`)."""
    item = item or LineItemFactory(job=job, quantity=quantity, surface_area_sqft=D(area))
    return LineItemCoatFactory(item=item, powder=powder, position=position)


def _stock(item) -> Decimal:
    return InventoryItem.objects.get(pk=item.pk).quantity_on_hand


def test_usage_takes_stock_off_and_writes_one_ledger_row(company, floor_user):
    """1.25 lb logged on a job: stock 50 → 48.75, one Usage row naming the job and the user."""
    powder = PowderFactory(opening_stock=D("50"))
    job = job_at(JobStatus.COATING)
    row = material_usage_log(job=job, item=powder, lbs=D("1.25"), user=floor_user, note=" booth 2 ")
    assert _stock(powder) == D("48.75")
    usage = InventoryActivity.objects.get(item=powder, kind=ActivityKind.USAGE)
    assert usage == row
    assert (usage.quantity, usage.balance_after, usage.job, usage.user, usage.note) == (
        D("-1.25"),
        D("48.75"),
        job,
        floor_user,
        "booth 2",
    )
    assert usage.unit_cost == powder.unit_cost


@pytest.mark.parametrize(
    ("lbs", "message"),
    [
        (D("0"), "Enter the pounds used, more than 0."),
        (D("-2"), "Enter the pounds used, more than 0."),
        (D("1.2345"), "at most three decimals"),
    ],
)
def test_amounts_that_are_not_a_weight_are_refused(company, floor_user, lbs, message):
    """Zero, negative or finer than the ledger keeps: a message, and nothing changes."""
    powder = PowderFactory(opening_stock=D("50"))
    with pytest.raises(ValidationError) as refused:
        material_usage_log(job=JobFactory(), item=powder, lbs=lbs, user=floor_user)
    assert message in " ".join(refused.value.messages)
    assert _stock(powder) == D("50")
    assert not InventoryActivity.objects.filter(kind=ActivityKind.USAGE).exists()


def test_inactive_item_is_refused(company, floor_user):
    """A powder taken out of stock cannot be logged; the message says how to bring it back."""
    powder = PowderFactory(name="Old Bronze", opening_stock=D("5"))
    InventoryItem.objects.filter(pk=powder.pk).update(is_active=False)
    with pytest.raises(ValidationError, match="Old Bronze is inactive"):
        material_usage_log(job=JobFactory(), item=powder, lbs=D("1"), user=floor_user)
    assert _stock(powder) == D("5")


def test_cancelled_job_is_refused(company, floor_user):
    """Nothing is logged against a cancelled job."""
    job = job_at(JobStatus.COATING)
    job_cancel(job=job, user=None, reason="Customer called it off")
    powder = PowderFactory(opening_stock=D("5"))
    with pytest.raises(ValidationError, match="is Cancelled"):
        material_usage_log(job=job, item=powder, lbs=D("1"), user=floor_user)
    assert not InventoryActivity.objects.filter(job=job).exists()


def test_delivered_job_still_takes_a_late_log(company, floor_user):
    """Powder noted after the parts left is still booked to the job that used it."""
    job = job_at(JobStatus.DELIVERED)
    powder = PowderFactory(opening_stock=D("5"))
    material_usage_log(job=job, item=powder, lbs=D("2"), user=floor_user)
    assert _stock(powder) == D("3")


def test_supplies_are_logged_in_their_own_unit(company, floor_user):
    """Any active item may be logged: 2 rolls of masking tape come off the tape stock."""
    tape = PowderFactory(
        name="Masking tape",
        category=InventoryCategory.CONSUMABLE,
        unit="roll",
        opening_stock=D("10"),
    )
    material_usage_log(job=JobFactory(), item=tape, lbs=D("2"), user=floor_user)
    assert _stock(tape) == D("8")


def test_more_than_the_shelf_holds_is_asked_about_first(company, floor_user):
    """2 lb on the shelf, 3.5 lb typed: nothing booked; the question carries the figures."""
    powder = PowderFactory(name="Gloss black", opening_stock=D("2"))
    with pytest.raises(ConfirmationNeeded) as asked:
        material_usage_log(job=JobFactory(), item=powder, lbs=D("3.5"), user=floor_user)
    assert asked.value.prompt == "Yes, log 3.5 lb"
    assert ("On the shelf", "2.0 lb") in [(f.label, f.value) for f in asked.value.figures]
    assert ("On the shelf afterwards", "-1.5 lb") in [
        (f.label, f.value) for f in asked.value.figures
    ]
    assert _stock(powder) == D("2")
    assert not InventoryActivity.objects.filter(kind=ActivityKind.USAGE).exists()


def test_more_than_three_times_the_estimate_is_asked_about(company, floor_user):
    """Estimate 1.7 lb, 88 on the shelf: 5 lb (2.9x) is booked, a further 0.2 lb (3.06x) asks."""
    job = JobFactory()
    powder = PowderFactory(name="Gloss black", opening_stock=D("88"), coverage_rate=D("30"))
    item = LineItemFactory(job=job, quantity=1, surface_area_sqft=D("33.15"))
    LineItemCoatFactory(item=item, powder=powder)  # 33.15 / (30 x 65 %) = 1.7 lb
    material_usage_log(job=job, item=powder, lbs=D("5"), user=floor_user)
    with pytest.raises(ConfirmationNeeded) as asked:
        material_usage_log(job=job, item=powder, lbs=D("0.2"), user=floor_user)
    assert "more than 3× the 1.7 lb the job's items need" in asked.value.messages[0]
    figures = {f.label: f.value for f in asked.value.figures}
    assert figures[f"{job.number}'s estimate"] == "1.7 lb"
    assert figures["Logged on the job so far"] == "5.0 lb"
    material_usage_log(job=job, item=powder, lbs=D("0.2"), user=floor_user, confirmed=True)
    assert _stock(powder) == D("82.8")


def test_stock_may_go_below_zero_once_confirmed_and_the_row_says_so(company, floor_user):
    """2 lb on the shelf, 3.5 lb sprayed and confirmed: the row is written, balance -1.5."""
    powder = PowderFactory(name="Gloss black", opening_stock=D("2"))
    row = material_usage_log(
        job=JobFactory(), item=powder, lbs=D("3.5"), user=floor_user, confirmed=True
    )
    assert row.balance_after == D("-1.5")
    assert _stock(powder) == D("-1.5")
    assert powder.quantity_on_hand == D("-1.5")  # the caller's object is brought up to date


# -- estimated against logged ------------------------------------------------------------------


def test_estimated_against_logged_by_hand(company, floor_user):
    """12 parts x 6.5 sq ft at 30 sq ft/lb and 65 %: 4.0 lb estimated; 3.5 logged: -0.5."""
    powder = _powder()
    job = JobFactory()
    _coat(job, powder)
    material_usage_log(job=job, item=powder, lbs=D("1.5"), user=floor_user)
    material_usage_log(job=job, item=powder, lbs=D("2"), user=floor_user)
    [row] = job_materials(job)
    assert (row.item, row.estimated_lbs, row.logged_lbs, row.difference) == (
        powder,
        D("4.0"),
        D("3.5"),
        D("-0.5"),
    )


def test_each_coat_is_rounded_up_before_adding(company):
    """Two coats of 1 part x 10 sq ft: 10 / 19.5 = 0.513 → 0.6 lb each, 1.2 lb in all."""
    powder = _powder()
    job = JobFactory()
    item = LineItemFactory(job=job, quantity=1, surface_area_sqft=D("10"))
    _coat(job, powder, item=item, position=1)
    _coat(job, powder, item=item, position=2)
    [row] = job_materials(job)
    assert (row.estimated_lbs, row.logged_lbs, row.difference) == (D("1.2"), D("0"), D("-1.2"))


def test_jobs_powders_come_first_then_other_logged_items(company, floor_user):
    """Coated powders in item order, then items logged but on no coat, with no estimate."""
    job = JobFactory()
    second, first = _powder(name="Zinc primer"), _powder(name="Candy red")
    stray = PowderFactory(name="Anvil grey")
    _coat(job, second, quantity=1, area="19.5")
    _coat(job, first, quantity=1, area="39")
    material_usage_log(job=job, item=stray, lbs=D("0.75"), user=floor_user)
    material_usage_log(job=job, item=first, lbs=D("2.5"), user=floor_user)
    rows = job_materials(job)
    assert [row.item.name for row in rows] == ["Zinc primer", "Candy red", "Anvil grey"]
    assert [row.estimated_lbs for row in rows] == [D("1.0"), D("2.0"), None]
    assert [row.logged_lbs for row in rows] == [D("0"), D("2.5"), D("0.75")]
    assert [row.difference for row in rows] == [D("-1.0"), D("0.5"), None]
    assert not rows[2].on_job


def test_other_jobs_usage_and_non_usage_rows_do_not_count(company, floor_user):
    """Only this job's Usage rows are logged; another job's usage and receipts are not."""
    from powdercoat.services.inventory import inventory_activity_record

    powder = _powder()
    job, other = JobFactory(), JobFactory()
    _coat(job, powder)
    material_usage_log(job=other, item=powder, lbs=D("3"), user=floor_user)
    inventory_activity_record(
        item=powder, kind=ActivityKind.RETURN, quantity=D("1"), user=floor_user, job=job
    )
    [row] = job_materials(job)
    assert row.logged_lbs == D("0")


def test_job_materials_runs_a_fixed_number_of_queries(company, floor_user):
    """Three queries with the company given, for 1 powder or 8, logged or not."""

    def queries_for(powders: int) -> int:
        job = JobFactory()
        for _ in range(powders):
            powder = _powder()
            _coat(job, powder)
            material_usage_log(job=job, item=powder, lbs=D("1"), user=floor_user)
        material_usage_log(job=job, item=PowderFactory(), lbs=D("1"), user=floor_user)
        with CaptureQueriesContext(connection) as captured:
            rows = job_materials(job, company=company)
        assert len(rows) == powders + 1
        return len(captured)

    assert queries_for(1) == queries_for(8) == 3
