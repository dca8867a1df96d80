"""The oven plan page: jobs ready to coat in batches by powder and cure, and Start and Done
for each batch (SPEC O1).

The grouping and order come from `powdercoat.oven_plan.plan_oven` and the oven cycles from
`plan_cycles`; this page reads their input (`oven_plan_jobs`, two queries; `oven_plan_ovens`,
one), shows it, and hands a pressed button to `oven_batch_start` or
`oven_batch_finish`, once per submission key. It prints as one sheet for the booth through a
print stylesheet: the sheet is the page, so what the coater reads on paper is what the screen
shows, with no second layout to keep in step.
"""

from dataclasses import dataclass
from functools import cached_property

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from admin_views.views.shop_common import company_of, job_url, shop_login_required
from powdercoat import badges
from powdercoat.models.choices import WORKFLOW, JobStatus
from powdercoat.oven_plan import (
    MOST_CYCLES,
    BatchJob,
    CycleLoad,
    CyclePlan,
    OvenBatch,
    OvenCycle,
    OvenPlanError,
    plan_cycles,
    plan_oven,
)
from powdercoat.selectors import oven_plan_jobs, oven_plan_ovens
from powdercoat.services.oven import OvenBatchOutcome, oven_batch_finish, oven_batch_start
from powdercoat.services.submissions import SubmissionRepeated, submission_once

MOVE_PERMISSION = "powdercoat.advance_job"
_COATING_AT = WORKFLOW.index(JobStatus.COATING)


@dataclass(frozen=True)
class JobRow:
    """One job of a batch as the page lists it."""

    share: BatchJob

    @property
    def number(self) -> str:
        return self.share.job.number

    @property
    def status(self) -> JobStatus:
        return JobStatus(self.share.job.status)

    @property
    def status_badge(self) -> SafeString:
        return badges.status_badge(self.status)

    @property
    def due_label(self):
        return badges.due_date_label(
            self.share.job.due_date, overdue=self.share.job.is_overdue, short=True
        )

    @property
    def bump_url(self) -> str:
        return job_url("admin_views:job_bump", self.number)

    @property
    def seen(self) -> str:
        """What a batch form posts for the job: its number and the status shown."""
        return f"{self.number}|{self.status.value}"

    @property
    def before_coating(self) -> bool:
        return self.status in WORKFLOW and WORKFLOW.index(self.status) < _COATING_AT


@dataclass(frozen=True)
class BatchCard:
    """A batch with its place in the plan and its jobs as rows."""

    step: int
    batch: OvenBatch
    cycle_numbers: tuple[int, ...] = ()
    cycle_mates: tuple[str, ...] = ()

    @cached_property
    def rows(self) -> list[JobRow]:
        return [JobRow(share) for share in self.batch.jobs]

    @property
    def anchor(self) -> str:
        return f"batch-{self.batch.powder.pk}"

    @property
    def may_start(self) -> bool:
        """Some job of the batch is still before Coating."""
        return any(row.before_coating for row in self.rows)

    @property
    def may_finish(self) -> bool:
        """Some job of the batch is being sprayed."""
        return any(row.status == JobStatus.COATING for row in self.rows)

    @property
    def shortfall_lbs(self):
        return self.batch.powder_lbs - self.batch.powder.on_hand_lbs


@dataclass(frozen=True)
class CycleCard:
    """An oven cycle as the page lists it."""

    cycle: OvenCycle

    @property
    def anchor(self) -> str:
        return f"cycle-{self.cycle.number}"

    @property
    def meter_percent(self) -> int:
        """The bar's width: a cycle over capacity fills it, and says so in words."""
        return min(100, self.cycle.load_percent)

    @property
    def rows(self) -> list[tuple[CycleLoad, str]]:
        """Each load with the address of its job's page."""
        return [
            (load, job_url("admin_views:job_bump", load.job.number)) for load in self.cycle.loads
        ]


def _context(request) -> dict:
    company = company_of(request)
    jobs = oven_plan_jobs(company)
    batches = plan_oven(jobs)
    ovens = oven_plan_ovens()
    try:
        cycle_plan = plan_cycles(batches, ovens)
    except OvenPlanError as error:
        messages.error(request, str(error))
        cycle_plan = CyclePlan(cycles=())
    in_cycles = cycle_plan.cycle_numbers_of()
    mates = cycle_plan.cycle_mates_of()
    return {
        "cards": [
            BatchCard(
                step,
                batch,
                in_cycles.get(batch.powder.pk, ()),
                mates.get(batch.powder.pk, ()),
            )
            for step, batch in enumerate(batches, start=1)
        ],
        "cycle_plan": cycle_plan,
        "cycle_cards": [CycleCard(cycle) for cycle in cycle_plan.cycles],
        "most_cycles": MOST_CYCLES,
        "ovens": ovens,
        "job_count": len({job.pk for job in jobs if job.items}),
        "stages": company.oven_plan_stage_order,
        "can_move": request.user.has_perm(MOVE_PERMISSION),
    }


@require_GET
@shop_login_required
@permission_required("powdercoat.view_job", raise_exception=True)
def oven_plan(request):
    """The plan page (and the sheet it prints)."""
    return render(request, "admin_views/shop/oven_plan.html", _context(request))


def _posted_batch(request) -> tuple[int, dict[str, str]]:
    """The powder and the jobs (number → status shown) a batch form posted, or a refusal."""
    powder = request.POST.get("powder", "")
    if not powder.isdigit() or len(powder) > 18:
        raise ValidationError(_("That batch cannot be found; reload the oven plan."))
    seen: dict[str, str] = {}
    for value in request.POST.getlist("job"):
        number, _sep, status = value.partition("|")
        if not number or status not in JobStatus.values:
            raise ValidationError(_("That batch's job list is damaged; reload the oven plan."))
        seen[number] = status
    return int(powder), seen


def _press(request, service) -> None:
    """Apply the batch form once per submission key, and say how it went."""
    if not request.user.has_perm(MOVE_PERMISSION):
        raise PermissionDenied(_("Your role does not allow moving jobs."))
    try:
        powder_id, seen = _posted_batch(request)
        with submission_once(
            key=request.POST.get("submission_key", ""), user=request.user
        ) as answer:
            outcome: OvenBatchOutcome = service(powder_id=powder_id, seen=seen, user=request.user)
            answer(message=outcome.message)
    except SubmissionRepeated as repeat:
        messages.info(request, repeat.message)
        return
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return
    except PermissionDenied as error:
        messages.error(request, str(error) or _("Your role does not allow that."))
        return
    (messages.warning if outcome.skipped else messages.success)(request, outcome.message)


def _back_to_plan(request):
    anchor = request.POST.get("powder", "")
    plan = reverse("admin_views:oven_plan")
    return redirect(f"{plan}#batch-{anchor}" if anchor.isdigit() else plan)


@require_POST
@shop_login_required
def oven_batch_start_pressed(request):
    """Start: the batch's jobs go to Coating."""
    _press(request, oven_batch_start)
    return _back_to_plan(request)


@require_POST
@shop_login_required
def oven_batch_finish_pressed(request):
    """Done: the batch's jobs go to Curing."""
    _press(request, oven_batch_finish)
    return _back_to_plan(request)
