"""How the shop writes its numbers on every page, document and message: money, percents,
amounts, hours.

One home for these, so the Materials tab, the phone's usage page, the demand report and the
stock questions all write "7.5 lb" the same way, and no page prints a Decimal's own "1E+1".
"""

from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext

from powdercoat.models import InventoryActivity, PartIntake


def number_text(value: Decimal | int | float | str) -> str:
    """A figure as people write it, without trailing zeros or an exponent: 10, 12.5, 8.25, 0.

    (`Decimal("10.00").normalize()` is `Decimal("1E+1")`, which prints as "1E+1".)
    """
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in {"-0", ""} else text


def percent_text(value: Decimal | int | float | str) -> str:
    """A rate in percent: 10%, 12.5%, 100%."""
    return f"{number_text(value)}%"


def money_text(amount: Decimal, *, places: int = 2) -> str:
    """Money as the shop writes it: $1,250.50, with the minus before the $ for money taken back."""
    if amount < 0:
        return f"−${formats.number_format(-amount, places, force_grouping=True)}"
    return f"${formats.number_format(amount, places, force_grouping=True)}"


def amount_text(value: Decimal, unit: str = "", *, signed: bool = False) -> str:
    """An amount of stock: grouped, at least one decimal, at most three: 7.5 lb, 1,200.0 lb.

    `signed` writes a plus before a gain (+2.0 lb), as a stock movement is written.
    """
    text = f"{Decimal(value):{'+' if signed else ''},.3f}".rstrip("0")
    if text.endswith("."):
        text += "0"
    if text in {"-0.0", "+0.0"}:
        text = "0.0"
    return f"{text} {unit}" if unit else text


def stock_change_text(activity: InventoryActivity) -> str:
    """A ledger row's change: "-1.2 lb", and "+1.2 lb (reversal of #41)" for one that cancels."""
    if activity.quantity is None:  # not a ledger row at all (a tampered form shown again)
        return "—"
    text = amount_text(activity.quantity, activity.item.unit, signed=True)
    if activity.reverses_id:
        text += " " + gettext("(reversal of #%(pk)s)") % {"pk": activity.reverses_id}
    return text


def hours_text(value: Decimal) -> str:
    """Hours without trailing zeros, to the quarter-hour's precision: 4, 5.5, 0.25."""
    return number_text(Decimal(value).quantize(Decimal("0.01")))


def intake_count_text(intake: PartIntake) -> str:
    """'11 of 12 received — 1 missing': the difference in words, not colour alone."""
    text = gettext("%(actual)s of %(expected)s received") % {
        "actual": intake.actual_count,
        "expected": intake.expected_count,
    }
    difference = intake.actual_count - intake.expected_count
    if difference < 0:
        return gettext("%(text)s — %(n)s missing") % {"text": text, "n": -difference}
    if difference > 0:
        return gettext("%(text)s — %(n)s extra") % {"text": text, "n": difference}
    return text


def time_summary_text(actual: Decimal, estimated: Decimal | None) -> str:
    """'Actual 5.5 h of 4 h estimated (+1.5 h)'."""
    if not estimated:
        return gettext("Actual %(actual)s h (no estimate)") % {"actual": hours_text(actual)}
    text = gettext("Actual %(actual)s h of %(estimated)s h estimated") % {
        "actual": hours_text(actual),
        "estimated": hours_text(estimated),
    }
    difference = actual - estimated
    if difference > 0:
        return f"{text} (+{hours_text(difference)} h)"
    if difference < 0:
        return f"{text} (−{hours_text(-difference)} h)"
    return text
