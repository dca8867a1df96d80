"""The Priority Board: active jobs in lanes Rush, Urgent, High, Normal, Low (SPEC S2).

Anyone who may see jobs sees the board; people who may change jobs (Office, Supervisor,
Administrator) move a card to another lane, by dragging it or with the "Move to" control on
the card. The move goes through `job_update`, so the rush surcharge, the supervisors' alert
and the history record (with the user) happen as they do from the job page.
"""

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from admin_views.views.shop_common import (
    BY_STAGE_THEN_DUE,
    JobCard,
    company_of,
    job_cards,
    job_cards_by,
    shop_login_required,
)
from powdercoat.badges import rush_surcharge_change_text
from powdercoat.models import Job
from powdercoat.models.choices import ACTIVE_STAGES, PRIORITY_TONE, Priority
from powdercoat.services.jobs import job_update
from powdercoat.services.submissions import SubmissionRepeated, submission_once

# Left to right, most pressing first.
LANES = (Priority.RUSH, Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW)

MOVE_PERMISSION = "powdercoat.change_job"

# Cards per lane on the whole board; a longer lane ends in a link to all of its jobs.
CARDS_PER_LANE = 20
# Cards per page when one lane is shown on its own (`?lane=<priority>`).
CARDS_PER_LANE_PAGE = 60


@dataclass(frozen=True)
class Lane:
    """One priority lane: the cards shown, sorted by stage then due date, and its job count."""

    priority: Priority
    cards: list[JobCard]
    total: int

    @property
    def label(self) -> str:
        return self.priority.label

    @property
    def tone(self) -> str:
        return PRIORITY_TONE[self.priority]

    @property
    def stands_out(self) -> bool:
        """Rush and Urgent lanes are drawn louder."""
        return self.priority >= Priority.URGENT

    @property
    def more(self) -> int:
        """The lane's jobs without a card here."""
        return self.total - len(self.cards)


def _board_params(request):
    """Which lane and page the board shows: the address says it, or a Move posted from a
    lane shown on its own (so the answer is that lane again, not the whole board)."""
    return request.POST if request.method == "POST" else request.GET


def _selected_lane(request) -> Priority | None:
    """The lane of `?lane=<priority>` shown on its own, or None for the whole board."""
    text = _board_params(request).get("lane", "")
    return Priority(int(text)) if text.isdigit() and int(text) in Priority.values else None


def _lanes(request) -> tuple[list[Lane], Page | None]:
    """The five lanes of active jobs, the first cards of each (five queries whatever the
    number of jobs); or one lane a page at a time."""
    company = company_of(request)
    jobs = Job.objects.active()
    chosen = _selected_lane(request)
    if chosen is not None:
        pages = Paginator(
            jobs.filter(priority=chosen).order_by(*BY_STAGE_THEN_DUE), CARDS_PER_LANE_PAGE
        )
        page = pages.get_page(_board_params(request).get("page"))
        cards = job_cards(page.object_list, company=company)
        return [Lane(priority=chosen, cards=cards, total=pages.count)], page
    by_lane = job_cards_by(
        jobs, field="priority", order_by=BY_STAGE_THEN_DUE, limit=CARDS_PER_LANE, company=company
    )
    lanes = [
        Lane(
            priority=priority,
            cards=by_lane.cards.get(priority, []),
            total=by_lane.totals.get(priority, 0),
        )
        for priority in LANES
    ]
    return lanes, None


def _context(request) -> dict:
    lanes, page = _lanes(request)
    return {
        "lanes": lanes,
        "page": page,
        "one_lane": page is not None,
        "page_query": urlencode({"lane": lanes[0].priority.value}) if page is not None else "",
        "can_move": request.user.has_perm(MOVE_PERMISSION),
        "priorities": [(priority.value, priority.label) for priority in LANES],
    }


@require_GET
@shop_login_required
@permission_required("powdercoat.view_job", raise_exception=True)
def priority_board(request):
    """The board page."""
    return render(request, "admin_views/shop/priority_board.html", _context(request))


def _move(request, number: str) -> tuple[bool, str]:
    """Give the job the lane's priority through `job_update`, once per submission key; what
    happened, in words."""
    try:
        priority = Priority(int(request.POST.get("priority", "")))
    except ValueError:
        return False, _("Pick one of the lanes: Rush, Urgent, High, Normal or Low.")
    try:
        with submission_once(
            key=request.POST.get("submission_key", ""), user=request.user
        ) as answer:
            # Locked while it changes, so an edit saved at the same moment is not overwritten.
            job = get_object_or_404(
                Job.objects.select_for_update(of=("self",)).select_related("customer"),
                number=number,
            )
            if job.status not in ACTIVE_STAGES:
                raise ValidationError(
                    _("%(number)s is %(status)s; only active jobs are on the board.")
                    % {"number": job.number, "status": job.get_status_display()}
                )
            previous = Priority(job.priority)
            if previous == priority:
                raise ValidationError(
                    _("%(number)s is already %(priority)s.")
                    % {"number": job.number, "priority": priority.label}
                )
            job.priority = priority
            job_update(job=job, user=request.user)
            text = _("%(number)s moved from %(from)s to %(to)s.") % {
                "number": job.number,
                "from": previous.label,
                "to": priority.label,
            }
            rush = rush_surcharge_change_text(
                previous_priority=previous,
                priority=priority,
                percent=job.rush_surcharge_percent,
                amount=job.rush_surcharge_amount,
                with_money=request.user.has_perm("powdercoat.view_prices"),
            )
            if rush:
                text += " " + rush
            if job.priority_alert is not None:
                text += " " + job.priority_alert.words()
            answer(message=text)
    except SubmissionRepeated as repeat:
        return True, repeat.message
    except ValidationError as error:
        return False, " ".join(error.messages)
    return True, text


@require_POST
@shop_login_required
def priority_move(request, number: str):
    """Move a card to another lane (Office, Supervisor, Administrator); htmx gets the board."""
    if not request.user.has_perm(MOVE_PERMISSION):
        raise PermissionDenied(_("Your role does not allow changing a job's priority."))
    done, text = _move(request, number)
    if request.htmx:
        context = {**_context(request), "notice": text, "notice_ok": done}
        return render(request, "admin_views/shop/_priority_lanes.html", context)
    (messages.success if done else messages.error)(request, text)
    lane = _selected_lane(request)
    board = reverse("admin_views:priority_board")
    return redirect(f"{board}?lane={lane.value}" if lane is not None else board)
