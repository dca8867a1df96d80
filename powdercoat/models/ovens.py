"""Ovens: what each oven cures in one cycle, for the oven plan (SPEC O1)."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from powdercoat import oven_plan
from powdercoat.models.base import TimeStampedModel
from powdercoat.models.choices import OvenCapacityUnit
from powdercoat.querysets import OvenQuerySet


class Oven(TimeStampedModel):
    name = models.CharField(_("name"), max_length=60, unique=True)
    capacity = models.DecimalField(
        _("capacity per cycle"),
        max_digits=7,
        decimal_places=1,
        default=Decimal("120"),
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text=_("How much one cure cycle holds, counted in the unit below."),
    )
    capacity_unit = models.CharField(
        _("counted in"),
        max_length=12,
        choices=OvenCapacityUnit.choices,
        default=OvenCapacityUnit.SQ_FT,
        help_text=_(
            "Square feet suit a walk-in oven filled by area; rack positions suit an oven "
            "loaded on a rack with a fixed number of hooks, one part on each."
        ),
    )
    is_active = models.BooleanField(
        _("in use"),
        default=True,
        help_text=_("Switch off while the oven is down: the plan then loads the other ovens."),
    )
    position = models.PositiveSmallIntegerField(
        _("order"),
        default=0,
        help_text=_("When ovens are equally free the plan fills the lower number first."),
    )

    objects = OvenQuerySet.as_manager()

    class Meta:
        verbose_name = _("oven")
        verbose_name_plural = _("ovens")
        ordering = ("position", "name")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(capacity__gt=0), name="oven_capacity_positive"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        """A rack has whole hooks: 24.5 rack positions is a typing slip."""
        super().clean()
        positions = self.capacity_unit == OvenCapacityUnit.RACK_POSITIONS
        if positions and self.capacity is not None and self.capacity != self.capacity.to_integral():
            raise ValidationError(
                {"capacity": _("Rack positions are counted whole: enter a whole number.")}
            )

    @property
    def capacity_label(self) -> str:
        """ "120 sq ft" or "24 rack positions", as the plan page writes it."""
        return oven_plan.capacity_label(
            self.capacity, counts_parts=self.capacity_unit == OvenCapacityUnit.RACK_POSITIONS
        )
