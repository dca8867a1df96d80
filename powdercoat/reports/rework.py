"""Rework by reason and type over time: how often work was done again, why, and what it cost."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count, DateField, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from powdercoat.models import ReworkRecord
from powdercoat.models.choices import ReworkKind, ReworkReason
from powdercoat.reports import Period

CENT = Decimal("0.01")


@dataclass(frozen=True)
class ReworkCell:
    """The rework records of one month (shop's calendar), one reason and one type."""

    month_start: date
    reason: str
    reason_label: str
    kind: str
    kind_label: str
    count: int
    cost: Decimal


@dataclass(frozen=True)
class ReworkTotal:
    """The rework records of one reason (or one type) over the whole period."""

    value: str
    label: str
    count: int
    cost: Decimal


@dataclass(frozen=True)
class ReworkReport:
    """Rework over a period: month x reason x type, totals per reason and type, grand total.

    `cells` hold only the combinations that happened, by month, then reason and type in the
    order of their choices. `by_reason` and `by_kind` put the most frequent first (then the
    costliest, then the order of the choices).
    """

    period: Period
    cells: list[ReworkCell]
    by_reason: list[ReworkTotal]
    by_kind: list[ReworkTotal]
    count: int
    cost: Decimal


def rework_report(*, period: Period) -> ReworkReport:
    """Rework records created in `period`, counted and costed by month, reason and type: one query.

    Months are the shop's calendar months (the active time zone, as `Period` uses), so a
    record at 23:30 on the last day of a month belongs to that month.
    """
    rows = (
        ReworkRecord.objects.filter(
            created_at__gte=period.starts_at, created_at__lt=period.ends_before
        )
        .annotate(
            month_start=TruncMonth(
                "created_at", output_field=DateField(), tzinfo=timezone.get_current_timezone()
            )
        )
        .order_by()
        .values("month_start", "reason", "kind")
        .annotate(count=Count("pk"), cost=Sum("cost"))
    )
    # A reason or type no longer offered (renamed choices) still shows, after the known ones.
    reason_order = {value: index for index, value in enumerate(ReworkReason.values)}
    kind_order = {value: index for index, value in enumerate(ReworkKind.values)}
    cells = sorted(
        (
            ReworkCell(
                month_start=row["month_start"],
                reason=row["reason"],
                reason_label=_label(ReworkReason, row["reason"]),
                kind=row["kind"],
                kind_label=_label(ReworkKind, row["kind"]),
                count=row["count"],
                cost=_cents(row["cost"]),
            )
            for row in rows
        ),
        key=lambda cell: (
            cell.month_start,
            reason_order.get(cell.reason, len(reason_order)),
            cell.reason,
            kind_order.get(cell.kind, len(kind_order)),
            cell.kind,
        ),
    )
    return ReworkReport(
        period=period,
        cells=cells,
        by_reason=_totals(
            [(cell.reason, cell.reason_label, cell.count, cell.cost) for cell in cells],
            reason_order,
        ),
        by_kind=_totals(
            [(cell.kind, cell.kind_label, cell.count, cell.cost) for cell in cells], kind_order
        ),
        count=sum(cell.count for cell in cells),
        cost=sum((cell.cost for cell in cells), Decimal("0.00")),
    )


def _label(choices: type[ReworkReason] | type[ReworkKind], value: str) -> str:
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _cents(amount: Decimal | None) -> Decimal:
    return (amount or Decimal("0")).quantize(CENT)


def _totals(
    parts: list[tuple[str, str, int, Decimal]], choice_order: dict[str, int]
) -> list[ReworkTotal]:
    """The cells' counts and costs added up per value, most frequent first."""
    counts: dict[str, int] = {}
    costs: dict[str, Decimal] = {}
    labels: dict[str, str] = {}
    for value, label, count, cost in parts:
        labels[value] = label
        counts[value] = counts.get(value, 0) + count
        costs[value] = costs.get(value, Decimal("0.00")) + cost
    ranked = sorted(
        labels,
        key=lambda value: (
            -counts[value],
            -costs[value],
            choice_order.get(value, len(choice_order)),
            value,
        ),
    )
    return [
        ReworkTotal(value=value, label=labels[value], count=counts[value], cost=costs[value])
        for value in ranked
    ]
