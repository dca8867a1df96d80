"""Report: how long jobs stay in each stage, average and 90th percentile, per week (SPEC R2)."""

from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from admin_views.views.reports.base import (
    Cell,
    Column,
    ReportPage,
    Section,
    date_cell,
    number_cell,
    text_cell,
)
from powdercoat.charts import FAMILY_COLOURS, bar_dataset, chart_options
from powdercoat.models.choices import STATUS_FAMILY
from powdercoat.reports import Period
from powdercoat.reports.stage_times import stage_times


class StageTimesReport(ReportPage):
    """Where the work piles up: the stage with the longest stays is the bottleneck."""

    title = _("Time in each stage")
    slug = "stage-times"
    icon = "hourglass_top"
    description = _(
        "How long jobs stay in each stage, from the status timeline: from entering a stage to "
        "leaving it, time on hold left out. A stay counts in the week it ended."
    )
    permission_required = ("powdercoat.view_job",)
    default_weeks = 12
    default_months = None

    def sections(self, period: Period) -> list[Section]:
        """The stages over the whole period, then each week's."""
        times = stage_times(period=period)
        columns = [
            Column(gettext("Stage")),
            Column(gettext("Stays"), numeric=True),
            Column(gettext("Average (h)"), numeric=True),
            Column(gettext("90th percentile (h)"), numeric=True),
        ]
        overall = Section(
            key="stages",
            title=gettext("Each stage over the period"),
            description=gettext(
                "9 in 10 stays were at most the 90th percentile; a long one next to a short "
                "average means a few jobs stuck there."
            ),
            columns=columns,
            rows=[
                [
                    text_cell(row.label),
                    number_cell(row.stays),
                    number_cell(row.average_hours, places=1),
                    number_cell(row.p90_hours, places=1),
                ]
                for row in times.stages
            ],
            chart={
                "labels": [str(row.label) for row in times.stages],
                "datasets": [
                    bar_dataset(
                        gettext("Average (h)"),
                        [float(row.average_hours) for row in times.stages],
                        [FAMILY_COLOURS[STATUS_FAMILY[row.stage]] for row in times.stages],
                    ),
                    bar_dataset(
                        gettext("90th percentile (h)"),
                        [float(row.p90_hours) for row in times.stages],
                        "#cbd5e1",
                    ),
                ],
            },
            chart_options=chart_options(whole_numbers=False),
        )
        weeks = sorted({row.week_start for row in times.weeks})
        stages = list(times.stages)
        by_week = {(row.week_start, row.stage): row for row in times.weeks}

        def week_cell(week, stage) -> Cell:
            row = by_week.get((week, stage))
            if row is None:
                return text_cell("")
            text = f"{formats.number_format(row.average_hours, 1)} / "
            text += formats.number_format(row.p90_hours, 1)
            return Cell(text, row.average_hours)

        weekly = Section(
            key="weeks",
            title=gettext("Each stage, week by week"),
            description=gettext(
                "Average / 90th percentile in hours, of the stays that ended that week. Weeks "
                "start on Monday. The chart shows each stage's average; the download has one "
                "row per week and stage, with the number of stays."
            ),
            columns=[Column(gettext("Week of")), *[Column(s.label, numeric=True) for s in stages]],
            rows=[
                [date_cell(week), *[week_cell(week, stage.stage) for stage in stages]]
                for week in weeks
            ],
            export_columns=[Column(gettext("Week of")), *columns],
            export_rows=[
                [
                    date_cell(row.week_start),
                    text_cell(row.label),
                    number_cell(row.stays),
                    number_cell(row.average_hours, places=1),
                    number_cell(row.p90_hours, places=1),
                ]
                for row in times.weeks
            ],
            chart={
                "labels": [formats.date_format(week, "M j") for week in weeks],
                "datasets": [
                    {
                        "label": str(stage.label),
                        "data": [
                            float(by_week[week, stage.stage].average_hours)
                            if (week, stage.stage) in by_week
                            else None
                            for week in weeks
                        ],
                        "borderColor": FAMILY_COLOURS[STATUS_FAMILY[stage.stage]],
                        "backgroundColor": FAMILY_COLOURS[STATUS_FAMILY[stage.stage]],
                        "spanGaps": True,
                    }
                    for stage in stages
                ],
            }
            if len(weeks) > 1
            else None,
            chart_type="line",
            chart_options=chart_options(whole_numbers=False),
        )
        return [overall, weekly]
