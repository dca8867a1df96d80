"""Workers in the admin: the shop's people and the logins they use (SPEC W)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
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
    resource_classes = [WorkerResource]

    fieldsets = ((None, {"fields": ("name", "role", ("phone", "email"), "user", "is_active")}),)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """The login: a plain list of active logins not yet linked to another worker.

        Not an autocomplete: that asks the Users admin, which office staff may not open, so
        Office could not link a worker to a login at all. The list shows usernames only.
        """
        if db_field.name == "user":
            taken = Worker.objects.exclude(user=None)
            worker_id = request.resolver_match.kwargs.get("object_id")
            if worker_id:
                taken = taken.exclude(pk=worker_id)
            kwargs["queryset"] = (
                get_user_model()
                .objects.filter(is_active=True)
                .exclude(pk__in=taken.values("user_id"))
                .order_by("username")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        """Offer only active workers when picking someone for a job."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if request.GET.get("model_name") == "job":
            queryset = queryset.filter(is_active=True)
        return queryset, may_have_duplicates
