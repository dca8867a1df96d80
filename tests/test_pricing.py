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
