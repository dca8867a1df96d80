"""What every report page shares: the period form, sections of table and chart, the downloads.

A report (one module each beside this one) turns a read of powdercoat/reports into `Section`s;
this page draws them and serves each section as CSV or Excel with the same rows.
"""

import datetime
import json
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import tablib
from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from unfold.views import UnfoldSiteViewMixin

from admin_views.views.reports.demand import EXPORT_CONTENT_TYPES
from powdercoat.admin.mixins import can_see_prices
from powdercoat.charts import chart_options
from powdercoat.formatting import money_text
from powdercoat.reports import Period
from powdercoat.spreadsheets import safe_cell

# The longest period a report covers: five years of weeks is 261 columns of figures already.
LONGEST_PERIOD_DAYS = 5 * 366
NO_FIGURE = "—"


@dataclass(frozen=True)
class Column:
    """A column of a section's table; `numeric` right-aligns it."""

    label: str
    numeric: bool = False


@dataclass(frozen=True)
class Cell:
    """One value of a table: the text shown, the raw value exported, and where it links."""

    text: str
    value: Any = None
    url: str = ""

    @property
    def exported(self) -> Any:
        """What the spreadsheet gets: the number itself, or the text made formula-safe."""
        if self.value is not None:
            return self.value
        return safe_cell(self.text)


@dataclass
class Section:
    """A titled table of a report, with an optional chart of the same figures."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    description: str = ""
    note: str = ""
    chart: dict | None = None
    chart_type: str = "bar"
    chart_options: str = field(default_factory=chart_options)
    totals: list[Cell] = field(default_factory=list)
    # A download laid out otherwise than the page (one row per figure rather than a pivot).
    export_columns: list[Column] | None = None
    export_rows: list[list[Cell]] | None = None

    @property
    def chart_json(self) -> str:
        return json.dumps(self.chart) if self.chart else ""

    def dataset(self) -> tablib.Dataset:
        """The section's rows, and its totals row, for a CSV or Excel file."""
        columns = self.export_columns or self.columns
        data = tablib.Dataset(
            headers=[str(column.label) for column in columns], title=self.title[:31]
        )
        for row in self.rows if self.export_rows is None else self.export_rows:
            data.append([cell.exported for cell in row])
        if self.totals and self.export_rows is None:
            data.append([cell.exported for cell in self.totals])
        return data


# -- formatting of figures -----------------------------------------------------------------


def number_cell(value: int | Decimal | None, *, url: str = "", places: int | None = None) -> Cell:
    """A count or a quantity; None (nothing to divide by) shows as a dash."""
    if value is None:
        return Cell(NO_FIGURE)
    if places is None:
        return Cell(formats.number_format(value, force_grouping=True), value, url)
    return Cell(formats.number_format(value, decimal_pos=places, force_grouping=True), value, url)


def money_cell(value: Decimal | None, *, url: str = "") -> Cell:
    """An amount of money."""
    if value is None:
        return Cell(NO_FIGURE)
    return Cell(money_text(value), value, url)


def percent_cell(value: Decimal | None, *, url: str = "", signed: bool = False) -> Cell:
    """A share or a difference in percent, to one place."""
    if value is None:
        return Cell(NO_FIGURE)
    text = formats.number_format(value, decimal_pos=1)
    if signed and value > 0:
        text = "+" + text
    return Cell(f"{text} %", value, url)


def text_cell(text: Any, *, url: str = "") -> Cell:
    """Words: a name, a stage, a reason."""
    return Cell(str(text), None, url)


def date_cell(day: datetime.date, *, url: str = "", month: bool = False) -> Cell:
    """A day, or a month (shown as "March 2026")."""
    text = formats.date_format(day, "F Y" if month else "SHORT_DATE_FORMAT")
    return Cell(text, day, url)


# -- the period form -----------------------------------------------------------------------


class PeriodForm(forms.Form):
    """The days a report covers; both are optional and fall back to the report's default."""

    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        """The end is not before the start, and the span is at most five years."""
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("The end date is before the start date."))
            if (end - start).days >= LONGEST_PERIOD_DAYS:
                raise forms.ValidationError(_("A report covers five years at most."))
        return cleaned


class ReportPage(UnfoldSiteViewMixin, TemplateView):
    """One report: a period, sections of figures, CSV and Excel of each section.

    Subclasses set `title`, `slug`, `description`, `permission_required`, `default_period`
    and write `sections(period)`.
    """

    template_name = "admin_views/report.html"
    slug = ""
    description = ""
    icon = "monitoring"
    # The default span: the last `weeks` weeks or `months` months, this one included.
    default_weeks: int | None = None
    default_months: int | None = 12

    def default_period(self) -> Period:
        """What the page shows when no dates are given."""
        if self.default_weeks:
            return Period.last_weeks(self.default_weeks)
        return Period.last_months(self.default_months or 12)

    def sections(self, period: Period) -> list[Section]:
        """The report's tables and charts for `period`."""
        raise NotImplementedError

    @property
    def with_money(self) -> bool:
        """Prices and costs show only to people who may see them (SPEC 0)."""
        return can_see_prices(self.request)

    def period(self) -> Period:
        """The period asked for; bad input is said in a message (once) and the default shown."""
        if not hasattr(self, "_period"):
            self._period = self._read_period()
        return self._period

    def _read_period(self) -> Period:
        form = PeriodForm(self.request.GET)
        default = self.default_period()
        if not form.is_valid():
            for error in form.errors.get("__all__", []) + [
                error for name in ("start", "end") for error in form.errors.get(name, [])
            ]:
                messages.warning(self.request, error)
            messages.info(
                self.request,
                gettext("Showing the default period instead: %(first)s to %(last)s.")
                % {
                    "first": formats.date_format(default.first_day),
                    "last": formats.date_format(default.last_day),
                },
            )
            return default
        start = form.cleaned_data.get("start")
        end = form.cleaned_data.get("end")
        if start is None and end is None:
            return default
        # One end given: the other keeps the default span's length (or runs to today).
        end = end or max(start, timezone.localdate())
        start = start or end - datetime.timedelta(days=default.days - 1)
        start = max(start, end - datetime.timedelta(days=LONGEST_PERIOD_DAYS - 1))
        return Period(start, end)

    def get(self, request, *args, **kwargs):
        """The page, or one section as a file when `format` and `section` are asked for."""
        requested = request.GET.get("format", "")
        if requested:
            if requested in EXPORT_CONTENT_TYPES:
                response = self._download(requested, request.GET.get("section", ""))
                if response is not None:
                    return response
                messages.warning(request, gettext("That part of the report does not exist."))
            else:
                messages.warning(
                    request, gettext("That download format is not available; use CSV or Excel.")
                )
        return super().get(request, *args, **kwargs)

    def _download(self, file_format: str, key: str) -> HttpResponse | None:
        period = self.period()
        section = next((s for s in self.sections(period) if s.key == key), None)
        if section is None:
            return None
        filename = (
            f"{self.slug}-{slugify(section.key)}-{period.first_day:%Y-%m-%d}-"
            f"{period.last_day:%Y-%m-%d}.{file_format}"
        )
        return HttpResponse(
            section.dataset().export(file_format),
            content_type=EXPORT_CONTENT_TYPES[file_format],
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    def get_context_data(self, **kwargs):
        """The period, its form, and the sections to draw."""
        context = super().get_context_data(**kwargs)
        period = self.period()
        context.update(
            {
                "report": self,
                "period": period,
                "period_form": PeriodForm(
                    initial={"start": period.first_day, "end": period.last_day}
                ),
                "sections": self.sections(period),
                "quick_periods": self._quick_periods(),
            }
        )
        return context

    def _quick_periods(self) -> list[dict]:
        today = timezone.localdate()
        choices = [
            (gettext("Last 4 weeks"), Period.last_weeks(4, today=today)),
            (gettext("Last 12 weeks"), Period.last_weeks(12, today=today)),
            (gettext("Last 12 months"), Period.last_months(12, today=today)),
            (gettext("This year"), Period(datetime.date(today.year, 1, 1), today)),
        ]
        return [
            {
                "label": label,
                "query": f"start={period.first_day.isoformat()}&end={period.last_day.isoformat()}",
            }
            for label, period in choices
        ]
