"""Invoices in the admin: the list, the invoice page with its lines, payments and emails, the
buttons to send, take a payment, void and print it, and the dialogs behind them (SPEC V, J10).
"""

from datetime import timedelta

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import (
    AutocompleteSelectFilter,
    ChoicesDropdownFilter,
    RangeDateFilter,
)
from unfold.decorators import action, display
from unfold.enums import ActionVariant
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
)

from powdercoat import badges
from powdercoat.admin.forms import DatePickerWidget, get_job_or_404
from powdercoat.admin.history import ShopHistoryAdmin
from powdercoat.admin.once import Done, OnceDialogForm, applied_once
from powdercoat.admin.spreadsheets import SpreadsheetExportMixin
from powdercoat.models import CompanySettings, EmailLog, Invoice, Job, Payment
from powdercoat.models.base import plausible_date
from powdercoat.models.choices import UNPAID_INVOICE_STATUSES, InvoiceStatus, PaymentMethod
from powdercoat.resources import InvoiceExportResource
from powdercoat.services import invoices as invoice_services
from powdercoat.services.invoices import invoice_payments_in_order


def get_invoice_or_404(object_id, queryset=None) -> Invoice:
    """The invoice an admin address names; a missing or malformed id is a 404."""
    queryset = queryset if queryset is not None else Invoice.objects.all()
    try:
        return get_object_or_404(queryset.select_related("customer", "job"), pk=object_id)
    except (ValueError, ValidationError) as error:
        raise Http404("No such invoice.") from error


# -- dialogs ---------------------------------------------------------------------------------


class CreateInvoiceForm(OnceDialogForm):
    """Confirms invoicing a job, showing what the invoice will hold (on the job page)."""

    form_before_template = "admin/powdercoat/invoice/create_dialog_before.html"

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        self.job = get_job_or_404(object_id, Job.objects.select_related("customer"))

    def get_before_template_context(self, request, object_id=None):
        """The job's price and how tax and the due date will be worked out."""
        company = CompanySettings.load()
        exempt = self.job.customer.tax_exempt
        return {
            "form": self,
            "job": self.job,
            "item_count": self.job.items.count(),
            "tax_exempt": exempt,
            "tax_rate": invoice_services.percent_label(company.tax_rate),
            "terms_days": company.payment_terms_days,
            "due_date": timezone.localdate(timezone=company.zone)
            + timedelta(days=company.payment_terms_days),
        }


class InvoiceDialogForm(OnceDialogForm):
    """A dialog about one invoice: shows its number, customer and balance, and any refusal."""

    form_before_template = "admin/powdercoat/invoice/dialog_before.html"

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        self.invoice = get_invoice_or_404(object_id)

    def get_before_template_context(self, request, object_id=None):
        """The invoice the dialog acts on."""
        return {
            "form": self,
            "invoice": self.invoice,
            "badge": badges.invoice_status_badge(self.invoice.status),
        }


class SendInvoiceForm(InvoiceDialogForm):
    """Confirms emailing the PDF; the address is shown so a wrong one is caught first."""

    form_before_template = "admin/powdercoat/invoice/send_dialog_before.html"


class PaymentForm(InvoiceDialogForm):
    """Money received: the amount starts at the balance, the date at today."""

    confirm_field = "amount"

    amount = forms.DecimalField(
        label=_("Amount"),
        max_digits=12,
        decimal_places=2,
        min_value=0.01,
        widget=UnfoldAdminDecimalFieldWidget(attrs={"step": "0.01"}),
    )
    paid_on = forms.DateField(
        label=_("Date received"), widget=DatePickerWidget, validators=[plausible_date]
    )
    method = forms.ChoiceField(
        label=_("Method"), choices=PaymentMethod.choices, widget=UnfoldAdminSelectWidget
    )
    reference = forms.CharField(
        label=_("Reference (optional)"),
        required=False,
        max_length=Payment._meta.get_field("reference").max_length,
        help_text=_("Check number, card slip, transfer reference…"),
        widget=UnfoldAdminTextInputWidget,
    )

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        self.fields["amount"].initial = self.invoice.balance
        self.fields["paid_on"].initial = timezone.localdate(
            timezone=CompanySettings.load().zone
        ).isoformat()
        self.fields["method"].initial = PaymentMethod.CARD


class VoidInvoiceForm(InvoiceDialogForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=Invoice._meta.get_field("void_reason").max_length,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
    )


class ReversePaymentForm(InvoiceDialogForm):
    """Which payment was recorded by mistake, and why; the dialog opens on the one clicked."""

    payment = forms.ModelChoiceField(
        label=_("Payment"),
        queryset=Payment.objects.none(),
        empty_label=None,
        widget=UnfoldAdminSelectWidget,
    )
    reason = forms.CharField(
        label=_("Why it is reversed"),
        max_length=Payment._meta.get_field("reason").max_length,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 2}),
        help_text=_("For example: entered twice, cheque bounced, wrong invoice."),
    )

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        field = self.fields["payment"]
        field.queryset = self.invoice.payments.filter(reverses=None, reversal=None).order_by(
            "paid_on", "pk"
        )
        field.label_from_instance = _payment_choice_label
        if request.GET.get("payment", "").isdigit():
            field.initial = int(request.GET["payment"])


def _payment_choice_label(payment: Payment) -> str:
    """$400.00 · Check #1234 · Nov 26, 2026."""
    parts = [badges.money_label(payment.amount), payment.get_method_display()]
    if payment.reference:
        parts[-1] += f" {payment.reference}"
    parts.append(badges.date_label(payment.paid_on))
    return " · ".join(parts)


# -- list filter -----------------------------------------------------------------------------


class InvoiceBalanceFilter(admin.SimpleListFilter):
    """Unpaid or overdue invoices: the ones the office chases."""

    title = _("balance")
    parameter_name = "owing"

    def lookups(self, request, model_admin):
        """Unpaid, or unpaid and past the due date."""
        return [("unpaid", _("Unpaid")), ("overdue", _("Overdue"))]

    def queryset(self, request, queryset):
        """Apply the chosen view."""
        if self.value() == "unpaid":
            return queryset.unpaid()
        if self.value() == "overdue":
            return queryset.unpaid().filter(balance__gt=0, due_date__lt=timezone.localdate())
        return queryset


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
class InvoiceAdmin(SpreadsheetExportMixin, ShopHistoryAdmin, ModelAdmin):
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
        return badges.money_label(invoice.total)

    @display(description=_("balance"), ordering="balance")
    def display_balance(self, invoice):
        """What is still owed."""
        return badges.money_label(invoice.balance)

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
        rates = invoice_services
        rows = [(_("Items total"), badges.money_label(invoice.subtotal))]
        if invoice.discount_amount:
            rows.append(
                (
                    _("Discount %(p)s%%") % {"p": rates.percent_label(invoice.discount_percent)},
                    f"−{badges.money_label(invoice.discount_amount)}",
                )
            )
        if invoice.rush_surcharge_amount:
            rows.append(
                (
                    _("Rush fee %(p)s%%")
                    % {"p": rates.percent_label(invoice.rush_surcharge_percent)},
                    badges.money_label(invoice.rush_surcharge_amount),
                )
            )
        if rates.invoice_is_tax_exempt(invoice):
            rows.append((_("Tax"), _("Tax exempt")))
        else:
            rows.append(
                (
                    _("Tax %(p)s%%") % {"p": rates.percent_label(invoice.tax_rate_percent)},
                    badges.money_label(invoice.tax_amount),
                )
            )
        rows += [
            (_("Total"), badges.money_label(invoice.total)),
            (_("Paid"), badges.money_label(invoice.amount_paid)),
            (_("Balance"), badges.money_label(invoice.balance)),
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
        return render_to_string("admin/powdercoat/invoice/emails.html", {"emails": emails})

    # -- buttons ------------------------------------------------------------------------------

    # Role checks of the buttons (unfold calls has_<name>_permission).
    def has_send_permission(self, request, object_id=None):
        """Sending: whoever may change invoices (Office and up)."""
        return request.user.has_perm("powdercoat.change_invoice")

    def has_void_permission(self, request, object_id=None):
        """Voiding: whoever may change invoices."""
        return request.user.has_perm("powdercoat.change_invoice")

    def has_take_payment_permission(self, request, object_id=None):
        """Recording money: whoever may add payments."""
        return request.user.has_perm("powdercoat.add_payment")

    def has_reverse_payment_permission(self, request, object_id=None):
        """Taking back a payment entered by mistake: Office and up."""
        return request.user.has_perm("powdercoat.reverse_payment")

    def has_pdf_permission(self, request, object_id=None):
        """The PDF: whoever may look at invoices (never Shop Floor)."""
        return self.has_view_permission(request)

    def _invoice(self, request, object_id) -> Invoice:
        """The invoice behind a detail action, loaded once per request."""
        cache = request.__dict__.setdefault("_pc_invoices", {})
        if object_id not in cache:
            cache[object_id] = get_invoice_or_404(object_id)
        return cache[object_id]

    def get_actions_detail(self, request, object_id):
        """Offer only what the invoice's status allows right now."""
        invoice = self._invoice(request, object_id)
        offered = []
        for unfold_action in super().get_actions_detail(request, object_id):
            name = unfold_action.action_name.removeprefix("powdercoat_invoice_")
            if name == "send_invoice":
                if invoice.status == InvoiceStatus.VOID:
                    continue
                if invoice.status != InvoiceStatus.DRAFT:
                    unfold_action.description = _("Send again")
            elif name == "add_payment":
                if invoice.status not in UNPAID_INVOICE_STATUSES or invoice.balance <= 0:
                    continue
            elif name == "void_invoice" and not can_proceed(invoice.void):
                continue
            elif name == "reverse_payment":
                continue  # offered on each payment's row in the Payments tab
            offered.append(unfold_action)
        return offered

    def _change_url(self, invoice_or_id) -> str:
        pk = getattr(invoice_or_id, "pk", invoice_or_id)
        return reverse("admin:powdercoat_invoice_change", args=[pk])

    @action(
        description=_("Send by email"),
        url_path="send",
        icon="forward_to_inbox",
        variant=ActionVariant.PRIMARY,
        permissions=["send"],
        dialog={
            "title": _("Email the invoice to the customer"),
            "description": _("The PDF goes as an attachment; a draft invoice becomes Sent."),
            "form_class": SendInvoiceForm,
            "form_submit_text": _("Send"),
        },
    )
    @applied_once
    def send_invoice(self, request, form, object_id):
        """Email the PDF to the customer."""
        invoice = invoice_services.invoice_send(invoice=form.invoice, user=request.user)
        return Done(
            self._change_url(invoice),
            _("%(number)s is on its way to %(email)s; the Emails tab shows when it has gone.")
            % {"number": invoice.number, "email": invoice.customer.email},
        )

    @action(
        description=_("Add payment"),
        url_path="add-payment",
        icon="payments",
        variant=ActionVariant.SUCCESS,
        permissions=["take_payment"],
        dialog={
            "title": _("Record a payment"),
            "form_class": PaymentForm,
            "form_submit_text": _("Record payment"),
        },
    )
    @applied_once
    def add_payment(self, request, form, object_id):
        """Record money received against the invoice."""
        data = form.cleaned_data
        payment = invoice_services.payment_record(
            invoice=form.invoice,
            amount=data["amount"],
            paid_on=data["paid_on"],
            method=data["method"],
            reference=data["reference"],
            user=request.user,
            confirmed=form.confirmed,
        )
        invoice = form.invoice
        return Done(
            self._change_url(invoice),
            _("%(amount)s recorded on %(number)s; %(balance)s still owed.")
            % {
                "amount": badges.money_label(payment.amount),
                "number": invoice.number,
                "balance": badges.money_label(invoice.balance),
            },
        )

    @action(
        description=_("Reverse a payment"),
        url_path="reverse-payment",
        icon="undo",
        permissions=["reverse_payment"],
        dialog={
            "title": _("Reverse a payment recorded by mistake"),
            "description": _(
                "The payment stays on the invoice, with a reversal beside it that takes the "
                "money back out; the balance and status follow."
            ),
            "form_class": ReversePaymentForm,
            "form_submit_text": _("Reverse payment"),
        },
    )
    @applied_once
    def reverse_payment(self, request, form, object_id):
        """Take back one payment with a reason."""
        original = form.cleaned_data["payment"]
        invoice_services.payment_reverse(
            payment=original, reason=form.cleaned_data["reason"], user=request.user
        )
        invoice = form.invoice
        invoice.refresh_from_db()
        return Done(
            f"{self._change_url(invoice)}?{urlencode({'tab': 'payments'})}",
            _("The %(amount)s payment on %(number)s is reversed; %(balance)s is owed now.")
            % {
                "amount": badges.money_label(original.amount),
                "number": invoice.number,
                "balance": badges.money_label(invoice.balance),
            },
        )

    @action(
        description=_("Void"),
        url_path="void",
        icon="block",
        variant=ActionVariant.DANGER,
        permissions=["void"],
        dialog={
            "title": _("Void the invoice"),
            "description": _(
                "A void invoice is kept for the record and nothing is owed on it; the job can "
                "then be invoiced again."
            ),
            "form_class": VoidInvoiceForm,
            "form_submit_text": _("Void invoice"),
        },
    )
    @applied_once
    def void_invoice(self, request, form, object_id):
        """Void the invoice with a reason."""
        invoice = invoice_services.invoice_void(
            invoice=form.invoice, reason=form.cleaned_data["reason"], user=request.user
        )
        return Done(
            self._change_url(invoice), _("%(number)s is void.") % {"number": invoice.number}
        )

    @action(
        description=_("Download PDF"),
        url_path="pdf",
        icon="picture_as_pdf",
        permissions=["pdf"],
    )
    def pdf(self, request, object_id):
        """The invoice as a PDF file, INV-….pdf."""
        invoice = get_invoice_or_404(object_id)
        return HttpResponse(
            invoice_services.invoice_pdf(invoice),
            content_type="application/pdf",
            headers={
                "Content-Disposition": content_disposition_header(
                    as_attachment=True, filename=invoice_services.invoice_pdf_filename(invoice)
                )
            },
        )
