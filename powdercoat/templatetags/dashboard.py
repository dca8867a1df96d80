"""Template tags of the admin dashboard: the notice of Urgent and Rush jobs (SPEC J5)."""

from django import template
from django.urls import reverse

from powdercoat import badges
from powdercoat.models import Job
from powdercoat.models.choices import Priority

register = template.Library()

# The notice lists this many jobs at most; the jobs list has the rest.
NOTICE_LIMIT = 10


@register.inclusion_tag("admin/powdercoat/job/urgent_notice.html", takes_context=True)
def urgent_jobs_notice(context) -> dict:
    """Active Urgent and Rush jobs, most pressing first, for office staff and supervisors.

    One query whatever the number of jobs; Shop Floor (who may not change jobs) sees nothing.
    """
    request = context.get("request")
    if request is None or not request.user.has_perm("powdercoat.change_job"):
        return {"rows": []}
    jobs = list(
        Job.objects.active()
        .filter(priority__gte=Priority.URGENT)
        .select_related("customer")
        .order_by("-priority", "due_date", "number")[: NOTICE_LIMIT + 1]
    )
    rows = [
        {
            "number": job.number,
            "customer": job.customer.display_name,
            "priority": badges.priority_badge(job.priority),
            "status": badges.status_badge(job.status),
            "due": badges.due_date_label(job.due_date, overdue=job.is_overdue),
            "url": reverse("admin:powdercoat_job_change", args=[job.pk]),
        }
        for job in jobs[:NOTICE_LIMIT]
    ]
    list_url = reverse("admin:powdercoat_job_changelist")
    return {
        "rows": rows,
        "more": len(jobs) > NOTICE_LIMIT,
        "list_url": f"{list_url}?view=all&priority__gte={Priority.URGENT.value}",
    }
