"""Report: invoiced and collected per month and per customer, with days to pay (SPEC R2)."""

from django.urls import reverse
from django.utils import formats
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
from powdercoat.charts import bar_dataset, chart_options
from powdercoat.reports import Period
from powdercoat.reports.revenue import RevenueFigures, revenue_report


def _figures(row: RevenueFigures) -> list:
    return [
        number_cell(row.invoices_count),
        money_cell(row.invoiced),
        money_cell(row.collected),
        money_cell(row.outstanding),
        number_cell(row.average_days_to_pay, places=1),
    ]


class RevenueReport(ReportPage):
    """What was billed, what came in, and how long customers take to pay."""

    title = _("Revenue")
    slug = "revenue"
    icon = "payments"
    description = _(
        "Invoiced: invoices dated in the period, voided ones left out. Collected: payments "
        "received in the period, on any invoice. Outstanding: what is still owed today on the "
        "period's invoices. Days to pay: from the invoice date to its last payment, for the "
        "period's invoices now paid."
    )
    permission_required = ("powdercoat.view_invoice", "powdercoat.view_prices")

    def sections(self, period: Period) -> list[Section]:
        """Per month with a chart, then per customer, largest invoiced first."""
        report = revenue_report(period=period)
        columns = [
            Column(gettext("Invoices"), numeric=True),
            Column(gettext("Invoiced"), numeric=True),
            Column(gettext("Collected"), numeric=True),
            Column(gettext("Outstanding"), numeric=True),
            Column(gettext("Average days to pay"), numeric=True),
        ]
        months = Section(
            key="months",
            title=gettext("Per month"),
            columns=[Column(gettext("Month")), *columns],
            rows=[[date_cell(row.month, month=True), *_figures(row)] for row in report.months],
            totals=[text_cell(gettext("Period")), *_figures(report.totals)],
            chart={
                "labels": [formats.date_format(row.month, "M Y") for row in report.months],
                "datasets": [
                    bar_dataset(
                        gettext("Invoiced"),
                        [float(row.invoiced) for row in report.months],
                        "#a78bfa",
                    ),
                    bar_dataset(
                        gettext("Collected"),
                        [float(row.collected) for row in report.months],
                        "#22c55e",
                    ),
                ],
            },
            chart_options=chart_options(whole_numbers=False),
        )
        customers = Section(
            key="customers",
            title=gettext("Per customer, largest invoiced first"),
            columns=[Column(gettext("Customer")), *columns],
            rows=[
                [
                    text_cell(
                        row.customer,
                        url=reverse("admin:powdercoat_customer_change", args=[row.customer_id]),
                    ),
                    *_figures(row),
                ]
                for row in report.customers
            ],
            note=gettext("%(count)d more customers are not shown.")
            % {"count": report.other_customers_count}
            if report.other_customers_count
            else "",
        )
        return [months, customers]
