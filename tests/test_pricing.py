"""Powder maths and job totals, checked against figures worked out by hand (SPEC I2, I3, J2)."""

from decimal import Decimal

import pytest

from powdercoat import pricing

D = Decimal


def test_coverage_from_specific_gravity_and_film():
    """SG 1.6 at 2 mils: 192.3 / 3.2 = 60.09 sq ft/lb, shown as 60.1."""
    coverage = pricing.theoretical_coverage(D("1.6"), D("2"))
    assert coverage.quantize(D("0.1")) == D("60.1")
    assert coverage == D("60.09375")


def test_coverage_at_unit_gravity_and_one_mil_is_the_constant():
    """1 lb at SG 1.0 and 1 mil covers 192.3 sq ft."""
    assert pricing.theoretical_coverage(D("1"), D("1")) == D("192.3")


def test_typed_coverage_rate_wins_over_the_theory():
    """A coverage rate typed on the powder overrides SG and film thickness."""
    rate = pricing.effective_coverage(
        manual_rate=D("45"),
        specific_gravity=D("1.6"),
        film_thickness_mils=D("2"),
        default_rate=D("30"),
    )
    assert rate == D("45")


def test_theory_used_when_no_rate_is_typed():
    """Without a typed rate, SG and film give the coverage."""
    rate = pricing.effective_coverage(
        manual_rate=None,
        specific_gravity=D("1.5"),
        film_thickness_mils=D("2.5"),
        default_rate=D("30"),
    )
    assert rate.quantize(D("0.01")) == D("51.28")  # 192.3 / 3.75


def test_shop_default_when_nothing_is_known():
    """No rate and no SG/film: the company default (30 sq ft/lb) applies."""
    rate = pricing.effective_coverage(
        manual_rate=None, specific_gravity=None, film_thickness_mils=D("2"), default_rate=D("30")
    )
    assert rate == D("30")


def test_powder_needed_for_twelve_wheels_at_defaults():
    """12 wheels x 6.5 sq ft = 78 sq ft; 78 / (30 x 0.65) = 4.0 lb exactly."""
    lbs = pricing.powder_needed_lbs(
        area_sqft_per_part=D("6.5"),
        quantity=12,
        coverage_sqft_per_lb=D("30"),
        transfer_efficiency_percent=D("65"),
    )
    assert lbs == D("4.0")


def test_powder_needed_rounds_up_to_the_next_tenth():
    """78 sq ft at 60.09 sq ft/lb and 65 %: 1.997 lb, rounded up to 2.0."""
    lbs = pricing.powder_needed_lbs(
        area_sqft_per_part=D("6.5"),
        quantity=12,
        coverage_sqft_per_lb=pricing.theoretical_coverage(D("1.6"), D("2")),
        transfer_efficiency_percent=D("65"),
    )
    assert lbs == D("2.0")


def test_a_hair_over_a_tenth_rounds_up():
    """10 sq ft at 30 sq ft/lb and 100 %: 0.333 lb needs 0.4 lb of powder."""
    lbs = pricing.powder_needed_lbs(
        area_sqft_per_part=D("10"),
        quantity=1,
        coverage_sqft_per_lb=D("30"),
        transfer_efficiency_percent=D("100"),
    )
    assert lbs == D("0.4")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"coverage_sqft_per_lb": D("0")}, "Coverage rate must be greater than 0"),
        ({"transfer_efficiency_percent": D("0")}, "Transfer efficiency"),
        ({"transfer_efficiency_percent": D("120")}, "Transfer efficiency"),
        ({"area_sqft_per_part": D("-1")}, "Surface area cannot be negative"),
        ({"quantity": -2}, "Quantity cannot be negative"),
    ],
)
def test_meaningless_inputs_are_refused_in_words(kwargs, message):
    """Zero coverage, impossible efficiency or negative area raise a readable error."""
    arguments = {
        "area_sqft_per_part": D("5"),
        "quantity": 1,
        "coverage_sqft_per_lb": D("30"),
        "transfer_efficiency_percent": D("65"),
        **kwargs,
    }
    with pytest.raises(pricing.PricingError, match=message):
        pricing.powder_needed_lbs(**arguments)


def test_zero_gravity_is_refused():
    """Specific gravity 0 would divide by zero; it is refused instead."""
    with pytest.raises(pricing.PricingError, match="Specific gravity"):
        pricing.theoretical_coverage(D("0"), D("2"))


def test_job_totals_with_discount_and_rush():
    """$1,000 less 10 % is $900; a 25 % rush surcharge on that adds $225: $1,125."""
    totals = pricing.job_totals(
        items_total=D("1000"), discount_percent=D("10"), rush_surcharge_percent=D("25")
    )
    assert totals == pricing.JobTotals(
        subtotal=D("1000.00"), discount=D("100.00"), rush_surcharge=D("225.00"), total=D("1125.00")
    )


def test_job_totals_round_each_line_to_cents():
    """$99.99 less 12.5 % = $12.50 discount (12.49875 rounded); total $87.49."""
    totals = pricing.job_totals(
        items_total=D("99.99"), discount_percent=D("12.5"), rush_surcharge_percent=D("0")
    )
    assert totals.discount == D("12.50")
    assert totals.total == D("87.49")


def test_line_total_is_quantity_times_unit_price():
    """12 x $85.50 = $1,026.00."""
    assert pricing.line_total(12, D("85.50")) == D("1026.00")


# -- line item prices (SPEC L1, L5) -----------------------------------------------------------

RATES = pricing.Rates(
    labor_rate=D("65"),
    coating_rate_per_sqft=D("3.50"),
    extra_coat_percent=D("50"),
    margin_percent=D("25"),
)
PRIMER = pricing.CoatInput("Primer", D("30"), D("65"), D("12"))
BLACK = pricing.CoatInput("Black", pricing.theoretical_coverage(D("1.6"), D("2")), D("65"), D("10"))
BLAST = pricing.PrepInput("Sandblasting", pricing.PER_SQFT, D("1.50"))


def _amounts(price: pricing.ItemPrice) -> dict[str, Decimal]:
    return {line.label: line.amount for line in price.lines}


def test_calculated_price_of_twelve_wheels_by_hand():
    """12 x 6.5 sq ft, primer + black, blasting: 48 + 20 + 409.50 + 117 = 594.50; +25 % = 743.13.

    Primer 78 / (30 x 0.65) = 4.0 lb x $12; black 78 / (60.09 x 0.65) = 1.997 -> 2.0 lb x $10;
    coating labour 78 x $3.50 x (1 + 0.5 x 1); blasting 78 x $1.50; margin 148.625 -> 148.63.
    """
    price = pricing.calculated_price(
        quantity=12,
        area_sqft_per_part=D("6.5"),
        coats=[PRIMER, BLACK],
        preps=[BLAST],
        rates=RATES,
    )
    assert _amounts(price) == {
        "Powder: Primer": D("48.00"),
        "Powder: Black": D("20.00"),
        "Coating labour": D("409.50"),
        "Prep: Sandblasting": D("117.00"),
        "Margin": D("148.63"),
    }
    assert (price.line_total, price.unit_price) == (D("743.13"), D("61.93"))


def test_one_coat_has_no_extra_coat_charge_and_three_coats_pay_it_twice():
    """Coating labour for 10 sq ft at $3.50: 1 coat $35.00, 3 coats x (1 + 0.5 x 2) = $70.00."""
    one = pricing.calculated_price(
        quantity=1, area_sqft_per_part=D("10"), coats=[BLACK], preps=[], rates=RATES
    )
    three = pricing.calculated_price(
        quantity=1, area_sqft_per_part=D("10"), coats=[BLACK] * 3, preps=[], rates=RATES
    )
    assert _amounts(one)["Coating labour"] == D("35.00")
    assert _amounts(three)["Coating labour"] == D("70.00")


def test_labour_hours_are_charged_at_the_labour_rate_inside_the_margin():
    """A photo quote's 1.5 h at $65 = $97.50 joins the cost before the 25 % margin."""
    price = pricing.calculated_price(
        quantity=1,
        area_sqft_per_part=D("0"),
        coats=[],
        preps=[],
        rates=RATES,
        labor_hours=D("1.5"),
    )
    assert _amounts(price) == {"Labour": D("97.50"), "Margin": D("24.38")}
    assert price.line_total == D("121.88")


def test_flat_prep_is_per_part_and_per_sqft_prep_is_per_total_area():
    """$2 a part x 10 parts = $20; $1.50 a sq ft x 10 x 3 sq ft = $45."""
    flat = pricing.PrepInput("Masking", pricing.FLAT_PER_PART, D("2"))
    assert pricing.prep_cost(flat, total_area_sqft=D("30"), quantity=10) == D("20.00")
    assert pricing.prep_cost(BLAST, total_area_sqft=D("30"), quantity=10) == D("45.00")


def test_flat_rate_labor_only_and_catalog_prices():
    """Flat $25 x 10 + $2/part masking = $270; 3 h x $65 = $195; catalog 4 x $40 = $160."""
    masking = pricing.PrepInput("Masking", pricing.FLAT_PER_PART, D("2"))
    flat = pricing.flat_rate_price(
        quantity=10, unit_price=D("25"), area_sqft_per_part=D("0"), preps=[masking]
    )
    labour = pricing.labor_only_price(
        quantity=1, labor_hours=D("3"), area_sqft_per_part=D("0"), preps=[], rates=RATES
    )
    catalog = pricing.catalog_price(quantity=4, unit_price=D("40"), product_name="Bar stool")
    assert (flat.line_total, flat.unit_price) == (D("270.00"), D("27.00"))
    assert (labour.line_total, labour.unit_price) == (D("195.00"), D("195.00"))
    assert (catalog.line_total, catalog.unit_price) == (D("160.00"), D("40.00"))


def test_unit_price_rounds_the_total_to_the_cent():
    """$100 over 3 parts is $33.33 a part (the billed line is then $99.99)."""
    price = pricing.flat_rate_price(
        quantity=3, unit_price=D("33.333333"), area_sqft_per_part=D("0"), preps=[]
    )
    assert price.unit_price == D("33.33")
    assert pricing.line_total(3, price.unit_price) == D("99.99")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: pricing.calculated_price(
                quantity=0, area_sqft_per_part=D("1"), coats=[BLACK], preps=[], rates=RATES
            ),
            "Quantity must be at least 1.",
        ),
        (
            lambda: pricing.calculated_price(
                quantity=1, area_sqft_per_part=D("-1"), coats=[BLACK], preps=[], rates=RATES
            ),
            "Surface area cannot be negative.",
        ),
        (
            lambda: pricing.calculated_price(
                quantity=1,
                area_sqft_per_part=D("1"),
                coats=[pricing.CoatInput("Dud", D("0"), D("65"), D("1"))],
                preps=[],
                rates=RATES,
            ),
            "Coverage rate must be greater than 0.",
        ),
        (
            lambda: pricing.labor_only_price(
                quantity=1, labor_hours=D("0"), area_sqft_per_part=D("0"), preps=[], rates=RATES
            ),
            "Labour hours must be greater than 0.",
        ),
        (
            lambda: pricing.prep_cost(
                pricing.PrepInput("Odd", "per_moon", D("1")), total_area_sqft=D("1"), quantity=1
            ),
            "Odd has an unknown pricing method",
        ),
    ],
)
def test_meaningless_item_inputs_are_refused_in_words(call, message):
    """Zero quantity, negative area, zero coverage, no hours, unknown prep pricing."""
    with pytest.raises(pricing.PricingError, match=message):
        call()


def test_document_totals_with_discount_rush_and_tax_by_hand():
    """$1,000 less 10 % = $900, rush 25 % = $225, taxable $1,125, tax 8.25 % = $92.81."""
    totals = pricing.document_totals(
        items_total=D("1000"),
        discount_percent=D("10"),
        rush_surcharge_percent=D("25"),
        tax_rate_percent=D("8.25"),
    )
    assert (totals.subtotal, totals.discount, totals.rush_surcharge, totals.tax, totals.total) == (
        D("1000.00"),
        D("100.00"),
        D("225.00"),
        D("92.81"),
        D("1217.81"),
    )


def test_tax_exempt_documents_carry_no_tax():
    """A tax rate of 0 (exempt customer) leaves the total at the discounted amount."""
    totals = pricing.document_totals(
        items_total=D("250"),
        discount_percent=D("0"),
        rush_surcharge_percent=D("0"),
        tax_rate_percent=D("0"),
    )
    assert (totals.tax, totals.total) == (D("0.00"), D("250.00"))


def test_lines_total_rounds_each_line_before_adding():
    """3 x $0.335 = $1.01 (from $1.005) and 3 x $0.335 again: $2.02, not $2.01."""
    assert pricing.lines_total([(3, D("0.335")), (3, D("0.335"))]) == D("2.02")
    assert pricing.lines_total([]) == D("0")


def test_amounts_beyond_what_the_records_hold_are_refused():
    """A line, a job total or a tax over $9,999,999,999.99 is a PricingError, not an overflow."""
    assert pricing.line_total(1, D("9999999999.99")) == D("9999999999.99")
    with pytest.raises(pricing.PricingError, match="more than the largest amount"):
        pricing.line_total(100000, D("9999999999.99"))
    with pytest.raises(pricing.PricingError, match="The total"):
        pricing.job_totals(
            items_total=D("9999999999.99"),
            discount_percent=D("0"),
            rush_surcharge_percent=D("25"),
        )
    with pytest.raises(pricing.PricingError, match="The total with tax"):
        pricing.document_totals(
            items_total=D("9000000000"),
            discount_percent=D("0"),
            rush_surcharge_percent=D("0"),
            tax_rate_percent=D("20"),
        )


@pytest.mark.parametrize("value", ["NaN", "Infinity", "-Infinity", "sNaN"])
def test_not_a_number_is_refused_in_words(value):
    """NaN and infinities are refused by name, never passed on to the rounding."""
    with pytest.raises(pricing.PricingError, match="must be a number"):
        pricing.line_total(1, value)
