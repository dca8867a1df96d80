"""Powder maths and job price arithmetic: pure functions on Decimals, no database.

Every page and document that shows coverage, powder needed or a job total calls these, so a
figure is the same wherever it appears (SPEC I2, I3, J2).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

# Square feet that one pound of powder covers at specific gravity 1.0 and a film of 1 mil.
SQFT_PER_LB_AT_UNIT_SG_AND_MIL = Decimal("192.3")

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
HUNDRED = Decimal("100")


class PricingError(ValueError):
    """An input that makes the arithmetic meaningless (zero coverage, negative area...)."""


# The money columns hold 12 digits, 2 of them cents: no amount the shop records may be larger.
LARGEST_AMOUNT = Decimal("9999999999.99")


def _decimal(value: Decimal | int | str | float, name: str) -> Decimal:
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except ArithmeticError as exc:
        raise PricingError(f"{name} must be a number, got {value!r}.") from exc
    if not number.is_finite():
        raise PricingError(f"{name} must be a number, got {value!r}.")
    return number


def within_limit(amount: Decimal, what: str) -> Decimal:
    """`amount`, refused when it is more money than the shop's records can hold."""
    if abs(amount) > LARGEST_AMOUNT:
        raise PricingError(
            f"{what} would be ${amount:,.2f}, more than the largest amount the shop records "
            f"(${LARGEST_AMOUNT:,.2f}). Check the quantity and the price."
        )
    return amount


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
    return ((value / TENTH).to_integral_value(rounding=ROUND_CEILING) * TENTH).quantize(TENTH)


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
    """What a line item costs: quantity x unit price, in cents (within the records' limit)."""
    total = money(Decimal(quantity) * _decimal(unit_price, "Unit price"))
    return within_limit(total, "The line total")


def lines_total(lines: Iterable[tuple[int, Decimal]]) -> Decimal:
    """The sum of several lines' totals, each (quantity, unit price) rounded to cents first."""
    return sum((line_total(quantity, unit_price) for quantity, unit_price in lines), Decimal("0"))


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
    total = within_limit(subtotal - discount + rush, "The total")
    return JobTotals(
        subtotal=within_limit(subtotal, "The items total"),
        discount=discount,
        rush_surcharge=within_limit(rush, "The rush surcharge"),
        total=total,
    )


@dataclass(frozen=True)
class DocumentTotals:
    """The price lines of a quote or invoice: a job's lines plus tax, each rounded to cents."""

    subtotal: Decimal
    discount: Decimal
    rush_surcharge: Decimal
    tax: Decimal
    total: Decimal


def document_totals(
    *,
    items_total: Decimal,
    discount_percent: Decimal,
    rush_surcharge_percent: Decimal,
    tax_rate_percent: Decimal,
) -> DocumentTotals:
    """Items less the discount, plus the rush fee, plus tax on that (SPEC Q1, V1).

    Tax is charged on what the customer pays for the work: the discounted amount with the rush
    fee added. A tax-exempt customer's document carries a tax rate of 0.
    """
    job = job_totals(
        items_total=items_total,
        discount_percent=discount_percent,
        rush_surcharge_percent=rush_surcharge_percent,
    )
    tax_rate = _decimal(tax_rate_percent, "Tax rate")
    if tax_rate < 0:
        raise PricingError("Tax rate cannot be negative.")
    tax = money(job.total * tax_rate / HUNDRED)
    return DocumentTotals(
        subtotal=job.subtotal,
        discount=job.discount,
        rush_surcharge=job.rush_surcharge,
        tax=within_limit(tax, "The tax"),
        total=within_limit(job.total + tax, "The total with tax"),
    )


# -- line item prices (SPEC L1, L5) ----------------------------------------------------------

PER_SQFT = "per_sqft"
FLAT_PER_PART = "flat_per_part"


@dataclass(frozen=True)
class Rates:
    """The company rates an item is priced with, copied onto the item when it is saved."""

    labor_rate: Decimal
    coating_rate_per_sqft: Decimal
    extra_coat_percent: Decimal
    margin_percent: Decimal


@dataclass(frozen=True)
class CoatInput:
    """One coat as the price sees it: how far a pound goes and what a pound costs."""

    label: str
    coverage_sqft_per_lb: Decimal
    transfer_efficiency_percent: Decimal
    unit_cost: Decimal


@dataclass(frozen=True)
class PrepInput:
    """One prep service as the price sees it: per square foot or a flat fee per part."""

    label: str
    method: str
    rate: Decimal


@dataclass(frozen=True)
class CostLine:
    """One row of the price breakdown shown on the wizard's review step."""

    label: str
    detail: str
    amount: Decimal


@dataclass(frozen=True)
class ItemPrice:
    """What an item costs and why: the breakdown rows, the line total and the unit price.

    The unit price is the line total divided by the quantity, rounded to the cent; the item's
    billed total is quantity x unit price, so it can differ from `line_total` by a few cents.
    """

    lines: tuple[CostLine, ...]
    line_total: Decimal
    unit_price: Decimal


def _sqft(value: Decimal) -> str:
    return f"{value.normalize():f} sq ft"


def prep_cost(prep: PrepInput, *, total_area_sqft: Decimal, quantity: int) -> Decimal:
    """A prep service's charge: its rate x total area, or its flat fee x the number of parts."""
    rate = _decimal(prep.rate, "Prep rate")
    if rate < 0:
        raise PricingError(f"The rate of {prep.label} cannot be negative.")
    if prep.method == PER_SQFT:
        return money(rate * total_area_sqft)
    if prep.method == FLAT_PER_PART:
        return money(rate * quantity)
    raise PricingError(f"{prep.label} has an unknown pricing method {prep.method!r}.")


def _prep_lines(
    preps: Iterable[PrepInput], *, total_area: Decimal, quantity: int
) -> list[CostLine]:
    lines = []
    for prep in preps:
        detail = (
            f"{_sqft(total_area)} × ${prep.rate:,.2f}"
            if prep.method == PER_SQFT
            else f"{quantity} × ${prep.rate:,.2f} per part"
        )
        amount = prep_cost(prep, total_area_sqft=total_area, quantity=quantity)
        lines.append(CostLine(f"Prep: {prep.label}", detail, amount))
    return lines


def _finish(lines: list[CostLine], quantity: int) -> ItemPrice:
    total = within_limit(money(sum((line.amount for line in lines), Decimal("0"))), "The item")
    return ItemPrice(
        lines=tuple(lines), line_total=total, unit_price=money(total / Decimal(quantity))
    )


def calculated_price(
    *,
    quantity: int,
    area_sqft_per_part: Decimal,
    coats: list[CoatInput],
    preps: list[PrepInput],
    rates: Rates,
    labor_hours: Decimal = Decimal("0"),
) -> ItemPrice:
    """(powder + coating labour + other labour + prep) x (1 + margin) (SPEC L5).

    Powder is each coat's pounds x cost per pound; coating labour is total area x coating rate,
    with the extra-coat percent added once for every coat after the first. Labour hours (a photo
    estimate's handling time) are charged at the labour rate.
    """
    if quantity < 1:
        raise PricingError("Quantity must be at least 1.")
    area = _decimal(area_sqft_per_part, "Surface area")
    if area < 0:
        raise PricingError("Surface area cannot be negative.")
    total_area = area * quantity
    lines = []
    for coat in coats:
        lbs = powder_needed_lbs(
            area_sqft_per_part=area,
            quantity=quantity,
            coverage_sqft_per_lb=coat.coverage_sqft_per_lb,
            transfer_efficiency_percent=coat.transfer_efficiency_percent,
        )
        lines.append(
            CostLine(
                f"Powder: {coat.label}",
                f"{lbs} lb × ${coat.unit_cost:,.2f}",
                money(lbs * _decimal(coat.unit_cost, "Powder cost")),
            )
        )
    if coats:
        extra = _decimal(rates.extra_coat_percent, "Extra coat percent") * (len(coats) - 1)
        factor = 1 + extra / HUNDRED
        detail = f"{_sqft(total_area)} × ${rates.coating_rate_per_sqft:,.2f}"
        if len(coats) > 1:
            detail += f" × {factor.normalize():f} ({len(coats)} coats)"
        lines.append(
            CostLine(
                "Coating labour", detail, money(total_area * rates.coating_rate_per_sqft * factor)
            )
        )
    hours = _decimal(labor_hours or 0, "Labour hours")
    if hours < 0:
        raise PricingError("Labour hours cannot be negative.")
    if hours:
        lines.append(
            CostLine(
                "Labour",
                f"{hours.normalize():f} h × ${rates.labor_rate:,.2f}",
                money(hours * rates.labor_rate),
            )
        )
    lines += _prep_lines(preps, total_area=total_area, quantity=quantity)
    cost = sum((line.amount for line in lines), Decimal("0"))
    margin_rate = _decimal(rates.margin_percent, "Margin")
    lines.append(
        CostLine(
            "Margin",
            f"{margin_rate.normalize():f} % of ${cost:,.2f}",
            money(cost * margin_rate / HUNDRED),
        )
    )
    return _finish(lines, quantity)


def labor_only_price(
    *,
    quantity: int,
    labor_hours: Decimal,
    area_sqft_per_part: Decimal,
    preps: list[PrepInput],
    rates: Rates,
) -> ItemPrice:
    """Hours x labour rate for the whole line, plus any prep services (SPEC L1)."""
    if quantity < 1:
        raise PricingError("Quantity must be at least 1.")
    hours = _decimal(labor_hours, "Labour hours")
    if hours <= 0:
        raise PricingError("Labour hours must be greater than 0.")
    lines = [
        CostLine(
            "Labour",
            f"{hours.normalize():f} h × ${rates.labor_rate:,.2f}",
            money(hours * rates.labor_rate),
        )
    ]
    total_area = _decimal(area_sqft_per_part, "Surface area") * quantity
    lines += _prep_lines(preps, total_area=total_area, quantity=quantity)
    return _finish(lines, quantity)


def flat_rate_price(
    *, quantity: int, unit_price: Decimal, area_sqft_per_part: Decimal, preps: list[PrepInput]
) -> ItemPrice:
    """The typed-in price per part, plus any prep services charged at their own rates."""
    if quantity < 1:
        raise PricingError("Quantity must be at least 1.")
    price = _decimal(unit_price, "Price")
    if price < 0:
        raise PricingError("Price cannot be negative.")
    lines = [CostLine("Flat rate", f"{quantity} × ${price:,.2f}", money(price * quantity))]
    total_area = _decimal(area_sqft_per_part, "Surface area") * quantity
    lines += _prep_lines(preps, total_area=total_area, quantity=quantity)
    return _finish(lines, quantity)


def catalog_price(*, quantity: int, unit_price: Decimal, product_name: str) -> ItemPrice:
    """A catalogue product's fixed price per part; its coats and prep are included in it."""
    if quantity < 1:
        raise PricingError("Quantity must be at least 1.")
    price = _decimal(unit_price, "Price")
    lines = [
        CostLine(f"Catalog: {product_name}", f"{quantity} × ${price:,.2f}", money(price * quantity))
    ]
    return ItemPrice(lines=tuple(lines), line_total=lines[0].amount, unit_price=money(price))


# -- photo quote geometry (SPEC L6) -----------------------------------------------------------

# Enough digits that rounding to 0.01 sq ft never depends on the last one.
PI = Decimal("3.14159265358979")
SQ_IN_PER_SQ_FT = Decimal("144")

# The values of powdercoat.models.choices.Shape, spelled out so this module stays free of Django.
# Each shape's dimensions in inches, in the order a form asks for them, with the label a person
# sees (and reads in error messages).
SHAPE_DIMENSIONS: dict[str, tuple[tuple[str, str], ...]] = {
    "flat_panel": (
        ("length", "Length (in)"),
        ("width", "Width (in)"),
        ("thickness", "Thickness (in)"),
    ),
    "box": (
        ("length", "Length (in)"),
        ("width", "Width (in)"),
        ("height", "Height (in)"),
    ),
    "cylinder": (
        ("diameter", "Diameter (in)"),
        ("length", "Length (in)"),
    ),
    "wheel": (
        ("diameter", "Diameter (in)"),
        ("width", "Width (in)"),
    ),
    "frame_tube": (
        ("tube_diameter", "Tube diameter (in)"),
        ("total_length", "Total length (in)"),
    ),
}

# Sheet metal is often thin enough that its edges do not matter, so 0 is a fair thickness.
_MAY_BE_ZERO = {("flat_panel", "thickness")}


def _dimension(
    shape: str, key: str, label: str, dimensions: dict[str, Decimal | str | int]
) -> Decimal:
    value = dimensions.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise PricingError(f"{label} is required.")
    if isinstance(value, bool):
        raise PricingError(f"{label} must be a number, got {value!r}.")
    number = _decimal(value.strip() if isinstance(value, str) else value, label)
    if not number.is_finite():
        raise PricingError(f"{label} must be a number, got {value!r}.")
    if (shape, key) in _MAY_BE_ZERO:
        if number < 0:
            raise PricingError(f"{label} cannot be negative.")
    elif number <= 0:
        raise PricingError(f"{label} must be greater than 0.")
    return number


def shape_area_sqft(shape: str, dimensions: dict[str, Decimal | str | int]) -> Decimal:
    """The surface to coat on one part, in sq ft to 0.01 (halves up), from inch dimensions.

    - flat_panel: both faces and the four edges, 2·L·W + 2·T·(L + W).
    - box: all six faces, 2·(L·W + L·H + W·H).
    - cylinder: the side π·d·L plus both ends 2·π·(d/2)².
    - wheel: an estimate that treats a spoked wheel as solid: both faces as discs 2·π·(d/2)²
      plus the barrel π·d·w. Spokes hide about as much surface as their gaps leave out.
    - frame_tube: the outside of the tube laid end to end, π·d·L (the inside is not coated).

    The square inches are divided by 144. Dimension keys are those of SHAPE_DIMENSIONS; extra
    keys are ignored. Raises PricingError naming the field by its label when a dimension is
    missing, not a number, or not greater than 0 (a panel's thickness may be 0).
    """
    fields = SHAPE_DIMENSIONS.get(shape)
    if fields is None:
        known = ", ".join(SHAPE_DIMENSIONS)
        raise PricingError(f"Unknown shape {shape!r}; choose one of: {known}.")
    size = {key: _dimension(shape, key, label, dimensions) for key, label in fields}
    if shape == "flat_panel":
        length, width, thickness = size["length"], size["width"], size["thickness"]
        square_inches = 2 * length * width + 2 * thickness * (length + width)
    elif shape == "box":
        length, width, height = size["length"], size["width"], size["height"]
        square_inches = 2 * (length * width + length * height + width * height)
    elif shape == "cylinder":
        diameter, length = size["diameter"], size["length"]
        square_inches = PI * diameter * length + 2 * PI * (diameter / 2) ** 2
    elif shape == "wheel":
        diameter, width = size["diameter"], size["width"]
        square_inches = 2 * PI * (diameter / 2) ** 2 + PI * diameter * width
    else:  # frame_tube
        square_inches = PI * size["tube_diameter"] * size["total_length"]
    return (square_inches / SQ_IN_PER_SQ_FT).quantize(CENT, rounding=ROUND_HALF_UP)
