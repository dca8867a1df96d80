"""What the customer's status page shows about their job: the progress line and the reads.

The shop's fourteen stages are more than a customer needs; they see six steps (received,
prep, coating, curing, quality, ready), with On Hold and Cancelled said in words. Only what
is fit for the customer is read: no prices, notes, costs, contact details, or (unless the
shop says so) workers' names. A fixed number of queries whatever the number of items.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from powdercoat.models import CompanySettings, Job, JobPhoto, LineItem, LineItemCoat
from powdercoat.models.choices import JobStatus

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The customer's steps, in order: (key, label).
STEPS: tuple[tuple[str, "StrOrPromise"], ...] = (
    ("received", _("Received")),
    ("prep", _("Prep")),
    ("coating", _("Coating")),
    ("curing", _("Curing")),
    ("quality", _("Quality check")),
    ("ready", _("Ready")),
)
STEP_KEYS = tuple(key for key, _label in STEPS)

# Each workflow stage as the customer's step. In Oven comes before Coating in this shop's
# workflow: the pre-bake that drives gas out of castings, part of getting the parts ready.
# Completed is finished work not yet set out for pickup: the quality step is done, not Ready.
STAGE_STEP = {
    JobStatus.PENDING: "received",
    JobStatus.QUOTED: "received",
    JobStatus.APPROVED: "received",
    JobStatus.IN_PREPARATION: "prep",
    JobStatus.SANDBLASTING: "prep",
    JobStatus.MASKING: "prep",
    JobStatus.CLEANING: "prep",
    JobStatus.IN_OVEN: "prep",
    JobStatus.COATING: "coating",
    JobStatus.CURING: "curing",
    JobStatus.QUALITY_CHECK: "quality",
    JobStatus.COMPLETED: "quality",
    JobStatus.READY_FOR_PICKUP: "ready",
    JobStatus.DELIVERED: "ready",
}

HEADLINES: dict[str, "StrOrPromise"] = {
    "received": _("We have your job and it is waiting its turn."),
    "prep": _("Your parts are being cleaned and prepared."),
    "coating": _("Your parts are being coated."),
    "curing": _("Your parts are in the oven, curing."),
    "quality": _("Your parts are being checked."),
    "ready": _("Your job is finished and waiting for you."),
}


@dataclass(frozen=True)
class Step:
    key: str
    label: "StrOrPromise"
    state: str  # "done", "current" or "todo"


@dataclass(frozen=True)
class Progress:
    """Where the job stands, for the customer: the steps and a sentence."""

    steps: tuple[Step, ...]  # empty for a cancelled job: there is no line to be on
    headline: "StrOrPromise"
    on_hold: bool = False
    cancelled: bool = False
    ready: bool = False  # waiting for pickup: the page gives the address and hours
    delivered: bool = False


def customer_progress(status: str, held_from: str = "") -> Progress:
    """The customer's view of a job at `status` (held at `held_from` when On Hold)."""
    if status == JobStatus.CANCELLED:
        return Progress(steps=(), headline=_("This job was cancelled."), cancelled=True)
    on_hold = status == JobStatus.ON_HOLD
    stage = held_from if on_hold else status
    current = (
        STAGE_STEP.get(JobStatus(stage), "received") if stage in JobStatus.values else "received"
    )
    position = STEP_KEYS.index(current)
    delivered = status == JobStatus.DELIVERED
    # Completed: the check is passed; the step shows done, and Ready is next.
    finished_quality = status == JobStatus.COMPLETED

    def state(index: int) -> str:
        if delivered or index < position or (finished_quality and index == position):
            return "done"
        return "current" if index == position else "todo"

    steps = tuple(Step(key, label, state(i)) for i, (key, label) in enumerate(STEPS))
    if on_hold:
        headline = _("On hold: we have paused work on this job. We will be in touch.")
    elif delivered:
        headline = _("Picked up. Thank you!")
    elif finished_quality:
        headline = _("Finished and passed its check; getting ready for pickup.")
    else:
        headline = HEADLINES[current]
    return Progress(
        steps=steps,
        headline=headline,
        on_hold=on_hold,
        ready=status == JobStatus.READY_FOR_PICKUP,
        delivered=delivered,
    )


@dataclass(frozen=True)
class Colour:
    name: str
    code: str
    finish: str
    swatch: str  # "#rrggbb" or ""


@dataclass(frozen=True)
class CustomerItem:
    description: str
    quantity: int
    colours: tuple[Colour, ...]


@dataclass(frozen=True)
class StatusPage:
    job: Job
    company: CompanySettings
    progress: Progress
    items: tuple[CustomerItem, ...]
    photos: tuple[JobPhoto, ...]
    workers: tuple[str, ...]


def _colour(coat: LineItemCoat) -> Colour:
    powder = coat.powder
    return Colour(
        name=powder.color_name or powder.name,
        code=powder.color_code,
        finish=powder.get_finish_display() if powder.finish else "",
        swatch=powder.swatch_hex or "",
    )


def status_page_read(job: Job, *, company: CompanySettings | None = None) -> StatusPage:
    """Everything the page shows about `job`: three queries (items, coats with their powders,
    photos), four with workers' names; `company` saves reading the settings again."""
    company = company or CompanySettings.load()
    items = (
        LineItem.objects.filter(job=job)
        .only("id", "description", "quantity", "position")
        .prefetch_related(
            Prefetch(
                "coats",
                queryset=LineItemCoat.objects.select_related("powder").order_by("position", "id"),
            )
        )
        .order_by("position", "id")
    )
    photos = JobPhoto.objects.filter(job=job, customer_visible=True).order_by("uploaded_at", "id")
    workers: tuple[str, ...] = ()
    if company.status_page_shows_workers:
        workers = tuple(job.assigned_workers.order_by("name").values_list("name", flat=True))
    return StatusPage(
        job=job,
        company=company,
        progress=customer_progress(job.status, job.held_from_status),
        items=tuple(
            CustomerItem(
                description=item.description,
                quantity=item.quantity,
                colours=tuple(_colour(coat) for coat in item.coats.all()),
            )
            for item in items
        ),
        photos=tuple(photos.only("id", "caption", "kind", "image")),
        workers=workers,
    )
