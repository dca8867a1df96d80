"""Shop Mobile: the phone view of the jobs on the floor, for one hand and one person (SPEC S3).

The stages are the shop's floor stages (Company settings, the same as the TV), in workflow
order with On Hold last, soonest due first inside a stage: the first few of each stage, then a
link to the whole stage (`?stage=coating`, a page at a time), so the page costs the same with
100 active jobs or 2,000. A jump bar leads to each stage; `?q=` finds a job by number or
customer. Worker chips show one person's jobs (`?worker=<id>`, `?worker=all` for everyone);
the choice is kept for the user, and someone with jobs of their own opens on them.

Advance (or Resume) posts to `/jobs/<number>/advance/` and gets the whole list back, so the
card is already under its new stage, with a note and an Undo that posts to
`/jobs/<number>/undo/` for 10 seconds. The list re-reads itself every 60 seconds while the
"Live" dot is on, sending the fingerprint of what it shows: nothing changed, nothing is sent.
"""

import hashlib
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from admin_views.views.shop_common import (
    SOONEST_DUE_FIRST,
    MoveResult,
    StageGroup,
    company_of,
    floor_jobs,
    job_cards,
    job_cards_by,
    job_move_pressed,
    job_undo_pressed,
    job_url,
    shop_login_required,
    stage_groups,
)
from powdercoat.models import Job, Worker
from powdercoat.models.choices import JobStatus
from powdercoat.services.preferences import phone_worker_remember, phone_worker_remembered

# Seconds between two refreshes of the list.
REFRESH_SECONDS = 60
# Cards per stage on the list of all stages; the rest are one tap away on the stage's page.
# Three keep the first load of a floor of 150 jobs in ten stages under 80 KB of HTML.
CARDS_PER_STAGE = 3
# Cards per page of one stage, or of search results.
CARDS_PER_PAGE = 30
# Seconds the Undo of an advance stays on the phone (the server allows a minute).
UNDO_SECONDS = 10
# This device's copy of the user's chip (the login's record is PhonePreference), so the list
# reads the record once per session, not on every refresh.
WORKER_SESSION_KEY = "shop_mobile_worker"
EVERYONE = "all"
# An advance made without JavaScript, offered for Undo on the page the phone comes back to.
UNDO_OFFER_SESSION_KEY = "shop_mobile_undo_offer"
# A search longer than any job number or customer name is cut here.
SEARCH_MAX_LENGTH = 80


@dataclass(frozen=True)
class ListParams:
    """What the list shows: one worker's jobs or everyone's, one stage or all, a search."""

    worker_id: int | None = None
    stage: JobStatus | None = None
    search: str = ""
    page: str | None = None

    def query(self, **changes) -> str:
        """These params as a query string (`changes` replace some), `worker=all` for everyone."""
        values = {
            "worker": EVERYONE if self.worker_id is None else self.worker_id,
            "stage": self.stage.value if self.stage else None,
            "q": self.search or None,
            "page": self.page,
        }
        values.update(changes)
        return urlencode({key: value for key, value in values.items() if value is not None})


def _worker_id(text: str) -> int | None:
    """A worker id from a query or the session; anything else (a huge value too) is None."""
    # A database id has at most 18 digits; anything longer would overflow the query.
    text = str(text)
    return int(text) if text.isdigit() and len(text) <= 18 else None


def _remembered(request) -> str | None:
    """The chip this user last chose, on this phone or another, or None if they never chose."""
    if WORKER_SESSION_KEY not in request.session:
        chosen, worker_id = phone_worker_remembered(request.user)
        # None: looked up, never chosen; kept too, so the refreshes do not ask again.
        request.session[WORKER_SESSION_KEY] = (
            (EVERYONE if worker_id is None else worker_id) if chosen else None
        )
    value = request.session[WORKER_SESSION_KEY]
    return None if value is None else str(value)


def _params(request, query: QueryDict, floor_stages) -> ListParams:
    """The params of `query`; without a worker, the one this user last chose."""
    worker_text = query.get("worker") or _remembered(request) or EVERYONE
    stage_text = query.get("stage", "")
    stage = JobStatus(stage_text) if stage_text in floor_stages else None
    search = " ".join(query.get("q", "").split())[:SEARCH_MAX_LENGTH]
    return ListParams(
        worker_id=_worker_id(worker_text),
        stage=None if search else stage,
        search=search,
        page=query.get("page") if (stage or search) else None,
    )


def _remember_worker(request, params: ListParams) -> None:
    """Keep the chosen chip for this user's next visit, on this phone and any other: a write
    only when the choice changes."""
    chosen = EVERYONE if params.worker_id is None else params.worker_id
    if request.session.get(WORKER_SESSION_KEY) != chosen:
        kept = phone_worker_remember(user=request.user, worker_id=params.worker_id)
        request.session[WORKER_SESSION_KEY] = EVERYONE if kept is None else kept


def _fingerprint(params: ListParams, groups: list[StageGroup], job_count: int) -> str:
    """A digest of everything the list shows, so a refresh that would show the same sends
    nothing. The offered moves are in it: a card whose button changes is a change."""
    shown = [params.query(), job_count, str(timezone.localdate())]
    for group in groups:
        shown.append((group.status.value, group.job_count))
        for card in group.cards:
            job = card.job
            shown.append(
                (
                    card.number,
                    job.status,
                    job.priority,
                    str(job.due_date),
                    card.customer,
                    card.summary,
                    card.item_count,
                    card.part_count,
                    tuple(swatch.label + swatch.colour for swatch in card.swatches),
                    card.worker_names,
                    job.special_instructions,
                    tuple(move.name for move in card.moves),
                )
            )
    return hashlib.blake2b(repr(shown).encode(), digest_size=12).hexdigest()


def _list_context(request, params: ListParams) -> dict:
    """The stage groups of cards for `params` (seven queries at most, whatever the number of
    jobs on the floor), with the jump bar's counts and the list's fingerprint."""
    company = company_of(request)
    jobs = floor_jobs(company)
    # A search looks through everyone's jobs: the number on a part is not always one's own.
    if params.worker_id is not None and not params.search:
        jobs = jobs.filter(assigned_workers=params.worker_id)
    page = None
    if params.stage is None and not params.search:
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
        if params.search:
            words = params.search
            jobs = jobs.filter(
                Q(number__icontains=words)
                | Q(customer__company_name__icontains=words)
                | Q(customer__contact_name__icontains=words)
            )
        else:
            jobs = jobs.filter(status=params.stage)
        pages = Paginator(jobs.order_by(*SOONEST_DUE_FIRST), CARDS_PER_PAGE)
        page = pages.get_page(params.page)
        cards = job_cards(page.object_list, company=company, moves_for=request.user)
        groups = _grouped(cards)
        job_count = pages.count
    list_query = params.query(page=page.number if page is not None else None)
    here = reverse("admin_views:shop_mobile")
    everywhere = ListParams(worker_id=params.worker_id).query()
    return {
        "params": params,
        "groups": groups,
        "job_count": job_count,
        "page": page,
        "updated_at": timezone.localtime().replace(microsecond=0),
        "list_url": f"{reverse('admin_views:shop_mobile_list')}?{list_query}",
        "all_stages_url": f"{here}?{everywhere}",
        # A stage's "All N jobs" link is this with the stage's value after it.
        "stage_url": f"{here}?{everywhere}&stage=",
        # What the stage's Previous and Next links keep.
        "page_query": params.query(page=None),
        "refresh_seconds": REFRESH_SECONDS,
        "fingerprint": _fingerprint(params, groups, job_count),
    }


def _grouped(cards) -> list[StageGroup]:
    """Cards of one page (a stage, or search results) under their stage headings."""
    groups: dict[JobStatus, StageGroup] = {}
    for card in cards:
        groups.setdefault(card.status, StageGroup(card.status)).cards.append(card)
    return list(groups.values())


def _chips(request, params: ListParams) -> list[dict]:
    """ "Everyone", then each active worker with jobs on the floor; the person's own first."""
    floor_stages = company_of(request).floor_stage_order
    workers = list(
        Worker.objects.active()
        .filter(jobs__status__in=floor_stages)
        .distinct()
        .order_by("name")
        .only("id", "name", "user_id")
    )
    workers.sort(key=lambda worker: worker.user_id != request.user.pk)
    here = reverse("admin_views:shop_mobile")
    chips = [
        {
            "label": "Everyone",
            "url": f"{here}?{ListParams(stage=params.stage).query()}",
            "on": params.worker_id is None,
        }
    ]
    chips += [
        {
            "label": worker.name,
            "url": f"{here}?{ListParams(worker_id=worker.pk, stage=params.stage).query()}",
            "on": worker.pk == params.worker_id,
            "me": worker.user_id == request.user.pk,
            "pk": worker.pk,
        }
        for worker in workers
    ]
    return chips


@require_GET
@shop_login_required
@permission_required("powdercoat.view_job", raise_exception=True)
def shop_mobile(request):
    """The phone page. On a first visit, a worker with jobs on the floor sees their own."""
    floor_stages = company_of(request).floor_stage_order
    first_visit = "worker" not in request.GET and _remembered(request) is None
    params = _params(request, request.GET, floor_stages)
    chips = _chips(request, params)
    own = next((chip for chip in chips[1:] if chip["me"]), None)
    if first_visit and own is not None:
        params = ListParams(worker_id=own["pk"], stage=params.stage, search=params.search)
        for chip in chips:
            chip["on"] = chip is own
    _remember_worker(request, params)
    selected = next((chip for chip in chips[1:] if chip["on"]), None)
    return render(
        request,
        "admin_views/shop/mobile.html",
        {
            **_list_context(request, params),
            "chips": chips,
            "selected_worker": selected,
            "note": request.session.pop(UNDO_OFFER_SESSION_KEY, None),
        },
    )


@require_GET
@shop_login_required
@permission_required("powdercoat.view_job", raise_exception=True)
def shop_mobile_list(request):
    """Just the list, for the page's own refresh: "204 No Content" when the list would look
    the same as the fingerprint the phone sent (`seen`)."""
    params = _params(request, request.GET, company_of(request).floor_stage_order)
    context = _list_context(request, params)
    if request.GET.get("seen") == context["fingerprint"]:
        return HttpResponse(status=204)
    return render(request, "admin_views/shop/_mobile_list.html", context)


def _note(number: str, *, done: bool, message: str, change_id: int | None) -> dict:
    """The outcome on top of the list, with Undo when the move can be taken back."""
    note: dict = {"done": done, "message": message, "number": number}
    if change_id is not None:
        note["undo_url"] = job_url("admin_views:shop_mobile_undo", number)
        note["change_id"] = change_id
        note["undo_seconds"] = UNDO_SECONDS
    return note


def _answer(request, job: Job, result: MoveResult):
    """The list as the phone shows it, with the outcome on top (and Undo after an advance).
    A plain form (no JavaScript) goes back to the page: the outcome as a message, or, after
    an advance, as the same note with its Undo, kept in the session for that one page."""
    if not request.htmx:
        if result.undoable_change_id is not None:
            request.session[UNDO_OFFER_SESSION_KEY] = _note(
                job.number, done=True, message=result.message, change_id=result.undoable_change_id
            )
        else:
            (messages.success if result.done else messages.error)(request, result.message)
        return redirect(f"{reverse('admin_views:shop_mobile')}#job-{job.number}")
    # The list the phone was showing: its address is the page's (htmx sends it along).
    shown = QueryDict(urlsplit(request.htmx.current_url or "").query)
    params = _params(request, shown, company_of(request).floor_stage_order)
    note = _note(
        job.number,
        done=result.done,
        message=result.message,
        change_id=result.undoable_change_id,
    )
    return render(
        request,
        "admin_views/shop/_mobile_list.html",
        {**_list_context(request, params), "note": note},
    )


@require_POST
@shop_login_required
@permission_required("powdercoat.view_job", raise_exception=True)
def shop_mobile_advance(request, number: str):
    """Advance (or resume) one job."""
    job = get_object_or_404(Job, number=number)
    result = job_move_pressed(
        job=job,
        user=request.user,
        move=request.POST.get("move", ""),
        seen_status=request.POST.get("seen_status", ""),
        key=request.POST.get("submission_key", ""),
    )
    return _answer(request, job, result)


@require_POST
@shop_login_required
@permission_required("powdercoat.view_job", raise_exception=True)
def shop_mobile_undo(request, number: str):
    """Take back the advance just made, by the person who made it."""
    job = get_object_or_404(Job, number=number)
    result = job_undo_pressed(
        job=job,
        user=request.user,
        change_id=request.POST.get("change_id", ""),
        key=request.POST.get("submission_key", ""),
    )
    return _answer(request, job, result)
