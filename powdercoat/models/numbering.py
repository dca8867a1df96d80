"""Counters behind document numbers such as JOB-2511-0042, one row per prefix and month."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NumberSequence(models.Model):
    """The last number handed out for one prefix in one month; locked while it is advanced."""

    prefix = models.CharField(_("prefix"), max_length=8)
    period = models.CharField(_("period"), max_length=4, help_text=_("YYMM"))
    last_value = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "period"], name="sequence_prefix_period_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix}-{self.period}: {self.last_value}"
