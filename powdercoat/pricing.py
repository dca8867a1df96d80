"""Powder maths and job price arithmetic: pure functions on Decimals, no database.

Every page and document that shows coverage, powder needed or a job total calls these, so a
figure is the same wherever it appears (SPEC I2, I3, J2).
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

# Square feet that one pound of powder covers at specific gravity 1.0 and a film of 1 mil.
SQFT_PER_LB_AT_UNIT_SG_AND_MIL = Decimal("192.3")

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
HUNDRED = Decimal("100")


class PricingError(ValueError):
    """An input that makes the arithmetic meaningless (zero coverage, negative area...)."""


def _decimal(value: Decimal | int | str | float, name: str) -> Decimal:
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError as exc:
        raise PricingError(f"{name} must be a number, got {value!r}.") from exc


def theoretical_coverage(specific_gravity: Decimal, film_thickness_mils: Decimal) -> Decimal:
    """Square feet one pound covers: 192.3 / (specific gravity x film thickness in mils)."""
    sg = _decimal(specific_gravity, "Specific gravity")
    mils = _decimal(film_thickness_mils, "Film thickness")
    if sg <= 0:
        raise PricingError("Specific gravity must be greater than 0.")
    if mils <= 0:
        raise PricingError("Film thickness must be greater than 0.")
    return SQFT_PER_LB_AT_UNIT_SG_AND_MIL / (sg * mils)


def effective_coverage(
    *,
    manual_rate: Decimal | None,
    specific_gravity: Decimal | None,
    film_thickness_mils: Decimal | None,
    default_rate: Decimal,
) -> Decimal:
    """The coverage to plan with: a typed-in rate wins, then the theory, then the shop default."""
    if manual_rate is not None and manual_rate > 0:
        return _decimal(manual_rate, "Coverage rate")
    if (
        specific_gravity
        and film_thickness_mils
        and specific_gravity > 0
        and film_thickness_mils > 0
    ):
        return theoretical_coverage(specific_gravity, film_thickness_mils)
    rate = _decimal(default_rate, "Default coverage")
    if rate <= 0:
        raise PricingError("The default coverage rate must be greater than 0.")
    return rate


def round_up_to_tenth(value: Decimal) -> Decimal:
    """Round up to the next 0.1 (powder is bought and weighed by the tenth of a pound)."""
    return (value / TENTH).to_integral_value(rounding=ROUND_CEILING) * TENTH


def powder_needed_lbs(
    *,
    area_sqft_per_part: Decimal,
    quantity: int,
    coverage_sqft_per_lb: Decimal,
    transfer_efficiency_percent: Decimal,
) -> Decimal:
    """Pounds of powder for one coat: area x quantity / (coverage x efficiency), up to 0.1 lb."""
    area = _decimal(area_sqft_per_part, "Surface area")
    coverage = _decimal(coverage_sqft_per_lb, "Coverage rate")
    efficiency = _decimal(transfer_efficiency_percent, "Transfer efficiency")
    if area < 0:
        raise PricingError("Surface area cannot be negative.")
    if quantity < 0:
        raise PricingError("Quantity cannot be negative.")
    if coverage <= 0:
        raise PricingError("Coverage rate must be greater than 0.")
    if not 0 < efficiency <= HUNDRED:
        raise PricingError("Transfer efficiency must be more than 0 and at most 100 percent.")
    return round_up_to_tenth(area * quantity / (coverage * efficiency / HUNDRED))


def money(value: Decimal) -> Decimal:
    """Round to whole cents, halves away from zero (as a till does)."""
    return _decimal(value, "Amount").quantize(CENT, rounding=ROUND_HALF_UP)


def line_total(quantity: int, unit_price: Decimal) -> Decimal:
    """What a line item costs: quantity x unit price, in cents."""
    return money(Decimal(quantity) * _decimal(unit_price, "Unit price"))


@dataclass(frozen=True)
class JobTotals:
    """The price lines of a job, each rounded to cents."""

    subtotal: Decimal
    discount: Decimal
    rush_surcharge: Decimal
    total: Decimal


def job_totals(
    *, items_total: Decimal, discount_percent: Decimal, rush_surcharge_percent: Decimal
) -> JobTotals:
    """Subtotal less the discount, plus the rush surcharge on the discounted amount."""
    subtotal = money(items_total)
    discount_rate = _decimal(discount_percent, "Discount")
    rush_rate = _decimal(rush_surcharge_percent, "Rush surcharge")
    if not 0 <= discount_rate <= HUNDRED:
        raise PricingError("Discount must be between 0 and 100 percent.")
    if rush_rate < 0:
        raise PricingError("Rush surcharge cannot be negative.")
    discount = money(subtotal * discount_rate / HUNDRED)
    rush = money((subtotal - discount) * rush_rate / HUNDRED)
    return JobTotals(
        subtotal=subtotal, discount=discount, rush_surcharge=rush, total=subtotal - discount + rush
    )
