"""Invoices from jobs, payments against them, sending and voiding them (SPEC V1-V3, J10).

One live invoice per job: the job row is locked while its invoice is made, and the database's
`one_live_invoice_per_job` constraint catches anything that slips past the lock. Payments lock
the invoice, so two people recording money at once never lose one of the amounts.
"""

import datetime
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.utils import timezone
from django_fsm import can_proceed

from powdercoat import pricing
from powdercoat.documents.pdf import render_pdf
from powdercoat.documents.status_link import printed_status_link
from powdercoat.formatting import money_text, number_text
from powdercoat.models import (
    CompanySettings,
    Customer,
    Invoice,
    InvoiceLine,
    Job,
    LineItem,
    Payment,
)
from powdercoat.models.base import history_by, max_length_of, plausible_date
from powdercoat.models.choices import InvoiceStatus, JobStatus, PaymentMethod
from powdercoat.selectors import job_items_with_details
from powdercoat.services.checks import ConfirmationNeeded, Figure
from powdercoat.services.notifications import Attachment, email_after_commit
from powdercoat.services.numbering import number_next

INVOICE_NUMBER_PREFIX = "INV"
ZERO = Decimal("0")


# -- creating an invoice from a job ----------------------------------------------------------


def _line_detail(item: LineItem) -> str:
    """What was done to the parts, for the line's small print: "Primer: X; Base: Y · Prep: Z"."""
    coats = "; ".join(f"{coat.get_layer_display()}: {coat.powder}" for coat in item.coats.all())
    prep = ", ".join(str(line.prep_service) for line in item.prep_lines.all())
    parts = [coats] if coats else []
    if prep:
        parts.append(f"Prep: {prep}")
    detail = " · ".join(parts)
    max_length = max_length_of(InvoiceLine, "detail")
    return detail if len(detail) <= max_length else detail[: max_length - 1] + "…"


def _live_invoice_of(job: Job) -> Invoice | None:
    return Invoice.objects.live().filter(job=job).first()


def _already_invoiced(job: Job, invoice: Invoice) -> ValidationError:
    return ValidationError(
        f"{job.number} already has invoice {invoice.number}; a job has one invoice. "
        "Void it first if it has to be made again."
    )


@transaction.atomic
def invoice_create_for_job(*, job: Job, user: User | None) -> Invoice:
    """Make the job's invoice: its lines, discount and rush fee copied, tax and due date added.

    Each item becomes a line with its real quantity and unit price, and its coats and prep as
    detail. Tax is the company's rate unless the customer is tax exempt; the due date is the
    company's payment terms from today.
    """
    # The lock makes a second person pressing "Create invoice" wait, then see the first invoice.
    locked = Job.objects.select_for_update().get(pk=job.pk)
    customer = Customer.objects.get(pk=locked.customer_id)
    if locked.status == JobStatus.CANCELLED:
        raise ValidationError(f"{locked.number} is cancelled; reopen it before invoicing it.")
    existing = _live_invoice_of(locked)
    if existing is not None:
        raise _already_invoiced(locked, existing)
    items = list(job_items_with_details(locked).order_by("position", "id"))
    if not items:
        raise ValidationError(f"{locked.number} has no line items, so there is nothing to bill.")

    company = CompanySettings.load()
    tax_rate = ZERO if customer.tax_exempt else company.tax_rate
    try:
        lines = [
            InvoiceLine(
                position=position,
                description=item.description,
                detail=_line_detail(item),
                quantity=Decimal(item.quantity),
                unit_price=item.unit_price,
                line_total=pricing.line_total(item.quantity, item.unit_price),
            )
            for position, item in enumerate(items, start=1)
        ]
        totals = pricing.document_totals(
            items_total=sum((line.line_total for line in lines), ZERO),
            discount_percent=locked.discount_percent or ZERO,
            rush_surcharge_percent=locked.rush_surcharge_percent or ZERO,
            tax_rate_percent=tax_rate,
        )
    except pricing.PricingError as error:
        raise ValidationError(str(error)) from error
    today = timezone.localdate(timezone=company.zone)
    invoice = Invoice(
        number=number_next(prefix=INVOICE_NUMBER_PREFIX),
        job=locked,
        customer=customer,
        invoice_date=today,
        due_date=today + timedelta(days=company.payment_terms_days),
        discount_percent=locked.discount_percent or ZERO,
        rush_surcharge_percent=locked.rush_surcharge_percent or ZERO,
        tax_rate_percent=tax_rate,
        subtotal=totals.subtotal,
        discount_amount=totals.discount,
        rush_surcharge_amount=totals.rush_surcharge,
        tax_amount=totals.tax,
        total=totals.total,
        amount_paid=ZERO,
        balance=totals.total,
        created_by=user,
    )
    history_by(invoice, user)
    try:
        # A savepoint of its own, so the transaction can still look up the winner.
        with transaction.atomic():
            invoice.save()
    except IntegrityError:
        existing = _live_invoice_of(locked)
        if existing is None:
            raise
        raise _already_invoiced(locked, existing) from None
    for line in lines:
        line.invoice = invoice
    InvoiceLine.objects.bulk_create(lines)
    return invoice


# -- editing, payments, voiding --------------------------------------------------------------


def _locked(invoice: Invoice) -> Invoice:
    return Invoice.objects.select_for_update().select_related("customer", "job").get(pk=invoice.pk)


@transaction.atomic
def invoice_update(*, invoice: Invoice, user: User | None) -> Invoice:
    """Save the editable details (dates, notes) without touching status or money.

    Only those columns are written, so an edit form opened before a payment came in never
    puts the old balance back.
    """
    current = _locked(invoice)
    if current.status == InvoiceStatus.VOID:
        raise ValidationError(f"{current.number} is void; it can no longer be changed.")
    plausible_date(invoice.invoice_date)
    plausible_date(invoice.due_date)
    if invoice.due_date < invoice.invoice_date:
        raise ValidationError("The due date cannot be before the invoice date.")
    current.invoice_date = invoice.invoice_date
    current.due_date = invoice.due_date
    current.notes = invoice.notes
    history_by(current, user)
    current.save(update_fields=["invoice_date", "due_date", "notes", "updated_at"])
    invoice.refresh_from_db()
    return invoice


# A second payment of the same amount on the same invoice this soon is asked about first.
REPEAT_PAYMENT_WINDOW = timedelta(minutes=30)


def _repeat_payment_question(invoice: Invoice, amount: Decimal) -> ConfirmationNeeded | None:
    """Ask before recording what looks like the same cheque entered a second time."""
    earlier = (
        invoice.payments.filter(
            amount=amount,
            reverses=None,
            reversal=None,
            created_at__gte=timezone.now() - REPEAT_PAYMENT_WINDOW,
        )
        .select_related("recorded_by")
        .order_by("-created_at", "-pk")
        .first()
    )
    if earlier is None:
        return None
    when = timezone.localtime(earlier.created_at)
    who = f" by {earlier.recorded_by}" if earlier.recorded_by else ""
    figures = [
        Figure("Recording now", money_text(amount)),
        Figure(
            f"Recorded at {when:%H:%M}{who}",
            f"{money_text(earlier.amount)} · {earlier.get_method_display()}"
            + (f" · {earlier.reference}" if earlier.reference else ""),
        ),
        Figure("Balance before this payment", money_text(invoice.balance)),
    ]
    return ConfirmationNeeded(
        f"{money_text(amount)} was already recorded on {invoice.number} at {when:%H:%M}{who}. "
        "If this is a second payment, tick the box; if it is the same one, close the window.",
        prompt=f"Yes, record a second {money_text(amount)}",
        figures=figures,
    )


@transaction.atomic
def payment_record(
    *,
    invoice: Invoice,
    amount: Decimal,
    paid_on: datetime.date,
    method: str,
    reference: str = "",
    user: User | None,
    confirmed: bool = False,
) -> Payment:
    """Record money received; the invoice becomes Partially Paid or, once covered, Paid.

    The same amount recorded on the same invoice in the last half hour raises
    `ConfirmationNeeded` unless `confirmed` (two people entering one cheque).
    """
    current = _locked(invoice)
    try:
        amount = Decimal(amount)
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError("Give the amount as a number, like 125.50.") from None
    if current.status == InvoiceStatus.VOID:
        raise ValidationError(f"{current.number} is void; no payment can be recorded on it.")
    if current.status == InvoiceStatus.PAID:
        raise ValidationError(f"{current.number} is already paid in full.")
    if not amount.is_finite() or amount <= 0:
        raise ValidationError("A payment must be more than $0.00.")
    if amount != pricing.money(amount):
        raise ValidationError("Give the amount in dollars and cents, like 125.50.")
    if amount > current.balance:
        raise ValidationError(
            f"The balance is {money_text(current.balance)}; a payment of "
            f"{money_text(amount)} would be more than {current.number} still owes."
        )
    if method not in PaymentMethod.values:
        raise ValidationError("Pick how the customer paid.")
    company = CompanySettings.load()
    plausible_date(paid_on)
    if paid_on > timezone.localdate(timezone=company.zone):
        raise ValidationError("A payment cannot be dated in the future.")
    if not confirmed and (question := _repeat_payment_question(current, amount)) is not None:
        raise question

    payment = Payment(
        invoice=current,
        amount=amount,
        paid_on=paid_on,
        method=method,
        reference=reference.strip(),
        recorded_by=user,
    )
    history_by(payment, user)
    payment.save()

    current.amount_paid += amount
    current.balance = current.total - current.amount_paid
    if current.balance == 0:
        current.pay_in_full()
    else:
        current.pay_part()
    history_by(current, user)
    current.save(update_fields=["status", "amount_paid", "balance", "updated_at"])
    invoice.refresh_from_db()
    return payment


def _already_reversed(original: Payment) -> ValidationError:
    reversal = Payment.objects.select_related("recorded_by").get(reverses=original)
    when = timezone.localtime(reversal.created_at)
    who = f" by {reversal.recorded_by}" if reversal.recorded_by else ""
    return ValidationError(
        f"This payment of {money_text(original.amount)} was already reversed on "
        f"{when:%b} {when.day}, {when:%Y %H:%M}{who}."
    )


@transaction.atomic
def payment_reverse(*, payment: Payment, reason: str, user: User | None) -> Payment:
    """Take back a payment recorded by mistake with a negative row that names it and says why.

    The invoice's paid amount and balance follow, and its status: Partially Paid while other
    money remains, else Sent. The original stays on the invoice beside its reversal; a payment
    can be reversed once (two people at once: the second is refused).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the payment is being reversed.")
    max_length = max_length_of(Payment, "reason")
    if len(reason) > max_length:
        raise ValidationError(f"Keep the reason under {max_length} characters.")
    current = _locked(payment.invoice)
    original = Payment.objects.select_for_update().get(pk=payment.pk, invoice=current)
    if original.reverses_id is not None:
        raise ValidationError(
            "This row is itself a reversal. If the payment was real after all, record it again."
        )
    if Payment.objects.filter(reverses=original).exists():
        raise _already_reversed(original)
    company = CompanySettings.load()
    reversal = Payment(
        invoice=current,
        amount=-original.amount,
        paid_on=timezone.localdate(timezone=company.zone),
        method=original.method,
        reference=original.reference,
        recorded_by=user,
        reverses=original,
        reason=reason,
    )
    history_by(reversal, user)
    try:
        # A savepoint of its own, so the transaction can still explain the refusal.
        with transaction.atomic():
            reversal.save()
    except IntegrityError:
        raise _already_reversed(original) from None
    current.amount_paid -= original.amount
    current.balance = current.total - current.amount_paid
    current.take_back_payment()
    history_by(current, user)
    current.save(update_fields=["status", "amount_paid", "balance", "updated_at"])
    payment.invoice.refresh_from_db()
    return reversal


@transaction.atomic
def invoice_void(*, invoice: Invoice, reason: str, user: User | None) -> Invoice:
    """Void an invoice nobody has paid anything on; the job can then be invoiced again."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the invoice is being voided.")
    current = _locked(invoice)
    paid = current.payments.aggregate(total=Sum("amount"))["total"]
    if paid:
        raise ValidationError(
            f"{current.number} has {money_text(paid)} of payments recorded; an invoice "
            "with payments cannot be voided."
        )
    if not can_proceed(current.void):
        raise ValidationError(
            f"{current.number} is {InvoiceStatus(current.status).label}; only Draft or Sent "
            "invoices can be voided."
        )
    current.void()
    current.void_reason = reason[: max_length_of(Invoice, "void_reason")]
    current.balance = ZERO  # nothing is owed on a void invoice
    history_by(current, user)
    current.save(update_fields=["status", "void_reason", "balance", "updated_at"])
    invoice.refresh_from_db()
    return invoice


# -- the document and sending it -------------------------------------------------------------


def invoice_is_tax_exempt(invoice: Invoice) -> bool:
    """No tax was charged because the customer is exempt (not because the shop's rate is 0)."""
    return invoice.tax_rate_percent == 0 and invoice.customer.tax_exempt


def invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a PDF with the shop's letterhead (SPEC V3, D4)."""
    return render_pdf(
        "powdercoat/documents/invoice.html",
        {
            "invoice": invoice,
            "customer": invoice.customer,
            "job": invoice.job,
            "lines": list(invoice.lines.all()),
            "payments": invoice_payments_in_order(invoice),
            "discount_rate": number_text(invoice.discount_percent),
            "rush_rate": number_text(invoice.rush_surcharge_percent),
            "tax_rate": number_text(invoice.tax_rate_percent),
            "customer_tax_exempt": invoice_is_tax_exempt(invoice),
            "terms_days": (invoice.due_date - invoice.invoice_date).days,
            # The customer can follow the job from the invoice too (SPEC U1).
            "status_link": printed_status_link(invoice.job),
        },
        document=f"invoice {invoice.number}",
    )


def invoice_pdf_filename(invoice: Invoice) -> str:
    """INV-2511-0001.pdf."""
    return f"{invoice.number}.pdf"


@transaction.atomic
def invoice_send(*, invoice: Invoice, user: User | None) -> Invoice:
    """Email the invoice PDF to the customer; a Draft becomes Sent.

    Sending again (a reminder, or a copy for the customer's records) changes no status. The
    email leaves once this transaction commits; a mail-server failure is logged, and the
    invoice stays Sent.
    """
    current = _locked(invoice)
    if current.status == InvoiceStatus.VOID:
        raise ValidationError(f"{current.number} is void; it cannot be sent.")
    address = current.customer.email.strip()
    if not address:
        raise ValidationError(
            f"{current.customer.display_name} has no email address; add one on their "
            "customer record first."
        )
    if current.status == InvoiceStatus.DRAFT:
        current.send()
        history_by(current, user)
        current.save(update_fields=["status", "updated_at"])
    company = CompanySettings.load()
    email_after_commit(
        to=address,
        subject=f"Invoice {current.number} from {company.name}",
        body=render_to_string(
            "powdercoat/emails/invoice.txt",
            {"invoice": current, "customer": current.customer, "company": company},
        ),
        user=user,
        attachment=Attachment(invoice_pdf_filename(current), invoice_pdf(current)),
        invoice=current,
        job=current.job,
    )
    invoice.refresh_from_db()
    return invoice


# -- reads -----------------------------------------------------------------------------------


def invoice_payments_in_order(invoice: Invoice) -> list[Payment]:
    """The invoice's payments oldest first, each reversal straight under the payment it cancels.

    Each payment carries `reversed_by` (its reversal or None); one query.
    """
    payments = list(
        invoice.payments.select_related("recorded_by", "reverses").order_by(
            Coalesce("reverses_id", "id"), "id"
        )
    )
    reversals = {payment.reverses_id: payment for payment in payments if payment.reverses_id}
    for payment in payments:
        payment.reversed_by = reversals.get(payment.pk)
    return payments


def customer_open_balance(customer: Customer) -> Decimal:
    """What the customer still owes: the balances of their unpaid invoices, in one query."""
    total: Decimal = (
        Invoice.objects.unpaid()
        .filter(customer=customer)
        .aggregate(total=Coalesce(Sum("balance"), ZERO))["total"]
    )
    return total
