"""List filters of the admin: the jobs list's quick views, the low-stock flag, whole days."""

import datetime
import functools
import operator
from collections.abc import Callable
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import SEARCH_VAR
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RadioFilter, RangeDateFilter
from unfold.utils import parse_date_str

from powdercoat import querysets

# The quick views of the jobs list (SPEC J6), each a condition on a job. The list opens on "On
# Floor", or on "All" for a search, which looks through every status. The dashboard's figures
# link to these views, so each shows the same jobs its figure counts.
JOB_VIEWS: dict[str, tuple[Any, Callable[[], Q]]] = {
    "all": (_("All"), Q),
    "open": (_("Open (not finished)"), querysets.job_is_open),
    "on_floor": (_("On Floor"), querysets.job_is_on_floor),
    "due_today": (_("Due Today"), lambda: querysets.job_is_due_on(timezone.localdate())),
    "overdue": (_("Overdue"), querysets.job_is_overdue),
    "ready": (_("Ready for Pickup"), querysets.job_is_ready_for_pickup),
    "completed": (_("Completed"), querysets.job_is_finished),
}
# The views shown as tabs above the list; the others are in the filter panel only.
JOB_VIEW_TABS = ("all", "on_floor", "due_today", "overdue", "ready", "completed")
# The tabs about work in hand: their counts are shown always, as they are cheap however old the
# shop is. All and Completed grow forever; they are counted when a search or filter narrows them.
JOB_VIEW_TABS_AT_WORK = ("on_floor", "due_today", "overdue", "ready")
JOB_VIEW_PARAM = "view"
JOB_VIEW_DEFAULT = "on_floor"
JOB_VIEW_WHEN_SEARCHING = "all"


def job_view_of(request: HttpRequest) -> str:
    """The quick view a jobs-list request shows: the one asked for, else All for a search (a
    job is found wherever it is), else On Floor."""
    value = request.GET.get(JOB_VIEW_PARAM)
    if value in JOB_VIEWS:
        return value
    if request.GET.get(SEARCH_VAR, "").strip():
        return JOB_VIEW_WHEN_SEARCHING
    return JOB_VIEW_DEFAULT


class JobViewFilter(RadioFilter):
    """The quick views of the jobs list: tabs above it, and a choice in the filter panel, so
    that *Apply Filters* keeps the view and a tab keeps the filters."""

    title = _("view")
    parameter_name = JOB_VIEW_PARAM
    all_option = None  # "All" is one of the views

    def __init__(self, request, params, model, model_admin):
        self.request = request
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        """Each quick view with its label."""
        return [(key, label) for key, (label, _condition) in JOB_VIEWS.items()]

    def value(self):
        """The view shown (see `job_view_of`)."""
        return job_view_of(self.request)

    def has_output(self):
        """Always offered, even when no job exists yet."""
        return True

    def queryset(self, request, queryset):
        """Narrow the list to the chosen view."""
        return queryset.filter(JOB_VIEWS[self.value()][1]())


def job_view_counts(jobs: QuerySet[Any], *, narrowed: bool) -> dict[str, int]:
    """How many of `jobs` each tab holds, counted side by side in one query.

    Without a search or filter (`narrowed`), only the tabs about work in hand are counted, from
    the jobs they hold (the status index serves it); All and Completed are left uncounted.
    """
    keys = JOB_VIEW_TABS if narrowed else JOB_VIEW_TABS_AT_WORK
    conditions = {key: JOB_VIEWS[key][1]() for key in keys}
    if not narrowed:
        jobs = jobs.filter(functools.reduce(operator.or_, conditions.values()))
    return jobs.order_by().aggregate(
        **{
            key: Count("pk", filter=condition) if condition else Count("pk")
            for key, condition in conditions.items()
        }
    )


class LowStockFilter(admin.SimpleListFilter):
    """Items at or below their reorder point (SPEC I5)."""

    title = _("stock")
    parameter_name = "stock"

    def lookups(self, request, model_admin):
        """Low or sufficient."""
        return [("low", _("Low (at or below reorder point)")), ("ok", _("Above reorder point"))]

    def queryset(self, request, queryset):
        """Apply the chosen stock level."""
        if self.value() == "low":
            return queryset.low_stock()
        if self.value() == "ok":
            return queryset.exclude(pk__in=queryset.low_stock().values("pk"))
        return queryset


class RecordedDaysFilter(RangeDateFilter):
    """Recorded between two days, both whole days on the shop's clock (a date-time column).

    unfold's date range compares the moment with the days themselves (`<=` the last day's
    midnight, in the server's zone, with a naive-datetime warning), so a record at 09:00 on
    the last day would be left out; here the range runs from the first day's midnight to the
    midnight after the last, in the shop's time zone, as the reports count them.
    """

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """The records from the first day's start to the last day's end."""
        first, last = self._day("from"), self._day("to")
        if first is not None:
            queryset = queryset.filter(**{f"{self.field_path}__gte": _midnight_before(first)})
        if last is not None and last < datetime.date.max:
            after = last + datetime.timedelta(days=1)
            queryset = queryset.filter(**{f"{self.field_path}__lt": _midnight_before(after)})
        return queryset

    def _day(self, end: str) -> datetime.date | None:
        value = self.used_parameters.get(f"{self.parameter_name}_{end}")
        return parse_date_str(value) if isinstance(value, str) else None


def _midnight_before(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
