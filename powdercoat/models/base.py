"""Abstract building blocks shared by the concrete models."""

import datetime
from collections.abc import Collection
from typing import TYPE_CHECKING, Any, Protocol, cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMFieldMixin

if TYPE_CHECKING:
    from decimal import Decimal

    from django.contrib.auth.models import User
    from django.db.models.expressions import Combinable
    from django_stubs_ext import StrOrPromise

    # A decimal field made by a helper function: what it accepts, and the Decimal it gives back.
    DecimalFieldType = models.DecimalField[str | float | Decimal | Combinable, Decimal]

# Fields, by name in any model, that hold prices, costs or money. Shop Floor never sees them
# (SPEC 0): not on a page, in a filter, in a history diff or in an export.
MONEY_FIELDS = frozenset(
    {
        "amount",
        "amount_paid",
        "balance",
        "calculated_unit_price",
        "coating_rate_per_sqft",
        "cost",
        "discount_amount",
        "discount_percent",
        "extra_coat_percent",
        "labor_rate",
        "line_total",
        "margin_percent",
        "pricing_basis",
        "rate",
        "rush_surcharge_amount",
        "rush_surcharge_percent",
        "subtotal",
        "tax_amount",
        "tax_rate",
        "tax_rate_percent",
        "total",
        "total_price",
        "unit_cost",
        "unit_price",
    }
)


# Names that go into e-mail subjects and letterheads are one line.
single_line = RegexValidator(
    r"[\r\n]", inverse_match=True, message=_("Keep this on one line (no line breaks).")
)


# Dates a person types: a year of 1 or 9999 is a slip of the keyboard, and date sums on it
# (a due date 30 days on) would overflow.
EARLIEST_DATE = datetime.date(2000, 1, 1)
LATEST_DATE = datetime.date(2099, 12, 31)


def plausible_date(value: datetime.date | datetime.datetime | None) -> None:
    """Refuse a date (or the date of a moment) outside 2000-2099, in words."""
    day = value.date() if isinstance(value, datetime.datetime) else value
    if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s.")
            % {"first": EARLIEST_DATE.strftime("%Y"), "last": LATEST_DATE.strftime("%Y")}
        )


class TimeStampedModel(models.Model):
    """Remembers when a row was created and last changed."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True, editable=False)

    class Meta:
        abstract = True


def user_stamp(label: "StrOrPromise") -> "models.ForeignKey[User | None, User | None]":
    """Who did something to a row (created it, wrote it...): kept when the user is deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=label,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )


def max_length_of(model: type[models.Model], name: str) -> int:
    """The most characters the text field `name` of `model` holds (to cut text to fit)."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field) or field.max_length is None:
        raise LookupError(f"{model.__name__}.{name} has no length limit.")
    return field.max_length


class StatusGuardedModel(models.Model):
    """A model whose `status` only its django-fsm transitions may change."""

    class Meta:
        abstract = True

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        """Validate the editable fields; the status is guarded by its transitions instead."""
        super().clean_fields(exclude={*(exclude or ()), "status"})


def reversal_link(model: str) -> "models.OneToOneField[Any, Any]":
    """The row a reversal cancels (money and stock are put right by a new row, never edited).

    One-to-one, so a row can be reversed once however many people try at the same moment.
    """
    return models.OneToOneField(
        model,
        verbose_name=_("reverses"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="reversal",
    )


def transition_words(model: type[models.Model], name: str) -> dict[str, Any]:
    """What the pages say about the status move `name`: its `@transition(custom=...)`.

    Labels, verbs and reasons live on the transitions themselves, so a new move brings its own
    words and no page keeps a list of them.
    """
    field = model._meta.get_field("status")
    if not isinstance(field, FSMFieldMixin):
        raise LookupError(f"{model.__name__}.status is not a state machine.")
    for candidate in field.get_all_transitions(model):
        if candidate.name == name:
            return candidate.custom
    raise LookupError(f"{model.__name__} has no status move called {name!r}.")


class _HistoryNotes(Protocol):
    """What django-simple-history reads off an instance being saved (it publishes no types)."""

    _history_user: "User | None"
    _change_reason: str | None


def history_by(instance: models.Model, user: "User | None", *, reason: str | None = None) -> None:
    """Name who makes the next save of `instance` (and why) in the history row it writes.

    Services save outside a request, where simple-history's middleware cannot see the user.
    """
    notes = cast(_HistoryNotes, instance)
    notes._history_user = user
    notes._change_reason = reason
