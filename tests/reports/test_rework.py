"""Rework report (SPEC R2): counts and costs by month, reason and type, in the shop's calendar."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from powdercoat.models import ReworkRecord
from powdercoat.models.choices import ReworkKind, ReworkReason
from powdercoat.reports import Period
from powdercoat.reports.rework import ReworkCell, ReworkTotal, rework_report
from tests.factories import JobFactory

pytestmark = pytest.mark.django_db

MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))
FIRST_QUARTER = Period(date(2025, 1, 1), date(2025, 3, 31))


def _at(*moment: int) -> datetime:
    """A moment on the shop's clock."""
    return timezone.make_aware(datetime(*moment))


def _rework(
    when: datetime,
    *,
    reason: str = ReworkReason.ADHESION_FAILURE,
    kind: str = ReworkKind.RECOAT,
    cost: str = "0",
    job=None,
) -> ReworkRecord:
    return ReworkRecord.objects.create(
        job=job or JobFactory(),
        kind=kind,
        reason=reason,
        cost=Decimal(cost),
        created_at=when,
    )


def test_three_adhesion_failures_in_march_count_three_costing_sixty():
    """Three adhesion failures of 10, 20 and 30 in March: 3 records, 60.00, in one cell."""
    job = JobFactory()
    for day, cost in ((3, "10"), (12, "20"), (25, "30")):
        _rework(_at(2025, 3, day, 10, 0), cost=cost, job=job)

    report = rework_report(period=MARCH)

    assert report.count == 3
    assert report.cost == Decimal("60.00")
    assert report.cells == [
        ReworkCell(
            month_start=date(2025, 3, 1),
            reason="adhesion",
            reason_label="Adhesion Failure",
            kind="recoat",
            kind_label="Recoat",
            count=3,
            cost=Decimal("60.00"),
        )
    ]
    assert report.by_reason == [
        ReworkTotal(value="adhesion", label="Adhesion Failure", count=3, cost=Decimal("60.00"))
    ]
    assert report.by_kind == [
        ReworkTotal(value="recoat", label="Recoat", count=3, cost=Decimal("60.00"))
    ]


def test_the_period_is_whole_days_on_the_shops_clock():
    """23:30 on the last day counts (it is the next day in UTC); the next day does not, nor
    the evening before the first day; midnight starting the first day does."""
    _rework(_at(2025, 3, 31, 23, 30), cost="1.00")
    _rework(_at(2025, 3, 1, 0, 0), cost="2.00")
    _rework(_at(2025, 4, 1, 0, 30), cost="40.00")
    _rework(_at(2025, 2, 28, 23, 59), cost="80.00")

    report = rework_report(period=MARCH)

    assert report.count == 2
    assert report.cost == Decimal("3.00")
    assert [cell.month_start for cell in report.cells] == [date(2025, 3, 1)]


def test_cells_split_by_month_reason_and_type_in_order():
    """Each month, reason and type is its own cell, months in order, then reasons and types in
    the order of their choices; the evening of January 31 is still January."""
    _rework(_at(2025, 1, 31, 22, 0), reason=ReworkReason.DAMAGE, cost="5.50")
    _rework(_at(2025, 1, 10, 9, 0), reason=ReworkReason.ADHESION_FAILURE, cost="12.25")
    _rework(
        _at(2025, 3, 4, 9, 0),
        reason=ReworkReason.ADHESION_FAILURE,
        kind=ReworkKind.STRIP_AND_RECOAT,
        cost="100",
    )
    _rework(_at(2025, 3, 5, 9, 0), reason=ReworkReason.ADHESION_FAILURE, cost="7")
    _rework(_at(2025, 3, 6, 9, 0), reason=ReworkReason.ADHESION_FAILURE, cost="8")

    report = rework_report(period=FIRST_QUARTER)

    assert [(c.month_start, c.reason, c.kind, c.count, c.cost) for c in report.cells] == [
        (date(2025, 1, 1), "adhesion", "recoat", 1, Decimal("12.25")),
        (date(2025, 1, 1), "damage", "recoat", 1, Decimal("5.50")),
        (date(2025, 3, 1), "adhesion", "recoat", 2, Decimal("15.00")),
        (date(2025, 3, 1), "adhesion", "strip_recoat", 1, Decimal("100.00")),
    ]
    assert report.count == 5
    assert report.cost == Decimal("132.75")


def test_totals_put_the_most_frequent_reason_and_type_first():
    """By reason and by type, the most frequent come first; a tie goes to the costlier."""
    for cost in ("1", "2", "3"):
        _rework(_at(2025, 2, 3, 8, 0), reason=ReworkReason.ORANGE_PEEL, cost=cost)
    _rework(_at(2025, 2, 4, 8, 0), reason=ReworkReason.DAMAGE, kind=ReworkKind.TOUCH_UP)
    _rework(
        _at(2025, 2, 5, 8, 0),
        reason=ReworkReason.OUTGASSING,
        kind=ReworkKind.TOUCH_UP,
        cost="9.99",
    )

    report = rework_report(period=FIRST_QUARTER)

    assert report.by_reason == [
        ReworkTotal(value="orange_peel", label="Orange Peel", count=3, cost=Decimal("6.00")),
        ReworkTotal(value="outgassing", label="Outgassing", count=1, cost=Decimal("9.99")),
        ReworkTotal(value="damage", label="Damage", count=1, cost=Decimal("0.00")),
    ]
    assert report.by_kind == [
        ReworkTotal(value="recoat", label="Recoat", count=3, cost=Decimal("6.00")),
        ReworkTotal(value="touch_up", label="Touch-up", count=2, cost=Decimal("9.99")),
    ]
    assert report.count == 5
    assert report.cost == Decimal("15.99")


def test_a_period_without_rework_is_all_zero():
    """No records in the period: no cells, no totals, 0 and 0.00."""
    _rework(_at(2024, 12, 31, 12, 0), cost="10")

    report = rework_report(period=FIRST_QUARTER)

    assert (report.cells, report.by_reason, report.by_kind) == ([], [], [])
    assert report.count == 0
    assert report.cost == Decimal("0.00")


@pytest.mark.parametrize("records", [3, 30])
def test_the_report_is_one_query_whatever_the_number_of_records(django_assert_num_queries, records):
    """One grouped query for 3 records or 30, over every reason and type."""
    job = JobFactory()
    reasons, kinds = ReworkReason.values, ReworkKind.values
    for index in range(records):
        _rework(
            _at(2025, 1 + index % 3, 1 + index % 28, 12, 0),
            reason=reasons[index % len(reasons)],
            kind=kinds[index % len(kinds)],
            cost="1.10",
            job=job,
        )

    with django_assert_num_queries(1):
        report = rework_report(period=FIRST_QUARTER)

    assert report.count == records
    assert report.cost == Decimal("1.10") * records
