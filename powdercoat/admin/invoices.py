"""Invoices in the admin: the list and the invoice page with its lines, payments and emails
(SPEC V, J10); its buttons are in invoice_actions.py, their dialogs in invoice_forms.py.
"""

from django import forms
from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
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
from powdercoat.admin.invoice_actions import InvoiceActionsAdminMixin
from powdercoat.admin.paging import LongListPaginator
from powdercoat.admin.spreadsheets import SpreadsheetExportMixin
from powdercoat.models import EmailLog, Invoice
from powdercoat.models.choices import InvoiceStatus
from powdercoat.resources import InvoiceExportResource
from powdercoat.services import invoices as invoice_services
from powdercoat.services.invoices import invoice_payments_in_order


class InvoiceBalanceFilter(admin.SimpleListFilter):
    """Unpaid or overdue invoices: the ones the office chases."""

    title = _("balance")
    parameter_name = "owing"

    def lookups(self, request, model_admin):
        """Unpaid, unpaid and past the due date, or every invoice but the voided ones."""
        return [("unpaid", _("Unpaid")), ("overdue", _("Overdue")), ("live", _("All but void"))]

    def queryset(self, request, queryset):
        """Apply the chosen view."""
        if self.value() == "live":
            return queryset.live()
        if self.value() == "unpaid":
            return queryset.unpaid()
        if self.value() == "overdue":
            return queryset.unpaid().filter(balance__gt=0, due_date__lt=timezone.localdate())
        return queryset


class PaymentDateFilter(RangeDateFilter):
    """Invoices that received a payment (or a reversal) between two dates."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = _("payment received")


# -- the invoice admin -----------------------------------------------------------------------


class InvoiceForm(forms.ModelForm):
    class Meta:
        model = Invoice
        fields = ("invoice_date", "due_date", "notes")

    def clean(self):
        """The due date cannot come before the invoice date (said in words, on the field)."""
        cleaned = super().clean()
        start, due = cleaned.get("invoice_date"), cleaned.get("due_date")
        if start and due and due < start:
            self.add_error("due_date", _("The due date cannot be before the invoice date."))
        return cleaned


@admin.register(Invoice)
class InvoiceAdmin(InvoiceActionsAdminMixin, SpreadsheetExportMixin, ShopHistoryAdmin, ModelAdmin):
    paginator = LongListPaginator
    # List.
    list_display = (
        "display_number",
        "display_customer",
        "display_job",
        "display_status",
        "display_date",
        "display_due",
        "display_total",
        "display_balance",
    )
    list_display_links = ("display_number",)
    search_fields = (
        "number",
        "job__number",
        "job__po_number",
        "customer__company_name",
        "customer__contact_name",
        "customer__email",
    )
    list_filter = (
        InvoiceBalanceFilter,
        ("status", ChoicesDropdownFilter),
        ("customer", AutocompleteSelectFilter),
        ("invoice_date", RangeDateFilter),
        ("due_date", RangeDateFilter),
        ("payments__paid_on", PaymentDateFilter),
    )
    list_filter_submit = True
    list_per_page = 50
    show_full_result_count = False
    ordering = ("-invoice_date", "-number")
    resource_classes = [InvoiceExportResource]

    # Form.
    form = InvoiceForm
    readonly_fields = (
        "number",
        "display_status_field",
        "display_customer_link",
        "display_job_link",
        "price_summary",
        "display_void_reason",
        "display_lines",
        "display_payments",
        "display_emails",
        "created_at",
        "created_by",
    )
    fieldsets = (
        (
            _("Details"),
            {
                "fields": (
                    ("number", "display_status_field"),
                    ("display_customer_link", "display_job_link"),
                    ("invoice_date", "due_date"),
                    "price_summary",
                    "notes",
                    "display_void_reason",
                    ("created_at", "created_by"),
                ),
                "classes": ["tab"],
            },
        ),
        (_("Lines"), {"fields": ("display_lines",), "classes": ["tab"]}),
        (_("Payments"), {"fields": ("display_payments",), "classes": ["tab"]}),
        (_("Emails"), {"fields": ("display_emails",), "classes": ["tab"]}),
    )

    # Buttons on the invoice page.
    actions_detail = ("send_invoice", "add_payment", "void_invoice", "pdf", "reverse_payment")

    def get_queryset(self, request):
        """Customer and job joined: the list runs a fixed number of queries."""
        return super().get_queryset(request).select_related("customer", "job")

    def has_add_permission(self, request):
        """Invoices are made from a job's page, never typed in."""
        return False

    def has_delete_permission(self, request, obj=None):
        """An invoice is voided, never deleted, so its number and history stay."""
        return False

    def has_change_permission(self, request, obj=None):
        """A void invoice is a record: it can be read, not edited."""
        if obj is not None and obj.status == InvoiceStatus.VOID:
            return False
        return super().has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        """The void reason shows only on a void invoice."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.status == InvoiceStatus.VOID:
            return fieldsets
        return [
            (
                title,
                {
                    **options,
                    "fields": [f for f in options["fields"] if f != "display_void_reason"],
                },
            )
            for title, options in fieldsets
        ]

    def save_model(self, request, obj, form, change):
        """Dates and notes only; the status and money change through the buttons."""
        invoice_services.invoice_update(invoice=obj, user=request.user)

    # -- list columns -------------------------------------------------------------------------

    @display(description=_("invoice"), ordering="number")
    def display_number(self, invoice):
        """The invoice number, the link to the invoice page."""
        return format_html('<span class="pc-job-number">{}</span>', invoice.number)

    @display(description=_("customer"), ordering="customer__company_name")
    def display_customer(self, invoice):
        """The customer's short name."""
        return invoice.customer.display_name

    @display(description=_("job"), ordering="job__number")
    def display_job(self, invoice):
        """The job the invoice bills."""
        return invoice.job.number

    @display(description=_("status"), ordering="status")
    def display_status(self, invoice):
        """Status badge with its name."""
        return badges.invoice_status_badge(invoice.status)

    @display(description=_("date"), ordering="invoice_date")
    def display_date(self, invoice):
        """Invoice date."""
        return badges.date_label(invoice.invoice_date)

    @display(description=_("due"), ordering="due_date")
    def display_due(self, invoice):
        """Due date, marked in words when it has passed with money still owed."""
        return badges.due_date_label(invoice.due_date, overdue=invoice.is_overdue)

    @display(description=_("total"), ordering="total")
    def display_total(self, invoice):
        """The invoice total, tax included."""
        return formatting.money_text(invoice.total)

    @display(description=_("balance"), ordering="balance")
    def display_balance(self, invoice):
        """What is still owed."""
        return formatting.money_text(invoice.balance)

    # -- invoice page fields ------------------------------------------------------------------

    @display(description=_("status"))
    def display_status_field(self, invoice):
        """Status badge, with "overdue" when it is."""
        if invoice.pk is None:
            return "—"
        badge = badges.invoice_status_badge(invoice.status)
        if invoice.is_overdue:
            return format_html(
                '{} <span class="pc-overdue">⚠ {}</span>',
                badge,
                _("overdue since %(day)s") % {"day": badges.date_label(invoice.due_date)},
            )
        return badge

    @display(description=_("customer"))
    def display_customer_link(self, invoice):
        """The customer, linked to their record."""
        url = reverse("admin:powdercoat_customer_change", args=[invoice.customer_id])
        return format_html(
            '<a href="{}" class="text-link">{}</a>', url, invoice.customer.display_name
        )

    @display(description=_("job"))
    def display_job_link(self, invoice):
        """The job, linked to its page."""
        url = reverse("admin:powdercoat_job_change", args=[invoice.job_id])
        return format_html(
            '<a href="{}" class="text-link">{}</a> <span class="text-base-500">{}</span>',
            url,
            invoice.job.number,
            invoice.job.description,
        )

    @display(description=_("void reason"))
    def display_void_reason(self, invoice):
        """Why the invoice was voided."""
        return invoice.void_reason or "—"

    @display(description=_("price"))
    def price_summary(self, invoice):
        """Items total, discount, rush fee, tax, total, paid and balance, one line each."""
        rows = [(_("Items total"), formatting.money_text(invoice.subtotal))]
        if invoice.discount_amount:
            rows.append(
                (
                    _("Discount %(p)s") % {"p": formatting.percent_text(invoice.discount_percent)},
                    f"−{formatting.money_text(invoice.discount_amount)}",
                )
            )
        if invoice.rush_surcharge_amount:
            rows.append(
                (
                    _("Rush fee %(p)s")
                    % {"p": formatting.percent_text(invoice.rush_surcharge_percent)},
                    formatting.money_text(invoice.rush_surcharge_amount),
                )
            )
        if invoice_services.invoice_is_tax_exempt(invoice):
            rows.append((_("Tax"), _("Tax exempt")))
        else:
            rows.append(
                (
                    _("Tax %(p)s") % {"p": formatting.percent_text(invoice.tax_rate_percent)},
                    formatting.money_text(invoice.tax_amount),
                )
            )
        rows += [
            (_("Total"), formatting.money_text(invoice.total)),
            (_("Paid"), formatting.money_text(invoice.amount_paid)),
            (_("Balance"), formatting.money_text(invoice.balance)),
        ]
        return format_html(
            '<table class="pc-price-lines" data-testid="invoice-price">{}</table>',
            format_html_join("", "<tr><td>{}</td><td>{}</td></tr>", rows),
        )

    @display(description=_("lines"))
    def display_lines(self, invoice):
        """The billed lines with quantity, unit price and amount."""
        return render_to_string(
            "admin/powdercoat/invoice/lines.html", {"lines": invoice.lines.all()}
        )

    @display(description=_("payments"))
    def display_payments(self, invoice):
        """Money received so far, oldest first, each reversal right under the payment it cancels."""
        payments = invoice_payments_in_order(invoice)
        # Everyone who may open an invoice may reverse its payments (Office and up); the
        # dialog checks the permission again.
        base = reverse("admin:powdercoat_invoice_reverse_payment", args=[invoice.pk])
        for payment in payments:
            if not payment.is_reversal and payment.reversed_by is None:
                payment.reverse_url = f"{base}?{urlencode({'payment': payment.pk})}"
        return render_to_string(
            "admin/powdercoat/invoice/payments.html", {"payments": payments, "invoice": invoice}
        )

    @display(description=_("emails"))
    def display_emails(self, invoice):
        """Every email about the invoice, newest first: queued, sent, or failed and why."""
        emails = EmailLog.objects.for_display().filter(invoice=invoice).select_related("sent_by")
        return render_to_string(
            "admin/powdercoat/emails/log.html",
            {
                "emails": emails,
                "testid": "invoice-emails",
                "empty": _("No email has been sent about this invoice yet."),
            },
        )
