"""Creating jobs, saving their details and prices, and every status move (SPEC J1-J3, J5).

Each status function checks the move is allowed from where the job is and for this user, calls
the model's transition, saves, and writes the StatusChange row, all in one transaction. A job
changed by someone else since it was loaded is refused (ConcurrentTransitionMixin), so two people
pressing Advance at the same moment move it one stage, not two. With `notify_customer` the
customer is emailed about the move once it commits, unless they turned such emails off.
"""

import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import ConcurrentTransition, Transition, can_proceed, has_transition_perm

from powdercoat.models import (
    CompanySettings,
    Customer,
    Invoice,
    Job,
    StatusChange,
    Worker,
)
from powdercoat.models.base import history_by, transition_words
from powdercoat.models.choices import WORKFLOW, JobStatus, Priority
from powdercoat.models.jobs import next_stage
from powdercoat.selectors import job_needed_prep_stages
from powdercoat.services import notifications
from powdercoat.services.items import line_items_copy
from powdercoat.services.numbering import number_next
from powdercoat.services.prices import job_totals_apply

logger = logging.getLogger(__name__)

JOB_NUMBER_PREFIX = "JOB"


# -- details and price -----------------------------------------------------------------------


def _apply_rush_rate(job: Job, *, previous_priority: int | None) -> None:
    """Take the shop's current rush surcharge when a job becomes Rush; drop it when it stops."""
    if job.priority != Priority.RUSH:
        job.rush_surcharge_percent = Decimal("0")
    elif previous_priority != Priority.RUSH:
        job.rush_surcharge_percent = CompanySettings.load().rush_surcharge_percent


def _alert_if_raised_to_urgent(
    job: Job, *, previous_priority: int | None, user: User | None, hold: timedelta | None = None
) -> None:
    """Tell the supervisors when a job becomes Urgent or Rush from anything lower (SPEC J5).

    Who was reached is left on `job.priority_alert` for the page to say.
    """
    job.priority_alert = None
    if job.priority < Priority.URGENT:
        return
    if previous_priority is not None and previous_priority >= job.priority:
        return
    job.priority_alert = notifications.job_priority_alert(job=job, user=user, hold=hold)


def job_customer_change_refusal(job: Job, customer: Customer) -> ValidationError | None:
    """Why `job` (locked) may not move to `customer` now, or None.

    A job with a live invoice keeps its customer: the invoice is made out to them, so it is
    voided first. Every path that changes a job's customer asks this (SPEC J9).
    """
    invoice = Invoice.objects.live().filter(job=job).first()
    if invoice is None:
        return None
    previous = Customer.objects.get(pk=job.customer_id).display_name
    return ValidationError(
        {
            "customer": f"{job.number} has invoice {invoice.number}, made out to {previous}. "
            f"Void the invoice first, then change the customer to {customer.display_name}."
        }
    )


@transaction.atomic
def job_create(*, job: Job, user: User | None, alert_supervisors: bool = True) -> Job:
    """Number and save a new job (it starts at Pending).

    An empty discount takes the customer's pricing-tier discount. An Urgent or Rush job emails
    the supervisors after commit, unless `alert_supervisors` is False (demo data).
    """
    if job.pk:
        raise ValueError("job_create() takes a job that has not been saved yet.")
    if job.discount_percent is None and job.customer_id is not None:
        job.discount_percent = job.customer.discount_percent
    job.created_by = job.updated_by = user
    # Every rule of the model (lengths, ranges, dates, constraints), whoever calls: the admin's
    # form has checked them, an import, a conversion or a script has not. The number is not
    # taken yet, so a refused job uses none up.
    job.full_clean(exclude=["number"])
    _apply_rush_rate(job, previous_priority=None)
    job_totals_apply(job)
    job.number = number_next(prefix=JOB_NUMBER_PREFIX)
    history_by(job, user)
    job.save()
    if alert_supervisors:
        _alert_if_raised_to_urgent(job, previous_priority=None, user=user)
    return job


@transaction.atomic
def job_update(
    *,
    job: Job,
    user: User | None,
    alert_supervisors: bool = True,
    alert_hold: timedelta | None = None,
    keep_rush_rate: bool = False,
    reason: str | None = None,
) -> Job:
    """Save edits to a job's details; its status is left exactly as it is in the database.

    The row is locked and the status reloaded first, so an edit form opened before someone
    advanced the job neither fails nor puts the old status back. Raising the priority to
    Urgent or Rush emails the supervisors after commit, unless `alert_supervisors` is False;
    `alert_hold` keeps those emails back that long, so that an undo can recall them.
    With `keep_rush_rate` the job's rush surcharge percent is saved as set (an undo puts back
    the rate the job had, not the shop's rate of today); `reason` goes into the history record.
    """
    current = Job.objects.select_for_update().only("priority", "customer").get(pk=job.pk)
    job.refresh_from_db(fields=["status", "held_from_status"])
    if job.discount_percent is None and job.customer_id is not None:
        job.discount_percent = job.customer.discount_percent
    job.updated_by = user
    # The model's rules, whoever calls (see job_create).
    job.full_clean()
    if job.customer_id != current.customer_id:
        refusal = job_customer_change_refusal(current, job.customer)
        if refusal is not None:
            raise refusal
    if not keep_rush_rate:
        _apply_rush_rate(job, previous_priority=current.priority)
    job_totals_apply(job)
    history_by(job, user, reason=reason)
    job.save()
    if alert_supervisors:
        _alert_if_raised_to_urgent(
            job, previous_priority=current.priority, user=user, hold=alert_hold
        )
    return job


# -- status moves ----------------------------------------------------------------------------


def move_words(name: str) -> dict[str, Any]:
    """What the pages say about the job move `name`: its transition's `custom` (see Job)."""
    return transition_words(Job, name)


def _check_move(job: Job, transition: Callable[..., object], user: User | None) -> None:
    """Refuse, in words, a move the job's state or the user's role does not allow."""
    verb = move_words(transition.__name__)["verb"]
    status_label = JobStatus(job.status).label
    if not can_proceed(transition):
        raise ValidationError(f"{job.number} is {status_label}; it cannot be {verb} from there.")
    if user is not None and not has_transition_perm(transition, user):
        raise PermissionDenied(f"Your role does not allow a job to be {verb}.")


def _save_move(
    job: Job,
    *,
    from_status: str,
    transition: str,
    user: User | None,
    note: str,
    notify_customer: bool = False,
    also_saved: Collection[str] = (),
) -> StatusChange:
    job.updated_by = user
    history_by(job, user)
    moved_at = timezone.now()
    milestones = [*also_saved, *job.reach_milestones(moved_at)]
    try:
        # A savepoint of its own, so the transaction is still usable to explain a refusal.
        with transaction.atomic():
            job.save(
                update_fields=[
                    "status",
                    "held_from_status",
                    "updated_by",
                    "updated_at",
                    *milestones,
                ]
            )
    except ConcurrentTransition:
        now = Job.objects.filter(pk=job.pk).values_list("status", flat=True).get()
        raise ValidationError(
            f"{job.number} was moved to {JobStatus(now).label} by someone else a moment ago. "
            "Nothing was changed; look at it again before you move it."
        ) from None
    logger.info(
        "Job %s moved from %s to %s by %s (%s).",
        job.number,
        from_status,
        job.status,
        user.get_username() if user is not None else "the system",
        transition,
    )
    # The customer's own setting wins over what was asked for.
    notify = notify_customer and notifications.customer_email_refusal(job.customer) is None
    change = StatusChange.objects.create(
        job=job,
        from_status=from_status,
        to_status=job.status,
        transition=transition,
        user=user,
        note=note.strip(),
        customer_notified=notify,
        created_at=moved_at,
    )
    if notify:
        notifications.job_status_email(change=change, user=user)
    return change


@transaction.atomic
def job_advance(
    *, job: Job, user: User | None, note: str = "", notify_customer: bool = False
) -> StatusChange:
    """Move the job to its next stage, skipping prep stages none of its items needs."""
    _check_move(job, job.advance, user)
    from_status = job.status
    job.advance(
        needed_prep_stages=job_needed_prep_stages(job),
        skip_unneeded_prep=CompanySettings.load().skip_unneeded_prep_stages,
    )
    return _save_move(
        job,
        from_status=from_status,
        transition="advance",
        user=user,
        note=note,
        notify_customer=notify_customer,
    )


@transaction.atomic
def job_hold(
    *, job: Job, user: User | None, reason: str, notify_customer: bool = False
) -> StatusChange:
    """Put the job on hold; the reason is required and kept in the timeline."""
    if not reason.strip():
        raise ValidationError("Say why the job is going on hold.")
    _check_move(job, job.hold, user)
    from_status = job.status
    job.hold()
    return _save_move(
        job,
        from_status=from_status,
        transition="hold",
        user=user,
        note=reason,
        notify_customer=notify_customer,
    )


@transaction.atomic
def job_resume(
    *, job: Job, user: User | None, note: str = "", notify_customer: bool = False
) -> StatusChange:
    """Take the job off hold, back to the stage it was held at."""
    _check_move(job, job.resume, user)
    from_status = job.status
    job.resume()
    return _save_move(
        job,
        from_status=from_status,
        transition="resume",
        user=user,
        note=note,
        notify_customer=notify_customer,
    )


@transaction.atomic
def job_cancel(
    *, job: Job, user: User | None, reason: str, notify_customer: bool = False
) -> StatusChange:
    """Cancel the job; the reason is required and kept in the timeline."""
    if not reason.strip():
        raise ValidationError("Say why the job is being cancelled.")
    _check_move(job, job.cancel, user)
    from_status = job.status
    job.cancel()
    return _save_move(
        job,
        from_status=from_status,
        transition="cancel",
        user=user,
        note=reason,
        notify_customer=notify_customer,
    )


@transaction.atomic
def job_reopen(
    *, job: Job, user: User | None, note: str = "", notify_customer: bool = False
) -> StatusChange:
    """Bring a cancelled job back to Pending (Supervisor and Administrator only)."""
    _check_move(job, job.reopen, user)
    from_status = job.status
    job.reopen()
    return _save_move(
        job,
        from_status=from_status,
        transition="reopen",
        user=user,
        note=note,
        notify_customer=notify_customer,
    )


@transaction.atomic
def job_set_status(
    *,
    job: Job,
    user: User | None,
    status: str,
    note: str = "",
    notify_customer: bool = False,
) -> StatusChange:
    """Move the job to any workflow stage, forward or back (office correction)."""
    if status not in WORKFLOW:
        raise ValidationError(
            "Pick a stage of the workflow; use Hold or Cancel for On Hold and Cancelled."
        )
    if status == job.status:
        raise ValidationError(f"{job.number} is already {JobStatus(status).label}.")
    _check_move(job, job.set_status, user)
    from_status = job.status
    job.set_status(status)
    return _save_move(
        job,
        from_status=from_status,
        transition="set_status",
        user=user,
        note=note,
        notify_customer=notify_customer,
    )


# How long after an advance the person who made it may take it back. The phone shows its Undo
# for 10 seconds; the server allows a minute, for a slow connection.
UNDO_WINDOW = timedelta(seconds=60)


@transaction.atomic
def job_advance_undo(*, job: Job, user: User, change_id: int) -> StatusChange:
    """Take back the advance `change_id` that `user` just made: the job goes back to the stage
    it left, recorded in the timeline as a move back ("undo") by the same person.

    Only the job's latest move, only an advance, only by the person taking it back, and only
    within UNDO_WINDOW; anything else is refused in words and changes nothing. A milestone the
    advance stamped (finished, ready) is cleared with it.
    """
    if not user.has_perm("powdercoat.advance_job"):
        raise PermissionDenied("Your role does not allow a job to be moved.")
    latest = job.status_changes.order_by("-created_at", "-id").first()
    if latest is None or latest.pk != change_id or latest.transition != "advance":
        raise ValidationError(
            f"{job.number} has moved since that advance, so it cannot be taken back here. "
            "Nothing was changed; ask the office to correct the stage if it is wrong."
        )
    if latest.user_id != user.pk:
        raise ValidationError(
            f"Only the person who advanced {job.number} can take that advance back."
        )
    if job.status != latest.to_status:
        raise ValidationError(
            f"{job.number} is now {JobStatus(job.status).label}; nothing was changed."
        )
    if timezone.now() - latest.created_at > UNDO_WINDOW:
        raise ValidationError(
            f"The advance of {job.number} was more than a minute ago and is kept; ask the "
            "office to move it back if it was a mistake."
        )
    back_to = JobStatus(latest.from_status)
    _check_move(job, job.set_status, None)  # the rules above stand in for the office's role
    job.set_status(back_to)
    return _save_move(
        job,
        from_status=latest.to_status,
        transition="undo",
        user=user,
        note=f"Took back the advance to {JobStatus(latest.to_status).label}.",
        also_saved=job.drop_milestones_stamped_at(latest.created_at),
    )


# -- which moves are offered, and the one way to make them -----------------------------------

# Each transition of Job.status and the service that makes it, in the order pages offer them.
JOB_MOVES: dict[str, Callable[..., StatusChange]] = {
    "advance": job_advance,
    "resume": job_resume,
    "hold": job_hold,
    "cancel": job_cancel,
    "reopen": job_reopen,
    "set_status": job_set_status,
}


@dataclass(frozen=True)
class JobMove:
    """A move a person may make now: its transition, the stage it leads to, and its words."""

    name: str
    target: JobStatus
    label: str  # the button: "Advance to Curing"
    choice: str  # the quick-change option: "Curing (next stage)"
    reason: str  # the request for a reason when the note is required, else ""
    on_floor: bool  # offered on the phone view and the bump page too


def job_can_move(job: Job, user: User) -> bool:
    """Whether `user` may make any move from where `job` is (no queries: state and role)."""
    return any(True for _transition in job.get_available_user_status_transitions(user))


def _targets(
    job: Job,
    name: str,
    transition: Transition,
    *,
    company: CompanySettings | None,
    needed_prep_stages: Collection[str] | None,
) -> list[str]:
    """Where the move `name` can take the job from here."""
    if name == "advance":
        needed = job_needed_prep_stages(job) if needed_prep_stages is None else needed_prep_stages
        target = next_stage(
            job.status,
            needed_prep_stages=needed,
            skip_unneeded_prep=(company or CompanySettings.load()).skip_unneeded_prep_stages,
        )
        return [target] if target else []
    if name == "resume":
        return [job.held_from_status or JobStatus.PENDING]
    if name == "set_status":
        return [stage for stage in WORKFLOW if stage != job.status]
    return [str(transition.target)]


def job_moves_offered(
    job: Job,
    user: User,
    *,
    company: CompanySettings | None = None,
    needed_prep_stages: Collection[str] | None = None,
    on_floor_only: bool = False,
) -> list[JobMove]:
    """The moves `user` may make from where `job` is, as django-fsm-2 reports them (state,
    conditions, permission), with the words their transitions declare.

    Advance looks up which prep stages the items need unless `needed_prep_stages` is given
    (the shop pages read it for many jobs at once). `on_floor_only` leaves out the office's
    moves (Set status to each of a dozen stages, Cancel, Reopen) before their words are made,
    which is most of the cost on a page of a hundred cards.
    """
    available = {t.name: t for t in job.get_available_user_status_transitions(user)}
    moves = []
    for name in JOB_MOVES:
        transition = available.get(name)
        if transition is None:
            continue
        words = transition.custom
        if on_floor_only and not words.get("on_floor"):
            continue
        for target in _targets(
            job, name, transition, company=company, needed_prep_stages=needed_prep_stages
        ):
            stage = JobStatus(target)
            moves.append(
                JobMove(
                    name=name,
                    target=stage,
                    label=str(words["label"]).format(stage=stage.label),
                    choice=str(words["choice"]).format(stage=stage.label),
                    reason=str(words.get("reason", "")),
                    on_floor=bool(words.get("on_floor")),
                )
            )
    return moves


def job_move(
    *,
    job: Job,
    user: User | None,
    move: str,
    target: str = "",
    note: str = "",
    notify_customer: bool = False,
) -> StatusChange:
    """Make the move `move` (a transition's name) through its service; `note` is the reason
    for the moves that require one, `target` the stage for Set status."""
    service = JOB_MOVES.get(move)
    if service is None:
        raise ValidationError("That is not a move a job can make; reload the page.")
    kwargs: dict[str, Any] = {"notify_customer": notify_customer}
    if move_words(move).get("reason"):
        kwargs["reason"] = note
    else:
        kwargs["note"] = note
    if move == "set_status":
        kwargs["status"] = target
    return service(job=job, user=user, **kwargs)


# -- changing the customer, cloning (SPEC J9, J17) -------------------------------------------


@transaction.atomic
def job_change_customer(*, job: Job, customer: Customer, user: User | None) -> Job:
    """Put the job under another customer; the History page shows who changed it, from whom.

    Allowed at any stage, Delivered and Cancelled included (correcting a mix-up), but refused
    while the job has an invoice that is not void: the invoice is addressed to the old
    customer, so it is voided first. The job's discount and price stay as they are.
    """
    locked = Job.objects.select_for_update().select_related("customer").get(pk=job.pk)
    if not customer.is_active:
        raise ValidationError(
            f"{customer.display_name} is an inactive customer; make the customer active first."
        )
    if locked.customer_id == customer.pk:
        raise ValidationError(f"{customer.display_name} is already the customer of {job.number}.")
    refusal = job_customer_change_refusal(locked, customer)
    if refusal is not None:
        raise refusal
    previous = locked.customer.display_name
    locked.customer = customer
    locked.updated_by = user
    history_by(locked, user, reason=f"Customer changed from {previous} to {customer.display_name}")
    locked.save(update_fields=["customer", "updated_by", "updated_at"])
    job.customer, job.updated_by, job.updated_at = customer, user, locked.updated_at
    return locked


def _assign_workers_at_creation(job: Job, workers: list[Worker]) -> None:
    """Give a job that was just created its workers as part of its creation history record.

    `assigned_workers.set()` would add a second history record ("changed") to a job that was
    only created; the rows are written without that signal, and the creation record's copy of
    the workers is written the way django-simple-history writes it.
    """
    if not workers:
        return
    through = Job.assigned_workers.through
    links = through.objects.bulk_create(through(job=job, worker=worker) for worker in workers)
    creation = job.history.get(history_type="+")
    snapshot = Job.history.model.assigned_workers.model
    snapshot.objects.bulk_create(
        snapshot(history=creation, id=link.pk, job=job, worker=link.worker) for link in links
    )


@transaction.atomic
def job_clone(*, job: Job, user: User | None) -> Job:
    """A new Pending job like this one: same customer, details, active workers and items.

    It gets a new number and copies of the items with their coats, prep lines and prices.
    Dates, status timeline, photos, notes, time, rework, part intake, material usage, invoice,
    source quote and template are not carried over; its history starts with its creation.
    """
    if not job.customer.is_active:
        raise ValidationError(
            f"{job.customer.display_name} is an inactive customer; make the customer active "
            "before cloning their job."
        )
    clone = job_create(
        job=Job(
            customer=job.customer,
            description=job.description,
            project_name=job.project_name,
            po_number=job.po_number,
            priority=job.priority,
            special_instructions=job.special_instructions,
            estimated_hours=job.estimated_hours,
            discount_percent=job.discount_percent,
        ),
        user=user,
    )
    _assign_workers_at_creation(clone, list(job.assigned_workers.filter(is_active=True)))
    line_items_copy(items=job.items.order_by("position", "id"), owner=clone, user=user)
    clone.refresh_from_db()
    return clone
