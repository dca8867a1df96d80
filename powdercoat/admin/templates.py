"""Job templates in the admin: the list (/JobTemplates), their items, jobs made from them (T)."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import action, display
from unfold.enums import ActionVariant

from powdercoat import badges
from powdercoat.admin import forms as dialogs
from powdercoat.admin.history import ShopHistoryAdmin
from powdercoat.admin.items import TemplateItemsRoom
from powdercoat.admin.once import AppliedOnceAddMixin, Done, applied_once
from powdercoat.admin.rooms import allowed_by
from powdercoat.models import JobTemplate
from powdercoat.services.templates import job_create_from_template

ACTIVE, INACTIVE = _("Active"), _("Inactive")


@admin.register(JobTemplate)
class JobTemplateAdmin(AppliedOnceAddMixin, ShopHistoryAdmin, ModelAdmin):
    # List.
    list_display = (
        "name",
        "description",
        "display_item_count",
        "display_active",
        "display_updated",
    )
    search_fields = ("name", "description")
    list_filter = ("is_active",)
    ordering = ("name",)

    # Form.
    readonly_fields = ("created_at", "created_by", "updated_at")
    fieldsets = (
        (
            _("Details"),
            {
                "fields": ("name", "description", "special_instructions", "is_active"),
                "classes": ["tab"],
            },
        ),
        (
            _("Record"),
            {"fields": (("created_at", "created_by"), "updated_at"), "classes": ["tab"]},
        ),
    )

    inlines = (TemplateItemsRoom,)

    # Buttons on the template page.
    actions_detail = ("create_job",)

    def get_queryset(self, request):
        """Templates with their number of items, counted in the same query."""
        return super().get_queryset(request).annotate(item_count=Count("items"))

    def save_model(self, request, obj, form, change):
        """Remember who made the template."""
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def get_actions_detail(self, request, object_id):
        """No "Create job" on an inactive template: it is kept for the record only."""
        offered = super().get_actions_detail(request, object_id)
        try:
            active = JobTemplate.objects.filter(pk=object_id, is_active=True).exists()
        except (ValueError, ValidationError):
            active = False
        return offered if active else []

    # -- list columns -------------------------------------------------------------------------

    @display(description=_("items"), ordering="item_count")
    def display_item_count(self, template):
        """How many line items the template holds."""
        return template.item_count

    @display(description=_("active"), ordering="is_active", label={ACTIVE: "success"})
    def display_active(self, template):
        """Active or Inactive, as a badge."""
        return ACTIVE if template.is_active else INACTIVE

    @display(description=_("updated"), ordering="updated_at")
    def display_updated(self, template):
        """When the template was last changed."""
        return badges.date_label(timezone.localdate(template.updated_at))

    # -- template page fields -----------------------------------------------------------------

    # -- create a job -------------------------------------------------------------------------

    # Making a job from a template needs the right to see templates and to add jobs.
    has_create_job_permission = allowed_by("powdercoat.view_jobtemplate", "powdercoat.add_job")

    @action(
        description=_("Create job from template"),
        url_path="create-job",
        icon="add_task",
        variant=ActionVariant.PRIMARY,
        permissions=["create_job"],
        dialog={
            "title": _("Create a job from this template"),
            "description": _(
                "The job gets copies of the template's items; change them on the job as needed."
            ),
            "form_class": dialogs.JobFromTemplateForm,
            "form_submit_text": _("Create job"),
        },
    )
    @applied_once
    def create_job(self, request, form, object_id):
        """Start a new Pending job for the chosen customer, and open it."""
        template = self.get_object(request, object_id)
        if template is None:
            raise ValidationError(_("That template no longer exists."))
        job = job_create_from_template(
            template=template,
            customer=form.cleaned_data["customer"],
            due_date=form.cleaned_data["due_date"],
            user=request.user,
        )
        return Done(
            reverse("admin:powdercoat_job_change", args=[job.pk]),
            _("%(number)s created from “%(template)s” for %(customer)s.")
            % {
                "number": job.number,
                "template": template.name,
                "customer": job.customer.display_name,
            },
        )
