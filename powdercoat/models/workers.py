"""Workers: the people on the shop floor, optionally linked to a login (SPEC W)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from powdercoat.models.base import TimeStampedModel
from powdercoat.models.choices import WorkerRole
from powdercoat.querysets import WorkerQuerySet


class Worker(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120, unique=True)
    role = models.CharField(
        _("role"), max_length=24, choices=WorkerRole.choices, default=WorkerRole.GENERAL_LABOR
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="worker",
        help_text=_("The account this person logs in with on the shop phones."),
    )

    objects = WorkerQuerySet.as_manager()

    class Meta:
        verbose_name = _("worker")
        verbose_name_plural = _("workers")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name


class PhonePreference(models.Model):
    """Whose jobs a login last chose to see first on the phone view (SPEC F2), kept with the
    login rather than one phone's session, so a worker who picks up another phone, or logs in
    again, opens on the same list."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("login"),
        on_delete=models.CASCADE,
        related_name="phone_preference",
    )
    # Empty: everyone's jobs. A worker who leaves the list falls back to everyone's.
    worker = models.ForeignKey(
        Worker,
        verbose_name=_("shows jobs of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("phone view preference")
        verbose_name_plural = _("phone view preferences")

    def __str__(self) -> str:
        return f"{self.user} → {self.worker or _('everyone')}"
