"""The tabs above admin lists (unfold's TABS setting points here)."""

from django.urls import reverse

from powdercoat.admin.filters import JOB_VIEW_PARAM, JOB_VIEW_TABS, JOB_VIEWS, job_view_of


def _job_view_tab(key: str, label) -> dict:
    def link(request) -> str:
        return f"{reverse('admin:powdercoat_job_changelist')}?{JOB_VIEW_PARAM}={key}"

    def active(request) -> bool:
        return (
            request.path == reverse("admin:powdercoat_job_changelist")
            and job_view_of(request) == key
        )

    return {"title": label, "link": link, "active": active}


def tabs(request) -> list[dict]:
    """Quick filter tabs of the jobs list: All / On Floor / Due Today / Overdue / Ready / ..."""
    return [
        {
            "models": ["powdercoat.job"],
            "items": [_job_view_tab(key, JOB_VIEWS[key][0]) for key in JOB_VIEW_TABS],
        }
    ]
