"""Invoices made from jobs, their lines and the payments against them (SPEC V)."""

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from powdercoat.models.base import (
    StatusGuardedModel,
    TimeStampedModel,
    plausible_date,
    reversal_link,
    user_stamp,
)
from powdercoat.models.choices import InvoiceStatus, PaymentMethod
from powdercoat.models.quotes import PricedDocument
from powdercoat.querysets import InvoiceQuerySet


class Invoice(ConcurrentTransitionMixin, StatusGuardedModel, PricedDocument, TimeStampedModel):
    """What the customer owes for a job; one live invoice per job."""

    number = models.CharField(_("invoice number"), max_length=20, unique=True, editable=False)
    job = models.ForeignKey(
        "powdercoat.Job", verbose_name=_("job"), on_delete=models.PROTECT, related_name="invoices"
    )
    customer = models.ForeignKey(
        "powdercoat.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        related_name="invoices",
    )
    invoice_date = models.DateField(
        _("invoice date"), default=timezone.localdate, validators=[plausible_date]
    )
    due_date = models.DateField(_("due date"), validators=[plausible_date])
    status = FSMField(
        _("status"), choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT, protected=True
    )
    amount_paid = models.DecimalField(
        _("paid"), max_digits=12, decimal_places=2, default=Decimal("0"), editable=False
    )
    balance = models.DecimalField(
        _("balance"), max_digits=12, decimal_places=2, default=Decimal("0"), editable=False
    )
    notes = models.TextField(_("notes for the customer"), blank=True)
    void_reason = models.CharField(_("void reason"), max_length=300, blank=True, editable=False)
    created_by = user_stamp(_("created by"))

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ("-invoice_date", "-number")
        constraints = [
            # Exactly one invoice per job; a voided one no longer counts, so it can be redone.
            models.UniqueConstraint(
                fields=["job"],
                condition=~models.Q(status=InvoiceStatus.VOID),
                name="one_live_invoice_per_job",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=InvoiceStatus.values), name="invoice_status_known"
            ),
            models.CheckConstraint(
                condition=models.Q(amount_paid__gte=0), name="invoice_paid_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(due_date__gte=models.F("invoice_date")),
                name="invoice_due_after_its_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            # The list's order: newest first, read from the index instead of sorting the table.
            models.Index(fields=["-invoice_date", "-number"], name="invoice_list_order"),
        ]

    def __str__(self) -> str:
        return self.number or str(_("New invoice"))

    @property
    def is_overdue(self) -> bool:
        return (
            self.balance > 0
            and self.status
            not in (
                InvoiceStatus.VOID,
                InvoiceStatus.PAID,
            )
            and self.due_date < timezone.localdate()
        )

    # -- transitions (the payment service picks Partially Paid or Paid) ------------------------

    @transition(field=status, source=InvoiceStatus.DRAFT, target=InvoiceStatus.SENT)
    def send(self) -> None:
        """The invoice went to the customer."""

    @transition(
        field=status,
        source=(InvoiceStatus.DRAFT, InvoiceStatus.SENT, InvoiceStatus.PARTIALLY_PAID),
        target=InvoiceStatus.PARTIALLY_PAID,
    )
    def pay_part(self) -> None:
        """A payment left some of the total still owed."""

    @transition(
        field=status,
        source=(InvoiceStatus.DRAFT, InvoiceStatus.SENT, InvoiceStatus.PARTIALLY_PAID),
        target=InvoiceStatus.PAID,
    )
    def pay_in_full(self) -> None:
        """Payments now cover the total."""

    @transition(
        field=status,
        source=(InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.PAID),
        target=RETURN_VALUE(InvoiceStatus.SENT, InvoiceStatus.PARTIALLY_PAID),
    )
    def take_back_payment(self) -> str:
        """A payment was reversed (set `amount_paid` first): part paid while money remains,
        else back to Sent (a paid invoice had clearly reached the customer)."""
        return InvoiceStatus.PARTIALLY_PAID if self.amount_paid > 0 else InvoiceStatus.SENT

    @transition(
        field=status, source=(InvoiceStatus.DRAFT, InvoiceStatus.SENT), target=InvoiceStatus.VOID
    )
    def void(self) -> None:
        """Cancelled before any payment; the job may be invoiced again."""


class InvoiceLine(models.Model):
    """One billed line, copied from a job's item with its real quantity and unit price."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.CASCADE, related_name="lines"
    )
    position = models.PositiveSmallIntegerField(_("line"), default=1)
    description = models.CharField(_("description"), max_length=300)
    detail = models.CharField(
        _("detail"), max_length=500, blank=True, help_text=_("Coats and prep, as on the job.")
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit_price = models.DecimalField(_("unit price"), max_digits=12, decimal_places=2)
    line_total = models.DecimalField(_("line total"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ("position", "id")

    def __str__(self) -> str:
        return f"{self.quantity.normalize():f} × {self.description}"


class Payment(models.Model):
    """Money received against an invoice."""

    invoice = models.ForeignKey(
        Invoice, verbose_name=_("invoice"), on_delete=models.PROTECT, related_name="payments"
    )
    paid_on = models.DateField(_("date"), default=timezone.localdate, validators=[plausible_date])
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    method = models.CharField(
        _("method"), max_length=16, choices=PaymentMethod.choices, default=PaymentMethod.CARD
    )
    reference = models.CharField(
        _("reference"), max_length=120, blank=True, help_text=_("Check number, card slip, …")
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # Money is never edited or deleted: a payment entered by mistake is cancelled by a second,
    # negative row that names it (and says why), so the record shows both.
    reverses = reversal_link("self")
    reason = models.CharField(_("reason"), max_length=300, blank=True, editable=False)

    history = HistoricalRecords()

    if TYPE_CHECKING:
        # Set by invoice_payments_in_order() (services/invoices.py): this payment's reversal.
        reversed_by: "Payment | None"

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ("paid_on", "id")
        permissions = [("reverse_payment", _("Can reverse a payment recorded by mistake"))]
        constraints = [
            # A payment adds money; its reversal takes the same money back out, with a reason.
            models.CheckConstraint(
                condition=models.Q(reverses__isnull=True, amount__gt=0)
                | (models.Q(reverses__isnull=False, amount__lt=0) & ~models.Q(reason="")),
                name="payment_positive_or_reasoned_reversal",
            )
        ]
        # The dashboard's "collected this month" and the revenue report's months read the
        # payments of a few dates, not the whole table.
        indexes = [models.Index(fields=["paid_on"], name="payment_paid_on")]

    def __str__(self) -> str:
        if self.reverses_id:
            return f"{self.amount} reversal"
        return f"{self.amount} {self.get_method_display()}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None
