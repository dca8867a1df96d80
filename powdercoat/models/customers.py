"""Customers: the people and companies the shop coats for (SPEC C)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from powdercoat.models.base import TimeStampedModel
from powdercoat.models.choices import CustomerType
from powdercoat.querysets import CustomerQuerySet


class Customer(TimeStampedModel):
    customer_type = models.CharField(
        _("type"), max_length=16, choices=CustomerType.choices, default=CustomerType.RETAIL
    )
    company_name = models.CharField(
        _("company name"), max_length=200, blank=True, help_text=_("Required for commercial.")
    )
    contact_name = models.CharField(_("contact name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    mobile = models.CharField(_("mobile"), max_length=40, blank=True)
    billing_address = models.TextField(_("billing address"), blank=True)
    shipping_address = models.TextField(_("shipping address"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    email_notifications = models.BooleanField(
        _("email notifications"),
        default=True,
        help_text=_("Send this customer an email when their job changes status."),
    )
    tax_exempt = models.BooleanField(_("tax exempt"), default=False)
    discount_percent = models.DecimalField(
        _("discount %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Pricing tier: taken as the default discount on this customer's new jobs."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive customers stay on old jobs.")
    )

    history = HistoricalRecords()
    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ("company_name", "contact_name")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(discount_percent__gte=0, discount_percent__lte=100),
                name="customer_discount_0_to_100",
            ),
            models.CheckConstraint(
                condition=~models.Q(customer_type=CustomerType.COMMERCIAL)
                | ~models.Q(company_name=""),
                name="customer_commercial_has_company",
            ),
            models.CheckConstraint(
                condition=~models.Q(company_name="", contact_name=""),
                name="customer_has_a_name",
            ),
            # Email is the natural key for spreadsheet imports, so two customers may not share it.
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="customer_email_unique",
                violation_error_message=_("Another customer already uses this email address."),
            ),
        ]
        indexes = [models.Index(fields=["is_active", "company_name"])]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """Company name for companies, otherwise the person's name."""
        return self.company_name or self.contact_name

    def clean(self) -> None:
        """Commercial customers need a company name; everyone needs some name."""
        super().clean()
        if self.customer_type == CustomerType.COMMERCIAL and not self.company_name.strip():
            raise ValidationError(
                {"company_name": _("A commercial customer needs a company name.")}
            )
        if not self.company_name.strip() and not self.contact_name.strip():
            raise ValidationError({"contact_name": _("Give a contact name or a company name.")})
