"""Status, priority and due-date badges: one look on every page (SPEC J4, J5).

Badges always carry their text, so colour is never the only signal. The colours are in
static/powdercoat/badges.css, keyed by the family and tone names from models/choices.py.
"""

from datetime import date

from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString

from powdercoat.models.choices import PRIORITY_TONE, STATUS_FAMILY, JobStatus, Priority


def status_badge(status: str) -> SafeString:
    """A job status as a coloured label of its stage family."""
    status = JobStatus(status)
    return format_html(
        '<span class="pc-badge pc-status pc-status--{}" data-status="{}">{}</span>',
        STATUS_FAMILY[status],
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


def due_date_label(due: date | None, *, overdue: bool) -> SafeString | str:
    """A due date, marked in words and colour when it has passed with work still open."""
    if due is None:
        return "—"
    text = formats.date_format(due, "M j, Y")
    if overdue:
        return format_html('<span class="pc-overdue" title="Overdue">⚠ {} · overdue</span>', text)
    return text
