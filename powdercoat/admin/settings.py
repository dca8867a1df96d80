"""Company settings in the admin: one record, opened straight from the sidebar (SPEC D3)."""

import base64
import re

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminCheckboxSelectMultipleWidget

from powdercoat.addresses import shop_display_url
from powdercoat.admin.mixins import redirect_after_dialog
from powdercoat.documents.pdf import letterhead
from powdercoat.documents.responses import pdf_response
from powdercoat.documents.work_order import sample_work_order_pdf
from powdercoat.models import CompanySettings
from powdercoat.models.choices import FLOOR_STAGE_CHOICES, OVEN_PLAN_STAGE_CHOICES
from powdercoat.models.settings import new_display_key
from powdercoat.pictures import DOCUMENT_PICTURE_SIDE, picture_shrunk

# A display key goes into the TV's address: long enough not to be guessed, and URL-safe.
DISPLAY_KEY_MIN_LENGTH = 16
_DISPLAY_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


class CompanySettingsForm(forms.ModelForm):
    """The settings form; a display key typed by hand must be long and URL-safe (SPEC S1)."""

    class Meta:
        model = CompanySettings
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose the fields)

    floor_stages = forms.MultipleChoiceField(
        label=_("Shop floor stages"),
        choices=[(str(stage), stage.label) for stage in FLOOR_STAGE_CHOICES],
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
        help_text=CompanySettings._meta.get_field("floor_stages").help_text,
        error_messages={"required": _("Pick at least one stage for the shop floor.")},
    )

    def clean_floor_stages(self) -> list[str]:
        """Kept in workflow order, whatever order the boxes were ticked in."""
        ticked = set(self.cleaned_data["floor_stages"])
        return [str(stage) for stage in FLOOR_STAGE_CHOICES if stage in ticked]

    oven_plan_stages = forms.MultipleChoiceField(
        label=_("Oven plan stages"),
        choices=[(str(stage), stage.label) for stage in OVEN_PLAN_STAGE_CHOICES],
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
        help_text=CompanySettings._meta.get_field("oven_plan_stages").help_text,
        error_messages={"required": _("Pick at least one stage whose jobs are ready to coat.")},
    )

    def clean_oven_plan_stages(self) -> list[str]:
        """Kept in workflow order, whatever order the boxes were ticked in."""
        ticked = set(self.cleaned_data["oven_plan_stages"])
        return [str(stage) for stage in OVEN_PLAN_STAGE_CHOICES if stage in ticked]

    def clean_logo(self):
        """A new logo is checked and kept at most 1,200 pixels across: it is on every PDF."""
        logo = self.cleaned_data.get("logo")
        if isinstance(logo, UploadedFile):
            return picture_shrunk(logo, longest_side=DOCUMENT_PICTURE_SIDE)
        return logo

    def clean_display_key(self) -> str:
        """At least 16 letters, digits, "-" or "_"; the Rotate button makes a good one."""
        key = self.cleaned_data["display_key"].strip()
        if len(key) < DISPLAY_KEY_MIN_LENGTH or not _DISPLAY_KEY.match(key):
            raise ValidationError(
                _(
                    "Use at least %(length)d letters, digits, dashes or underscores, or press "
                    "Rotate display key for a new random one."
                ),
                params={"length": DISPLAY_KEY_MIN_LENGTH},
            )
        return key


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
            _("Customer status page"),
            {
                "fields": ("opening_hours", "status_page_shows_workers"),
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
                    "floor_stages",
                    "oven_plan_stages",
                    "display_key",
                    "display_url",
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
        (
            _("Invoice PDF"),
            {
                "fields": ("remit_to", "payment_instructions"),
                "classes": ["tab"],
            },
        ),
    )
    # "Preview work order" beside Save: it posts the form to the preview address in a new tab.
    actions_submit_line = ("preview_work_order",)
    # The shop TV's address, and a button that gives it a new key (SPEC S1).
    form = CompanySettingsForm
    readonly_fields = ("display_url",)
    actions_detail = ("rotate_display_key",)

    def save_model(self, request, obj, form, change):
        """Save; a replaced or cleared logo's old file is deleted, so its address leads nowhere."""
        previous = CompanySettings.objects.filter(pk=obj.pk).values_list("logo", flat=True).first()
        super().save_model(request, obj, form, change)
        if previous and previous != obj.logo.name:
            transaction.on_commit(lambda: default_storage.delete(previous))

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

    # -- Save and Preview of the work order template (SPEC D3) --------------------------------

    def get_urls(self):
        """The preview address, ahead of the admin's own."""
        preview = path(
            "<path:object_id>/preview-work-order/",
            self.admin_site.admin_view(self.preview_work_order_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_preview_work_order",
        )
        return [preview, *super().get_urls()]

    def get_actions_submit_line(self, request, object_id):
        """The preview button submits the form to the preview address, in a new tab."""
        offered = super().get_actions_submit_line(request, object_id)
        for unfold_action in offered:
            if unfold_action.action_name.endswith("_preview_work_order"):
                unfold_action.attrs = {
                    **(unfold_action.attrs or {}),
                    "formaction": reverse(
                        "admin:powdercoat_companysettings_preview_work_order", args=[object_id]
                    ),
                    "formtarget": "_blank",
                }
        return offered

    @action(description=_("Preview work order"), icon="preview", permissions=["change"])
    def preview_work_order(self, request, obj):
        """Nothing to do after a save: the button posts to `preview_work_order_view` instead."""

    def preview_work_order_view(self, request, object_id):
        """A sample work order printed with the values on the form; nothing is saved.

        The posted form fills a copy of the settings in memory, exactly as Save would, and the
        sample job is printed with that copy. GET shows the saved settings.
        """
        if not self.has_change_permission(request):
            raise PermissionDenied
        company = CompanySettings.load()
        logo_path = letterhead(company)["logo_path"]
        if request.method == "POST":
            form = self.get_form(request, company, change=True)(
                request.POST, request.FILES, instance=company
            )
            if not form.is_valid():
                return self._preview_refused(request, form)
            logo_path = _preview_logo(form.cleaned_data.get("logo"), saved=logo_path)
        return pdf_response(
            sample_work_order_pdf(company=company, logo_path=logo_path),
            "work-order-preview.pdf",
        )

    def _preview_refused(self, request, form):
        problems = [
            (form.fields[name].label if name in form.fields else _("Settings"), errors)
            for name, errors in form.errors.items()
        ]
        return TemplateResponse(
            request,
            "admin/powdercoat/companysettings/preview_refused.html",
            {**self.admin_site.each_context(request), "problems": problems},
            status=400,
        )

    # -- the shop display's key (SPEC S1) -------------------------------------------------------

    @action(
        description=_("Rotate display key"),
        url_path="rotate-display-key",
        icon="key",
        permissions=["change"],
        dialog={
            "title": _("Give the shop display a new key"),
            "description": _(
                "Screens opened with the old address stop showing jobs at their next refresh. "
                "Open the new address on the TV afterwards."
            ),
            "form_submit_text": _("Rotate key"),
        },
    )
    def rotate_display_key(self, request, form, object_id):
        """Replace the display key with a new random one and show the new address."""
        company = CompanySettings.load()
        company.display_key = new_display_key()
        company.save(update_fields=["display_key", "updated_at"])
        messages.success(
            request,
            format_html(
                "{} <strong>{}</strong>",
                _("The shop display has a new address:"),
                shop_display_url(company),
            ),
        )
        return redirect_after_dialog(
            request, reverse("admin:powdercoat_companysettings_change", args=[company.pk])
        )

    @display(description=_("Shop display address"))
    def display_url(self, obj: CompanySettings) -> str:
        """The address to open on the shop TV, with the current key."""
        if obj is None or not obj.display_key:
            return "—"
        url = shop_display_url(obj)
        return format_html('<a href="{}" target="_blank" rel="noreferrer">{}</a>', url, url)


def _preview_logo(posted, *, saved: str) -> str:
    """The logo the preview shows: a newly chosen file, none if cleared, else the saved one."""
    if posted is False:  # the "clear" box was ticked
        return ""
    if isinstance(posted, File) and not getattr(posted, "url", None):  # chosen, not saved
        posted.seek(0)
        encoded = base64.b64encode(posted.read()).decode("ascii")
        kind = "jpeg" if posted.name.lower().endswith((".jpg", ".jpeg")) else "png"
        return f"data:image/{kind};base64,{encoded}"
    return saved
