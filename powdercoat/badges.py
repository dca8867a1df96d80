"""Status, priority and due-date badges, dates and money: one look on every page (SPEC J4, J5).

Badges always carry their text, so colour is never the only signal. The colours are in
static/powdercoat/badges.css, keyed by the family and tone names from models/choices.py.
"""

from datetime import date
from decimal import Decimal

from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString

from powdercoat.formatting import money_text, percent_text
from powdercoat.models.choices import (
    INVOICE_STATUS_FAMILY,
    PRIORITY_TONE,
    QUOTE_STATUS_FAMILY,
    STATUS_FAMILY,
    InvoiceStatus,
    JobStatus,
    Priority,
    QuoteStatus,
)


def status_badge(status: str) -> SafeString:
    """A job status as a coloured label of its stage family."""
    status = JobStatus(status)
    return format_html(
        '<span class="pc-badge pc-status pc-status--{}" data-status="{}">{}</span>',
        STATUS_FAMILY[status],
        status.value,
        status.label,
    )


def invoice_status_badge(status: str) -> SafeString:
    """An invoice status as a coloured label, in the colour family of its meaning."""
    status = InvoiceStatus(status)
    return format_html(
        '<span class="pc-badge pc-status pc-status--{}" data-invoice-status="{}">{}</span>',
        INVOICE_STATUS_FAMILY[status],
        status.value,
        status.label,
    )


def priority_badge(priority: int) -> SafeString:
    """A priority as a coloured label; Rush also marks its table row (see admin.css)."""
    priority = Priority(priority)
    return format_html(
        '<span class="pc-badge pc-priority pc-priority--{}">{}{}</span>',
        PRIORITY_TONE[priority],
        "⚡ " if priority == Priority.RUSH else "",
        priority.label,
    )


def date_label(day: date | None) -> str:
    """A date as every page writes it (DATE_FORMAT: "Nov 26, 2026"), or a dash."""
    return formats.date_format(day) if day else "—"


def short_date_label(day: date | None) -> str:
    """A date for a dense list: "Dec 1" in the current year, "Dec 1, 2025" otherwise."""
    if day is None:
        return "—"
    if day.year == timezone.localdate().year:
        return formats.date_format(day, "M j")
    return formats.date_format(day)


def due_date_label(
    due: date | None, *, overdue: bool, due_today: bool = False, short: bool = False
) -> SafeString | str:
    """A due date, marked in words and colour when it has passed with work still open, and as
    plainly when the work is due today (`short` drops this year's year, for dense lists)."""
    if due is None:
        return "—"
    text = short_date_label(due) if short else date_label(due)
    if overdue:
        return format_html('<span class="pc-overdue" title="Overdue">⚠ {} · overdue</span>', text)
    if due_today:
        return format_html('<span class="pc-due-today" title="Due today">◷ {} · today</span>', text)
    return format_html('<span class="pc-date">{}</span>', text) if short else text


def quote_status_badge(status: str) -> SafeString:
    """A quote status as a coloured label, in the colour families of the job statuses."""
    status = QuoteStatus(status)
    return format_html(
        '<span class="pc-badge pc-status pc-status--{}" data-status="{}">{}</span>',
        QUOTE_STATUS_FAMILY[status],
        status.value,
        status.label,
    )


def rush_surcharge_change_text(
    *, previous_priority: int, priority: int, percent: Decimal, amount: Decimal, with_money: bool
) -> str:
    """What a priority change did to the price, for the confirmation message (SPEC J5).

    "Rush surcharge of 25% added: +$123.45." when a job became Rush, "... removed" when it
    stopped being Rush; empty otherwise. `with_money` is False for people who see no prices.
    """
    became_rush = priority == Priority.RUSH and previous_priority != Priority.RUSH
    left_rush = previous_priority == Priority.RUSH and priority != Priority.RUSH
    if not (became_rush or left_rush):
        return ""
    if became_rush:
        if not percent:
            return "Rush: the shop's rush surcharge is 0%, so the price is unchanged."
        rate = percent_text(percent)
        if not with_money:
            return f"Rush surcharge of {rate} added to the price."
        return f"Rush surcharge of {rate} added: +{money_text(amount)}."
    return "Rush surcharge removed from the price."
