"""Report: powder estimated against powder logged, per powder and per job, and usage by month."""

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext
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
from powdercoat.reports.powder import CoverageBasis, powder_report

COVERAGE_BASIS_WORDS = {
    CoverageBasis.TYPED_RATE: _("typed on the powder"),
    CoverageBasis.GRAVITY_AND_FILM: _("from gravity and film"),
    CoverageBasis.SHOP_DEFAULT: _("shop default"),
}


def _lbs(value, **kwargs):
    return number_cell(value, places=2, **kwargs)


class PowderReport(ReportPage):
    """Are the coverage and transfer-efficiency figures right? Logged against estimated."""

    title = _("Powder: estimated against logged")
    slug = "powder"
    icon = "format_color_fill"
    description = _(
        "Jobs completed in the period: the pounds their coats were estimated to need against "
        "the pounds logged on them. A powder that keeps coming out over says its coverage or "
        "transfer efficiency is set too high."
    )
    permission_required = ("powdercoat.view_job", "powdercoat.view_inventoryitem")

    def sections(self, period: Period) -> list[Section]:
        """Per powder, per job (largest difference first), and usage month by month."""
        report = powder_report(period=period)
        figures = [
            Column(gettext("Estimated (lb)"), numeric=True),
            Column(gettext("Logged (lb)"), numeric=True),
            Column(gettext("Difference (lb)"), numeric=True),
            Column(gettext("Over / under"), numeric=True),
        ]
        powders = Section(
            key="powders",
            title=gettext("Per powder"),
            columns=[
                Column(gettext("Powder")),
                Column(gettext("Coverage (sq ft/lb)"), numeric=True),
                Column(gettext("Transfer efficiency"), numeric=True),
                Column(gettext("Jobs"), numeric=True),
                *figures,
            ],
            rows=[
                [
                    text_cell(
                        row.powder,
                        url=reverse("admin:powdercoat_inventoryitem_change", args=[row.powder_id]),
                    ),
                    text_cell(
                        f"{formats.number_format(row.coverage_sqft_per_lb, 2)} "
                        f"({COVERAGE_BASIS_WORDS[row.coverage_basis]})"
                    ),
                    text_cell(
                        f"{formats.number_format(row.efficiency_percent, 0)} %"
                        + (
                            f" ({gettext('shop default')})"
                            if row.efficiency_is_shop_default
                            else ""
                        )
                    ),
                    number_cell(row.jobs_count),
                    _lbs(row.estimated_lbs),
                    _lbs(row.logged_lbs),
                    _lbs(row.difference_lbs),
                    percent_cell(row.percent, signed=True),
                ]
                for row in report.powders
            ],
            totals=[
                text_cell(gettext("All powders")),
                text_cell(""),
                text_cell(""),
                text_cell(""),
                _lbs(report.estimated_lbs),
                _lbs(report.logged_lbs),
                _lbs(report.difference_lbs),
                percent_cell(report.percent, signed=True),
            ],
            chart={
                "labels": [row.powder for row in report.powders],
                "datasets": [
                    bar_dataset(
                        gettext("Estimated (lb)"),
                        [float(row.estimated_lbs) for row in report.powders],
                        "#cbd5e1",
                    ),
                    bar_dataset(
                        gettext("Logged (lb)"),
                        [float(row.logged_lbs) for row in report.powders],
                        "#7c3aed",
                    ),
                ],
            }
            if report.powders
            else None,
            chart_options=chart_options(whole_numbers=False),
        )
        jobs = Section(
            key="jobs",
            title=gettext("Per job, largest difference first"),
            columns=[Column(gettext("Job")), Column(gettext("Customer")), *figures],
            rows=[
                [
                    text_cell(
                        row.number, url=reverse("admin:powdercoat_job_change", args=[row.job_id])
                    ),
                    text_cell(row.customer),
                    _lbs(row.estimated_lbs),
                    _lbs(row.logged_lbs),
                    _lbs(row.difference_lbs),
                    percent_cell(row.percent, signed=True),
                ]
                for row in report.jobs
            ],
            note=gettext("%(shown)d of %(count)d jobs shown.")
            % {"shown": len(report.jobs), "count": report.jobs_count}
            if report.jobs_count > len(report.jobs)
            else "",
        )
        months = Section(
            key="months",
            title=gettext("Powder used, month by month"),
            description=gettext("Every usage logged in the month, whatever the job's stage."),
            columns=[
                Column(gettext("Month")),
                Column(gettext("Powder")),
                Column(gettext("Used (lb)"), numeric=True),
            ],
            rows=[
                [date_cell(month.month, month=True), text_cell(part.powder), _lbs(part.lbs)]
                for month in report.months
                for part in month.powders
            ],
            chart={
                "labels": [formats.date_format(month.month, "M Y") for month in report.months],
                "datasets": [
                    bar_dataset(
                        gettext("Used (lb)"),
                        [float(month.total_lbs) for month in report.months],
                        "#7c3aed",
                    )
                ],
            }
            if any(month.total_lbs for month in report.months)
            else None,
            chart_options=chart_options(legend=False, whole_numbers=False),
        )
        return [powders, jobs, months]
