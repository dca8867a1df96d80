"""List filters of the admin: the jobs list's quick views, the low-stock flag, whole days."""

import datetime
from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RangeDateFilter
from unfold.utils import parse_date_str

# The quick views of the jobs list (SPEC J6). The list opens on "On Floor". The dashboard's
# figures link to these views, so each shows the same jobs its figure counts.
JOB_VIEWS = {
    "all": (_("All"), lambda qs: qs),
    "open": (_("Open (not finished)"), lambda qs: qs.open()),
    "on_floor": (_("On Floor"), lambda qs: qs.on_floor()),
    "due_today": (_("Due Today"), lambda qs: qs.open().filter(due_date=timezone.localdate())),
    "overdue": (_("Overdue"), lambda qs: qs.overdue()),
    "ready": (_("Ready for Pickup"), lambda qs: qs.ready_for_pickup()),
    "completed": (_("Completed"), lambda qs: qs.finished()),
}
# The views shown as tabs above the list; the others are in the filter panel only.
JOB_VIEW_TABS = ("all", "on_floor", "due_today", "overdue", "ready", "completed")
JOB_VIEW_PARAM = "view"
JOB_VIEW_DEFAULT = "on_floor"


class JobViewFilter(admin.SimpleListFilter):
    """The quick views of the jobs list; shown as tabs above it and in the filter panel."""

    title = _("show")
    parameter_name = JOB_VIEW_PARAM

    def lookups(self, request, model_admin):
        """Each quick view with its label."""
        return [(key, label) for key, (label, _query) in JOB_VIEWS.items()]

    def value(self):
        """The chosen view; an unknown or missing one means the default view."""
        value = super().value()
        return value if value in JOB_VIEWS else JOB_VIEW_DEFAULT

    def has_output(self):
        """Always offered, even when no job exists yet."""
        return True

    def choices(self, changelist):
        """Mark the active view, the default one included."""
        for key, label in self.lookup_choices:
            yield {
                "selected": self.value() == key,
                "query_string": changelist.get_query_string({self.parameter_name: key}),
                "display": label,
            }

    def queryset(self, request, queryset):
        """Narrow the list to the chosen view."""
        return JOB_VIEWS[self.value()][1](queryset)


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


def job_view_of(request) -> str:
    """The quick view a jobs-list request shows (for marking the active tab)."""
    value = request.GET.get(JOB_VIEW_PARAM)
    return value if value in JOB_VIEWS else JOB_VIEW_DEFAULT


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
