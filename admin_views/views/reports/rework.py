"""Report: rework by reason and type per month, each count opening the records behind it (R2)."""

import datetime

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from admin_views.views.reports.base import (
    Column,
    ReportPage,
    Section,
    date_cell,
    money_cell,
    number_cell,
    text_cell,
)
from powdercoat.admin.reworks import rework_list_url
from powdercoat.charts import bar_dataset, chart_options
from powdercoat.reports import Period, month_end
from powdercoat.reports.rework import ReworkTotal, rework_report


class ReworkReport(ReportPage):
    """What goes wrong, how often and what it costs: a recurring reason shows up here."""

    title = _("Rework")
    slug = "rework"
    icon = "build"
    description = _(
        "Rework recorded on jobs, by reason and type. Each count opens the rework records "
        "behind it."
    )
    permission_required = ("powdercoat.view_reworkrecord",)

    def sections(self, period: Period) -> list[Section]:
        """By reason (with a chart), by type, then month by month."""
        report = rework_report(period=period)
        money = self.with_money
        whole = {"first_day": period.first_day, "last_day": period.last_day}

        def totals_section(key, title, label, rows: list[ReworkTotal], link_as) -> Section:
            return Section(
                key=key,
                title=title,
                columns=[
                    Column(label),
                    Column(gettext("Records"), numeric=True),
                    *([Column(gettext("Cost"), numeric=True)] if money else []),
                ],
                rows=[
                    [
                        text_cell(row.label),
                        number_cell(
                            row.count, url=rework_list_url(**{link_as: row.value}, **whole)
                        ),
                        *([money_cell(row.cost)] if money else []),
                    ]
                    for row in rows
                ],
                totals=[
                    text_cell(gettext("All")),
                    number_cell(report.count, url=rework_list_url(**whole)),
                    *([money_cell(report.cost)] if money else []),
                ],
            )

        by_reason = totals_section(
            "reasons", gettext("By reason"), gettext("Reason"), report.by_reason, "reason"
        )
        by_reason.chart = {
            "labels": [str(row.label) for row in report.by_reason],
            "datasets": [
                bar_dataset(gettext("Records"), [row.count for row in report.by_reason], "#f97316")
            ],
        }
        by_reason.chart_options = chart_options(legend=False)
        by_kind = totals_section(
            "types", gettext("By type"), gettext("Type"), report.by_kind, "kind"
        )
        cells = Section(
            key="months",
            title=gettext("Month by month"),
            columns=[
                Column(gettext("Month")),
                Column(gettext("Reason")),
                Column(gettext("Type")),
                Column(gettext("Records"), numeric=True),
                *([Column(gettext("Cost"), numeric=True)] if money else []),
            ],
            rows=[
                [
                    date_cell(cell.month_start, month=True),
                    text_cell(cell.reason_label),
                    text_cell(cell.kind_label),
                    number_cell(
                        cell.count,
                        url=rework_list_url(
                            reason=cell.reason,
                            kind=cell.kind,
                            **_month_within(cell.month_start, period),
                        ),
                    ),
                    *([money_cell(cell.cost)] if money else []),
                ]
                for cell in report.cells
            ],
        )
        return [by_reason, by_kind, cells]


def _month_within(first: datetime.date, period: Period) -> dict[str, datetime.date]:
    """The days of a month that lie inside the period (its first and last month are cut)."""
    return {
        "first_day": max(first, period.first_day),
        "last_day": min(month_end(first), period.last_day),
    }
