"""Company settings: the single record of the shop's identity, rates and defaults (SPEC D3)."""

import secrets
import zoneinfo
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from powdercoat.models.base import single_line
from powdercoat.models.choices import (
    FLOOR_STAGE_CHOICES,
    ON_FLOOR_STAGES,
    OVEN_PLAN_STAGE_CHOICES,
    OVEN_PLAN_STAGES,
    JobStatus,
)
from powdercoat.models.inventory import hex_colour
from powdercoat.pictures import UnguessableName, validate_picture

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from powdercoat.models.base import DecimalFieldType


def new_display_key() -> str:
    """A fresh secret for the shop TV's address."""
    return secrets.token_urlsafe(24)


def default_floor_stages() -> list[str]:
    """Approved through Quality Check, and On Hold: the work physically in the shop."""
    return [str(stage) for stage in ON_FLOOR_STAGES]


def validate_floor_stages(value: Any) -> None:
    """A list of at least one stage that a floor page can show."""
    allowed = {str(stage) for stage in FLOOR_STAGE_CHOICES}
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Pick at least one stage for the shop floor."))
    unknown = [str(stage) for stage in value if stage not in allowed]
    if unknown:
        raise ValidationError(
            _("These are not stages the shop floor can show: %(stages)s."),
            params={"stages": ", ".join(unknown)},
        )


def default_oven_plan_stages() -> list[str]:
    """Approved (with no prep to do), Cleaning, In Oven and Coating."""
    return [str(stage) for stage in OVEN_PLAN_STAGES]


def validate_oven_plan_stages(value: Any) -> None:
    """A list of at least one stage between Approved and Coating."""
    allowed = {str(stage) for stage in OVEN_PLAN_STAGE_CHOICES}
    if not isinstance(value, list) or not value:
        raise ValidationError(_("Pick at least one stage whose jobs are ready to coat."))
    unknown = [str(stage) for stage in value if stage not in allowed]
    if unknown:
        raise ValidationError(
            _("These are not stages before the oven: %(stages)s."),
            params={"stages": ", ".join(unknown)},
        )


def default_time_zone() -> str:
    """The server's configured zone (DJANGO_TIME_ZONE) until the shop picks its own."""
    return django_settings.TIME_ZONE


def validate_time_zone(value: str) -> None:
    """Accept only names the time-zone database knows, such as America/Chicago."""
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


def _percent(
    label: "StrOrPromise", default: str, help_text: "StrOrPromise" = ""
) -> "DecimalFieldType":
    return models.DecimalField(
        label,
        max_digits=6,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1000"))],
        help_text=help_text,
    )


def _money(
    label: "StrOrPromise", default: str, help_text: "StrOrPromise" = ""
) -> "DecimalFieldType":
    return models.DecimalField(
        label,
        max_digits=10,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=help_text,
    )


class CompanySettings(models.Model):
    SINGLETON_ID = 1

    # Identity and contact (letterhead, email reply-to).
    name = models.CharField(
        _("company name"),
        max_length=200,
        default="Our Powder Coating Shop",
        validators=[single_line],
    )
    logo = models.ImageField(
        _("logo"),
        upload_to=UnguessableName("company"),
        blank=True,
        validators=[validate_picture],
        help_text=_(
            "JPEG, PNG, WebP or GIF; stored at most 1,200 pixels across for the documents."
        ),
    )
    address = models.TextField(_("address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(
        _("email"), blank=True, help_text=_("Customers' replies to notifications go here.")
    )
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.TextField(
        _("opening hours"),
        blank=True,
        help_text=_(
            "When customers can pick up, one line per day or range, e.g. “Mon–Fri 7:30–16:30”. "
            "Shown on the customer's status page once a job is ready."
        ),
    )
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text=_("Dates, job numbers and due dates follow this zone, e.g. America/Chicago."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="USD")

    # Money.
    tax_rate = _percent(_("tax rate %"), "0")
    payment_terms_days = models.PositiveSmallIntegerField(
        _("payment terms (days)"),
        default=30,
        validators=[MaxValueValidator(365)],
        help_text=_("Invoices fall due after this many days (at most a year)."),
    )
    labor_rate = _money(_("labour rate per hour"), "65.00")
    coating_rate_per_sqft = _money(_("coating rate per sq ft"), "3.50")
    extra_coat_percent = _percent(
        _("extra coat %"), "50", _("Added to coating labour for each coat after the first.")
    )
    margin_percent = _percent(_("margin %"), "25")
    rush_surcharge_percent = _percent(
        _("rush surcharge %"), "25", _("Added to a job's price while its priority is Rush.")
    )

    # Invoice PDF: how the customer pays (SPEC V3).
    remit_to = models.TextField(
        _("remit-to address"),
        blank=True,
        help_text=_(
            "Where customers mail their checks, if not to the address above. Leave it empty "
            "and invoices print the company address."
        ),
    )
    payment_instructions = models.TextField(
        _("payment instructions"),
        blank=True,
        help_text=_(
            "Other ways to pay, printed on every invoice: bank transfer details, paying by "
            "card over the phone, and so on."
        ),
    )

    # Powder maths defaults (SPEC I2).
    default_coverage_sqft_per_lb = models.DecimalField(
        _("default coverage (sq ft/lb)"),
        max_digits=7,
        decimal_places=2,
        default=Decimal("30"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("Used for powders with no coverage rate and no SG/film data."),
    )
    default_transfer_efficiency = models.DecimalField(
        _("default transfer efficiency %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("65"),
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("100"))],
    )

    # Workflow and shop floor.
    skip_unneeded_prep_stages = models.BooleanField(
        _("skip unneeded prep stages"),
        default=True,
        help_text=_(
            "Advance jumps over Sandblasting, Masking / Taping and Cleaning when no item on the "
            "job needs them."
        ),
    )
    display_key = models.CharField(
        _("shop display key"),
        max_length=64,
        default=new_display_key,
        help_text=_("Secret part of the shop TV's address. Change it to lock out old screens."),
    )

    status_page_shows_workers = models.BooleanField(
        _("name the workers on the customer's status page"),
        default=False,
        help_text=_(
            "Off: the page a customer opens from their status link names nobody from the shop."
        ),
    )

    floor_stages = models.JSONField(
        _("shop floor stages"),
        default=default_floor_stages,
        validators=[validate_floor_stages],
        help_text=_(
            "The stages the shop TV and the phone view show, in workflow order. Office stages "
            "such as Pending and Quoted stay off the floor unless you tick them."
        ),
    )

    # The oven plan (SPEC O1).
    oven_plan_stages = models.JSONField(
        _("oven plan stages"),
        default=default_oven_plan_stages,
        validators=[validate_oven_plan_stages],
        help_text=_(
            "Jobs at these stages are planned into oven batches. An Approved job is planned "
            "only when none of its items needs sandblasting, masking or cleaning first."
        ),
    )

    # Work order PDF template.
    work_order_title = models.CharField(_("title"), max_length=120, default="Work Order")
    work_order_header_note = models.TextField(_("header note"), blank=True)
    work_order_terms = models.TextField(
        _("terms"),
        blank=True,
        default=(
            "Parts are coated as received. We are not responsible for pre-existing damage, "
            "hidden defects or parts left more than 30 days after we tell you they are ready."
        ),
    )
    work_order_footer = models.CharField(_("footer"), max_length=300, blank=True)
    work_order_accent_color = models.CharField(
        _("accent colour"), max_length=7, default="#7C3AED", validators=[hex_colour]
    )
    work_order_show_prices = models.BooleanField(_("show prices"), default=False)
    work_order_show_qr_codes = models.BooleanField(_("show QR codes"), default=True)

    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("company settings")
        verbose_name_plural = _("company settings")
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="company_settings_single_row"),
            models.CheckConstraint(
                condition=models.Q(default_coverage_sqft_per_lb__gt=0),
                name="settings_default_coverage_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    default_transfer_efficiency__gt=0, default_transfer_efficiency__lte=100
                ),
                name="settings_default_efficiency_in_range",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Company settings"))

    def save(self, *args: Any, **kwargs: Any) -> None:
        """There is only ever one row: it always has the same id."""
        self.pk = self.SINGLETON_ID
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "CompanySettings":
        """The settings row, created with defaults the first time it is asked for."""
        obj, _created = cls.objects.get_or_create(pk=cls.SINGLETON_ID)
        return obj

    @property
    def floor_stage_order(self) -> tuple[JobStatus, ...]:
        """The ticked floor stages in workflow order; the default if none is usable (a row
        edited by hand in the database must not blank every screen in the shop)."""
        ticked = set(self.floor_stages) if isinstance(self.floor_stages, list) else set()
        chosen = tuple(stage for stage in FLOOR_STAGE_CHOICES if stage in ticked)
        return chosen or ON_FLOOR_STAGES

    @property
    def oven_plan_stage_order(self) -> tuple[JobStatus, ...]:
        """The ticked oven plan stages in workflow order; the default if none is usable."""
        ticked = set(self.oven_plan_stages) if isinstance(self.oven_plan_stages, list) else set()
        chosen = tuple(stage for stage in OVEN_PLAN_STAGE_CHOICES if stage in ticked)
        return chosen or OVEN_PLAN_STAGES

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The shop's time zone as an object Django's timezone functions accept."""
        try:
            return zoneinfo.ZoneInfo(self.time_zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            return zoneinfo.ZoneInfo(django_settings.TIME_ZONE)
