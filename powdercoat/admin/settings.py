"""Company settings in the admin: one record, opened straight from the sidebar (SPEC D3)."""

from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from powdercoat.models import CompanySettings


@admin.register(CompanySettings)
class CompanySettingsAdmin(ModelAdmin):
    fieldsets = (
        (
            _("Company"),
            {
                "fields": (
                    "name",
                    "logo",
                    "address",
                    ("phone", "email"),
                    "website",
                    ("time_zone", "currency"),
                ),
                "classes": ["tab"],
            },
        ),
        (
            _("Rates and money"),
            {
                "fields": (
                    ("labor_rate", "coating_rate_per_sqft"),
                    ("extra_coat_percent", "margin_percent"),
                    ("rush_surcharge_percent", "tax_rate"),
                    "payment_terms_days",
                ),
                "classes": ["tab"],
            },
        ),
        (
            _("Powder and workflow"),
            {
                "fields": (
                    ("default_coverage_sqft_per_lb", "default_transfer_efficiency"),
                    "skip_unneeded_prep_stages",
                    "display_key",
                ),
                "classes": ["tab"],
            },
        ),
        (
            _("Work order PDF"),
            {
                "fields": (
                    "work_order_title",
                    "work_order_header_note",
                    "work_order_terms",
                    "work_order_footer",
                    "work_order_accent_color",
                    ("work_order_show_prices", "work_order_show_qr_codes"),
                ),
                "classes": ["tab"],
            },
        ),
    )

    def has_add_permission(self, request):
        """The one settings record always exists; nothing to add."""
        return False

    def has_delete_permission(self, request, obj=None):
        """The settings record cannot be deleted."""
        return False

    def changelist_view(self, request, extra_context=None):
        """There is no list of settings: open the record itself."""
        if not self.has_view_or_change_permission(request):
            return super().changelist_view(request, extra_context)
        settings_row = CompanySettings.load()
        return redirect(reverse("admin:powdercoat_companysettings_change", args=[settings_row.pk]))
