"""Inventory in the admin: items with low-stock flags, and the read-only stock ledger (SPEC I)."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import (
    ChoicesDropdownFilter,
)
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminDecimalFieldWidget

from powdercoat import formatting
from powdercoat.admin.filters import LowStockFilter
from powdercoat.admin.history import ShopHistoryAdmin
from powdercoat.admin.mixins import HidesPricesMixin
from powdercoat.admin.once import AppliedOnceAddMixin
from powdercoat.admin.spreadsheets import (
    SpreadsheetImportExportMixin,
)
from powdercoat.models import CompanySettings, InventoryActivity, InventoryItem
from powdercoat.resources import InventoryItemResource
from powdercoat.services.inventory import (
    inventory_item_create,
)


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
        return formatting.stock_change_text(activity)

    @display(description=_("balance"))
    def display_balance(self, activity):
        """Stock after this change."""
        return (
            "—"
            if activity.balance_after is None
            else formatting.amount_text(activity.balance_after)
        )


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
        return formatting.amount_text(item.quantity_on_hand, item.unit)

    @display(description=_("unit cost"), ordering="unit_cost")
    def display_unit_cost(self, item):
        """Cost per unit in money, to the cent (or tenth of a cent for cheap supplies)."""
        places = 2 if item.unit_cost == item.unit_cost.quantize(Decimal("0.01")) else 3
        return f"{formatting.money_text(item.unit_cost, places=places)}/{item.unit}"

    @display(description=_("reorder at"), ordering="reorder_point")
    def display_reorder_point(self, item):
        """Reorder point with its unit."""
        return formatting.amount_text(item.reorder_point, item.unit)

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
                "sg": formatting.number_text(item.specific_gravity),
                "mils": formatting.number_text(item.film_thickness_mils),
            }
        else:
            source = _("shop default")
        efficiency = item.efficiency_percent(company.default_transfer_efficiency)
        return _("%(rate)s sq ft/lb (%(source)s), %(eff)s transfer efficiency") % {
            "rate": rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
            "source": source,
            "eff": formatting.percent_text(efficiency),
        }
