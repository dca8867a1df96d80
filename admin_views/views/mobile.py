"""Shop Mobile: the phone view of the jobs in the shop, with the big Advance button (SPEC S3).

Active jobs by stage (workflow order, On Hold last), soonest due first inside a stage: the first
few of each stage, then a link to the whole stage (`?stage=coating`, a page at a time), so the
page costs the same with 100 active jobs or 2,000. Worker chips filter to one person's jobs
with `?worker=<id>` (plain links, so they work without JavaScript). The list re-reads itself
every 60 seconds while the pulsing "Live" dot is on.
Advance (or Resume, for a job on hold) posts to `/jobs/<number>/advance/`; the card comes back
showing the new stage, or the reason nothing changed.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from admin_views.views.shop_common import (
    SOONEST_DUE_FIRST,
    StageGroup,
    company_of,
    job_cards,
    job_cards_by,
    job_move_pressed,
    shop_login_required,
    stage_groups,
)
from powdercoat.models import Job, Worker
from powdercoat.models.choices import ACTIVE_STAGES, JobStatus

# Seconds between two refreshes of the list.
REFRESH_SECONDS = 60
# Cards per stage on the list of all stages; the rest are one tap away on the stage's page.
CARDS_PER_STAGE = 10
# Cards per page of one stage.
CARDS_PER_PAGE = 40


def _selected_worker(request) -> int | None:
    """The worker id of `?worker=`, or None for everyone (a bad or huge value means everyone)."""
    text = request.GET.get("worker", "")
    # A database id has at most 18 digits; anything longer would overflow the query.
    if not text.isdigit() or len(text) > 18:
        return None
    return int(text)


def _selected_stage(request) -> JobStatus | None:
    """The active stage of `?stage=`, or None for all stages (anything else means all)."""
    text = request.GET.get("stage", "")
    return JobStatus(text) if text in ACTIVE_STAGES else None


def _list_context(request) -> dict:
    """The stage groups of cards, for everyone or one worker, all stages or one (seven
    queries at most, whatever the number of active jobs)."""
    worker_id = _selected_worker(request)
    stage = _selected_stage(request)
    company = company_of(request)
    jobs = Job.objects.active()
    if worker_id is not None:
        jobs = jobs.filter(assigned_workers=worker_id)
    page = None
    if stage is None:
        by_stage = job_cards_by(
            jobs,
            field="status",
            order_by=SOONEST_DUE_FIRST,
            limit=CARDS_PER_STAGE,
            company=company,
            moves_for=request.user,
        )
        groups = stage_groups(by_stage)
        job_count = sum(by_stage.totals.values())
    else:
        pages = Paginator(jobs.filter(status=stage).order_by(*SOONEST_DUE_FIRST), CARDS_PER_PAGE)
        page = pages.get_page(request.GET.get("page"))
        cards = job_cards(page.object_list, company=company, moves_for=request.user)
        groups = [StageGroup(stage, cards, total=pages.count)] if pages.count else []
        job_count = pages.count
    return {
        "groups": groups,
        "job_count": job_count,
        "worker_id": worker_id,
        "stage": stage,
        "page": page,
        "updated_at": timezone.localtime(),
        "list_url": _url(
            "admin_views:shop_mobile_list",
            worker_id,
            stage=stage,
            page=page.number if page is not None else None,
        ),
        # What the stage's Previous and Next links keep.
        "page_query": _query(stage=stage, worker=worker_id),
        "refresh_seconds": REFRESH_SECONDS,
    }


def _query(**params) -> str:
    """A query string of the params that have a value."""
    return urlencode({key: value for key, value in params.items() if value is not None})


def _url(name: str, worker_id: int | None, **more) -> str:
    """The page's address with the worker, stage and page kept in the query string."""
    query = _query(worker=worker_id, **more)
    return f"{reverse(name)}?{query}" if query else reverse(name)


def _chips(request, worker_id: int | None, stage: JobStatus | None) -> list[dict]:
    """ "All", then each active worker with active jobs; the person's own chip comes first."""
    workers = list(
        Worker.objects.active()
        .filter(jobs__status__in=ACTIVE_STAGES)
        .distinct()
        .order_by("name")
        .only("id", "name", "user_id")
    )
    workers.sort(key=lambda worker: worker.user_id != request.user.pk)
    everyone = _url("admin_views:shop_mobile", None, stage=stage)
    chips = [{"label": "All", "url": everyone, "on": worker_id is None}]
    chips += [
        {
            "label": worker.name,
            "url": _url("admin_views:shop_mobile", worker.pk, stage=stage),
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
    chips = _chips(request, context["worker_id"], context["stage"])
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
