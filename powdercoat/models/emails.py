"""The record of every email the shop sends about a quote, invoice or job (SPEC D4, J7)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from powdercoat.models.choices import EmailOutcome


class EmailLog(models.Model):
    """One email: to whom, about what, and whether the mail server took it (and if not, why)."""

    quote = models.ForeignKey(
        "powdercoat.Quote",
        verbose_name=_("quote"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emails",
    )
    invoice = models.ForeignKey(
        "powdercoat.Invoice",
        verbose_name=_("invoice"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emails",
    )
    job = models.ForeignKey(
        "powdercoat.Job",
        verbose_name=_("job"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="emails",
    )
    to_address = models.CharField(_("to"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    attachment_name = models.CharField(_("attachment"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=EmailOutcome.choices)
    error = models.TextField(_("reason it failed"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        ordering = ("-created_at", "-id")

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_address} ({self.get_outcome_display()})"
