"""The stock ledger in the admin: add a change, read the rows, reverse one (SPEC I)."""

from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import (
    AutocompleteSelectFilter,
    ChoicesDropdownFilter,
)
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminTextareaWidget

from powdercoat import formatting
from powdercoat.admin.filters import RecordedDaysFilter
from powdercoat.admin.mixins import HidesPricesMixin
from powdercoat.admin.once import AppliedOnceAddMixin, Done, OnceDialogForm, applied_once
from powdercoat.admin.paging import LongListPaginator
from powdercoat.admin.rooms import allowed_by
from powdercoat.admin.spreadsheets import (
    SpreadsheetExportMixin,
)
from powdercoat.models import InventoryActivity
from powdercoat.models.choices import ActivityKind
from powdercoat.resources import InventoryActivityExportResource
from powdercoat.services.inventory import (
    inventory_activity_record,
    inventory_activity_reverse,
    signed_change,
)


class ActivityForm(forms.ModelForm):
    """Add a stock change: the typed amount is checked the way the ledger service will read it."""

    class Meta:
        model = InventoryActivity
        fields = ("item", "kind", "quantity", "unit_cost", "job", "note")
        help_texts = {
            "quantity": _(
                "Receipts, returns and usage: the amount (e.g. 5). Adjustments: the signed "
                "correction (e.g. -1.5 after a stock count)."
            ),
            "unit_cost": _("For receipts: the price paid per unit; it becomes the item's cost."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The fields are there only on the Add page (a row's own page is read-only), and the
        # cost only for those who see prices.
        if "kind" in self.fields:
            # Opening stock is booked once, when the item is created.
            self.fields["kind"].choices = [
                choice for choice in ActivityKind.choices if choice[0] != ActivityKind.OPENING
            ]
        if "unit_cost" in self.fields:
            self.fields["unit_cost"].required = False

    def clean(self):
        """Refuse an amount or a cost the ledger cannot book, with the ledger's own words."""
        cleaned = super().clean()
        kind, quantity = cleaned.get("kind"), cleaned.get("quantity")
        if kind and quantity is not None:
            try:
                signed_change(kind, quantity)
            except ValidationError as error:
                self.add_error("quantity", error)
        unit_cost = cleaned.get("unit_cost")
        if unit_cost is not None and unit_cost < 0:
            self.add_error("unit_cost", _("A unit cost cannot be negative."))
        return cleaned

    def _post_clean(self):
        # The ledger service fills balance and cost; skip model validation of those fields.
        self.instance.balance_after = Decimal("0")
        if self.cleaned_data.get("unit_cost") is None:
            self.instance.unit_cost = Decimal("0")
        super()._post_clean()


def get_activity_or_404(object_id) -> InventoryActivity:
    """The ledger row an admin address names; a missing or malformed id is a 404."""
    try:
        return get_object_or_404(
            InventoryActivity.objects.select_related("item", "job", "user"), pk=object_id
        )
    except (ValueError, ValidationError) as error:
        raise Http404("No such stock change.") from error


class ReverseActivityForm(OnceDialogForm):
    """Why a stock change is being put right; the row itself is shown above the field."""

    form_before_template = "admin/powdercoat/inventoryactivity/reverse_dialog_before.html"

    reason = forms.CharField(
        label=_("Why it is reversed"),
        max_length=InventoryActivity._meta.get_field("note").max_length,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 2}),
        help_text=_("For example: typed 50 instead of 5.0, logged on the wrong job."),
    )

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        self.activity = get_activity_or_404(object_id)

    def get_before_template_context(self, request, object_id=None):
        """The row, and what reversing it does to the stock."""
        activity = self.activity
        item = activity.item
        return {
            "activity": activity,
            "change": formatting.stock_change_text(activity),
            "undo": formatting.amount_text(-activity.quantity, item.unit, signed=True),
            "on_hand": formatting.amount_text(item.quantity_on_hand, item.unit),
            "after": formatting.amount_text(item.quantity_on_hand - activity.quantity, item.unit),
        }


@admin.register(InventoryActivity)
class InventoryActivityAdmin(
    AppliedOnceAddMixin, SpreadsheetExportMixin, HidesPricesMixin, ModelAdmin
):
    paginator = LongListPaginator
    list_display = (
        "created_at",
        "item",
        "kind",
        "display_change",
        "display_balance",
        "unit_cost",
        "job",
        "user",
        "note",
    )
    list_filter = (
        ("kind", ChoicesDropdownFilter),
        ("item", AutocompleteSelectFilter),
        ("created_at", RecordedDaysFilter),
    )
    list_filter_submit = True
    search_fields = ("item__name", "item__sku", "job__number", "note")
    list_select_related = ("item", "job", "user")
    autocomplete_fields = ("item", "job")
    price_fields = ("unit_cost",)
    form = ActivityForm
    resource_classes = [InventoryActivityExportResource]
    actions_row = ("reverse_activity",)

    def has_change_permission(self, request, obj=None):
        """The ledger is never edited; a mistake is corrected by an adjustment row."""
        return False

    def has_delete_permission(self, request, obj=None):
        """The ledger is never deleted from."""
        return False

    def save_model(self, request, obj, form, change):
        """Book the change through the ledger service (row lock, balance, one transaction)."""
        data = form.cleaned_data
        activity = inventory_activity_record(
            item=data["item"],
            kind=data["kind"],
            quantity=data["quantity"],
            user=request.user,
            job=data.get("job"),
            unit_cost=data.get("unit_cost"),
            note=data.get("note", ""),
        )
        # The admin goes on with `obj` (message, redirect): make it the row the service wrote.
        vars(obj).update(vars(activity))
        if activity.balance_after < 0:
            messages.warning(
                request,
                _("%(item)s is now below zero (%(balance)s %(unit)s): check the shelf count.")
                % {
                    "item": activity.item.name,
                    "balance": formatting.amount_text(activity.balance_after),
                    "unit": activity.item.unit,
                },
            )

    # Putting a row right: Office, Supervisor and Administrator.
    has_reverse_permission = allowed_by("powdercoat.reverse_inventoryactivity")

    def _after_reversal_url(self, request, activity: InventoryActivity) -> str:
        """Back where the dialog was opened (?next=), else the job's or item's page."""
        wanted = request.GET.get("next", "")
        if wanted and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return wanted
        if activity.job_id:
            url = reverse("admin:powdercoat_job_change", args=[activity.job_id])
            return f"{url}?{urlencode({'tab': 'materials'})}"
        return reverse("admin:powdercoat_inventoryitem_change", args=[activity.item_id])

    @action(
        description=_("Reverse…"),
        url_path="reverse",
        icon="undo",
        permissions=["reverse"],
        dialog={
            "title": _("Reverse a stock change entered by mistake"),
            "description": _(
                "The row stays in the ledger; a new opposite row that names it puts the stock "
                "back. A row can be reversed once."
            ),
            "form_class": ReverseActivityForm,
            "form_submit_text": _("Reverse it"),
        },
    )
    @applied_once
    def reverse_activity(self, request, form, object_id):
        """Write the opposite row with the reason."""
        original = form.activity
        reversal = inventory_activity_reverse(
            activity=original, reason=form.cleaned_data["reason"], user=request.user
        )
        item = reversal.item
        notes = []
        if reversal.balance_after < 0:
            notes.append(
                (
                    messages.WARNING,
                    _("%(item)s is now below zero (%(balance)s %(unit)s): check the shelf count.")
                    % {
                        "item": item.name,
                        "balance": formatting.amount_text(reversal.balance_after),
                        "unit": item.unit,
                    },
                )
            )
        return Done(
            self._after_reversal_url(request, original),
            _("Reversed %(change)s of %(item)s; %(stock)s on hand now.")
            % {
                "change": formatting.stock_change_text(original),
                "item": item.name,
                "stock": formatting.amount_text(reversal.balance_after, item.unit),
            },
            notes=notes,
        )

    @display(description=_("change"), ordering="quantity")
    def display_change(self, activity):
        """Signed change with its unit; a reversal says which row it cancels."""
        return formatting.stock_change_text(activity)

    @display(description=_("balance"), ordering="balance_after")
    def display_balance(self, activity):
        """Stock after this change."""
        return (
            "—"
            if activity.balance_after is None
            else formatting.amount_text(activity.balance_after)
        )
