"""How numbers are written: money, stock amounts and hours, the same on every page."""

from decimal import Decimal

import pytest

from powdercoat import formatting
from powdercoat.formatting import amount_text, hours_text, money_text


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("1250.5"), "$1,250.50"),
        (Decimal("0"), "$0.00"),
        (Decimal("-40"), "−$40.00"),
    ],
)
def test_money_has_a_dollar_sign_grouping_and_cents(amount, expected):
    """Money taken back has its minus before the dollar sign."""
    assert money_text(amount) == expected


@pytest.mark.parametrize(
    ("value", "unit", "signed", "expected"),
    [
        (Decimal("7.5"), "lb", False, "7.5 lb"),
        (Decimal("1200"), "lb", False, "1,200.0 lb"),
        (Decimal("0.125"), "lb", False, "0.125 lb"),
        (Decimal("-412"), "lb", False, "-412.0 lb"),
        (Decimal("2"), "lb", True, "+2.0 lb"),
        (Decimal("-1.25"), "oz", True, "-1.25 oz"),
        (Decimal("0"), "lb", True, "0.0 lb"),
        (Decimal("12.345"), "", False, "12.345"),
    ],
)
def test_amounts_keep_one_decimal_and_drop_trailing_zeros(value, unit, signed, expected):
    """At least one decimal, at most three, a plus on a gain only when asked for."""
    assert amount_text(value, unit, signed=signed) == expected


@pytest.mark.parametrize(
    ("hours", "expected"),
    [(Decimal("4.00"), "4"), (Decimal("5.50"), "5.5"), (Decimal("0.25"), "0.25")],
)
def test_hours_drop_trailing_zeros(hours, expected):
    """Hours read as people say them."""
    assert hours_text(hours) == expected


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("10.00"), "10"),
        (Decimal("1E+1"), "10"),
        (Decimal("12.50"), "12.5"),
        (Decimal("100"), "100"),
        (Decimal("8.25"), "8.25"),
        (Decimal("0.00"), "0"),
        (Decimal("-0.0"), "0"),
        (Decimal("1E+3"), "1000"),
    ],
)
def test_numbers_are_written_without_trailing_zeros_or_exponents(value, text):
    """10.00 is "10", 1E+1 is "10", 12.50 is "12.5"; percent_text adds the sign."""
    assert formatting.number_text(value) == text
    assert formatting.percent_text(value) == f"{text}%"
