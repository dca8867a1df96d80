"""Jobs, their status state machine and the timeline of status changes (SPEC J1-J5)."""

import datetime
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, Transition, transition
from simple_history.models import HistoricalRecords

from powdercoat.alerts import PriorityAlertReach
from powdercoat.models.base import StatusGuardedModel, TimeStampedModel, plausible_date, user_stamp
from powdercoat.models.choices import (
    ACTIVE_STAGES,
    CLOSED_STAGES,
    FINISHED_STAGES,
    PREP_STAGES,
    READY_STAGES,
    WORKFLOW,
    JobStatus,
    Priority,
)
from powdercoat.querysets import JobQuerySet

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# Where each transition may start from (SPEC J3).
ADVANCE_SOURCES = WORKFLOW[:-1]
HOLD_SOURCES = WORKFLOW[:-1]
CANCEL_SOURCES = (*WORKFLOW[:-1], JobStatus.ON_HOLD)
SET_STATUS_SOURCES = (*WORKFLOW, JobStatus.ON_HOLD)


def next_stage(
    current: str, *, needed_prep_stages: Iterable[str], skip_unneeded_prep: bool
) -> JobStatus | None:
    """The stage Advance moves to from `current`, or None at the end of the workflow.

    Prep stages (Sandblasting, Masking / Taping, Cleaning) that no item needs are passed over
    when the shop has skipping turned on.
    """
    if current not in WORKFLOW:
        return None
    needed = set(needed_prep_stages)
    for stage in WORKFLOW[WORKFLOW.index(current) + 1 :]:
        if skip_unneeded_prep and stage in PREP_STAGES and stage not in needed:
            continue
        return stage
    return None


class Job(ConcurrentTransitionMixin, StatusGuardedModel, TimeStampedModel):
    """One customer's work through the shop, from drop-off to pickup."""

    number = models.CharField(_("job number"), max_length=20, unique=True, editable=False)
    customer = models.ForeignKey(
        "powdercoat.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="jobs",
    )
    description = models.CharField(_("description"), max_length=300)
    project_name = models.CharField(_("project name"), max_length=200, blank=True)
    po_number = models.CharField(_("PO number"), max_length=60, blank=True)
    scheduled_date = models.DateField(
        _("scheduled"), null=True, blank=True, validators=[plausible_date]
    )
    due_date = models.DateField(_("due"), null=True, blank=True, validators=[plausible_date])
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    # Only transitions move the status; the admin shows it read-only (ARCHITECTURE).
    status = FSMField(
        _("status"), choices=JobStatus.choices, default=JobStatus.PENDING, protected=True
    )
    held_from_status = models.CharField(
        _("held at"),
        max_length=20,
        choices=JobStatus.choices,
        blank=True,
        editable=False,
        help_text=_("Where Resume returns a job on hold to."),
    )
    assigned_workers = models.ManyToManyField(
        "powdercoat.Worker", verbose_name=_("assigned workers"), blank=True, related_name="jobs"
    )
    special_instructions = models.TextField(_("special instructions"), blank=True)
    source_template = models.ForeignKey(
        "powdercoat.JobTemplate",
        verbose_name=_("made from template"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="jobs",
    )
    estimated_hours = models.DecimalField(
        _("estimated hours"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )

    # Price: the items total, less the discount, plus the rush surcharge (SPEC J2, J5).
    discount_percent = models.DecimalField(
        _("discount %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    rush_surcharge_percent = models.DecimalField(
        _("rush surcharge %"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        editable=False,
        help_text=_("Taken from company settings when the job becomes Rush."),
    )
    subtotal = models.DecimalField(
        _("items total"), max_digits=12, decimal_places=2, default=Decimal("0"), editable=False
    )
    discount_amount = models.DecimalField(
        _("discount"), max_digits=12, decimal_places=2, default=Decimal("0"), editable=False
    )
    rush_surcharge_amount = models.DecimalField(
        _("rush surcharge"), max_digits=12, decimal_places=2, default=Decimal("0"), editable=False
    )
    total_price = models.DecimalField(
        _("price"), max_digits=12, decimal_places=2, default=Decimal("0"), editable=False
    )

    # Milestones, copied from the status timeline when a move first reaches them and never
    # cleared, so a report reads a period's finished jobs from an index instead of working out
    # each job's first finishing move from millions of timeline rows. Not in the job's history:
    # they follow from the status, which is.
    finished_at = models.DateTimeField(
        _("finished"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the job first reached Completed, Ready for Pickup or Delivered."),
    )
    ready_at = models.DateTimeField(
        _("first ready"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("When the job first reached Ready for Pickup or Delivered."),
    )

    # The secret of the customer's status link (/s/<token>/, SPEC U1). Empty until the link is
    # first printed, shown or sent (services/status_links.py issues it then): a nullable column
    # added without a default costs nothing on a table of a million jobs, where a backfill
    # would write every row. Revoking replaces it. Kept out of the history: it is a secret.
    # NULL, not "": many jobs without a link must not collide in the unique index.
    status_token = models.CharField(  # noqa: DJ001
        _("status link secret"), max_length=64, null=True, blank=True, editable=False
    )

    created_by = user_stamp(_("created by"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    history = HistoricalRecords(
        excluded_fields=["updated_at", "finished_at", "ready_at", "status_token"],
        m2m_fields=[assigned_workers],
    )
    objects = JobQuerySet.as_manager()

    # Not a column: job_create / job_update leave here whom the Urgent or Rush alert of that
    # save reached, for the page to say (None when the save alerted nobody).
    priority_alert: PriorityAlertReach | None = None

    class Meta:
        verbose_name = _("job")
        verbose_name_plural = _("jobs")
        ordering = ("-priority", "due_date", "number")
        permissions = [
            ("advance_job", _("Can advance, hold and resume jobs")),
            ("cancel_job", _("Can cancel jobs")),
            ("reopen_job", _("Can reopen cancelled jobs")),
            ("set_job_status", _("Can move a job to any stage")),
            ("view_prices", _("Can see prices and costs")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discount_percent__gte=0, discount_percent__lte=100),
                name="job_discount_0_to_100",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values), name="job_status_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=JobStatus.ON_HOLD) | ~models.Q(held_from_status=""),
                name="job_on_hold_knows_where_from",
            ),
            # A constraint rather than unique=True: SQLite cannot add a unique column in place
            # and would copy the whole table; this is one CREATE UNIQUE INDEX over the issued
            # links only (the partial index stays small while most jobs have none). The status
            # page finds its job through it.
            models.UniqueConstraint(
                fields=["status_token"],
                condition=models.Q(status_token__isnull=False),
                name="job_status_token_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["priority", "due_date"]),
            models.Index(fields=["due_date"]),
            models.Index(fields=["-created_at"]),
            # Sorting the list by price reads the index (the column is otherwise unindexed).
            models.Index(fields=["total_price"], name="job_price"),
            # A customer's page lists their jobs newest first.
            models.Index(fields=["customer", "-created_at"], name="job_customer_newest"),
            # The jobs list's own order (most pressing first): its All tab, deep pages and a
            # search's first page read the index instead of sorting the table (1M jobs: 205 ms).
            models.Index(fields=["-priority", "due_date", "number"], name="job_list_order"),
            # The same order among the active jobs alone (a thousand of a million): the On
            # Floor tab and the dashboard's Urgent and Rush notice, which the planner otherwise
            # reads through the whole order above, skipping 200,000 closed Urgent jobs.
            models.Index(
                fields=["-priority", "due_date", "number"],
                condition=models.Q(status__in=ACTIVE_STAGES),
                name="job_active_list_order",
            ),
            # The hours, powder and on-time reports read the jobs finished in a period.
            models.Index(fields=["finished_at"], name="job_finished_at"),
            models.Index(fields=["ready_at"], name="job_ready_at"),
        ]

    def __str__(self) -> str:
        return self.number or str(_("New job"))

    if TYPE_CHECKING:
        # django-fsm-2 adds this method for the `status` field when the class is made.
        def get_available_user_status_transitions(self, user: "User") -> Iterator[Transition]:
            """The moves `user` may make from the current status (state, conditions, role)."""
            ...

    def clean(self) -> None:
        """A job cannot be due before it is scheduled to start (said on the due date field)."""
        super().clean()
        if self.scheduled_date and self.due_date and self.due_date < self.scheduled_date:
            raise ValidationError(
                {
                    "due_date": _(
                        "The due date (%(due)s) is before the scheduled date (%(scheduled)s); "
                        "move one of them."
                    )
                    % {
                        "due": formats.date_format(self.due_date),
                        "scheduled": formats.date_format(self.scheduled_date),
                    }
                }
            )

    def reach_milestones(self, at: datetime.datetime) -> list[str]:
        """Stamp `at` on each milestone the current status reaches for the first time, and
        name the fields stamped (for the save that follows the move)."""
        stamped = []
        if self.finished_at is None and self.status in FINISHED_STAGES:
            self.finished_at = at
            stamped.append("finished_at")
        if self.ready_at is None and self.status in READY_STAGES:
            self.ready_at = at
            stamped.append("ready_at")
        return stamped

    def drop_milestones_stamped_at(self, at: datetime.datetime) -> list[str]:
        """Clear each milestone stamped at `at` (by a move being taken back), and name the
        fields cleared: a finish undone at once was never the job's finish."""
        dropped = []
        if self.finished_at == at:
            self.finished_at = None
            dropped.append("finished_at")
        if self.ready_at == at:
            self.ready_at = None
            dropped.append("ready_at")
        return dropped

    # -- small facts -------------------------------------------------------------------------

    @property
    def is_overdue(self) -> bool:
        """Past its due date in the shop's calendar and the work is not finished."""
        return (
            self.due_date is not None
            and self.status not in CLOSED_STAGES
            and self.due_date < timezone.localdate()
        )

    @property
    def is_due_today(self) -> bool:
        """Due today in the shop's calendar and the work is not finished."""
        return self.status not in CLOSED_STAGES and self.due_date == timezone.localdate()

    # What the pages say about each move lives on its transition (`custom`): the button's label
    # (with {stage}, the stage it leads to), the verb of a refusal ("cannot be …"), whether its
    # note is a required reason, and whether the shop-floor pages (phone, bump page) offer it.
    @transition(
        field=status,
        source=ADVANCE_SOURCES,
        target=RETURN_VALUE(*WORKFLOW[1:]),
        permission="powdercoat.advance_job",
        custom={
            "label": _("Advance to {stage}"),
            "choice": _("{stage} (next stage)"),
            "verb": _("advanced"),
            "on_floor": True,
        },
    )
    def advance(
        self, *, needed_prep_stages: Iterable[str], skip_unneeded_prep: bool
    ) -> JobStatus | None:
        """Move to the next stage, passing over prep stages nothing on the job needs."""
        return next_stage(
            self.status,
            needed_prep_stages=needed_prep_stages,
            skip_unneeded_prep=skip_unneeded_prep,
        )

    @transition(
        field=status,
        source=HOLD_SOURCES,
        target=JobStatus.ON_HOLD,
        permission="powdercoat.advance_job",
        custom={
            "label": _("Hold"),
            "choice": _("On Hold (give a reason)"),
            "verb": _("put on hold"),
            "reason": _("Say why the job is going on hold."),
            "on_floor": True,
        },
    )
    def hold(self) -> None:
        """Pause the job, remembering the stage it was at."""
        self.held_from_status = self.status

    @transition(
        field=status,
        source=JobStatus.ON_HOLD,
        target=RETURN_VALUE(*WORKFLOW),
        permission="powdercoat.advance_job",
        custom={
            "label": _("Resume at {stage}"),
            "choice": _("{stage} (resume)"),
            "verb": _("resumed"),
            "on_floor": True,
        },
    )
    def resume(self) -> str:
        """Go back to the stage the job was held at."""
        target = self.held_from_status or JobStatus.PENDING
        self.held_from_status = ""
        return target

    @transition(
        field=status,
        source=CANCEL_SOURCES,
        target=JobStatus.CANCELLED,
        permission="powdercoat.cancel_job",
        custom={
            "label": _("Cancel job"),
            "choice": _("Cancelled (give a reason)"),
            "verb": _("cancelled"),
            "reason": _("Say why the job is being cancelled."),
        },
    )
    def cancel(self) -> None:
        """Close a job that will not be done."""
        self.held_from_status = ""

    @transition(
        field=status,
        source=JobStatus.CANCELLED,
        target=JobStatus.PENDING,
        permission="powdercoat.reopen_job",
        custom={"label": _("Reopen"), "choice": _("Pending (reopen)"), "verb": _("reopened")},
    )
    def reopen(self) -> None:
        """Bring a cancelled job back to Pending."""

    @transition(
        field=status,
        source=SET_STATUS_SOURCES,
        target=RETURN_VALUE(*WORKFLOW),
        permission="powdercoat.set_job_status",
        # Any stage of the workflow, forward or back: one choice per stage.
        custom={"label": _("Set status"), "choice": _("{stage}"), "verb": _("moved")},
    )
    def set_status(self, target: str) -> str:
        """Move to any workflow stage, forward or back (office correction)."""
        self.held_from_status = ""
        return target


class StatusChange(models.Model):
    """One step in a job's status timeline: from, to, who, when and why."""

    job = models.ForeignKey(
        Job, verbose_name=_("job"), on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(_("from"), max_length=20, choices=JobStatus.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=JobStatus.choices)
    transition = models.CharField(_("action"), max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)
    customer_notified = models.BooleanField(_("customer emailed"), default=False)
    created_at = models.DateTimeField(_("when"), default=timezone.now)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status timeline")
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["job", "-created_at"]),
            models.Index(fields=["to_status", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
