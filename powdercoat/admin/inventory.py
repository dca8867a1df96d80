"""Inventory in the admin: items with low-stock flags, and the read-only stock ledger (SPEC I)."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import (
    AutocompleteSelectFilter,
    ChoicesDropdownFilter,
    RangeDateFilter,
)
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminDecimalFieldWidget, UnfoldAdminTextareaWidget

from admin_views.views.reports import PowderDemandView
from powdercoat import badges
from powdercoat.admin.filters import LowStockFilter
from powdercoat.admin.history import ShopHistoryAdmin
from powdercoat.admin.mixins import HidesPricesMixin
from powdercoat.admin.once import AppliedOnceAddMixin, Done, OnceDialogForm, applied_once
from powdercoat.admin.spreadsheets import (
    SpreadsheetExportMixin,
    SpreadsheetImportExportMixin,
)
from powdercoat.models import CompanySettings, InventoryActivity, InventoryItem
from powdercoat.models.choices import ActivityKind
from powdercoat.resources import InventoryActivityExportResource, InventoryItemResource
from powdercoat.services.inventory import (
    inventory_activity_record,
    inventory_activity_reverse,
    inventory_item_create,
    signed_change,
)


def _quantity(value: Decimal, *, signed: bool = False) -> str:
    """A stock figure without trailing zeros: 12.5, not 12.500 (with + or - when `signed`)."""
    text = f"{value:{'+' if signed else ''},.3f}".rstrip("0").rstrip(".")
    return "0" if text in {"-0", "+0", ""} else text


def _change_with_unit(activity: InventoryActivity) -> str:
    """The change as "-1.2 lb", and "+1.2 lb (reversal of #41)" for a row that cancels one."""
    if activity.quantity is None:  # not a ledger row at all (a tampered form shown again)
        return "—"
    text = f"{_quantity(activity.quantity, signed=True)} {activity.item.unit}"
    if activity.reverses_id:
        text += " " + _("(reversal of #%(pk)s)") % {"pk": activity.reverses_id}
    return text


class InventoryItemAddForm(forms.ModelForm):
    """The new-item form, with the stock the shop starts with (booked as an Opening row)."""

    opening_quantity = forms.DecimalField(
        label=_("opening stock"),
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=3,
        widget=UnfoldAdminDecimalFieldWidget,
        help_text=_("How much is on the shelf today; later changes go through Activity."),
    )

    class Meta:
        model = InventoryItem
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose the fields)


class ActivityInline(TabularInline):
    """The item's ledger, newest first, read-only."""

    model = InventoryActivity
    fields = ("created_at", "kind", "display_change", "display_balance", "job", "user", "note")
    readonly_fields = fields
    can_delete = False
    extra = 0
    max_num = 0
    tab = True
    per_page = 15
    verbose_name_plural = _("stock activity")

    def has_add_permission(self, request, obj=None):
        """Stock changes are added from the Activity page, through the ledger service."""
        return False

    def get_queryset(self, request):
        """Ledger rows with their job and user, newest first."""
        return super().get_queryset(request).select_related("job", "user", "item")

    @display(description=_("change"))
    def display_change(self, activity):
        """Signed change with its unit."""
        return _change_with_unit(activity)

    @display(description=_("balance"))
    def display_balance(self, activity):
        """Stock after this change."""
        return "—" if activity.balance_after is None else _quantity(activity.balance_after)


@admin.register(InventoryItem)
class InventoryItemAdmin(
    AppliedOnceAddMixin,
    SpreadsheetImportExportMixin,
    HidesPricesMixin,
    ShopHistoryAdmin,
    ModelAdmin,
):
    list_display = (
        "display_name",
        "sku",
        "category",
        "color_code",
        "finish",
        "display_on_hand",
        "display_reorder_point",
        "display_stock_flag",
        "vendor",
        "display_unit_cost",
        "is_active",
    )
    list_display_links = ("display_name",)
    search_fields = ("name", "sku", "color_name", "color_code", "manufacturer", "vendor")
    list_filter = (
        ("category", ChoicesDropdownFilter),
        LowStockFilter,
        ("finish", ChoicesDropdownFilter),
        "vendor",
        "is_active",
    )
    list_filter_submit = True
    ordering = ("category", "name")
    price_fields = ("unit_cost", "display_unit_cost")
    resource_classes = [InventoryItemResource]

    readonly_fields = ("display_on_hand", "coverage_summary")
    fieldsets = (
        (
            _("Item"),
            {
                "fields": (
                    ("name", "sku"),
                    ("category", "unit"),
                    ("unit_cost", "vendor"),
                    ("display_on_hand", "reorder_point"),
                    "is_active",
                    "notes",
                ),
                "classes": ["tab"],
            },
        ),
        (
            _("Coating data"),
            {
                "fields": (
                    ("manufacturer", "finish"),
                    ("color_name", "color_code", "swatch_hex"),
                    ("specific_gravity", "film_thickness_mils"),
                    ("coverage_rate", "transfer_efficiency"),
                    "coverage_summary",
                    ("cure_temperature_f", "cure_minutes"),
                ),
                "classes": ["tab"],
                "description": _("For powders, primers and clears."),
            },
        ),
    )
    inlines = (ActivityInline,)

    actions_list = ("open_powder_demand",)

    def get_urls(self):
        """The powder demand report lives under the items list (before `<object_id>/` paths)."""
        demand = self.admin_site.admin_view(PowderDemandView.as_view(model_admin=self))
        return [
            path("demand/", demand, name="powdercoat_inventoryitem_demand"),
            *super().get_urls(),
        ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        """New items get the opening-stock field."""
        if obj is None:
            kwargs["form"] = InventoryItemAddForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        """On a new item, ask for the opening stock where the on-hand figure will be."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None:
            return fieldsets
        title, options = fieldsets[0]
        fields = [
            ("opening_quantity", "reorder_point")
            if row == ("display_on_hand", "reorder_point")
            else row
            for row in options["fields"]
        ]
        return [(title, {**options, "fields": fields}), *fieldsets[1:]]

    def save_model(self, request, obj, form, change):
        """New items go through the ledger service so opening stock is a ledger row."""
        if change:
            super().save_model(request, obj, form, change)
        else:
            inventory_item_create(
                item=obj,
                user=request.user,
                opening_quantity=form.cleaned_data.get("opening_quantity"),
            )

    @action(description=_("Powder demand"), url_path="open-demand", icon="monitoring")
    def open_powder_demand(self, request):
        """The list's button to the powder demand report (SPEC I6)."""
        return redirect(reverse(f"{self.admin_site.name}:powdercoat_inventoryitem_demand"))

    @display(description=_("name"), ordering="name")
    def display_name(self, item):
        """Name with a colour swatch when the item has one."""
        if item.swatch_hex:
            return format_html(
                '<span class="pc-swatch" style="background:{}"></span>{}',
                item.swatch_hex,
                item.name,
            )
        return item.name

    @display(description=_("on hand"), ordering="quantity_on_hand")
    def display_on_hand(self, item):
        """Quantity on hand with its unit."""
        if item.pk is None:
            return "—"
        return f"{_quantity(item.quantity_on_hand)} {item.unit}"

    @display(description=_("unit cost"), ordering="unit_cost")
    def display_unit_cost(self, item):
        """Cost per unit in money, to the cent (or tenth of a cent for cheap supplies)."""
        places = 2 if item.unit_cost == item.unit_cost.quantize(Decimal("0.01")) else 3
        return f"{badges.money_label(item.unit_cost, places=places)}/{item.unit}"

    @display(description=_("reorder at"), ordering="reorder_point")
    def display_reorder_point(self, item):
        """Reorder point with its unit."""
        return f"{_quantity(item.reorder_point)} {item.unit}"

    @display(description=_("stock"))
    def display_stock_flag(self, item):
        """A visible flag for items at or below their reorder point (SPEC I5)."""
        if item.is_low_stock:
            return format_html('<span class="pc-low-stock">▼ {}</span>', _("Low stock"))
        return _("OK")

    @display(description=_("coverage used for estimates"))
    def coverage_summary(self, item):
        """The coverage the powder maths will use, and where it comes from."""
        if item.pk is None or not item.is_coating:
            return "—"
        company = CompanySettings.load()
        rate = item.coverage_sqft_per_lb(company.default_coverage_sqft_per_lb)
        if item.coverage_rate:
            source = _("typed in")
        elif item.specific_gravity and item.film_thickness_mils:
            source = _("from SG %(sg)s at %(mils)s mils") % {
                "sg": f"{item.specific_gravity.normalize()}",
                "mils": f"{item.film_thickness_mils.normalize()}",
            }
        else:
            source = _("shop default")
        efficiency = item.efficiency_percent(company.default_transfer_efficiency)
        return _("%(rate)s sq ft/lb (%(source)s), %(eff)s%% transfer efficiency") % {
            "rate": rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
            "source": source,
            "eff": efficiency.normalize(),
        }


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
            "change": _change_with_unit(activity),
            "undo": f"{_quantity(-activity.quantity, signed=True)} {item.unit}",
            "on_hand": f"{_quantity(item.quantity_on_hand)} {item.unit}",
            "after": f"{_quantity(item.quantity_on_hand - activity.quantity)} {item.unit}",
        }


@admin.register(InventoryActivity)
class InventoryActivityAdmin(
    AppliedOnceAddMixin, SpreadsheetExportMixin, HidesPricesMixin, ModelAdmin
):
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
        ("created_at", RangeDateFilter),
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
                    "balance": _quantity(activity.balance_after),
                    "unit": activity.item.unit,
                },
            )

    def has_reverse_permission(self, request, object_id=None):
        """Putting a row right: Office, Supervisor and Administrator."""
        return request.user.has_perm("powdercoat.reverse_inventoryactivity")

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
                        "balance": _quantity(reversal.balance_after),
                        "unit": item.unit,
                    },
                )
            )
        return Done(
            self._after_reversal_url(request, original),
            _("Reversed %(change)s of %(item)s; %(stock)s on hand now.")
            % {
                "change": _change_with_unit(original),
                "item": item.name,
                "stock": f"{_quantity(reversal.balance_after)} {item.unit}",
            },
            notes=notes,
        )

    @display(description=_("change"), ordering="quantity")
    def display_change(self, activity):
        """Signed change with its unit; a reversal says which row it cancels."""
        return _change_with_unit(activity)

    @display(description=_("balance"), ordering="balance_after")
    def display_balance(self, activity):
        """Stock after this change."""
        return "—" if activity.balance_after is None else _quantity(activity.balance_after)
