"""Quotes in the admin: the list, the quote page with its items and price, and its buttons (Q)."""

from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import (
    AutocompleteSelectFilter,
    ChoicesDropdownFilter,
    RangeDateFilter,
)
from unfold.decorators import display

from powdercoat import badges, formatting
from powdercoat.admin.history import ShopHistoryAdmin
from powdercoat.admin.items import QuoteItemsRoom
from powdercoat.admin.once import AppliedOnceAddMixin
from powdercoat.admin.paging import LongListPaginator
from powdercoat.admin.quote_actions import QuoteActionsAdminMixin
from powdercoat.admin.quote_forms import (
    EDITABLE_FIELDS,
    PRICE_FIELDS,
    QuoteForm,
)
from powdercoat.admin.spreadsheets import SpreadsheetExportMixin
from powdercoat.models import Quote
from powdercoat.models.choices import QuoteStatus
from powdercoat.resources import QuoteExportResource
from powdercoat.services import quotes as quote_services

# -- the quote admin -------------------------------------------------------------------------


@admin.register(Quote)
class QuoteAdmin(
    QuoteActionsAdminMixin,
    AppliedOnceAddMixin,
    SpreadsheetExportMixin,
    ShopHistoryAdmin,
    ModelAdmin,
):
    paginator = LongListPaginator
    # List.
    list_display = (
        "display_number",
        "display_recipient",
        "description",
        "display_status",
        "display_quote_date",
        "display_valid_until",
        "display_total",
    )
    list_display_links = ("display_number",)
    search_fields = (
        "number",
        "customer__company_name",
        "customer__contact_name",
        "customer__email",
        "prospect_name",
        "prospect_company",
        "prospect_email",
        "description",
    )
    list_filter = (
        ("status", ChoicesDropdownFilter),
        ("customer", AutocompleteSelectFilter),
        ("quote_date", RangeDateFilter),
    )
    list_filter_submit = True
    list_per_page = 50
    show_full_result_count = False
    ordering = ("-quote_date", "-number")
    resource_classes = [QuoteExportResource]

    # Form.
    form = QuoteForm
    autocomplete_fields = ("customer",)
    readonly_fields = (
        "number",
        "display_status_field",
        "display_job",
        "price_summary",
        "display_emails",
        "created_at",
        "created_by",
        "updated_at",
    )
    fieldsets = (
        (
            _("Details"),
            {
                "fields": (
                    ("number", "display_status_field"),
                    "display_job",
                    "customer",
                    ("prospect_name", "prospect_company"),
                    ("prospect_email", "prospect_phone"),
                    "description",
                    ("quote_date", "valid_until"),
                    "notes",
                    "special_instructions",
                ),
                "classes": ["tab"],
            },
        ),
        (
            _("Price"),
            {
                "fields": ("discount_percent", "rush_surcharge_percent", "price_summary"),
                "classes": ["tab"],
            },
        ),
        (_("Emails"), {"fields": ("display_emails",), "classes": ["tab"]}),
        (
            _("Record"),
            {"fields": (("created_at", "created_by"), "updated_at"), "classes": ["tab"]},
        ),
    )

    inlines = (QuoteItemsRoom,)

    # No bulk actions: a quote is deleted from its own page, where the rule below applies.
    actions = None

    # Buttons on the quote page.
    actions_detail = (
        "send_quote",
        "approve_quote",
        "reject_quote",
        "revise_quote",
        "convert_quote",
        "make_customer",
        "download_pdf",
    )

    def get_urls(self):
        """The PDF address, ahead of the wizard's and the admin's own."""
        pdf = path(
            "<path:object_id>/pdf/",
            self.admin_site.admin_view(self.pdf_view),
            name=f"{self.opts.app_label}_{self.opts.model_name}_pdf",
        )
        return [pdf, *super().get_urls()]

    def get_queryset(self, request):
        """Customer joined: the list runs a fixed number of queries."""
        return super().get_queryset(request).select_related("customer")

    def changelist_view(self, request, extra_context=None):
        """Expire quotes past their date first, so the list never shows a stale status."""
        if self.has_view_or_change_permission(request):
            quote_services.quote_expire_overdue()
        return super().changelist_view(request, extra_context)

    def get_readonly_fields(self, request, obj=None):
        """Outside Draft the price is settled; a converted quote is kept as it was."""
        fields = list(super().get_readonly_fields(request, obj))
        if obj is None or obj.status == QuoteStatus.DRAFT:
            return fields
        settled = EDITABLE_FIELDS if obj.status == QuoteStatus.CONVERTED else PRICE_FIELDS
        return fields + [name for name in settled if name not in fields]

    def has_delete_permission(self, request, obj=None):
        """A converted quote stays: its job links back to it."""
        if obj is not None and obj.status == QuoteStatus.CONVERTED:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """Create through numbering; edits never touch the status."""
        if change:
            quote_services.quote_update(quote=obj, user=request.user)
        else:
            quote_services.quote_create(quote=obj, user=request.user)

    # -- list columns -------------------------------------------------------------------------

    @display(description=_("quote"), ordering="number")
    def display_number(self, quote):
        """The quote number, the link to the quote page."""
        return format_html('<span class="pc-job-number">{}</span>', quote.number)

    @display(description=_("for"), ordering="customer__company_name")
    def display_recipient(self, quote):
        """The customer, or the prospect marked as such."""
        if quote.customer_id:
            return quote.customer.display_name
        return format_html(
            '{} <span class="text-base-500">({})</span>', quote.recipient_name, _("prospect")
        )

    @display(description=_("status"), ordering="status")
    def display_status(self, quote):
        """Status badge with its name."""
        return badges.quote_status_badge(quote.status)

    @display(description=_("date"), ordering="quote_date")
    def display_quote_date(self, quote):
        """The quote date, written like every other date in the lists."""
        return badges.date_label(quote.quote_date)

    @display(description=_("valid until"), ordering="valid_until")
    def display_valid_until(self, quote):
        """Valid-until date, marked in words once it has gone by unanswered."""
        text = badges.date_label(quote.valid_until)
        if quote.is_past_validity:
            return format_html('<span class="pc-overdue">⚠ {} · {}</span>', text, _("past due"))
        if quote.status == QuoteStatus.EXPIRED:
            return format_html('<span class="pc-overdue">{} · {}</span>', text, _("expired"))
        return text

    @display(description=_("total"), ordering="total")
    def display_total(self, quote):
        """The quote's total, tax included."""
        return formatting.money_text(quote.total)

    # -- quote page fields --------------------------------------------------------------------

    @display(description=_("status"))
    def display_status_field(self, quote):
        """Status badge (a new quote starts as a Draft)."""
        return badges.quote_status_badge(quote.status if quote.pk else QuoteStatus.DRAFT)

    @display(description=_("job"))
    def display_job(self, quote):
        """The job this quote became, linked."""
        if not quote.job_id:
            return _("Not converted yet: an approved quote can become a job.")
        return format_html(
            '<a class="text-primary-600" href="{}">{}</a>',
            reverse("admin:powdercoat_job_change", args=[quote.job_id]),
            quote.job.number,
        )

    @display(description=_("price"))
    def price_summary(self, quote):
        """Items total, discount, rush fee, tax and total, one line each."""
        if quote.pk is None:
            return _("Worked out from the items when the quote is saved.")
        percent = formatting.percent_text
        rows = [(_("Items total"), formatting.money_text(quote.subtotal))]
        if quote.discount_percent:
            rows.append(
                (
                    _("Discount %(p)s") % {"p": percent(quote.discount_percent)},
                    f"−{formatting.money_text(quote.discount_amount)}",
                )
            )
        if quote.rush_surcharge_percent:
            rows.append(
                (
                    _("Rush fee %(p)s") % {"p": percent(quote.rush_surcharge_percent)},
                    formatting.money_text(quote.rush_surcharge_amount),
                )
            )
        if quote_services.quote_is_tax_exempt(quote):
            tax_label = _("Tax (customer is tax exempt)")
        else:
            tax_label = _("Tax %(p)s") % {"p": percent(quote.tax_rate_percent)}
        rows.append((tax_label, formatting.money_text(quote.tax_amount)))
        rows.append((_("Total"), formatting.money_text(quote.total)))
        return format_html(
            '<table class="pc-price-lines">{}</table>',
            format_html_join("", "<tr><td>{}</td><td>{}</td></tr>", rows),
        )

    @display(description=_("emails"))
    def display_emails(self, quote):
        """Every email of this quote: when, to whom, queued, sent, or failed and why."""
        if quote.pk is None:
            return "—"
        return render_to_string(
            "admin/powdercoat/emails/log.html",
            {
                "emails": quote.emails.for_display().select_related("sent_by"),
                "testid": "quote-emails",
                "empty": _("No email sent yet."),
            },
        )
