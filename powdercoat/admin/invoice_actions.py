"""The invoice page's buttons: send, add and reverse payments, void, the PDF (SPEC V)."""

from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_fsm import can_proceed
from unfold.decorators import action
from unfold.enums import ActionVariant

from powdercoat import formatting
from powdercoat.admin.invoice_forms import (
    PaymentForm,
    ReversePaymentForm,
    SendInvoiceForm,
    VoidInvoiceForm,
    get_invoice_or_404,
)
from powdercoat.admin.once import Done, applied_once
from powdercoat.admin.rooms import allowed_by
from powdercoat.documents.responses import pdf_response
from powdercoat.models import Invoice
from powdercoat.models.choices import UNPAID_INVOICE_STATUSES, InvoiceStatus
from powdercoat.services import invoices as invoice_services


class InvoiceActionsAdminMixin:
    """The buttons of the invoice page, each offered only where the invoice's status allows."""

    # Role checks of the buttons (unfold calls has_<name>_permission).
    # Sending: whoever may change invoices (Office and up).
    has_send_permission = allowed_by("powdercoat.change_invoice")

    # Voiding: whoever may change invoices.
    has_void_permission = allowed_by("powdercoat.change_invoice")

    # Recording money: whoever may add payments.
    has_take_payment_permission = allowed_by("powdercoat.add_payment")

    # Taking back a payment entered by mistake: Office and up.
    has_reverse_payment_permission = allowed_by("powdercoat.reverse_payment")

    # The PDF: whoever may look at invoices (never Shop Floor).
    has_pdf_permission = allowed_by("powdercoat.view_invoice")

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
                "amount": formatting.money_text(payment.amount),
                "number": invoice.number,
                "balance": formatting.money_text(invoice.balance),
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
                "amount": formatting.money_text(original.amount),
                "number": invoice.number,
                "balance": formatting.money_text(invoice.balance),
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
        return pdf_response(
            invoice_services.invoice_pdf(invoice),
            invoice_services.invoice_pdf_filename(invoice),
            download=True,
        )
