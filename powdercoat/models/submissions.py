"""One-time submission keys: a form that writes is applied once however often it is posted."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Submission(models.Model):
    """A form that was applied: its key, who sent it, and how the first answer looked.

    The row is written in the same transaction as the work the form asked for, under a unique
    key, so a second post of the same form (a double click, a retry on bad Wi-Fi, a second app
    server) finds it and answers like the first instead of doing the work again. Only a digest
    of the key is kept; rows older than a day are pruned (the keys have expired by then).
    """

    key_digest = models.CharField(_("key digest"), max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("applied at"), default=timezone.now, db_index=True)
    # How the first post was answered, so a repeat can be answered the same way.
    answer_url = models.CharField(_("answered with"), max_length=500, blank=True)
    answer_message = models.CharField(_("message"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("applied submission")
        verbose_name_plural = _("applied submissions")

    def __str__(self) -> str:
        return f"{self.answer_message or self.key_digest[:12]}"
