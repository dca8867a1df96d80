"""What the shop-floor pages share: job cards read in fixed queries, the login rule, status moves.

The TV display, the Priority Board, the phone view and the status bump page all show a job as
a card: number, customer, priority, due date, items, powders as swatches, workers. None of it
is a price, a cost or a customer's contact detail (SPEC 0), so every role may see a card.
"""

import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cache, wraps
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Case, F, IntegerField, OrderBy, QuerySet, Value, When
from django.shortcuts import resolve_url
from django.urls import get_script_prefix, reverse
from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_htmx.http import HttpResponseClientRedirect

from powdercoat import badges
from powdercoat.models import CompanySettings, Job, Worker
from powdercoat.models.choices import PRIORITY_TONE, STATUS_FAMILY, WORKFLOW, JobStatus, Priority
from powdercoat.querysets import job_is_overdue
from powdercoat.selectors import jobs_needed_prep_stages, shop_floor_jobs
from powdercoat.services.jobs import JobMove, job_advance_undo, job_move, job_moves_offered
from powdercoat.services.submissions import SubmissionRepeated, submission_once

# Stages in the order the pages list them: the workflow, then jobs on hold.
STAGE_ORDER = (*WORKFLOW, JobStatus.ON_HOLD)

# The same orders in SQL, for reading only the cards a screen shows (`job_cards_by`).
SOONEST_DUE_FIRST = (F("due_date").asc(nulls_last=True), F("number").asc())
MOST_PRESSING_FIRST = (F("priority").desc(), *SOONEST_DUE_FIRST)


def overdue_first_then_due(today: date) -> tuple[OrderBy, ...]:
    """Overdue jobs first (due before `today` with the work still open, as `Job.is_overdue`
    says), then the soonest due date, jobs without one last, then the job number.

    Among open jobs alone the first key agrees with the due date; it is spelled out so that a
    finished job with an old due date never sorts above work that is late. A function because
    "overdue" depends on the day the page is read.
    """
    overdue_first = Case(
        When(job_is_overdue(today), then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return (overdue_first.asc(), *SOONEST_DUE_FIRST)


# A swatch colour goes into a style attribute, so only a plain #RRGGBB is ever used.
_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")

# How many item descriptions a card spells out before "+ N more".
SUMMARY_ITEMS = 2
# How many powders a small card (TV, board) shows before "+ N more".
SWATCHES_SHOWN = 3
# How long a powder's name may be on a TV card, where two of them and "+ 1 more" share a line.
SHORT_SWATCH_CHARS = 17


# -- login -------------------------------------------------------------------------------------


def shop_login_required(view: Callable) -> Callable:
    """`login_required`, except that an htmx request whose session has ended (a phone left on
    the auto-refreshing list overnight) sends the whole page to the login, not a fragment."""
    guarded = login_required(view)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if getattr(request, "htmx", False) and not request.user.is_authenticated:
            page = request.htmx.current_url_abs_path or request.get_full_path()
            login = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': page})}"
            return HttpResponseClientRedirect(login)
        return guarded(request, *args, **kwargs)

    return wrapper


def company_of(request) -> CompanySettings:
    """The settings row the middleware already read, or read now."""
    return getattr(request, "company", None) or CompanySettings.load()


def floor_jobs(company: CompanySettings) -> QuerySet[Job]:
    """The jobs the shop-floor screens show: those at the stages the company ticked in its
    settings ("Shop floor stages", `CompanySettings.floor_stage_order`)."""
    return Job.objects.filter(status__in=company.floor_stage_order)


# -- cards -------------------------------------------------------------------------------------

_NUMBER_SLOT = "JOB-NUMBER-SLOT"


@cache
def _job_url_pattern(name: str, script_prefix: str) -> str:
    """The address of view `name` for a job number, with a slot for the number: reversed once
    per process instead of four times per card (a hundred cards made it a tenth of the page)."""
    return reverse(name, args=[_NUMBER_SLOT])


def job_url(name: str, number: str) -> str:
    """The address of the view `name` that takes a job number, for `number` (or whatever the
    view takes in that one place: the admin's job page takes the job's id)."""
    return _job_url_pattern(name, get_script_prefix()).replace(_NUMBER_SLOT, quote(number, safe=""))


@dataclass(frozen=True)
class Swatch:
    """One powder as a colour chip with its name beside it (colour is never the only signal)."""

    pk: int  # the inventory item's id (the material usage page takes it)
    label: str
    colour: str  # "#RRGGBB", or "" when the powder has no swatch colour set
    name: str = ""  # the label without its colour code

    @property
    def short_label(self) -> str:
        """The label for a small card (the TV): the colour code goes first, then the end of
        the name, so the card says "Safety Yellow", not "Safety Yellow (R…"."""
        if len(self.label) <= SHORT_SWATCH_CHARS:
            return self.label
        name = self.name or self.label
        if len(name) <= SHORT_SWATCH_CHARS:
            return name
        return name[: SHORT_SWATCH_CHARS - 1].rstrip() + "…"


@dataclass(frozen=True)
class JobCard:
    """A job as every shop-floor page shows it."""

    job: Job
    customer: str
    workers: tuple[Worker, ...]
    item_count: int
    part_count: int
    summary: str
    swatches: tuple[Swatch, ...]
    # The shop-floor moves (advance, resume, hold) this person may make now, as the job's
    # transitions offer them; filled in for the pages that show the buttons.
    moves: tuple[JobMove, ...] = ()

    @property
    def number(self) -> str:
        return self.job.number

    @property
    def status(self) -> JobStatus:
        return JobStatus(self.job.status)

    @property
    def priority(self) -> Priority:
        return Priority(self.job.priority)

    @property
    def family(self) -> str:
        """The stage family (intake, prep, coating, qc, done, hold, cancelled)."""
        return STATUS_FAMILY[self.status]

    @property
    def tone(self) -> str:
        """The priority tone (low, normal, high, urgent, rush)."""
        return PRIORITY_TONE[self.priority]

    @property
    def is_pressing(self) -> bool:
        """Urgent or Rush: marked on every page."""
        return self.priority >= Priority.URGENT

    @property
    def due(self) -> date | None:
        return self.job.due_date

    @property
    def is_overdue(self) -> bool:
        return self.job.is_overdue

    @property
    def status_badge(self):
        return badges.status_badge(self.status)

    @property
    def priority_badge(self):
        return badges.priority_badge(self.priority)

    @property
    def due_label(self):
        """The due date, marked "overdue" in words when it has passed."""
        return badges.due_date_label(self.due, overdue=self.is_overdue)

    @property
    def short_due_label(self) -> SafeString:
        """The due date in a few words for a small card: "Overdue · Nov 27", "Due today",
        "Due Nov 30". No year: a TV card has no room for it, and a shop's due dates are weeks
        apart, not years. Overdue and today are said in words, not only in colour."""
        if self.due is None:
            return format_html("{}", _("No due date"))
        day = formats.date_format(self.due, "M j")
        if self.is_overdue:
            return format_html(
                '<span class="pc-overdue">⚠ {}</span>', _("Overdue · %(day)s") % {"day": day}
            )
        if self.job.is_due_today:
            return format_html('<span class="pc-due-today">◷ {}</span>', _("Due today"))
        return format_html("{}", _("Due %(day)s") % {"day": day})

    @property
    def change_url(self) -> str:
        """The job's page in the admin."""
        return job_url("admin:powdercoat_job_change", str(self.job.pk))

    @property
    def bump_url(self) -> str:
        """The job's page on the floor (details, hold, log powder)."""
        return job_url("admin_views:job_bump", self.number)

    @property
    def advance_url(self) -> str:
        """Where the phone's Advance button posts."""
        return job_url("admin_views:shop_mobile_advance", self.number)

    @property
    def priority_move_url(self) -> str:
        """Where the board's "Move to" posts."""
        return job_url("admin_views:priority_move", self.number)

    @property
    def moves_by_name(self) -> dict[str, JobMove]:
        """The offered moves by their transition's name (`card.moves_by_name.hold`)."""
        return {move.name: move for move in self.moves}

    def move(self, name: str) -> JobMove | None:
        """The offered move `name`, or None."""
        return self.moves_by_name.get(name)

    @property
    def main_move(self) -> JobMove | None:
        """The big button: Resume for a job on hold, else Advance (when offered)."""
        return self.move("resume") or self.move("advance")

    @property
    def next_stage(self) -> JobStatus | None:
        """Where Advance or Resume would take the job, as the card says it."""
        move = self.main_move
        return move.target if move else None

    @property
    def worker_names(self) -> str:
        return ", ".join(worker.name for worker in self.workers)

    @property
    def powder_names(self) -> str:
        """Every powder of the job by name, for a card with room for only the first few."""
        return ", ".join(swatch.label for swatch in self.swatches)

    @property
    def first_swatches(self) -> tuple[Swatch, ...]:
        """The powders a small card has room for."""
        return self.swatches[:SWATCHES_SHOWN]

    @property
    def more_swatches(self) -> int:
        """How many powders a small card leaves out."""
        return max(0, len(self.swatches) - SWATCHES_SHOWN)


def _swatches(job: Job) -> tuple[Swatch, ...]:
    """Each powder on the job's items once, in the order the items and coats list them."""
    seen: dict[int, Swatch] = {}
    for item in job.floor_items:
        for coat in item.floor_coats:
            powder = coat.powder
            if powder.pk in seen:
                continue
            name = powder.color_name or powder.name
            label = name
            if powder.color_code and powder.color_code not in name:
                label = f"{name} ({powder.color_code})"
            colour = powder.swatch_hex if _HEX.match(powder.swatch_hex or "") else ""
            seen[powder.pk] = Swatch(pk=powder.pk, label=label, colour=colour, name=name)
    return tuple(seen.values())


def _summary(items: list) -> str:
    """The first item descriptions, then how many more: "4 x Bracket; 2 x Rail; + 3 more"."""
    parts = [f"{item.quantity} × {item.description}" for item in items[:SUMMARY_ITEMS]]
    if len(items) > SUMMARY_ITEMS:
        parts.append(_("+ %(count)d more") % {"count": len(items) - SUMMARY_ITEMS})
    return "; ".join(parts)


def job_cards(jobs: QuerySet[Job], *, company: CompanySettings, moves_for=None) -> list[JobCard]:
    """Cards for the jobs, in the queryset's order: four queries, five with `moves_for` (the
    user whose shop-floor moves each card offers)."""
    jobs = list(shop_floor_jobs(jobs))
    needed = (
        jobs_needed_prep_stages(Job.objects.filter(pk__in=[job.pk for job in jobs]))
        if moves_for is not None and jobs
        else {}
    )
    cards = []
    for job in jobs:
        items = job.floor_items
        moves = {}
        if moves_for is not None:
            moves["moves"] = tuple(
                job_moves_offered(
                    job,
                    moves_for,
                    company=company,
                    needed_prep_stages=needed.get(job.pk, ()),
                    on_floor_only=True,
                )
            )
        cards.append(
            JobCard(
                job=job,
                customer=job.customer.display_name,
                workers=tuple(job.floor_workers),
                item_count=len(items),
                part_count=sum(item.quantity for item in items),
                summary=_summary(items),
                swatches=_swatches(job),
                **moves,
            )
        )
    return cards


@dataclass(frozen=True)
class CardsBy:
    """The cards a screen shows for each stage (or lane), and how many jobs each holds."""

    cards: dict[Any, list[JobCard]]
    totals: dict[Any, int]


def job_cards_by(
    jobs: QuerySet[Job],
    *,
    field: str,
    order_by: Sequence[OrderBy],
    limit: int,
    company: CompanySettings,
    moves_for=None,
) -> CardsBy:
    """Cards for the first `limit` jobs of each value of `field`, by `order_by`, and the count
    of each: one query more than `job_cards`, and only the cards a screen shows are built, so
    the cost follows the screen and not the number of active jobs."""
    totals = jobs.count_by(field)
    shown = jobs.first_of_each(field, order_by, limit)
    grouped: dict[Any, list[JobCard]] = defaultdict(list)
    for card in job_cards(shown, company=company, moves_for=moves_for):
        grouped[getattr(card.job, field)].append(card)
    return CardsBy(cards=dict(grouped), totals=totals)


@dataclass
class StageGroup:
    """The cards of one stage, for the pages that list jobs by stage."""

    status: JobStatus
    cards: list[JobCard] = field(default_factory=list)
    # All the stage's jobs, of which `cards` may show only the first.
    total: int | None = None

    @property
    def job_count(self) -> int:
        return len(self.cards) if self.total is None else self.total

    @property
    def more(self) -> int:
        """Jobs of the stage that have no card here."""
        return self.job_count - len(self.cards)

    @property
    def label(self) -> str:
        return self.status.label

    @property
    def family(self) -> str:
        return STATUS_FAMILY[self.status]

    @property
    def count_label(self) -> str:
        return ngettext("%(count)d job", "%(count)d jobs", self.job_count) % {
            "count": self.job_count
        }


def stage_groups(by_stage: CardsBy) -> list[StageGroup]:
    """Stage groups in workflow order (On Hold last) from `job_cards_by(field="status")`;
    stages without jobs are left out."""
    return [
        StageGroup(stage, by_stage.cards.get(stage, []), total=by_stage.totals[stage])
        for stage in STAGE_ORDER
        if by_stage.totals.get(stage)
    ]


# -- status moves from the shop pages ----------------------------------------------------------


@dataclass(frozen=True)
class MoveResult:
    """What happened when someone pressed a status button, in words for them."""

    done: bool
    message: str
    # The timeline row an advance just made, which the phone offers to take back.
    undoable_change_id: int | None = None


def _pressed_once(*, key: str, user, work: Callable[[], tuple[str, int | None]]) -> MoveResult:
    """Run `work` at most once for the submission `key`; what it says (and the change an Undo
    may take back) comes back as a MoveResult. A repeat answers "Already recorded" with what
    the first press did; a refusal comes back in words, never as an error page."""
    try:
        with submission_once(key=key, user=user) as answer:
            text, undoable_change_id = work()
            answer(message=text)
    except SubmissionRepeated as repeat:
        return MoveResult(True, repeat.message)
    except ValidationError as error:
        return MoveResult(False, " ".join(error.messages))
    except PermissionDenied as error:
        return MoveResult(False, str(error) or _("Your role does not allow that."))
    return MoveResult(True, text, undoable_change_id)


def job_move_pressed(
    *, job: Job, user, move: str, seen_status: str, key: str, reason: str = ""
) -> MoveResult:
    """Make a shop-floor move (the job's transitions say which: advance, resume, hold) for the
    person who pressed it.

    Applied once per submission `key`: the same press arriving twice (a double tap, a retry on
    bad Wi-Fi) answers "Already recorded" with what the first did. `seen_status` is the status
    their page showed: if the job has moved since (someone else pressed first, or the page is
    old), nothing is changed, so a stale page can never push a job a second stage. An advance
    comes back with its timeline row, which the phone offers to take back.
    """

    def work() -> tuple[str, int | None]:
        if seen_status != job.status:
            raise ValidationError(
                _(
                    "%(number)s is now %(status)s: it was moved since this page was loaded. "
                    "Nothing was changed; look at it again."
                )
                % {"number": job.number, "status": JobStatus(job.status).label}
            )
        if not any(m.name == move for m in job_moves_offered(job, user, on_floor_only=True)):
            raise ValidationError(
                _("%(number)s cannot be moved that way from here; reload the page.")
                % {"number": job.number}
            )
        change = job_move(job=job, user=user, move=move, note=reason)
        text = _("%(number)s: %(from)s → %(to)s.") % {
            "number": job.number,
            "from": change.get_from_status_display(),
            "to": change.get_to_status_display(),
        }
        return text, change.pk if change.transition == "advance" else None

    return _pressed_once(key=key, user=user, work=work)


def job_undo_pressed(*, job: Job, user, change_id: str, key: str) -> MoveResult:
    """Take back the advance `change_id` that `user` just made (`job_advance_undo`), once per
    submission `key`; refusals come back in words, never as an error page."""
    if not change_id.isdigit() or len(change_id) > 18:
        return MoveResult(False, _("That advance cannot be found; nothing was changed."))

    def work() -> tuple[str, int | None]:
        change = job_advance_undo(job=job, user=user, change_id=int(change_id))
        text = _("%(number)s is back in %(to)s.") % {
            "number": job.number,
            "to": change.get_to_status_display(),
        }
        return text, None

    return _pressed_once(key=key, user=user, work=work)
