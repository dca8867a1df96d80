"""The tabs above admin lists (unfold's TABS setting points here)."""

from django.contrib.admin.views.main import PAGE_VAR
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.functional import lazy
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString

from powdercoat.admin.filters import JOB_VIEW_PARAM, JOB_VIEW_TABS, JOB_VIEWS, job_view_of

# Where the jobs list leaves its tab counts for the tabs drawn after it (JobAdmin.changelist_view).
JOB_VIEW_COUNTS_ATTRIBUTE = "job_view_counts"


def _job_view_tab(request, key: str, label) -> dict:
    def link(request) -> str:
        # A tab keeps the search and filters, and starts again at page 1.
        kept = [
            (name, value)
            for name, values in request.GET.lists()
            if name not in {JOB_VIEW_PARAM, PAGE_VAR}
            for value in values
        ]
        query = urlencode([(JOB_VIEW_PARAM, key), *kept])
        return f"{reverse('admin:powdercoat_job_changelist')}?{query}"

    def active(request) -> bool:
        return (
            request.path == reverse("admin:powdercoat_job_changelist")
            and job_view_of(request) == key
        )

    def title(request) -> str:
        # Read when the tabs are drawn, after the list has counted its tabs.
        count = getattr(request, JOB_VIEW_COUNTS_ATTRIBUTE, {}).get(key)
        if count is None:
            return format_html("{}", label)
        return format_html(
            '{} <span class="pc-tab-count" data-count="{}">{}</span>',
            label,
            count,
            number_format(count, force_grouping=True),
        )

    return {"title": lazy(title, SafeString)(request), "link": link, "active": active}


def tabs(request) -> list[dict]:
    """Quick filter tabs of the jobs list: All / On Floor / Due Today / Overdue / Ready / ...,
    each with how many jobs it holds."""
    return [
        {
            "models": ["powdercoat.job"],
            "items": [_job_view_tab(request, key, JOB_VIEWS[key][0]) for key in JOB_VIEW_TABS],
        }
    ]
