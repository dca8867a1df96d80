"""Powder estimated against logged for the jobs finished in a period, and usage per month (R2)."""

import datetime
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DateField,
    DecimalField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import Combinable
from django.db.models.functions import Abs, Cast, Coalesce, Round, TruncMonth
from django.utils import timezone

from powdercoat import pricing
from powdercoat.models import (
    CompanySettings,
    InventoryActivity,
    InventoryItem,
    Job,
    LineItemCoat,
)
from powdercoat.models.choices import COATING_CATEGORIES, ActivityKind
from powdercoat.querysets import customer_display_name
from powdercoat.reports import Period, jobs_finished_in

ZERO = Decimal("0")
TENTH = Decimal("0.1")


# The estimate is worked out in whole units of each column's last decimal place (thousandths of
# a square foot, hundredths of sq ft/lb, of a percent and of a mil, thousandths of specific
# gravity), so the database divides integers exactly: SQLite's decimals are floating point, and
# a float that lands a hair above a tenth would be rounded up a whole tenth. In those units,
# tenths of a pound for one coat = ceil(area x quantity x NUMERATOR / DIVISOR), where
#   typed or default coverage:  NUMERATOR = 10,000        DIVISOR = coverage x efficiency
#   specific gravity and film:  NUMERATOR = SG x mils     DIVISOR = 192,300 x efficiency
# (pounds = area x quantity x 100 / (coverage x efficiency), coverage = 192.3 / (SG x mils)).
# The products stay far inside 64-bit integers: 10,000 parts of 100 sq ft at SG 20 and 50 mils
# make 1e17, against 9.2e18.
_AREA_SCALE = 1000
_COVERAGE_SCALE = 100
_EFFICIENCY_SCALE = 100
_GRAVITY_SCALE = 1000
_FILM_SCALE = 100
_TYPED_COVERAGE_NUMERATOR = 10 * 100 * _COVERAGE_SCALE * _EFFICIENCY_SCALE // _AREA_SCALE
_THEORY_DIVISOR_PER_EFFICIENCY = int(
    pricing.SQFT_PER_LB_AT_UNIT_SG_AND_MIL
    * _AREA_SCALE
    * _GRAVITY_SCALE
    * _FILM_SCALE
    / (10 * 100 * _EFFICIENCY_SCALE)
)

# The powder columns the report shows and works its coverage and efficiency out from.
_POWDER_COLUMNS = (
    "name",
    "color_code",
    "coverage_rate",
    "specific_gravity",
    "film_thickness_mils",
    "transfer_efficiency",
)


class CoverageBasis(StrEnum):
    """Where a powder's coverage came from, so the shop knows which figure to correct."""

    TYPED_RATE = "typed_rate"
    GRAVITY_AND_FILM = "gravity_and_film"
    SHOP_DEFAULT = "shop_default"


@dataclass(frozen=True)
class PowderVariance:
    """One powder: pounds estimated for the period's finished jobs against pounds logged on them.

    `coverage_sqft_per_lb` (to 0.01) and `efficiency_percent` are the figures the estimate
    used; a steady positive difference says the powder goes less far than they claim.
    `jobs_count` is the number of the period's jobs with a coat of it (0 when it was only
    logged). `percent` is the difference as a share of the estimate, None without an estimate.
    """

    powder_id: int
    powder: str
    coverage_sqft_per_lb: Decimal
    coverage_basis: CoverageBasis
    efficiency_percent: Decimal
    efficiency_is_shop_default: bool
    jobs_count: int
    estimated_lbs: Decimal
    logged_lbs: Decimal
    difference_lbs: Decimal
    percent: Decimal | None


@dataclass(frozen=True)
class JobVariance:
    """One finished job: the pounds its coats were estimated to need against those logged."""

    job_id: int
    number: str
    customer: str
    estimated_lbs: Decimal
    logged_lbs: Decimal
    difference_lbs: Decimal
    percent: Decimal | None


@dataclass(frozen=True)
class PowderLbs:
    """Pounds of one powder."""

    powder_id: int
    powder: str
    lbs: Decimal


@dataclass(frozen=True)
class UsageMonth:
    """Usage logged in one calendar month (shop's time zone), per powder by name and in all."""

    month: datetime.date
    powders: tuple[PowderLbs, ...]
    total_lbs: Decimal


@dataclass(frozen=True)
class PowderReport:
    """Estimated against logged powder for the jobs finished in `period`, and monthly usage.

    `powders` by name; `jobs` the `job_limit` jobs furthest from their estimate (either way),
    out of `jobs_count` finished in the period; `months` every month the period touches, the
    empty ones included. The totals are over all the period's finished jobs.
    """

    period: Period
    powders: tuple[PowderVariance, ...]
    jobs: tuple[JobVariance, ...]
    jobs_count: int
    months: tuple[UsageMonth, ...]
    estimated_lbs: Decimal
    logged_lbs: Decimal
    difference_lbs: Decimal
    percent: Decimal | None


def powder_report(*, period: Period, job_limit: int = 50) -> PowderReport:
    """Powder estimated against logged per powder and per job, and usage per month: 5 queries.

    The jobs are those whose first move to Completed, Ready for Pickup or Delivered fell in
    the period. Estimated is what their coats need, each coat rounded up to 0.1 lb as the
    wizard and the demand report show it (`pricing.powder_needed_lbs`); logged is the net of
    their Usage rows of coatings (a reversal cancels its row), whenever it was booked. The
    monthly usage is every Usage row of a coating booked in the period, whatever its job.
    """
    if job_limit < 1:
        raise ValueError("job_limit must be at least 1.")
    company = _company_settings()
    finished = jobs_finished_in(period).order_by().values("pk")
    tenths = coat_estimate_tenths(company)

    estimated = {
        row["powder_id"]: row
        for row in LineItemCoat.objects.filter(item__job_id__in=finished)
        .values("powder_id", *(f"powder__{name}" for name in _POWDER_COLUMNS))
        .annotate(tenths=Sum(tenths), jobs=Count("item__job_id", distinct=True))
        .order_by()
    }
    logged = {
        row["item_id"]: row
        for row in _coating_usage()
        .filter(job_id__in=finished)
        .values("item_id", *(f"item__{name}" for name in _POWDER_COLUMNS))
        .annotate(total=Sum("quantity"))
        .order_by()
    }
    powders = sorted(
        (
            _powder_variance(
                powder_id,
                _described(estimated, powder_id, "powder__")
                or _described(logged, powder_id, "item__"),
                estimated.get(powder_id),
                logged.get(powder_id),
                company=company,
            )
            for powder_id in estimated.keys() | logged.keys()
        ),
        key=lambda row: (row.powder.casefold(), row.powder_id),
    )
    jobs, jobs_count = _jobs_furthest_from_estimate(finished, tenths, job_limit)
    estimated_lbs = sum((row.estimated_lbs for row in powders), ZERO)
    logged_lbs = sum((row.logged_lbs for row in powders), ZERO)
    return PowderReport(
        period=period,
        powders=tuple(powders),
        jobs=jobs,
        jobs_count=jobs_count,
        months=_usage_by_month(period),
        estimated_lbs=estimated_lbs,
        logged_lbs=logged_lbs,
        difference_lbs=logged_lbs - estimated_lbs,
        percent=variance_percent(logged_lbs - estimated_lbs, estimated_lbs),
    )


def coat_estimate_tenths(company: CompanySettings) -> Combinable:
    """Tenths of a pound one LineItemCoat needs, as `pricing.powder_needed_lbs` rounds it up.

    An integer expression on LineItemCoat rows: the powder's typed coverage, else 192.3 /
    (specific gravity x film thickness), else the shop's default coverage; its transfer
    efficiency, else the shop's default. Exact on SQLite and PostgreSQL alike (see the
    comment on the scales at the top of this module).
    """
    area = _whole_units("item__surface_area_sqft", _AREA_SCALE)
    coverage = _whole_units("powder__coverage_rate", _COVERAGE_SCALE)
    default_coverage = _whole_number(company.default_coverage_sqft_per_lb * _COVERAGE_SCALE)
    efficiency = Coalesce(
        _whole_units("powder__transfer_efficiency", _EFFICIENCY_SCALE),
        Value(_whole_number(company.default_transfer_efficiency * _EFFICIENCY_SCALE)),
        output_field=BigIntegerField(),
    )
    typed_rate = Q(powder__coverage_rate__gt=0)
    gravity_and_film = Q(powder__specific_gravity__gt=0, powder__film_thickness_mils__gt=0)
    numerator = Case(
        When(typed_rate, then=Value(_TYPED_COVERAGE_NUMERATOR)),
        When(
            gravity_and_film,
            then=_whole_units("powder__specific_gravity", _GRAVITY_SCALE)
            * _whole_units("powder__film_thickness_mils", _FILM_SCALE),
        ),
        default=Value(_TYPED_COVERAGE_NUMERATOR),
        output_field=BigIntegerField(),
    )
    divisor = Case(
        When(typed_rate, then=coverage * efficiency),
        When(gravity_and_film, then=Value(_THEORY_DIVISOR_PER_EFFICIENCY) * efficiency),
        default=Value(default_coverage) * efficiency,
        output_field=BigIntegerField(),
    )
    # Integer division truncates on both databases; adding divisor - 1 first rounds up.
    return (
        area * Cast("item__quantity", BigIntegerField()) * numerator + divisor - Value(1)
    ) / divisor


def variance_percent(difference: Decimal, estimated: Decimal) -> Decimal | None:
    """`difference` as a percentage of `estimated`, to 0.1; None when nothing was estimated."""
    if not estimated:
        return None
    return (difference * 100 / estimated).quantize(TENTH, rounding=ROUND_HALF_UP)


# -- the pieces --------------------------------------------------------------------------------


def _company_settings() -> CompanySettings:
    # A read never writes: without a saved row, the defaults `CompanySettings.load()` would
    # create are used as they are.
    return (
        CompanySettings.objects.filter(pk=CompanySettings.SINGLETON_ID).first() or CompanySettings()
    )


def _coating_usage() -> QuerySet[InventoryActivity]:
    """Usage rows of powders, primers and clears (masking tape is not weighed in pounds)."""
    return InventoryActivity.objects.filter(
        kind=ActivityKind.USAGE, item__category__in=COATING_CATEGORIES
    )


def _whole_units(field: str, scale: int) -> Cast:
    """A decimal column in whole units of `1 / scale` (3.125 sq ft at 1000: 3125), as an integer.

    Rounded before the cast: SQLite holds decimals as floats, 1.001 x 1000 there is
    1000.999..., and a cast truncates.
    """
    return Cast(Round(F(field) * Value(scale)), BigIntegerField())


def _whole_number(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_HALF_UP))


def _lbs_from_tenths(tenths: int | None) -> Decimal:
    return (Decimal(tenths or 0) * TENTH).quantize(TENTH)


def _powder_label(row: Mapping[str, Any], prefix: str) -> str:
    # The model's own __str__, so a powder reads the same as everywhere else.
    return str(InventoryItem(name=row[f"{prefix}name"], color_code=row[f"{prefix}color_code"]))


def _described(
    rows: dict[int, dict[str, Any]], powder_id: int, prefix: str
) -> InventoryItem | None:
    """The powder as its grouped row describes it (no query), or None when it is not there."""
    row = rows.get(powder_id)
    if row is None:
        return None
    return InventoryItem(pk=powder_id, **{name: row[prefix + name] for name in _POWDER_COLUMNS})


def _powder_variance(
    powder_id: int,
    powder: InventoryItem | None,
    estimated: dict[str, Any] | None,
    logged: dict[str, Any] | None,
    *,
    company: CompanySettings,
) -> PowderVariance:
    if powder is None:
        raise ValueError(f"Powder {powder_id} is in neither the estimate nor the usage.")
    if powder.coverage_rate is not None and powder.coverage_rate > 0:
        basis = CoverageBasis.TYPED_RATE
    elif (powder.specific_gravity or 0) > 0 and (powder.film_thickness_mils or 0) > 0:
        basis = CoverageBasis.GRAVITY_AND_FILM
    else:
        basis = CoverageBasis.SHOP_DEFAULT
    estimated_lbs = _lbs_from_tenths(estimated["tenths"] if estimated else 0)
    # Usage rows are negative; a job that logged nothing of the powder has logged 0.
    logged_lbs = -logged["total"] + ZERO if logged else ZERO
    difference = logged_lbs - estimated_lbs
    return PowderVariance(
        powder_id=powder_id,
        powder=str(powder),
        coverage_sqft_per_lb=pricing.money(
            powder.coverage_sqft_per_lb(company.default_coverage_sqft_per_lb)
        ),
        coverage_basis=basis,
        efficiency_percent=powder.efficiency_percent(company.default_transfer_efficiency),
        efficiency_is_shop_default=not powder.transfer_efficiency,
        jobs_count=estimated["jobs"] if estimated else 0,
        estimated_lbs=estimated_lbs,
        logged_lbs=logged_lbs,
        difference_lbs=difference,
        percent=variance_percent(difference, estimated_lbs),
    )


def _jobs_furthest_from_estimate(
    finished: QuerySet[Job, Any], tenths: Combinable, limit: int
) -> tuple[tuple[JobVariance, ...], int]:
    """The `limit` finished jobs with the largest difference either way, and how many there are.

    One query: each job's estimate and usage are subqueries, the ranking and the count of all
    the jobs (a window over the whole result, taken before the limit) are the database's.
    """
    estimate = (
        LineItemCoat.objects.filter(item__job=OuterRef("pk"))
        .order_by()
        .values("item__job")
        .annotate(tenths=Sum(tenths))
        .values("tenths")
    )
    usage = (
        _coating_usage()
        .filter(job=OuterRef("pk"))
        .order_by()
        .values("job")
        .annotate(total=Sum("quantity"))
        .values("total")
    )
    rows = (
        Job.objects.filter(pk__in=finished)
        .annotate(
            estimated_tenths=Coalesce(Subquery(estimate), Value(0), output_field=BigIntegerField()),
            usage_total=Coalesce(
                Subquery(usage),
                Value(ZERO),
                output_field=DecimalField(max_digits=15, decimal_places=3),
            ),
        )
        # Compared in thousandths of a pound, whole numbers, so equal differences tie exactly.
        .annotate(
            difference_thousandths=Cast(Round(-F("usage_total") * Value(1000)), BigIntegerField())
            - F("estimated_tenths") * Value(100),
            jobs_count=Window(Count("pk")),
        )
        .annotate(
            distance=Abs("difference_thousandths"),
            customer_name=customer_display_name("customer__"),
        )
        .order_by("-distance", "number", "pk")
        .values(
            "pk",
            "number",
            "customer_name",
            "estimated_tenths",
            "usage_total",
            "jobs_count",
            # Selected, so the ordering refers to it instead of working it out a second time.
            "distance",
        )[:limit]
    )
    jobs = []
    jobs_count = 0
    for row in rows:
        jobs_count = row["jobs_count"]
        estimated_lbs = _lbs_from_tenths(row["estimated_tenths"])
        logged_lbs = -row["usage_total"] + ZERO  # + 0 turns -0.000 into 0.000
        difference = logged_lbs - estimated_lbs
        jobs.append(
            JobVariance(
                job_id=row["pk"],
                number=row["number"],
                customer=row["customer_name"],
                estimated_lbs=estimated_lbs,
                logged_lbs=logged_lbs,
                difference_lbs=difference,
                percent=variance_percent(difference, estimated_lbs),
            )
        )
    return tuple(jobs), jobs_count


def _usage_by_month(period: Period) -> tuple[UsageMonth, ...]:
    """Coating usage booked in the period, per local calendar month and powder: one query."""
    rows = (
        _coating_usage()
        .filter(created_at__gte=period.starts_at, created_at__lt=period.ends_before)
        .annotate(
            month=TruncMonth(
                "created_at", output_field=DateField(), tzinfo=timezone.get_current_timezone()
            )
        )
        .order_by()
        .values("month", "item_id", "item__name", "item__color_code")
        .annotate(total=Sum("quantity"))
    )
    by_month: dict[datetime.date, list[PowderLbs]] = defaultdict(list)
    for row in rows:
        by_month[row["month"]].append(
            PowderLbs(
                powder_id=row["item_id"], powder=_powder_label(row, "item__"), lbs=-row["total"]
            )
        )
    months = []
    for month in period.months():
        powders = sorted(by_month.get(month, []), key=lambda p: (p.powder.casefold(), p.powder_id))
        months.append(
            UsageMonth(
                month=month,
                powders=tuple(powders),
                total_lbs=sum((p.lbs for p in powders), ZERO),
            )
        )
    return tuple(months)
