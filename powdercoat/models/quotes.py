"""Quotes: priced offers to a customer or prospect, with their status state machine (SPEC Q)."""

from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition
from simple_history.models import HistoricalRecords

from powdercoat.models.base import StatusGuardedModel, TimeStampedModel, plausible_date, user_stamp
from powdercoat.models.choices import OPEN_QUOTE_STATUSES, QuoteStatus
from powdercoat.querysets import QuoteQuerySet

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from powdercoat.models.base import DecimalFieldType

QUOTE_VALID_DAYS = 30


def _percent(label: "StrOrPromise", help_text: "StrOrPromise" = "") -> "DecimalFieldType":
    return models.DecimalField(
        label,
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=help_text,
    )


def _amount(label: "StrOrPromise") -> "DecimalFieldType":
    return models.DecimalField(
        label, max_digits=12, decimal_places=2, default=Decimal("0"), editable=False
    )


class PricedDocument(models.Model):
    """Price lines shared by quotes and invoices: items, discount, rush surcharge and tax."""

    discount_percent = _percent(_("discount %"))
    rush_surcharge_percent = _percent(_("rush fee %"), _("Added for jobs done ahead of the queue."))
    tax_rate_percent = models.DecimalField(
        _("tax rate %"),
        max_digits=6,
        decimal_places=3,
        default=Decimal("0"),
        editable=False,
        help_text=_("The shop's tax rate when the document was made; 0 for tax-exempt customers."),
    )
    subtotal = _amount(_("items total"))
    discount_amount = _amount(_("discount"))
    rush_surcharge_amount = _amount(_("rush fee"))
    tax_amount = _amount(_("tax"))
    total = _amount(_("total"))

    class Meta:
        abstract = True


def default_valid_until() -> date:
    """Quotes hold for 30 days from today unless the office says otherwise."""
    return timezone.localdate() + timedelta(days=QUOTE_VALID_DAYS)


def _quote_has_items(quote: models.Model) -> bool:
    """The Send and Approve condition (django-fsm-2 passes the instance as a plain model)."""
    return cast("Quote", quote).has_items()


class Quote(ConcurrentTransitionMixin, StatusGuardedModel, PricedDocument, TimeStampedModel):
    """An offer: line items with a price, for a customer or someone not yet a customer."""

    number = models.CharField(_("quote number"), max_length=20, unique=True, editable=False)
    customer = models.ForeignKey(
        "powdercoat.Customer",
        verbose_name=_("customer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotes",
        help_text=_("Leave empty for a prospect and fill in the prospect's details instead."),
    )
    prospect_name = models.CharField(_("prospect name"), max_length=200, blank=True)
    prospect_company = models.CharField(_("prospect company"), max_length=200, blank=True)
    prospect_email = models.EmailField(_("prospect email"), blank=True)
    prospect_phone = models.CharField(_("prospect phone"), max_length=40, blank=True)
    description = models.CharField(_("description"), max_length=300)
    quote_date = models.DateField(
        _("quote date"), default=timezone.localdate, validators=[plausible_date]
    )
    valid_until = models.DateField(
        _("valid until"), default=default_valid_until, validators=[plausible_date]
    )
    status = FSMField(
        _("status"), choices=QuoteStatus.choices, default=QuoteStatus.DRAFT, protected=True
    )
    notes = models.TextField(_("notes for the customer"), blank=True)
    special_instructions = models.TextField(
        _("special instructions"), blank=True, help_text=_("For the shop; copied to the job.")
    )
    job = models.OneToOneField(
        "powdercoat.Job",
        verbose_name=_("converted to job"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="source_quote",
    )
    created_by = user_stamp(_("created by"))

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = QuoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ("-quote_date", "-number")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(customer__isnull=False) | ~models.Q(prospect_name=""),
                name="quote_has_customer_or_prospect",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=QuoteStatus.values), name="quote_status_known"
            ),
            models.CheckConstraint(
                condition=~models.Q(status=QuoteStatus.CONVERTED) | models.Q(job__isnull=False),
                name="converted_quote_has_its_job",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_until__gte=models.F("quote_date")),
                name="quote_valid_after_its_date",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"]),
            # The list's order: newest first, read from the index instead of sorting the table.
            models.Index(fields=["-quote_date", "-number"], name="quote_list_order"),
        ]

    def __str__(self) -> str:
        return self.number or str(_("New quote"))

    @property
    def recipient_name(self) -> str:
        """Who the quote is for: the customer, or the prospect's company or name."""
        if self.customer is not None:
            return self.customer.display_name
        return self.prospect_company or self.prospect_name

    @property
    def recipient_email(self) -> str:
        return self.customer.email if self.customer is not None else self.prospect_email

    @property
    def is_past_validity(self) -> bool:
        """Still open but its valid-until date has gone by (in the shop's calendar)."""
        return self.status in OPEN_QUOTE_STATUSES and self.valid_until < timezone.localdate()

    def has_items(self) -> bool:
        """At least one line item: a quote with nothing on it is neither sent nor approved."""
        return self.pk is not None and self.items.exists()

    # -- transitions -------------------------------------------------------------------------

    # The quote page's buttons and refusals take their words from here (`custom`), as the job's do;
    # a move without a label (expire) happens by itself and has no button.
    @transition(
        field=status,
        source=QuoteStatus.DRAFT,
        target=QuoteStatus.SENT,
        conditions=[_quote_has_items],
        custom={"label": _("Send by email"), "verb": _("sent")},
    )
    def send(self) -> None:
        """The quote went to the customer."""

    @transition(
        field=status,
        source=OPEN_QUOTE_STATUSES,
        target=QuoteStatus.APPROVED,
        conditions=[_quote_has_items],
        custom={"label": _("Approve"), "verb": _("approved")},
    )
    def approve(self) -> None:
        """The customer said yes."""

    @transition(
        field=status,
        source=OPEN_QUOTE_STATUSES,
        target=QuoteStatus.REJECTED,
        custom={"label": _("Reject"), "verb": _("rejected")},
    )
    def reject(self) -> None:
        """The customer said no."""

    @transition(
        field=status,
        source=OPEN_QUOTE_STATUSES,
        target=QuoteStatus.EXPIRED,
        custom={"verb": _("expired")},
    )
    def expire(self) -> None:
        """The valid-until date passed without an answer."""

    @transition(
        field=status,
        source=(QuoteStatus.SENT, QuoteStatus.REJECTED, QuoteStatus.EXPIRED),
        target=QuoteStatus.DRAFT,
        custom={"label": _("Revise"), "verb": _("revised")},
    )
    def revise(self) -> None:
        """Back to Draft to change it and send it again."""

    @transition(
        field=status,
        source=QuoteStatus.APPROVED,
        target=QuoteStatus.CONVERTED,
        custom={"label": _("Convert to job"), "verb": _("converted")},
    )
    def convert(self) -> None:
        """It became a job (the service creates the job and links it)."""
