"""The shared line-item structure: an item, its coats in order and its prep sub-lines (SPEC L2).

Jobs and job templates (and quotes) hold the same LineItem rows, each row belonging to exactly
one of them, so the item wizard, the powder estimate and the work order read one shape of data.
"""

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from powdercoat import pricing
from powdercoat.models.choices import COATING_CATEGORIES, CoatLayer, ItemKind, PrepPricing, Shape
from powdercoat.pictures import UnguessableName, validate_picture

if TYPE_CHECKING:
    from powdercoat.models.jobs import Job
    from powdercoat.models.quotes import Quote
    from powdercoat.models.templates import JobTemplate

# The records a line item can belong to; exactly one of these foreign keys is set on each row.
OWNER_FIELDS = ("job", "template", "quote")


class CoatBase(models.Model):
    """One coat of powder on a part: which powder, and where it sits in the stack."""

    powder = models.ForeignKey(
        "powdercoat.InventoryItem",
        verbose_name=_("powder"),
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"category__in": COATING_CATEGORIES},
    )
    layer = models.CharField(
        _("layer"), max_length=8, choices=CoatLayer.choices, default=CoatLayer.BASE
    )
    position = models.PositiveSmallIntegerField(
        _("order"), default=1, help_text=_("1 is sprayed first.")
    )

    class Meta:
        abstract = True
        ordering = ("position", "id")

    def __str__(self) -> str:
        return f"{self.position}. {self.get_layer_display()}: {self.powder}"


class LineItem(models.Model):
    """A distinct piece or group of identical parts on a job, quote or job template."""

    job = models.ForeignKey(
        "powdercoat.Job",
        verbose_name=_("job"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="items",
    )
    template = models.ForeignKey(
        "powdercoat.JobTemplate",
        verbose_name=_("job template"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="items",
    )
    quote = models.ForeignKey(
        "powdercoat.Quote",
        verbose_name=_("quote"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="items",
    )
    position = models.PositiveSmallIntegerField(_("line"), default=1)
    kind = models.CharField(
        _("kind"), max_length=16, choices=ItemKind.choices, default=ItemKind.CALCULATED
    )
    description = models.CharField(_("description"), max_length=300)
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1)]
    )
    surface_area_sqft = models.DecimalField(
        _("area per part (sq ft)"),
        max_digits=10,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    labor_hours = models.DecimalField(
        _("labour hours"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("For Labor Only items."),
    )
    catalog_product = models.ForeignKey(
        "powdercoat.CatalogProduct",
        verbose_name=_("catalog product"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    price_overridden = models.BooleanField(
        _("price overridden"),
        default=False,
        help_text=_("The unit price was typed in over the calculated one."),
    )
    calculated_unit_price = models.DecimalField(
        _("calculated unit price"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("What the rates gave before an override; kept so the override stays visible."),
    )
    # The company rates and powder costs the price was worked out with (SPEC L5): editing the
    # item later prices it the same way, whatever the shop's rates are by then.
    pricing_basis = models.JSONField(_("pricing basis"), default=dict, blank=True, editable=False)
    photo_estimated = models.BooleanField(
        _("photo estimated"), default=False, help_text=_("Area and labour came from a photo.")
    )
    photo = models.ImageField(
        _("photo"), upload_to=UnguessableName("items"), blank=True, validators=[validate_picture]
    )
    shape = models.CharField(_("shape"), max_length=16, choices=Shape.choices, blank=True)
    dimensions = models.JSONField(
        _("dimensions (inches)"), default=dict, blank=True, help_text=_("The measured shape.")
    )
    estimate_note = models.CharField(
        _("estimate note"),
        max_length=300,
        blank=True,
        help_text=_("What the photo estimator suggested, next to the geometric figure."),
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("line item")
        verbose_name_plural = _("line items")
        ordering = ("position", "id")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(job__isnull=False, template__isnull=True, quote__isnull=True)
                    | models.Q(job__isnull=True, template__isnull=False, quote__isnull=True)
                    | models.Q(job__isnull=True, template__isnull=True, quote__isnull=False)
                ),
                name="item_has_exactly_one_owner",
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="item_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(surface_area_sqft__gte=0), name="item_area_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="item_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"

    @property
    def line_total(self) -> Decimal:
        """Quantity times unit price, in cents."""
        return pricing.line_total(self.quantity, self.unit_price)

    @property
    def owner(self) -> "Job | Quote | JobTemplate":
        """The job, quote or template the item belongs to."""
        owner = self.job or self.template or self.quote
        if owner is None:
            raise ValueError(f"Item {self.pk} belongs to no job, quote or template.")
        return owner

    @property
    def needs_coats(self) -> bool:
        """Every kind but Labor Only puts powder on parts (SPEC L2)."""
        return self.kind != ItemKind.LABOR_ONLY


class LineItemCoat(CoatBase):
    item = models.ForeignKey(
        LineItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="coats"
    )

    history = HistoricalRecords()

    class Meta(CoatBase.Meta):
        verbose_name = _("coat")
        verbose_name_plural = _("coats")
        constraints = [
            models.UniqueConstraint(fields=["item", "position"], name="item_coat_position_unique")
        ]


class LineItemPrep(models.Model):
    """A prep service done on the parts of an item, shown as a sub-line under it."""

    item = models.ForeignKey(
        LineItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="prep_lines"
    )
    prep_service = models.ForeignKey(
        "powdercoat.PrepService",
        verbose_name=_("prep service"),
        on_delete=models.PROTECT,
        related_name="item_lines",
    )
    # Copied from the service when added, so a later change of rates never reprices the item.
    pricing_method = models.CharField(_("priced"), max_length=16, choices=PrepPricing.choices)
    rate = models.DecimalField(_("rate"), max_digits=10, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("prep service")
        verbose_name_plural = _("prep services")
        ordering = ("id",)
        constraints = [
            models.UniqueConstraint(fields=["item", "prep_service"], name="item_prep_once")
        ]

    def __str__(self) -> str:
        return str(self.prep_service)

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Take the service's pricing at the moment it is added to the item."""
        if self._state.adding and not self.pricing_method:
            self.pricing_method = self.prep_service.pricing_method
            self.rate = self.prep_service.rate
        super().save(*args, **kwargs)
