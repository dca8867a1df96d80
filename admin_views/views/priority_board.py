"""The Priority Board: active jobs in lanes Rush, Urgent, High, Normal, Low (SPEC S2).

Anyone who may see jobs sees the board; people who may change jobs (Office, Supervisor,
Administrator) move a card to another lane, by dragging it or with the "Move to" control on
the card. The move goes through `job_update`, so the rush surcharge, the supervisors' alert
and the history record (with the user) happen as they do from the job page.
"""

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from admin_views.views.shop_common import (
    STAGE_RANK,
    JobCard,
    by_due_date,
    company_of,
    job_cards,
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


@dataclass(frozen=True)
class Lane:
    """One priority lane and its cards, sorted by stage then due date."""

    priority: Priority
    cards: list[JobCard]

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


def board_card_order(card: JobCard) -> tuple:
    """Sort key inside a lane: by stage in workflow order (On Hold last), then soonest due."""
    return (STAGE_RANK[card.status], *by_due_date(card))


def _lanes(request) -> list[Lane]:
    """The five lanes of active jobs (four queries whatever the number of jobs)."""
    by_priority: dict[int, list[JobCard]] = {priority: [] for priority in LANES}
    for card in job_cards(Job.objects.active(), company=company_of(request)):
        by_priority[card.priority].append(card)
    return [
        Lane(priority=priority, cards=sorted(by_priority[priority], key=board_card_order))
        for priority in LANES
    ]


def _context(request) -> dict:
    return {
        "lanes": _lanes(request),
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
            if priority >= Priority.URGENT and priority > previous:
                text += " " + _("The supervisors have been alerted.")
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
    return redirect("admin_views:priority_board")
