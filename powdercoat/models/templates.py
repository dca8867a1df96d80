"""Job templates: a named set of line items to start similar jobs from (SPEC T)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from powdercoat.models.base import TimeStampedModel, user_stamp


class JobTemplate(TimeStampedModel):
    """Items a shop quotes again and again (a set of wheels, a patio set), kept under a name.

    Its items are the same LineItem rows as a job's; making a job copies them, so editing the
    template later leaves the jobs made from it alone.
    """

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.CharField(
        _("job description"),
        max_length=300,
        blank=True,
        help_text=_("Becomes the description of jobs made from this template."),
    )
    special_instructions = models.TextField(_("special instructions"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_by = user_stamp(_("created by"))

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("job template")
        verbose_name_plural = _("job templates")
        ordering = ("name",)

    def __str__(self) -> str:
        return self.name
