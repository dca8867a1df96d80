"""The e-mail outbox: every email the shop sends, what it says and how sending went (D4, J5, J7).

A row is written in the same transaction as the change that prompts the email, so a rolled-back
change leaves no row; a background task then sends it (powdercoat/tasks.py). The row holds
everything needed to send it again: addresses, subject, body and the attached PDF.
"""

from typing import Self

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from powdercoat.models.choices import EmailOutcome


class EmailLogQuerySet(models.QuerySet["EmailLog"]):
    def for_display(self) -> Self:
        """Without the body and the attachment: the lists show who, when and how it went."""
        return self.defer("body", "attachment_content")

    def priority_alerts(self) -> Self:
        """Emails telling a supervisor a job became Urgent or Rush (not the customer's status
        news or status link, which are about a job too)."""
        return self.filter(is_priority_alert=True, job__isnull=False)


class EmailLog(models.Model):
    """One email in the outbox: to whom, about what, and whether the mail server took it.

    `outcome` is the outbox status: Queued until a try succeeds (Sent) or the last try fails
    (Failed), or Recalled when a supervisor alert was called back before its first try;
    `error` keeps the reason the latest try failed.
    """

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
    # The status move this email tells the customer about: a final failure clears the move's
    # "customer emailed" mark.
    status_change = models.ForeignKey(
        "powdercoat.StatusChange",
        verbose_name=_("status change"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="emails",
    )
    # Set on the e-mails telling a supervisor a job became Urgent or Rush, so the dashboard's
    # "Supervisors alerted" never counts a customer's e-mail about the same job.
    is_priority_alert = models.BooleanField(_("supervisor alert"), default=False)
    to_address = models.CharField(_("to"), max_length=254)
    reply_to = models.CharField(_("reply to"), max_length=254, blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    attachment_name = models.CharField(_("attachment"), max_length=200, blank=True)
    attachment_type = models.CharField(_("attachment type"), max_length=100, blank=True)
    attachment_content = models.BinaryField(_("attachment content"), blank=True, default=b"")
    outcome = models.CharField(
        _("status"), max_length=8, choices=EmailOutcome.choices, default=EmailOutcome.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("tries"), default=0)
    # When the next try is due: set when queued and after a failed try; while a try is under way
    # it is the moment that try counts as lost (`manage.py requeue_emails` picks such rows up).
    next_attempt_at = models.DateTimeField(_("next try at"), null=True, blank=True)
    last_attempt_at = models.DateTimeField(_("last tried at"), null=True, blank=True)
    error = models.TextField(_("reason it failed"), blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = EmailLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("email")
        verbose_name_plural = _("emails")
        ordering = ("-created_at", "-id")
        indexes = [
            # The overdue sweep reads queued rows by when they are due; sent rows are most rows.
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(outcome=EmailOutcome.QUEUED),
                name="email_queued_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to_address} ({self.get_outcome_display()})"
