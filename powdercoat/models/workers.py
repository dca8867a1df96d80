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
