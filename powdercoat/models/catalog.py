"""The shop's catalogues: prep services (SPEC P) and reusable products (SPEC K)."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from powdercoat.models.base import TimeStampedModel
from powdercoat.models.choices import PREP_STAGES, PrepPricing
from powdercoat.models.items import CoatBase
from powdercoat.pictures import UnguessableName, validate_picture
from powdercoat.querysets import CatalogProductQuerySet, PrepServiceQuerySet


class PrepService(TimeStampedModel):
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)
    pricing_method = models.CharField(
        _("priced"), max_length=16, choices=PrepPricing.choices, default=PrepPricing.PER_SQFT
    )
    rate = models.DecimalField(
        _("rate"),
        max_digits=10,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Per square foot, or per part for flat pricing."),
    )
    stage = models.CharField(
        _("job stage"),
        max_length=16,
        blank=True,
        choices=[(status.value, status.label) for status in PREP_STAGES],
        help_text=_("The job stage where this work happens; Advance skips stages no item needs."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = PrepServiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("prep service")
        verbose_name_plural = _("prep services")
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(condition=models.Q(rate__gte=0), name="prep_rate_not_negative"),
            models.CheckConstraint(
                condition=models.Q(stage="") | models.Q(stage__in=[s.value for s in PREP_STAGES]),
                name="prep_stage_is_a_prep_stage",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CatalogProduct(TimeStampedModel):
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    image = models.ImageField(
        _("image"),
        upload_to=UnguessableName("catalog"),
        blank=True,
        validators=[validate_picture],
    )
    category = models.CharField(
        _("category"),
        max_length=80,
        blank=True,
        db_index=True,
        help_text=_("E.g. Wheels, Furniture."),
    )
    surface_area_sqft = models.DecimalField(
        _("surface area per part (sq ft)"),
        max_digits=10,
        decimal_places=3,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    default_quantity = models.PositiveIntegerField(
        _("default quantity"), default=1, validators=[MinValueValidator(1)]
    )
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    prep_services = models.ManyToManyField(
        PrepService, verbose_name=_("prep services"), blank=True, related_name="products"
    )
    is_active = models.BooleanField(_("active"), default=True)

    history = HistoricalRecords(m2m_fields=[prep_services], excluded_fields=["updated_at"])
    objects = CatalogProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("catalog product")
        verbose_name_plural = _("catalog products")
        ordering = ("name",)
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="product_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(surface_area_sqft__gte=0), name="product_area_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CatalogProductCoat(CoatBase):
    product = models.ForeignKey(
        CatalogProduct, verbose_name=_("product"), on_delete=models.CASCADE, related_name="coats"
    )

    class Meta(CoatBase.Meta):
        verbose_name = _("coat")
        verbose_name_plural = _("coats")
        constraints = [
            models.UniqueConstraint(
                fields=["product", "position"], name="product_coat_position_unique"
            )
        ]
