"""Starting and finishing an oven batch: its jobs go to Coating, then to Curing (SPEC O1).

The moves are the jobs' own Advance, made through `job_advance` one stage at a time, so the
state machine, the role check and the timeline are the same as from the phone; each step's
note names the batch. The page says which status it showed for each job; a job that has
moved since is left alone and named in the answer, as is one that is not in the batch.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from powdercoat import oven_plan
from powdercoat.models import CompanySettings, InventoryItem, Job, LineItemCoat
from powdercoat.models.choices import COATING_CATEGORIES, WORKFLOW, JobStatus
from powdercoat.selectors import oven_powder
from powdercoat.services.jobs import job_advance

# More jobs than any oven batch holds: a longer list is a tampered form, not a batch.
MOST_JOBS_PER_BATCH = 500


@dataclass
class OvenBatchOutcome:
    """What starting or finishing a batch did, job by job, in words for the coater."""

    label: str
    verb: str  # "started" or "finished"
    target: JobStatus
    moved: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def message(self) -> str:
        """ "Oven batch Gloss Black · 400 °F 10 min started: JOB-1, JOB-2 moved to Coating.
        Skipped: JOB-3 is now Curing; it moved since the plan was loaded." """
        parts = [f"Oven batch {self.label} {self.verb}:"]
        if self.moved:
            parts.append(f"{', '.join(self.moved)} moved to {self.target.label}.")
        else:
            parts.append("no job was moved.")
        if self.already:
            parts.append(f"Already at {self.target.label}: {', '.join(self.already)}.")
        if self.skipped:
            parts.append("Skipped: " + "; ".join(self.skipped) + ".")
        return " ".join(parts)


def _batch(*, powder_id: int, seen: dict[str, str]) -> tuple[InventoryItem, list[Job], set[int]]:
    """The batch's powder, its jobs locked in a fixed order, and which of them it coats."""
    if not seen:
        raise ValidationError("This batch lists no jobs; reload the oven plan.")
    if len(seen) > MOST_JOBS_PER_BATCH:
        raise ValidationError(
            f"A batch of more than {MOST_JOBS_PER_BATCH} jobs cannot be right; reload the plan."
        )
    powder = InventoryItem.objects.filter(pk=powder_id, category__in=COATING_CATEGORIES).first()
    if powder is None:
        raise ValidationError("That powder is no longer in the inventory; reload the oven plan.")
    jobs = list(Job.objects.select_for_update().filter(number__in=seen).order_by("pk"))
    coated = set(
        LineItemCoat.objects.filter(item__job__in=[job.pk for job in jobs], powder=powder)
        .values_list("item__job_id", flat=True)
        .distinct()
    )
    return powder, jobs, coated


def _moved_meanwhile(job: Job, seen_status: str) -> str | None:
    """Why `job` is left alone because it is not where the page showed it, or None."""
    if job.status == seen_status:
        return None
    return f"{job.number} is now {JobStatus(job.status).label}; it moved since the plan was loaded"


def _advance_to(job: Job, target: JobStatus, *, user: User | None, note: str) -> None:
    """Advance `job` stage by stage until it reaches `target`, each step in the timeline with
    `note`; all or nothing for the job (its own savepoint), refused in words."""
    with transaction.atomic():
        while job.status != target:
            if job.status not in WORKFLOW or WORKFLOW.index(job.status) > WORKFLOW.index(target):
                raise ValidationError(
                    f"{job.number} cannot reach {target.label} from "
                    f"{JobStatus(job.status).label} by advancing"
                )
            job_advance(job=job, user=user, note=note)


def _move_batch(
    *,
    powder_id: int,
    seen: dict[str, str],
    user: User | None,
    target: JobStatus,
    verb: str,
    may_start_from: tuple[str, ...],
) -> OvenBatchOutcome:
    powder, jobs, coated = _batch(powder_id=powder_id, seen=seen)
    label = oven_plan.batch_label(oven_powder(powder, CompanySettings.load()))
    outcome = OvenBatchOutcome(label=label, verb=verb, target=target)
    found = {job.number for job in jobs}
    outcome.skipped.extend(
        f"{number} is no longer in the shop's jobs"
        for number in sorted(seen)
        if number not in found
    )
    for job in jobs:
        if job.pk not in coated:
            outcome.skipped.append(f"{job.number} has no coat of {powder}")
            continue
        moved = _moved_meanwhile(job, seen[job.number])
        if moved:
            outcome.skipped.append(moved)
            continue
        if job.status == target:
            outcome.already.append(job.number)
            continue
        if job.status not in may_start_from:
            outcome.skipped.append(
                f"{job.number} is {JobStatus(job.status).label}, not ready to be {verb} here"
            )
            continue
        try:
            _advance_to(job, target, user=user, note=f"Oven batch: {label}")
        except ValidationError as refusal:
            job.refresh_from_db(fields=["status", "held_from_status"])
            outcome.skipped.append(" ".join(refusal.messages).rstrip("."))
            continue
        outcome.moved.append(job.number)
    return outcome


# Where a batch can be started from: any stage before Coating that Advance walks to it.
_BEFORE_COATING = WORKFLOW[WORKFLOW.index(JobStatus.APPROVED) : WORKFLOW.index(JobStatus.COATING)]


@transaction.atomic
def oven_batch_start(
    *, powder_id: int, seen: dict[str, str], user: User | None
) -> OvenBatchOutcome:
    """Start spraying a batch: its jobs that are still where the page showed them and before
    Coating are advanced to Coating, each step noted with the batch's name. `seen` maps each
    job number on the batch to the status the page showed."""
    return _move_batch(
        powder_id=powder_id,
        seen=seen,
        user=user,
        target=JobStatus.COATING,
        verb="started",
        may_start_from=_BEFORE_COATING,
    )


@transaction.atomic
def oven_batch_finish(
    *, powder_id: int, seen: dict[str, str], user: User | None
) -> OvenBatchOutcome:
    """The batch is sprayed and in the oven: its jobs at Coating (and still where the page
    showed them) advance to Curing, noted with the batch's name."""
    return _move_batch(
        powder_id=powder_id,
        seen=seen,
        user=user,
        target=JobStatus.CURING,
        verb="finished",
        may_start_from=(JobStatus.COATING,),
    )
