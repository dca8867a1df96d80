"""Inventory: powders and supplies, and the ledger that is the only way stock changes (SPEC I)."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from powdercoat import pricing
from powdercoat.models.base import TimeStampedModel, reversal_link
from powdercoat.models.choices import (
    COATING_CATEGORIES,
    ActivityKind,
    Finish,
    InventoryCategory,
    InventoryUnit,
)
from powdercoat.querysets import InventoryItemQuerySet

hex_colour = RegexValidator(r"^#[0-9A-Fa-f]{6}$", _("Use a colour like #1A2B3C."))


class InventoryItem(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200)
    sku = models.CharField(
        _("SKU"), max_length=64, unique=True, help_text=_("Your stock code; unique per item.")
    )
    category = models.CharField(
        _("category"), max_length=16, choices=InventoryCategory.choices, db_index=True
    )
    unit = models.CharField(
        _("unit"), max_length=8, choices=InventoryUnit.choices, default=InventoryUnit.POUND
    )
    unit_cost = models.DecimalField(
        _("unit cost"),
        max_digits=10,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    # Changed only by services.inventory together with a ledger row (SPEC I4).
    quantity_on_hand = models.DecimalField(
        _("on hand"), max_digits=12, decimal_places=3, default=Decimal("0"), editable=False
    )
    reorder_point = models.DecimalField(
        _("reorder point"),
        max_digits=12,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Flag the item as low when stock falls to this level."),
    )
    vendor = models.CharField(_("vendor"), max_length=120, blank=True, db_index=True)
    is_active = models.BooleanField(_("active"), default=True)
    notes = models.TextField(_("notes"), blank=True)

    # Coating data (powders, primers and clears).
    manufacturer = models.CharField(_("manufacturer"), max_length=120, blank=True)
    color_name = models.CharField(_("colour name"), max_length=120, blank=True)
    color_code = models.CharField(
        _("colour code"), max_length=40, blank=True, help_text=_("For example RAL 9005.")
    )
    swatch_hex = models.CharField(
        _("swatch colour"),
        max_length=7,
        blank=True,
        validators=[hex_colour],
        help_text=_("Screen colour for swatches on the shop display, like #101010."),
    )
    finish = models.CharField(_("finish"), max_length=16, choices=Finish.choices, blank=True)
    specific_gravity = models.DecimalField(
        _("specific gravity"),
        max_digits=5,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("20"))],
    )
    film_thickness_mils = models.DecimalField(
        _("film thickness (mils)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1")), MaxValueValidator(Decimal("50"))],
        help_text=_("Recommended film build."),
    )
    cure_temperature_f = models.PositiveSmallIntegerField(
        _("cure temperature (°F)"), null=True, blank=True
    )
    cure_minutes = models.PositiveSmallIntegerField(_("cure time (min)"), null=True, blank=True)
    coverage_rate = models.DecimalField(
        _("coverage (sq ft/lb)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Leave empty to work it out from specific gravity and film thickness."),
    )
    transfer_efficiency = models.DecimalField(
        _("transfer efficiency %"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
        help_text=_("Share of sprayed powder that ends up on the part; empty uses the default."),
    )

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = InventoryItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("inventory item")
        verbose_name_plural = _("inventory items")
        ordering = ("category", "name")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit_cost__gte=0), name="item_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(reorder_point__gte=0), name="item_reorder_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(coverage_rate__isnull=True) | models.Q(coverage_rate__gt=0),
                name="item_coverage_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(transfer_efficiency__isnull=True)
                | models.Q(transfer_efficiency__gt=0, transfer_efficiency__lte=100),
                name="item_efficiency_in_range",
            ),
        ]
        indexes = [models.Index(fields=["is_active", "category"])]

    def __str__(self) -> str:
        if self.color_code and self.color_code not in self.name:
            return f"{self.name} ({self.color_code})"
        return self.name

    @property
    def is_coating(self) -> bool:
        """Powders, primers and clears: things that go on a part as a coat."""
        return self.category in COATING_CATEGORIES

    @property
    def is_low_stock(self) -> bool:
        """At or below the reorder point (SPEC I5)."""
        return self.quantity_on_hand <= self.reorder_point

    def coverage_sqft_per_lb(self, default_rate: Decimal) -> Decimal:
        """Coverage to plan with (SPEC I2): typed rate, else from SG and mils, else the default."""
        return pricing.effective_coverage(
            manual_rate=self.coverage_rate,
            specific_gravity=self.specific_gravity,
            film_thickness_mils=self.film_thickness_mils,
            default_rate=default_rate,
        )

    def efficiency_percent(self, default_percent: Decimal) -> Decimal:
        """Transfer efficiency to plan with: the item's own, else the shop default."""
        return self.transfer_efficiency or default_percent

    def clean(self) -> None:
        """Supplies carry no colour or coverage data; coatings are counted in pounds."""
        super().clean()
        if not self.is_coating and (self.specific_gravity or self.coverage_rate):
            raise ValidationError(_("Coverage data only applies to powders, primers and clears."))
        if self.category == InventoryCategory.POWDER and self.unit != InventoryUnit.POUND:
            raise ValidationError({"unit": _("Powders are counted in pounds (lb).")})


class InventoryActivity(models.Model):
    """One change of stock: the ledger row that explains every quantity on hand (SPEC I4)."""

    item = models.ForeignKey(
        InventoryItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ActivityKind.choices)
    quantity = models.DecimalField(
        _("change"), max_digits=12, decimal_places=3, help_text=_("Positive adds, negative takes.")
    )
    balance_after = models.DecimalField(_("balance"), max_digits=12, decimal_places=3)
    unit_cost = models.DecimalField(_("unit cost"), max_digits=10, decimal_places=4)
    job = models.ForeignKey(
        "powdercoat.Job",
        verbose_name=_("job"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="material_activities",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    # The ledger is never edited: a wrong row is cancelled by an opposite row of the same kind
    # that names it, so totals by kind (usage per job, receipts) come out right by themselves.
    reverses = reversal_link("self")

    class Meta:
        verbose_name = _("inventory activity")
        verbose_name_plural = _("inventory activity")
        ordering = ("-created_at", "-id")
        permissions = [
            ("reverse_inventoryactivity", _("Can reverse a stock change entered by mistake"))
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(quantity=0), name="activity_not_zero"),
            # A reversal says why it was needed.
            models.CheckConstraint(
                condition=models.Q(reverses__isnull=True) | ~models.Q(note=""),
                name="activity_reversal_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["item", "-created_at"]),
            models.Index(fields=["kind", "-created_at"]),
        ]

    def __str__(self) -> str:
        kind = self.get_kind_display()
        if self.reverses_id:
            kind = _("%(kind)s reversal") % {"kind": kind}
        return f"{kind} {self.quantity:+} {self.item.unit} · {self.item.name}"

    @property
    def is_reversal(self) -> bool:
        return self.reverses_id is not None
