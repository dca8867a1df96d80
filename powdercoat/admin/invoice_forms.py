"""The invoice's dialogs: create it from a job, send it, take or reverse a payment, void it."""

from datetime import timedelta

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
)

from powdercoat import badges, formatting
from powdercoat.admin.forms import get_job_or_404
from powdercoat.admin.once import OnceDialogForm
from powdercoat.admin.widgets import DatePickerWidget
from powdercoat.models import CompanySettings, Invoice, Job, Payment
from powdercoat.models.base import plausible_date
from powdercoat.models.choices import PaymentMethod


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
            "tax_rate": formatting.number_text(company.tax_rate),
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
    parts = [formatting.money_text(payment.amount), payment.get_method_display()]
    if payment.reference:
        parts[-1] += f" {payment.reference}"
    parts.append(badges.date_label(payment.paid_on))
    return " · ".join(parts)


# -- list filter -----------------------------------------------------------------------------
