"""Workers in the admin: the shop's people and the logins they use (SPEC W)."""

from django.contrib import admin
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import ChoicesDropdownFilter

from powdercoat.admin.once import AppliedOnceAddMixin
from powdercoat.admin.spreadsheets import SpreadsheetImportExportMixin
from powdercoat.models import Worker
from powdercoat.resources import WorkerResource


@admin.register(Worker)
class WorkerAdmin(AppliedOnceAddMixin, SpreadsheetImportExportMixin, ModelAdmin):
    list_display = ("name", "role", "phone", "email", "user", "is_active")
    search_fields = ("name", "phone", "email", "user__username")
    list_filter = (("role", ChoicesDropdownFilter), "is_active")
    list_filter_submit = True
    list_select_related = ("user",)
    autocomplete_fields = ("user",)
    resource_classes = [WorkerResource]

    fieldsets = ((None, {"fields": ("name", "role", ("phone", "email"), "user", "is_active")}),)

    def get_search_results(self, request, queryset, search_term):
        """Offer only active workers when picking someone for a job."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "job":
            queryset = queryset.filter(is_active=True)
        return queryset, may_have_duplicates
