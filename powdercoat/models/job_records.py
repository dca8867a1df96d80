"""What the office and the shop record against a job: photos, notes, time, rework, intake."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from powdercoat.models.base import plausible_date, user_stamp
from powdercoat.models.choices import JobStatus, PhotoKind, ReworkKind, ReworkReason
from powdercoat.pictures import UnguessableName, validate_picture


class JobPhoto(models.Model):
    """A picture of the parts at some point of the job (SPEC J11)."""

    job = models.ForeignKey(
        "powdercoat.Job", verbose_name=_("job"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        _("photo"), upload_to=UnguessableName("jobs"), validators=[validate_picture]
    )
    kind = models.CharField(
        _("type"), max_length=16, choices=PhotoKind.choices, default=PhotoKind.PROGRESS
    )
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    customer_visible = models.BooleanField(
        _("customer sees it"),
        default=False,
        help_text=_("Shown on the job's status page, the link the customer was sent."),
    )
    uploaded_by = user_stamp(_("uploaded by"))
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ("-uploaded_at", "-id")

    def __str__(self) -> str:
        return self.caption or f"{self.get_kind_display()} photo"


class JobNote(models.Model):
    """An internal note: never shown to customers or on their documents (SPEC J12)."""

    job = models.ForeignKey(
        "powdercoat.Job", verbose_name=_("job"), on_delete=models.CASCADE, related_name="notes"
    )
    text = models.TextField(_("note"))
    author = user_stamp(_("author"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return self.text[:60]


class TimeEntry(models.Model):
    """Hours a worker spent on the job (SPEC J13)."""

    job = models.ForeignKey(
        "powdercoat.Job",
        verbose_name=_("job"),
        on_delete=models.CASCADE,
        related_name="time_entries",
    )
    worker = models.ForeignKey(
        "powdercoat.Worker",
        verbose_name=_("worker"),
        on_delete=models.PROTECT,
        related_name="time_entries",
    )
    work_date = models.DateField(_("date"), default=timezone.localdate, validators=[plausible_date])
    started_at = models.TimeField(_("start"), null=True, blank=True)
    ended_at = models.TimeField(_("end"), null=True, blank=True)
    hours = models.DecimalField(
        _("hours"),
        max_digits=5,
        decimal_places=2,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Leave empty when a start and end time are given."),
    )
    stage = models.CharField(_("stage"), max_length=20, choices=JobStatus.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_by = user_stamp(_("entered by"))
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("time entry")
        verbose_name_plural = _("time entries")
        ordering = ("-work_date", "-id")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0, hours__lte=24), name="time_entry_hours_in_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.worker} {self.hours} h"


class ReworkRecord(models.Model):
    """Work done again because something went wrong, and why (SPEC J14)."""

    job = models.ForeignKey(
        "powdercoat.Job", verbose_name=_("job"), on_delete=models.CASCADE, related_name="reworks"
    )
    kind = models.CharField(_("type"), max_length=16, choices=ReworkKind.choices)
    reason = models.CharField(_("reason"), max_length=16, choices=ReworkReason.choices)
    description = models.TextField(_("what went wrong"), blank=True)
    resolution = models.TextField(_("how it was put right"), blank=True)
    cost = models.DecimalField(
        _("cost"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("What the rework cost the shop (powder, labour)."),
    )
    created_by = user_stamp(_("recorded by"))
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now, editable=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    class Meta:
        verbose_name = _("rework")
        verbose_name_plural = _("rework records")
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(condition=models.Q(cost__gte=0), name="rework_cost_not_negative")
        ]
        indexes = [
            models.Index(fields=["reason", "created_at"]),
            # The rework list (newest first), the dashboard's last 30 days and the report's
            # months read the newest records without reading the whole table.
            models.Index(fields=["-created_at", "-id"], name="rework_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.get_reason_display()}"


class PartIntake(models.Model):
    """How the parts arrived: one per job (SPEC J15)."""

    job = models.OneToOneField(
        "powdercoat.Job", verbose_name=_("job"), on_delete=models.CASCADE, related_name="intake"
    )
    received_at = models.DateTimeField(
        _("received at"), default=timezone.now, validators=[plausible_date]
    )
    received_by = user_stamp(_("received by"))
    expected_count = models.PositiveIntegerField(_("pieces expected"))
    actual_count = models.PositiveIntegerField(_("pieces received"))
    condition_notes = models.TextField(_("condition"), blank=True)

    class Meta:
        verbose_name = _("part intake")
        verbose_name_plural = _("part intakes")

    def __str__(self) -> str:
        return f"{self.actual_count} of {self.expected_count} pieces"

    @property
    def count_differs(self) -> bool:
        return self.actual_count != self.expected_count
