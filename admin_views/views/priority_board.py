"""The Priority Board: active jobs in lanes Rush, Urgent, High, Normal, Low (SPEC S2).

Anyone who may see jobs sees the board; people who may change jobs (Office, Supervisor,
Administrator) move a card to another lane, by dragging it or with the "Move to" control on
the card. The move goes through `job_priority_move` (and `job_update`), so the rush
surcharge, the supervisors' alert and the history record (with the user) happen as they do
from the job page; the note that says so offers Undo for a few seconds.
"""

from dataclasses import dataclass
from functools import cached_property
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from admin_views.views.shop_common import (
    JobCard,
    company_of,
    job_cards,
    job_cards_by,
    overdue_first_then_due,
    shop_login_required,
)
from powdercoat.badges import rush_surcharge_change_text
from powdercoat.models import Job
from powdercoat.models.choices import PRIORITY_TONE, Priority
from powdercoat.services.job_priority import (
    PRIORITY_PERMISSION,
    PriorityChange,
    job_priority_move,
    job_priority_undo,
)
from powdercoat.services.submissions import SubmissionRepeated, submission_once

# Left to right, most pressing first.
LANES = (Priority.RUSH, Priority.URGENT, Priority.HIGH, Priority.NORMAL, Priority.LOW)

# Cards per lane on the whole board, each lane scrolling on its own (the cards have a fixed
# height, so sixty scroll as easily as six); a longer lane ends in a link to all of its jobs.
CARDS_PER_LANE = 60
# Cards per page when one lane is shown on its own (`?lane=<priority>`).
CARDS_PER_LANE_PAGE = 60


@dataclass(frozen=True)
class Lane:
    """One priority lane: the cards shown (overdue first, then by due date) and its job count."""

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

    @cached_property
    def move_options(self) -> SafeString:
        """The "Move to" choices with this lane selected: every card of a lane has the same
        priority, so they are built once per lane, not once per card (a tenth of the page)."""
        return format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (priority.value, " selected" if priority == self.priority else "", priority.label)
                for priority in LANES
            ),
        )


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
    # The shop's calendar: the middleware has activated its time zone.
    order = overdue_first_then_due(timezone.localdate())
    chosen = _selected_lane(request)
    if chosen is not None:
        pages = Paginator(jobs.filter(priority=chosen).order_by(*order), CARDS_PER_LANE_PAGE)
        page = pages.get_page(_board_params(request).get("page"))
        cards = job_cards(page.object_list, company=company)
        return [Lane(priority=chosen, cards=cards, total=pages.count)], page
    by_lane = job_cards_by(
        jobs, field="priority", order_by=order, limit=CARDS_PER_LANE, company=company
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
        "can_move": request.user.has_perm(PRIORITY_PERMISSION),
    }


@require_GET
@shop_login_required
@permission_required("powdercoat.view_job", raise_exception=True)
def priority_board(request):
    """The board page."""
    return render(request, "admin_views/shop/priority_board.html", _context(request))


def _move_words(change: PriorityChange, *, with_money: bool) -> str:
    """What the mover is told: the lanes, the rush surcharge if it changed, whom the alert
    reached."""
    text = _("%(number)s moved from %(from)s to %(to)s.") % {
        "number": change.job.number,
        "from": change.before.label,
        "to": change.after.label,
    }
    rush = rush_surcharge_change_text(
        previous_priority=change.before,
        priority=change.after,
        percent=change.job.rush_surcharge_percent,
        amount=change.job.rush_surcharge_amount,
        with_money=with_money,
    )
    if rush:
        text += " " + rush
    if change.job.priority_alert is not None:
        text += " " + change.job.priority_alert.words()
    return text


@dataclass(frozen=True)
class Outcome:
    """How a Move or an Undo went, in words; the job it moved (for the board to point at) and
    `undo_stamp` when the move can be taken back."""

    done: bool
    text: str
    number: str = ""
    undo_stamp: str = ""


def _move(request, number: str) -> Outcome:
    """Give the job the lane's priority, once per submission key."""
    try:
        priority = Priority(int(request.POST.get("priority", "")))
    except ValueError:
        return Outcome(False, _("Pick one of the lanes: Rush, Urgent, High, Normal or Low."))
    try:
        with submission_once(
            key=request.POST.get("submission_key", ""), user=request.user
        ) as answer:
            job = get_object_or_404(Job, number=number)
            change = job_priority_move(job=job, user=request.user, priority=priority)
            text = _move_words(change, with_money=request.user.has_perm("powdercoat.view_prices"))
            answer(message=text)
    except SubmissionRepeated as repeat:
        return Outcome(True, repeat.message)
    except ValidationError as error:
        return Outcome(False, " ".join(error.messages))
    return Outcome(True, text, number=change.job.number, undo_stamp=change.undo_stamp)


def _undo(request) -> Outcome:
    """Take back the move named by the posted undo stamp, once per submission key."""
    try:
        with submission_once(
            key=request.POST.get("submission_key", ""), user=request.user
        ) as answer:
            change = job_priority_undo(stamp=request.POST.get("undo", ""), user=request.user)
            text = _("Undone: %(number)s is back in %(lane)s.") % {
                "number": change.job.number,
                "lane": change.after.label,
            }
            if change.alerts_recalled:
                text += " " + _("The supervisors' alert was recalled before it left.")
            answer(message=text)
    except SubmissionRepeated as repeat:
        return Outcome(True, repeat.message)
    except ValidationError as error:
        return Outcome(False, " ".join(error.messages))
    return Outcome(True, text, number=change.job.number)


def _answer(request, outcome: Outcome):
    """htmx gets the board again with the outcome (and Undo) on it; a plain form goes back to
    the board, or to the lane it was posted from, with a message."""
    if request.htmx:
        context = {
            **_context(request),
            "notice": outcome.text,
            "notice_ok": outcome.done,
            "undo_stamp": outcome.undo_stamp,
            "moved_number": outcome.number,
        }
        return render(request, "admin_views/shop/_priority_lanes.html", context)
    (messages.success if outcome.done else messages.error)(request, outcome.text)
    lane = _selected_lane(request)
    board = reverse("admin_views:priority_board")
    return redirect(f"{board}?lane={lane.value}" if lane is not None else board)


def _may_change_priority(request) -> None:
    if not request.user.has_perm(PRIORITY_PERMISSION):
        raise PermissionDenied(_("Your role does not allow changing a job's priority."))


@require_POST
@shop_login_required
def priority_move(request, number: str):
    """Move a card to another lane (Office, Supervisor, Administrator); htmx gets the board."""
    _may_change_priority(request)
    return _answer(request, _move(request, number))


@require_POST
@shop_login_required
def priority_undo(request):
    """Take back the move just made, from the note the board shows after it."""
    _may_change_priority(request)
    return _answer(request, _undo(request))
