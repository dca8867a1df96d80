"""Customers in the admin: search, type badges, their jobs on the customer page (SPEC C)."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import display

from powdercoat import badges
from powdercoat.admin.mixins import HidesPricesMixin
from powdercoat.models import Customer, Job
from powdercoat.models.choices import CustomerType


class CustomerJobInline(HidesPricesMixin, TabularInline):
    """The customer's jobs, newest first, read-only with links (SPEC C2)."""

    model = Job
    fields = ("number", "description", "display_status", "due_date", "total_price")
    readonly_fields = fields
    price_fields = ("total_price",)
    ordering = ("-created_at",)
    show_change_link = True
    can_delete = False
    extra = 0
    max_num = 0
    tab = True
    per_page = 20
    verbose_name_plural = _("jobs")

    def has_add_permission(self, request, obj=None):
        """Jobs are created from the jobs list, not from here."""
        return False

    @display(description=_("status"))
    def display_status(self, job):
        """The job's status badge."""
        return badges.status_badge(job.status)


@admin.register(Customer)
class CustomerAdmin(SimpleHistoryAdmin, ModelAdmin):
    list_display = (
        "display_name",
        "display_type",
        "contact_name",
        "email",
        "phone",
        "discount_percent",
        "job_count",
        "is_active",
    )
    list_display_links = ("display_name",)
    search_fields = ("company_name", "contact_name", "email", "phone", "mobile")
    list_filter = (
        ("customer_type", ChoicesDropdownFilter),
        "is_active",
        "tax_exempt",
        "email_notifications",
    )
    list_filter_submit = True
    ordering = ("company_name", "contact_name")

    fieldsets = (
        (
            _("Customer"),
            {
                "fields": (
                    "customer_type",
                    ("company_name", "contact_name"),
                    ("email", "email_notifications"),
                    ("phone", "mobile"),
                    "is_active",
                ),
                "classes": ["tab"],
            },
        ),
        (
            _("Addresses"),
            {"fields": ("billing_address", "shipping_address"), "classes": ["tab"]},
        ),
        (
            _("Pricing and notes"),
            {"fields": (("discount_percent", "tax_exempt"), "notes"), "classes": ["tab"]},
        ),
    )
    inlines = (CustomerJobInline,)

    def get_queryset(self, request):
        """Customers with their number of jobs, counted in the same query."""
        return super().get_queryset(request).annotate(job_count=Count("jobs"))

    @display(description=_("name"), ordering="company_name")
    def display_name(self, customer):
        """Company name, or the person's name for retail customers."""
        return customer.display_name

    @display(
        description=_("type"),
        ordering="customer_type",
        label={CustomerType.COMMERCIAL.label: "info", CustomerType.RETAIL.label: "default"},
    )
    def display_type(self, customer):
        """Commercial or Retail, as a badge."""
        return customer.get_customer_type_display()

    @display(description=_("jobs"), ordering="job_count")
    def job_count(self, customer):
        """How many jobs the customer has had."""
        return customer.job_count
