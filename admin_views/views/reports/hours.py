"""Report: hours logged against hours estimated, per job, per worker and per item kind (R2)."""

from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from admin_views.views.reports.base import (
    Column,
    ReportPage,
    Section,
    number_cell,
    percent_cell,
    text_cell,
)
from powdercoat.charts import bar_dataset, chart_options
from powdercoat.reports import Period
from powdercoat.reports.hours import hours_report


def _figures(estimated, actual, difference, percent) -> list:
    return [
        number_cell(estimated, places=2),
        number_cell(actual, places=2),
        number_cell(difference, places=2),
        percent_cell(percent, signed=True),
    ]


class HoursReport(ReportPage):
    """Are the estimates right? Jobs finished in the period, their estimate against the clock."""

    title = _("Hours: actual against estimated")
    slug = "hours"
    icon = "schedule"
    description = _(
        "Jobs that were completed in the period: the hours estimated on the job against every "
        "hour logged on it. Jobs without an estimate are listed but not compared."
    )
    permission_required = ("powdercoat.view_job", "powdercoat.view_timeentry")

    def sections(self, period: Period) -> list[Section]:
        """Per job (furthest over first), per worker, per item kind."""
        report = hours_report(period=period)
        figure_columns = [
            Column(gettext("Estimated (h)"), numeric=True),
            Column(gettext("Actual (h)"), numeric=True),
            Column(gettext("Difference (h)"), numeric=True),
            Column(gettext("Over / under"), numeric=True),
        ]
        totals = _figures(report.estimated, report.actual, report.difference, report.percent)
        jobs = Section(
            key="jobs",
            title=gettext("Per job, furthest over the estimate first"),
            columns=[Column(gettext("Job")), Column(gettext("Customer")), *figure_columns],
            rows=[
                [
                    text_cell(
                        row.number, url=reverse("admin:powdercoat_job_change", args=[row.job_id])
                    ),
                    text_cell(row.customer_name),
                    *_figures(row.estimated, row.actual, row.difference, row.percent),
                ]
                for row in report.jobs
            ],
            totals=[text_cell(gettext("Jobs with an estimate")), text_cell(""), *totals],
            note=" ".join(
                part
                for part in (
                    gettext("%(shown)d of %(count)d jobs shown.")
                    % {"shown": len(report.jobs), "count": report.job_count}
                    if report.job_count > len(report.jobs)
                    else "",
                    ngettext(
                        "%(count)d job had no estimate (%(hours)s h logged).",
                        "%(count)d jobs had no estimate (%(hours)s h logged).",
                        report.jobs_without_estimate,
                    )
                    % {
                        "count": report.jobs_without_estimate,
                        "hours": report.hours_without_estimate,
                    }
                    if report.jobs_without_estimate
                    else "",
                )
                if part
            ),
        )
        workers = Section(
            key="workers",
            title=gettext("Per worker"),
            description=gettext(
                "A worker's estimate is their part of each job's estimate, in proportion to "
                "the hours they logged on it."
            ),
            columns=[
                Column(gettext("Worker")),
                *figure_columns,
                Column(gettext("On jobs without estimate (h)"), numeric=True),
            ],
            rows=[
                [
                    text_cell(row.name),
                    *_figures(row.estimated, row.actual, row.difference, row.percent),
                    number_cell(row.hours_without_estimate, places=2),
                ]
                for row in report.workers
            ],
            chart={
                "labels": [row.name for row in report.workers],
                "datasets": [
                    bar_dataset(
                        gettext("Estimated (h)"),
                        [float(row.estimated or 0) for row in report.workers],
                        "#cbd5e1",
                    ),
                    bar_dataset(
                        gettext("Actual (h)"),
                        [float(row.actual) for row in report.workers],
                        "#7c3aed",
                    ),
                ],
            }
            if report.workers
            else None,
            chart_options=chart_options(whole_numbers=False),
        )
        kinds = Section(
            key="kinds",
            title=gettext("Per item kind"),
            description=gettext(
                "A job counts under the kind all its items share, under Mixed when they differ."
            ),
            columns=[
                Column(gettext("Item kind")),
                Column(gettext("Jobs"), numeric=True),
                *figure_columns,
            ],
            rows=[
                [
                    text_cell(row.label),
                    number_cell(row.jobs),
                    *_figures(row.estimated, row.actual, row.difference, row.percent),
                ]
                for row in report.kinds
            ],
        )
        return [jobs, workers, kinds]
