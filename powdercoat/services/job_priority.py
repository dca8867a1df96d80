"""Moving a job to another priority from the Priority Board, and taking that move back (SPEC S2).

A move hands back an undo stamp: what to put back (the job, its history record of the move,
the person, the priority and rush rate it had), signed so that a page cannot forge or alter
it. The board offers Undo for 10 seconds; the server accepts it for a minute, for a slow
connection, and only while nobody has changed the job's priority since. A move to Urgent or
Rush holds the supervisors' alert for that minute, and its undo recalls the alert, so a card
dropped in the wrong lane and put back mails nobody.
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from powdercoat.models import Job
from powdercoat.models.choices import ACTIVE_STAGES, Priority
from powdercoat.services.jobs import job_update
from powdercoat.services.notifications import priority_alerts_recall

PRIORITY_PERMISSION = "powdercoat.change_job"

# The board shows Undo for 10 seconds; the server allows a minute, like an advance's undo.
UNDO_WINDOW = timedelta(seconds=60)

_UNDO_SALT = "powdercoat.job-priority-undo"


@dataclass(frozen=True)
class PriorityChange:
    """A job's priority went from `before` to `after`; `undo_stamp` takes a move back ("" for
    an undo, which is not itself undone)."""

    job: Job
    before: Priority
    after: Priority
    undo_stamp: str = ""
    alerts_recalled: int = 0


def _locked(job_id: int) -> Job | None:
    """The job, locked until the transaction ends, so an edit saved at the same moment is
    neither overwritten nor lost."""
    return (
        Job.objects.select_for_update(of=("self",))
        .select_related("customer")
        .filter(pk=job_id)
        .first()
    )


def _check_permission(user: User) -> None:
    if not user.has_perm(PRIORITY_PERMISSION):
        raise PermissionDenied("Your role does not allow changing a job's priority.")


@transaction.atomic
def job_priority_move(*, job: Job, user: User, priority: Priority) -> PriorityChange:
    """Give an active job another priority, through `job_update` (rush surcharge, supervisors'
    alert, history record naming `user`), with a stamp to take the move back."""
    _check_permission(user)
    locked = _locked(job.pk)
    if locked is None:
        raise ValidationError(f"{job.number} no longer exists; nothing was changed.")
    job = locked
    if job.status not in ACTIVE_STAGES:
        raise ValidationError(
            f"{job.number} is {job.get_status_display()}; only active jobs are on the board."
        )
    before = Priority(job.priority)
    if before == priority:
        raise ValidationError(f"{job.number} is already {priority.label}.")
    rush_rate_before = job.rush_surcharge_percent
    job.priority = priority
    job_update(job=job, user=user, alert_hold=UNDO_WINDOW)
    record = job.history.order_by("-history_id").values_list("history_id", flat=True).first()
    stamp = signing.dumps(
        {
            "job": job.pk,
            "record": record,
            "user": user.pk,
            "from": int(before),
            "to": int(priority),
            "rush": str(rush_rate_before),
        },
        salt=_UNDO_SALT,
    )
    return PriorityChange(job=job, before=before, after=priority, undo_stamp=stamp)


@dataclass(frozen=True)
class _Undo:
    """What an undo stamp says, read and checked for shape."""

    job_id: int
    record_id: int
    user_id: int
    back_to: Priority
    moved_to: Priority
    rush_rate: Decimal

    @classmethod
    def read(cls, stamp: str) -> "_Undo":
        invalid = ValidationError(
            "This Undo cannot be read (the page may be old or was changed); nothing was "
            "changed. Reload the board and move the card back by hand if needed."
        )
        try:
            data = signing.loads(stamp, salt=_UNDO_SALT)
            return cls(
                job_id=int(data["job"]),
                record_id=int(data["record"]),
                user_id=int(data["user"]),
                back_to=Priority(int(data["from"])),
                moved_to=Priority(int(data["to"])),
                rush_rate=Decimal(data["rush"]),
            )
        except (signing.BadSignature, KeyError, TypeError, ValueError, InvalidOperation):
            raise invalid from None


@transaction.atomic
def job_priority_undo(*, stamp: str, user: User) -> PriorityChange:
    """Take back the board move that issued `stamp`: the job gets the priority (and rush rate)
    it had before, through `job_update`, recorded in its history as an undo by `user`.

    Only the person who moved it, only within UNDO_WINDOW, and only while nobody has changed
    the job's priority since; anything else is refused in words and changes nothing.
    """
    _check_permission(user)
    undo = _Undo.read(stamp)
    if undo.user_id != user.pk:
        raise ValidationError("Only the person who moved the card can undo that move.")
    job = _locked(undo.job_id)
    if job is None:
        raise ValidationError("That job no longer exists; nothing was changed.")
    move = job.history.filter(history_id=undo.record_id).first()
    if move is None or move.history_user_id != user.pk or move.priority != undo.moved_to:
        raise ValidationError(
            f"That move of {job.number} cannot be found in its history; nothing was changed."
        )
    changed_since = (
        job.history.filter(history_id__gt=move.history_id)
        .exclude(priority=undo.moved_to)
        .select_related("history_user")
        .order_by("history_id")
        .first()
    )
    if changed_since is not None or job.priority != undo.moved_to:
        now = Priority(job.priority).label
        who = changed_since.history_user if changed_since is not None else None
        if who == user and job.priority == undo.back_to:
            raise ValidationError(
                f"That move was already taken back: {job.number} is {now}. Nothing was changed."
            )
        by = ""
        if who is not None:
            by = " by you" if who == user else f" by {who.get_full_name() or who.get_username()}"
        raise ValidationError(
            f"{job.number} was changed to {now}{by} after your move, so Undo would overwrite "
            "that. Nothing was changed."
        )
    if timezone.now() - move.history_date > UNDO_WINDOW:
        raise ValidationError(
            f"The move of {job.number} to {undo.moved_to.label} was more than a minute ago and "
            "is kept; move the card back if it was a mistake."
        )
    job.priority = undo.back_to
    job.rush_surcharge_percent = undo.rush_rate
    # The supervisors heard of the job's old priority when it was first set; an undo a few
    # seconds later is not news for their inbox, and the move's own alert is called back.
    job_update(
        job=job,
        user=user,
        alert_supervisors=False,
        keep_rush_rate=True,
        reason=f"Undo of the board move to {undo.moved_to.label}",
    )
    recalled = priority_alerts_recall(job=job, since=move.history_date)
    return PriorityChange(
        job=job, before=undo.moved_to, after=undo.back_to, alerts_recalled=recalled
    )
