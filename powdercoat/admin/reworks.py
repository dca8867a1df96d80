"""Rework records across all jobs in the admin: a read-only list to find them by reason, type,
date or state; each job's Rework tab stays the place to record and resolve them (SPEC J14, R2).
"""

import datetime

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import display

from powdercoat import badges, formatting
from powdercoat.addresses import record_url
from powdercoat.admin.filters import RecordedDaysFilter
from powdercoat.admin.mixins import HidesPricesMixin
from powdercoat.admin.paging import LongListPaginator
from powdercoat.models import ReworkRecord

# The list's query parameters, as its filters read them (ChoicesFieldListFilter's `__exact`,
# RangeDateFilter's `_from` / `_to`).
REASON_PARAM = "reason__exact"
KIND_PARAM = "kind__exact"
RECORDED_FROM_PARAM = "created_at_from"
RECORDED_TO_PARAM = "created_at_to"
RESOLVED_PARAM = "resolved"
RESOLVED_CHOICES = ("yes", "no")

# How much of "what went wrong" a row shows; the record's own page has all of it.
DESCRIPTION_SHOWN = 60


def rework_list_url(
    *,
    reason: str | None = None,
    kind: str | None = None,
    first_day: datetime.date | None = None,
    last_day: datetime.date | None = None,
    resolved: str | None = None,
) -> str:
    """The rework list's address showing the records of this reason, type, recorded days (both
    included, on the shop's calendar) and state ("yes" resolved, "no" open); None: any."""
    if resolved is not None and resolved not in RESOLVED_CHOICES:
        raise ValueError(f"resolved is 'yes', 'no' or None, not {resolved!r}.")
    wanted = {
        REASON_PARAM: reason,
        KIND_PARAM: kind,
        RECORDED_FROM_PARAM: first_day.isoformat() if first_day else None,
        RECORDED_TO_PARAM: last_day.isoformat() if last_day else None,
        RESOLVED_PARAM: resolved,
    }
    url = reverse("admin:powdercoat_reworkrecord_changelist")
    query = urlencode({name: value for name, value in wanted.items() if value is not None})
    return f"{url}?{query}" if query else url


class ResolvedFilter(admin.SimpleListFilter):
    """Resolved reworks, or those still open."""

    title = _("resolved")
    parameter_name = RESOLVED_PARAM

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[ReworkRecord]
    ) -> list[tuple[str, str]]:
        """Yes or no."""
        return [("yes", gettext("Yes")), ("no", gettext("No"))]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[ReworkRecord]
    ) -> QuerySet[ReworkRecord]:
        """Apply the chosen state."""
        if self.value() == "yes":
            return queryset.filter(resolved_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(resolved_at__isnull=True)
        return queryset


@admin.register(ReworkRecord)
class ReworkRecordAdmin(HidesPricesMixin, ModelAdmin):
    paginator = LongListPaginator
    # List.
    list_display = (
        "display_recorded",
        "display_job",
        "display_customer",
        "display_kind",
        "display_reason",
        "display_description",
        "display_cost",
        "display_resolved",
    )
    list_display_links = ("display_recorded",)
    search_fields = (
        "job__number",
        "job__customer__company_name",
        "job__customer__contact_name",
        "description",
    )
    list_filter = (
        ("reason", ChoicesDropdownFilter),
        ("kind", ChoicesDropdownFilter),
        ResolvedFilter,
        ("created_at", RecordedDaysFilter),
    )
    list_filter_submit = True
    list_per_page = 50
    # One COUNT per page view instead of two: the unfiltered total adds nothing here.
    show_full_result_count = False
    ordering = ("-created_at", "-id")
    price_fields = ("display_cost", "cost")
    # Nothing to do to many records at once: they are recorded and resolved on the job.
    actions = None

    # The record's own page (read-only: no one may change a record here).
    readonly_fields = ("display_job", "display_customer", "display_resolved")
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("display_job", "display_customer"),
                    ("kind", "reason"),
                    "description",
                    "cost",
                    ("created_at", "created_by"),
                    ("display_resolved", "resolution"),
                )
            },
        ),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReworkRecord]:
        """Job and customer joined: the list runs a fixed number of queries."""
        return super().get_queryset(request).select_related("job__customer", "created_by")

    def has_add_permission(self, request: HttpRequest) -> bool:
        """Rework is recorded on its job's page, where the job is known."""
        return False

    def has_change_permission(self, request: HttpRequest, obj: ReworkRecord | None = None) -> bool:
        """Resolving happens on the job's Rework tab; the list is for finding records."""
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ReworkRecord | None = None) -> bool:
        """A rework record is history the reports count: it stays."""
        return False

    # -- list columns -------------------------------------------------------------------------

    @display(description=_("recorded"), ordering="created_at")
    def display_recorded(self, rework: ReworkRecord) -> str:
        """The day it was recorded, on the shop's calendar."""
        return badges.date_label(timezone.localdate(rework.created_at))

    @display(description=_("job"), ordering="job__number")
    def display_job(self, rework: ReworkRecord) -> SafeString:
        """The job's number, linked to the job's page at its Rework tab."""
        return format_html(
            '<a href="{}" class="text-link pc-job-number">{}</a>',
            record_url(rework.job, "rework"),
            rework.job.number,
        )

    @display(description=_("customer"), ordering="job__customer__company_name")
    def display_customer(self, rework: ReworkRecord) -> str:
        """The customer's short name (not linked: Shop Floor may not open customers)."""
        return rework.job.customer.display_name

    @display(description=_("type"), ordering="kind")
    def display_kind(self, rework: ReworkRecord) -> str:
        """Touch-up, Recoat..."""
        return rework.get_kind_display()

    @display(description=_("reason"), ordering="reason")
    def display_reason(self, rework: ReworkRecord) -> str:
        """Adhesion Failure, Color Mismatch..."""
        return rework.get_reason_display()

    @display(description=_("what went wrong"))
    def display_description(self, rework: ReworkRecord) -> str:
        """The start of the description; the record's page shows all of it."""
        return Truncator(rework.description).chars(DESCRIPTION_SHOWN) or "—"

    @display(description=_("cost"), ordering="cost")
    def display_cost(self, rework: ReworkRecord) -> str:
        """What the rework cost the shop."""
        return formatting.money_text(rework.cost)

    @display(description=_("resolved"), ordering="resolved_at")
    def display_resolved(self, rework: ReworkRecord) -> str:
        """Yes with the day, or No: in words, not a colour or an icon alone."""
        if rework.resolved_at is None:
            return gettext("No")
        return gettext("Yes, %(day)s") % {
            "day": badges.date_label(timezone.localdate(rework.resolved_at))
        }
