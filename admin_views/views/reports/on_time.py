"""Report: the share of jobs ready by their due date, per month and per customer (SPEC R2)."""

from django.utils import formats
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from admin_views.views.reports.base import (
    Column,
    ReportPage,
    Section,
    date_cell,
    number_cell,
    percent_cell,
    text_cell,
)
from powdercoat.charts import bar_dataset, chart_options
from powdercoat.reports import Period
from powdercoat.reports.on_time import on_time_delivery


class OnTimeReport(ReportPage):
    """Did the customer get the job when promised? Per month, and who was let down most."""

    title = _("On-time delivery")
    slug = "on-time"
    icon = "event_available"
    description = _(
        "A job is on time when it first reached Ready for Pickup (or Delivered) on or before "
        "its due date. Jobs without a due date are left out."
    )
    permission_required = ("powdercoat.view_job",)

    def sections(self, period: Period) -> list[Section]:
        """Per month with a chart, then per customer, most late jobs first."""
        report = on_time_delivery(period=period)
        columns = [
            Column(gettext("Jobs finished"), numeric=True),
            Column(gettext("On time"), numeric=True),
            Column(gettext("Late"), numeric=True),
            Column(gettext("On time %"), numeric=True),
        ]
        months = Section(
            key="months",
            title=gettext("Per month"),
            columns=[Column(gettext("Month")), *columns],
            rows=[
                [
                    date_cell(row.month_start, month=True),
                    number_cell(row.jobs),
                    number_cell(row.on_time),
                    number_cell(row.jobs - row.on_time),
                    percent_cell(row.on_time_percent),
                ]
                for row in report.months
            ],
            totals=[
                text_cell(gettext("Period")),
                number_cell(report.total.jobs),
                number_cell(report.total.on_time),
                number_cell(report.total.jobs - report.total.on_time),
                percent_cell(report.total.on_time_percent),
            ],
            note=ngettext(
                "%(count)d job finished without a due date is not counted.",
                "%(count)d jobs finished without a due date are not counted.",
                report.without_due_date,
            )
            % {"count": report.without_due_date}
            if report.without_due_date
            else "",
            chart={
                "labels": [formats.date_format(row.month_start, "M Y") for row in report.months],
                "datasets": [
                    bar_dataset(
                        gettext("On time"), [row.on_time for row in report.months], "#22c55e"
                    ),
                    bar_dataset(
                        gettext("Late"),
                        [row.jobs - row.on_time for row in report.months],
                        "#ef4444",
                    ),
                ],
            },
            chart_options=chart_options(stacked=True),
        )
        customers = Section(
            key="customers",
            title=gettext("Per customer, most late jobs first"),
            columns=[Column(gettext("Customer")), *columns],
            rows=[
                [
                    text_cell(row.name),
                    number_cell(row.jobs),
                    number_cell(row.on_time),
                    number_cell(row.late),
                    percent_cell(row.on_time_percent),
                ]
                for row in report.customers
            ],
            note=ngettext(
                "%(count)d more customer is not shown.",
                "%(count)d more customers are not shown.",
                report.more_customers,
            )
            % {"count": report.more_customers}
            if report.more_customers
            else "",
        )
        return [months, customers]
