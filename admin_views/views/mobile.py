"""Shop Mobile: the phone view of the jobs in the shop, with the big Advance button (SPEC S3).

Active jobs by stage (workflow order, On Hold last), soonest due first inside a stage. Worker
chips filter to one person's jobs with `?worker=<id>` (plain links, so they work without
JavaScript). The list re-reads itself every 60 seconds while the pulsing "Live" dot is on.
Advance (or Resume, for a job on hold) posts to `/jobs/<number>/advance/`; the card comes back
showing the new stage, or the reason nothing changed.
"""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from admin_views.views.shop_common import (
    by_due_date,
    company_of,
    group_by_stage,
    job_cards,
    job_move_pressed,
    shop_login_required,
)
from powdercoat.models import Job, Worker
from powdercoat.models.choices import ACTIVE_STAGES

# Seconds between two refreshes of the list.
REFRESH_SECONDS = 60


def _selected_worker(request) -> int | None:
    """The worker id of `?worker=`, or None for everyone (a bad or huge value means everyone)."""
    text = request.GET.get("worker", "")
    # A database id has at most 18 digits; anything longer would overflow the query.
    if not text.isdigit() or len(text) > 18:
        return None
    return int(text)


def _list_context(request) -> dict:
    """The stage groups of cards, for everyone or one worker (six queries at most)."""
    worker_id = _selected_worker(request)
    jobs = Job.objects.active()
    if worker_id is not None:
        jobs = jobs.filter(assigned_workers=worker_id)
    cards = sorted(
        job_cards(jobs, company=company_of(request), moves_for=request.user), key=by_due_date
    )
    return {
        "groups": group_by_stage(cards),
        "job_count": len(cards),
        "worker_id": worker_id,
        "updated_at": timezone.localtime(),
        "list_url": _url("admin_views:shop_mobile_list", worker_id),
        "refresh_seconds": REFRESH_SECONDS,
    }


def _url(name: str, worker_id: int | None) -> str:
    url = reverse(name)
    return f"{url}?worker={worker_id}" if worker_id is not None else url


def _chips(request, worker_id: int | None) -> list[dict]:
    """ "All", then each active worker with active jobs; the person's own chip comes first."""
    workers = list(
        Worker.objects.active()
        .filter(jobs__status__in=ACTIVE_STAGES)
        .distinct()
        .order_by("name")
        .only("id", "name", "user_id")
    )
    workers.sort(key=lambda worker: worker.user_id != request.user.pk)
    everyone = _url("admin_views:shop_mobile", None)
    chips = [{"label": "All", "url": everyone, "on": worker_id is None}]
    chips += [
        {
            "label": worker.name,
            "url": _url("admin_views:shop_mobile", worker.pk),
            "on": worker.pk == worker_id,
            "me": worker.user_id == request.user.pk,
        }
        for worker in workers
    ]
    return chips


@require_GET
@shop_login_required
@permission_required("powdercoat.view_job", raise_exception=True)
def shop_mobile(request):
    """The phone page."""
    context = _list_context(request)
    chips = _chips(request, context["worker_id"])
    selected = next((chip for chip in chips[1:] if chip["on"]), None)
    return render(
        request,
        "admin_views/shop/mobile.html",
        {**context, "chips": chips, "selected_worker": selected},
    )


@require_GET
@shop_login_required
@permission_required("powdercoat.view_job", raise_exception=True)
def shop_mobile_list(request):
    """Just the list, for the page's own refresh."""
    return render(request, "admin_views/shop/_mobile_list.html", _list_context(request))


@require_POST
@shop_login_required
@permission_required("powdercoat.view_job", raise_exception=True)
def shop_mobile_advance(request, number: str):
    """Advance (or resume) one job; htmx gets its card back, a plain form goes to the list."""
    job = get_object_or_404(Job, number=number)
    result = job_move_pressed(
        job=job,
        user=request.user,
        move=request.POST.get("move", ""),
        seen_status=request.POST.get("seen_status", ""),
        key=request.POST.get("submission_key", ""),
    )
    if not request.htmx:
        (messages.success if result.done else messages.error)(request, result.message)
        return redirect(f"{reverse('admin_views:shop_mobile')}#job-{job.number}")
    card = job_cards(
        Job.objects.filter(pk=job.pk), company=company_of(request), moves_for=request.user
    )
    return render(
        request,
        "admin_views/shop/_mobile_card.html",
        {
            "card": card[0],
            "result": result,
        },
    )
