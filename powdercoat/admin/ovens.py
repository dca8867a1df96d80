"""Ovens in the admin: each oven's capacity per cure cycle, for the oven plan (SPEC O1)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import display

from powdercoat.admin.once import AppliedOnceAddMixin
from powdercoat.models import Oven


@admin.register(Oven)
class OvenAdmin(AppliedOnceAddMixin, ModelAdmin):
    list_display = ("name", "capacity_per_cycle", "is_active", "position")
    list_filter = ("is_active",)
    search_fields = ("name",)
    fieldsets = (
        (None, {"fields": ("name", ("capacity", "capacity_unit"), "is_active", "position")}),
    )

    @display(description=_("capacity per cycle"), ordering="capacity")
    def capacity_per_cycle(self, oven: Oven) -> str:
        return oven.capacity_label
