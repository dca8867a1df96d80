"""Prep services and catalogue products in the admin (SPEC P, K)."""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import display

from powdercoat.admin.history import ShopHistoryAdmin
from powdercoat.admin.mixins import HidesPricesMixin
from powdercoat.admin.once import AppliedOnceAddMixin
from powdercoat.admin.spreadsheets import SpreadsheetImportExportMixin
from powdercoat.models import CatalogProduct, CatalogProductCoat, PrepService
from powdercoat.resources import CatalogProductResource, PrepServiceResource


@admin.register(PrepService)
class PrepServiceAdmin(
    AppliedOnceAddMixin, SpreadsheetImportExportMixin, HidesPricesMixin, ModelAdmin
):
    list_display = ("name", "pricing_method", "rate", "display_stage", "is_active")
    search_fields = ("name", "description")
    list_filter = (("pricing_method", ChoicesDropdownFilter), "stage", "is_active")
    list_filter_submit = True
    price_fields = ("rate",)
    resource_classes = [PrepServiceResource]
    fieldsets = (
        (
            None,
            {"fields": ("name", "description", ("pricing_method", "rate"), "stage", "is_active")},
        ),
    )

    @display(description=_("job stage"), ordering="stage")
    def display_stage(self, service):
        """The stage the work happens in, or a dash."""
        return service.get_stage_display() or "—"


class CatalogProductCoatInline(TabularInline):
    model = CatalogProductCoat
    fields = ("position", "layer", "powder")
    autocomplete_fields = ("powder",)
    extra = 0
    tab = True
    verbose_name_plural = _("coats (in spraying order)")

    def get_queryset(self, request):
        """Coats with their powder, in one query."""
        return super().get_queryset(request).select_related("powder")


@admin.register(CatalogProduct)
class CatalogProductAdmin(
    AppliedOnceAddMixin,
    SpreadsheetImportExportMixin,
    HidesPricesMixin,
    ShopHistoryAdmin,
    ModelAdmin,
):
    list_display = (
        "display_image",
        "name",
        "category",
        "surface_area_sqft",
        "default_quantity",
        "display_coats",
        "unit_price",
        "is_active",
    )
    list_display_links = ("display_image", "name")
    search_fields = ("name", "description", "category")
    list_filter = ("category", "is_active")
    price_fields = ("unit_price",)
    resource_classes = [CatalogProductResource]
    filter_horizontal = ("prep_services",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "description",
                    ("category", "image"),
                    ("surface_area_sqft", "default_quantity"),
                    "unit_price",
                    "prep_services",
                    "is_active",
                )
            },
        ),
    )
    inlines = (CatalogProductCoatInline,)

    def get_queryset(self, request):
        """Products with their coats' powders prefetched: a fixed number of queries per page."""
        return super().get_queryset(request).prefetch_related("coats__powder")

    @display(description=_("image"))
    def display_image(self, product):
        """A small thumbnail of the product photo."""
        if not product.image:
            return "—"
        return format_html(
            '<img src="{}" alt="" class="pc-thumb">',
            product.image.url,
        )

    @display(description=_("coats"))
    def display_coats(self, product):
        """The powders in spraying order."""
        return ", ".join(str(coat.powder) for coat in product.coats.all()) or "—"
