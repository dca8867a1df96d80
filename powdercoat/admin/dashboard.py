"""The admin home (unfold's DASHBOARD_CALLBACK): the shop's morning at a glance (SPEC R1, R3).

Every figure links to the list behind it, filtered so that the list counts the same jobs,
invoices or powders. Money shows only to people who may see prices; a card shows only to
people who may open its list.
"""

import json
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from powdercoat import badges
from powdercoat.admin.filters import JOB_VIEW_PARAM
from powdercoat.admin.mixins import can_see_prices
from powdercoat.admin.reworks import rework_list_url
from powdercoat.charts import FAMILY_COLOURS, bar_dataset, chart_options
from powdercoat.formatting import amount_text, money_text
from powdercoat.models import CompanySettings
from powdercoat.models.choices import STATUS_FAMILY, InventoryCategory, Priority, QuoteStatus
from powdercoat.reports import dashboard as figures
from powdercoat.reports import month_end, month_start
from powdercoat.selectors import powder_demand_report


@dataclass
class Figure:
    """One number on the dashboard, what it counts, and the list that shows the same rows."""

    key: str
    label: str
    value: str
    url: str
    note: str = ""
    tone: str = ""  # "alert" when the number asks for action, "" otherwise
    rows: list[dict] = field(default_factory=list)


def _jobs_url(**params) -> str:
    return f"{reverse('admin:powdercoat_job_changelist')}?{urlencode(params)}"


def _changelist(model: str, **params) -> str:
    url = reverse(f"admin:powdercoat_{model}_changelist")
    return f"{url}?{urlencode(params)}" if params else url


def _days(count: int) -> str:
    return ngettext("%(count)d day", "%(count)d days", count) % {"count": count}


def _work_figures(today) -> tuple[list[Figure], figures.WorkFigures]:
    work = figures.work_figures(today=today)
    waiting = figures.jobs_waiting_longest()
    longest = waiting[0].days_waiting if waiting else None
    return [
        Figure(
            key="active",
            label=_("Active jobs"),
            value=str(work.active),
            url=_jobs_url(**{JOB_VIEW_PARAM: "open"}),
            note=_("Not yet completed, on hold included"),
        ),
        Figure(
            key="due_today",
            label=_("Due today"),
            value=str(work.due_today),
            url=_jobs_url(**{JOB_VIEW_PARAM: "due_today"}),
            note=_("Still being worked on"),
            tone="alert" if work.due_today else "",
        ),
        Figure(
            key="overdue",
            label=_("Overdue"),
            value=str(work.overdue),
            url=_jobs_url(**{JOB_VIEW_PARAM: "overdue"}),
            note=_("Past their due date, work not finished"),
            tone="alert" if work.overdue else "",
        ),
        Figure(
            key="urgent",
            label=_("Rush and Urgent"),
            value=str(work.urgent_or_rush),
            url=_jobs_url(**{JOB_VIEW_PARAM: "open", "priority__gte": Priority.URGENT.value}),
            note=_("Active jobs at Urgent or Rush"),
            tone="alert" if work.urgent_or_rush else "",
        ),
        Figure(
            key="ready",
            label=_("Ready for pickup"),
            value=str(work.ready_for_pickup),
            url=_jobs_url(**{JOB_VIEW_PARAM: "ready"}),
            note=(
                _("Longest waiting: %(days)s") % {"days": _days(longest)}
                if longest is not None
                else _("Nothing waiting for the customer")
            ),
            rows=[
                {
                    "number": row.job.number,
                    "url": reverse("admin:powdercoat_job_change", args=[row.job.pk]),
                    "text": row.job.customer.display_name,
                    "detail": _days(row.days_waiting) if row.days_waiting is not None else "",
                }
                for row in waiting
            ],
        ),
    ], work


def _stock_figures(company) -> list[Figure]:
    low = list(figures.low_stock_powders()[: figures.SHORT_LIST])
    low_count = figures.low_stock_powders().count()
    groups = powder_demand_report(company=company)
    short_rows = [row for group in groups for row in group.rows if row.is_short]
    short_lbs = sum((row.shortfall for row in short_rows), figures.ZERO)
    return [
        Figure(
            key="low_stock",
            label=_("Low-stock powders"),
            value=str(low_count),
            url=_changelist(
                "inventoryitem",
                stock="low",
                category__exact=InventoryCategory.POWDER.value,
                is_active__exact=1,
            ),
            note=_("At or below their reorder point"),
            tone="alert" if low_count else "",
            rows=[
                {
                    "number": powder.name,
                    "url": reverse("admin:powdercoat_inventoryitem_change", args=[powder.pk]),
                    "text": powder.vendor,
                    "detail": amount_text(powder.quantity_on_hand, powder.unit),
                }
                for powder in low
            ],
        ),
        Figure(
            key="shortfall",
            label=_("Powders short for active jobs"),
            value=str(len(short_rows)),
            url=reverse("admin:powdercoat_inventoryitem_demand"),
            note=(
                _("%(lbs)s lb to order") % {"lbs": amount_text(short_lbs)}
                if short_rows
                else _("The shelf covers every active job")
            ),
            tone="alert" if short_rows else "",
        ),
    ]


def _money_figures(today) -> list[Figure]:
    money = figures.money_figures(today=today)
    first_day, last_day = money.month_start.isoformat(), month_end(today).isoformat()
    month_params = {"invoice_date_from": first_day, "invoice_date_to": last_day}
    return [
        Figure(
            key="invoiced",
            label=_("Invoiced this month"),
            value=money_text(money.invoiced),
            url=_changelist("invoice", owing="live", **month_params),
            note=ngettext("%(count)d invoice", "%(count)d invoices", money.invoices)
            % {"count": money.invoices},
        ),
        Figure(
            key="collected",
            label=_("Collected this month"),
            value=money_text(money.collected),
            url=_changelist(
                "invoice",
                payments__paid_on_from=first_day,
                payments__paid_on_to=last_day,
            ),
            note=ngettext(
                "Paid into %(count)d invoice",
                "Paid into %(count)d invoices",
                money.invoices_paid_into,
            )
            % {"count": money.invoices_paid_into},
        ),
        Figure(
            key="outstanding",
            label=_("Outstanding"),
            value=money_text(money.outstanding),
            url=_changelist("invoice", owing="unpaid"),
            note=ngettext(
                "%(count)d unpaid invoice", "%(count)d unpaid invoices", money.unpaid_invoices
            )
            % {"count": money.unpaid_invoices},
            tone="alert" if money.outstanding else "",
            rows=[
                {
                    "number": invoice.number,
                    "url": reverse("admin:powdercoat_invoice_change", args=[invoice.pk]),
                    "text": invoice.customer.display_name,
                    "detail": _("%(amount)s, due %(due)s")
                    % {
                        "amount": money_text(invoice.balance),
                        "due": formats.date_format(invoice.due_date),
                    },
                    "late": invoice.due_date < today,
                }
                for invoice in money.oldest_unpaid
            ],
        ),
    ]


def _stage_chart(work: figures.WorkFigures) -> str:
    stages = [row for row in work.by_stage if row.jobs]
    return json.dumps(
        {
            "labels": [str(row.label) for row in stages],
            "datasets": [
                {
                    "label": _("Jobs"),
                    "data": [row.jobs for row in stages],
                    "backgroundColor": [FAMILY_COLOURS[STATUS_FAMILY[row.stage]] for row in stages],
                }
            ],
        }
    )


def _weekly_chart(today) -> tuple[str, list[figures.WeekBar]]:
    bars = figures.weekly_intake_and_completion(today=today)
    chart = json.dumps(
        {
            "labels": [formats.date_format(bar.week_start, "M j") for bar in bars],
            "datasets": [
                bar_dataset(_("Taken in"), [bar.taken_in for bar in bars], "#a78bfa"),
                bar_dataset(_("Completed"), [bar.completed for bar in bars], "#22c55e"),
            ],
        }
    )
    return chart, bars


def _urgent_rows() -> list[dict]:
    rows = []
    for entry in figures.urgent_jobs():
        job = entry.job
        rows.append(
            {
                "number": job.number,
                "url": reverse("admin:powdercoat_job_change", args=[job.pk]),
                "customer": job.customer.display_name,
                "priority": badges.priority_badge(job.priority),
                "status": badges.status_badge(job.status),
                "due": badges.due_date_label(job.due_date, overdue=job.is_overdue),
                "alerts": entry.alerts,
            }
        )
    return rows


def dashboard_callback(request, context: dict) -> dict:
    """The figures, lists and charts of the admin home for this user."""
    user = request.user
    today = timezone.localdate()
    company = CompanySettings.load()
    sections: list[dict] = []
    stage_rows: list[dict] = []
    charts: dict[str, str] = {}
    week_bars: list = []
    if user.has_perm("powdercoat.view_job"):
        work_cards, work = _work_figures(today)
        sections.append({"title": _("Work"), "figures": work_cards})
        stage_rows = [
            {
                "label": row.label,
                "jobs": row.jobs,
                "url": _jobs_url(**{JOB_VIEW_PARAM: "all", "status__exact": row.stage}),
                "badge": badges.status_badge(row.stage),
            }
            for row in work.by_stage
        ]
        charts["stages"] = _stage_chart(work)
        charts["weeks"], week_bars = _weekly_chart(today)
    if user.has_perm("powdercoat.view_inventoryitem"):
        sections.append({"title": _("Powder"), "figures": _stock_figures(company)})
    office: list[Figure] = []
    if user.has_perm("powdercoat.view_quote"):
        quotes = figures.quotes_awaiting_answer().count()
        office.append(
            Figure(
                key="quotes",
                label=_("Quotes awaiting an answer"),
                value=str(quotes),
                url=_changelist("quote", status__exact=QuoteStatus.SENT.value),
                note=_("Sent to the customer, not yet approved or rejected"),
            )
        )
    if user.has_perm("powdercoat.view_reworkrecord"):
        period = figures.rework_period(today=today)
        reworks = figures.recent_reworks(today=today).count()
        office.append(
            Figure(
                key="rework",
                label=_("Rework, last 30 days"),
                value=str(reworks),
                url=rework_list_url(first_day=period.first_day, last_day=period.last_day),
                note=_("Since %(day)s") % {"day": formats.date_format(period.first_day)},
                tone="alert" if reworks else "",
            )
        )
    if office:
        sections.append({"title": _("Quotes and quality"), "figures": office})
    if can_see_prices(request) and user.has_perm("powdercoat.view_invoice"):
        sections.append(
            {
                "title": _("Money, %(month)s")
                % {"month": formats.date_format(month_start(today), "F Y")},
                "figures": _money_figures(today),
            }
        )
    urgent = _urgent_rows() if user.has_perm("powdercoat.change_job") else []
    context.update(
        {
            "title": _("Today at %(shop)s") % {"shop": company.name}
            if company.name
            else _("Today in the shop"),
            "dashboard": {
                "today": today,
                "sections": sections,
                "stage_rows": stage_rows,
                "charts": charts,
                "chart_options": chart_options(legend=False),
                "weekly_chart_options": chart_options(),
                "week_bars": week_bars,
                "urgent": urgent,
                "urgent_more_url": _jobs_url(
                    **{JOB_VIEW_PARAM: "open", "priority__gte": Priority.URGENT.value}
                ),
            },
        }
    )
    return context
