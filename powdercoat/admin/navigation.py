"""The tabs above admin lists (unfold's TABS setting points here)."""

from django.urls import reverse

from powdercoat.admin.filters import JOB_VIEW_PARAM, JOB_VIEWS, job_view_of


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
    """Quick filter tabs of the jobs list: All / On Floor / Overdue / Ready / Completed."""
    return [
        {
            "models": ["powdercoat.job"],
            "items": [_job_view_tab(key, label) for key, (label, _query) in JOB_VIEWS.items()],
        }
    ]
