"""Invoices from jobs, payments, sending and voiding, worked against hand-computed figures (V)."""

import datetime
import io
import smtplib
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.utils import timezone
from pypdf import PdfReader

from powdercoat.models import EmailLog, Invoice, Job
from powdercoat.models.choices import EmailOutcome, InvoiceStatus, JobStatus, Priority
from powdercoat.services import invoices as invoice_services
from powdercoat.services.invoices import (
    customer_open_balance,
    invoice_create_for_job,
    invoice_send,
    invoice_void,
)
from powdercoat.services.jobs import job_cancel
from tests.factories import (
    CustomerFactory,
    JobFactory,
    LineItemCoatFactory,
    LineItemFactory,
    LineItemPrepFactory,
    PowderFactory,
    PrepServiceFactory,
    invoiced_job,
    paid,
)

pytestmark = pytest.mark.django_db


def _period(company) -> str:
    return timezone.localtime(timezone.now(), company.zone).strftime("%y%m")


def test_invoices_are_numbered_inv_yymm_from_0001(company):
    """The first invoice of the month is INV-YYMM-0001, the next 0002."""
    first = invoiced_job()
    second = invoiced_job()
    assert first.number == f"INV-{_period(company)}-0001"
    assert second.number == f"INV-{_period(company)}-0002"


def test_lines_keep_the_real_quantity_and_unit_price(company):
    """12 brackets at $61.93 bill as 12 x $61.93 = $743.16, not 1 x $743.16."""
    job = JobFactory()
    item = LineItemFactory(
        job=job, description="Gate bracket", quantity=12, unit_price=Decimal("61.93")
    )
    LineItemCoatFactory(
        item=item, powder=PowderFactory(name="Zinc Primer", color_code=""), layer="primer"
    )
    LineItemCoatFactory(
        item=item, powder=PowderFactory(name="Gloss Black", color_code=""), position=2
    )
    LineItemPrepFactory(item=item, prep_service=PrepServiceFactory(name="Sandblast"))

    invoice = invoice_create_for_job(job=job, user=None)

    [line] = invoice.lines.all()
    assert (line.description, line.quantity, line.unit_price, line.line_total) == (
        "Gate bracket",
        Decimal("12"),
        Decimal("61.93"),
        Decimal("743.16"),
    )
    assert line.detail == "Primer: Zinc Primer; Base: Gloss Black · Prep: Sandblast"
    assert invoice.subtotal == Decimal("743.16")


def test_totals_with_discount_rush_fee_and_tax_match_hand_worked_figures(company, office_user):
    """$1,000 items, 10 % off, 25 % rush, 8.25 % tax on $1,125.00 ($92.81): total $1,217.81."""
    company.tax_rate = Decimal("8.25")
    company.rush_surcharge_percent = Decimal("25")
    company.payment_terms_days = 15
    company.save()
    job = JobFactory(discount_percent=Decimal("10"), priority=Priority.RUSH)
    LineItemFactory(job=job, quantity=12, unit_price=Decimal("61.93"))  # 743.16
    LineItemFactory(job=job, quantity=4, unit_price=Decimal("64.21"))  # 256.84

    invoice = invoice_create_for_job(job=Job.objects.get(pk=job.pk), user=office_user)

    assert invoice.subtotal == Decimal("1000.00")
    assert invoice.discount_percent == Decimal("10")
    assert invoice.discount_amount == Decimal("100.00")
    assert invoice.rush_surcharge_percent == Decimal("25")
    assert invoice.rush_surcharge_amount == Decimal("225.00")
    assert invoice.tax_rate_percent == Decimal("8.25")
    assert invoice.tax_amount == Decimal("92.81")
    assert invoice.total == invoice.balance == Decimal("1217.81")
    assert invoice.amount_paid == Decimal("0")
    assert invoice.status == InvoiceStatus.DRAFT
    assert invoice.due_date - invoice.invoice_date == datetime.timedelta(days=15)
    assert invoice.created_by == office_user
    assert invoice.history.first().history_user == office_user


def test_tax_exempt_customer_pays_no_tax(company):
    """A tax-exempt customer's invoice carries a 0 % rate and no tax: total = job total."""
    company.tax_rate = Decimal("8.25")
    company.save()
    invoice = invoiced_job(
        customer=CustomerFactory(tax_exempt=True), items=[(10, Decimal("50.00"))]
    )
    assert invoice.tax_rate_percent == Decimal("0")
    assert invoice.tax_amount == Decimal("0")
    assert invoice.total == Decimal("500.00")


def test_second_invoice_for_a_job_is_refused_naming_the_first(company):
    """A job has one live invoice; asking again names the one it has."""
    invoice = invoiced_job()
    with pytest.raises(ValidationError) as refused:
        invoice_create_for_job(job=invoice.job, user=None)
    assert f"{invoice.job.number} already has invoice {invoice.number}" in refused.value.messages[0]
    assert Invoice.objects.count() == 1


def test_constraint_catches_an_invoice_that_slips_past_the_check(company, monkeypatch):
    """If the check misses a concurrent invoice, the database constraint refuses it in words."""
    invoice = invoiced_job()
    real_lookup = invoice_services._live_invoice_of
    calls = []

    def miss_the_first_time(job):
        calls.append(job)
        return None if len(calls) == 1 else real_lookup(job)

    monkeypatch.setattr(invoice_services, "_live_invoice_of", miss_the_first_time)
    with pytest.raises(ValidationError) as refused:
        invoice_create_for_job(job=invoice.job, user=None)
    assert f"already has invoice {invoice.number}" in refused.value.messages[0]
    assert Invoice.objects.count() == 1


def test_cancelled_job_and_job_without_items_are_refused(company):
    """Nothing to bill: a cancelled job, or one with no line items."""
    empty = JobFactory()
    with pytest.raises(ValidationError, match="has no line items"):
        invoice_create_for_job(job=empty, user=None)
    job = JobFactory()
    LineItemFactory(job=job)
    job_cancel(job=Job.objects.get(pk=job.pk), user=None, reason="Customer backed out")
    with pytest.raises(ValidationError, match="is cancelled"):
        invoice_create_for_job(job=job, user=None)
    assert not Invoice.objects.exists()


def test_void_then_invoice_the_job_again(company, office_user):
    """A voided invoice no longer counts: the job can be invoiced afresh."""
    first = invoiced_job()
    invoice_void(invoice=first, reason="Wrong customer PO", user=office_user)
    assert (first.status, first.void_reason, first.balance) == (
        InvoiceStatus.VOID,
        "Wrong customer PO",
        Decimal("0"),
    )
    second = invoice_create_for_job(job=first.job, user=office_user)
    assert second.number != first.number
    assert second.status == InvoiceStatus.DRAFT
    assert list(Invoice.objects.live().filter(job=first.job)) == [second]


def test_void_needs_a_reason(company):
    """An empty reason is refused and the invoice stays as it was."""
    invoice = invoiced_job()
    with pytest.raises(ValidationError, match="Say why"):
        invoice_void(invoice=invoice, reason="  ", user=None)
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.DRAFT


def test_partial_payment_leaves_it_partially_paid_with_the_balance(company, office_user):
    """$80.00 invoice, $30.00 paid: Partially Paid, $50.00 still owed."""
    invoice = invoiced_job(items=[(4, Decimal("20.00"))])
    payment = paid(invoice, "30.00", user=office_user)
    assert (payment.amount, payment.recorded_by, payment.reference) == (
        Decimal("30.00"),
        office_user,
        "Check 1042",
    )
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID
    assert (invoice.amount_paid, invoice.balance) == (Decimal("30.00"), Decimal("50.00"))


def test_paying_the_rest_marks_it_paid(company):
    """$30.00 then $50.00 on an $80.00 invoice: Paid, balance $0.00."""
    invoice = invoiced_job(items=[(4, Decimal("20.00"))])
    paid(invoice, "30.00")
    paid(invoice, "50.00", method="cash")
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert (invoice.amount_paid, invoice.balance) == (Decimal("80.00"), Decimal("0.00"))
    with pytest.raises(ValidationError, match="already paid in full"):
        paid(invoice, "1.00")


def test_overpayment_is_refused_naming_the_balance(company):
    """Paying $80.01 on an $80.00 balance is refused in words; nothing is recorded."""
    invoice = invoiced_job(items=[(4, Decimal("20.00"))])
    with pytest.raises(ValidationError) as refused:
        paid(invoice, "80.01")
    assert refused.value.messages[0].startswith("The balance is $80.00;")
    assert not invoice.payments.exists()
    with pytest.raises(ValidationError, match="more than"):
        paid(invoice, "0")


def test_payment_on_a_void_invoice_is_refused(company):
    """A void invoice takes no money."""
    invoice = invoiced_job()
    invoice_void(invoice=invoice, reason="Duplicate", user=None)
    with pytest.raises(ValidationError, match="is void"):
        paid(invoice, "10.00")
    assert not invoice.payments.exists()


def test_invoice_with_payments_cannot_be_voided(company):
    """Once money is in, voiding is refused and says why."""
    invoice = invoiced_job(items=[(4, Decimal("20.00"))])
    paid(invoice, "20.00")
    with pytest.raises(ValidationError, match=r"has \$20.00 of payments recorded"):
        invoice_void(invoice=invoice, reason="Changed my mind", user=None)
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.PARTIALLY_PAID


def test_send_emails_the_pdf_marks_sent_and_logs_it(
    company, office_user, django_capture_on_commit_callbacks
):
    """Draft → Sent; the customer gets the PDF; the email log says sent."""
    company.name = "Ridge Powder Works"
    company.save()
    invoice = invoiced_job(customer=CustomerFactory(email="ap@ridge.example"))
    with django_capture_on_commit_callbacks(execute=True):
        invoice_send(invoice=invoice, user=office_user)
    assert invoice.status == InvoiceStatus.SENT
    [message] = mail.outbox
    assert message.to == ["ap@ridge.example"]
    assert message.subject == f"Invoice {invoice.number} from Ridge Powder Works"
    assert invoice.number in message.body
    assert "$80.00" in message.body
    filename, content, mimetype = message.attachments[0]
    assert (filename, mimetype) == (f"{invoice.number}.pdf", "application/pdf")
    assert invoice.number in PdfReader(io.BytesIO(content)).pages[0].extract_text()
    log = EmailLog.objects.get()
    assert (log.invoice, log.job, log.outcome, log.sent_by) == (
        invoice,
        invoice.job,
        EmailOutcome.SENT,
        office_user,
    )


def test_sending_again_keeps_the_status(company, django_capture_on_commit_callbacks):
    """A reminder on a part-paid invoice goes out without moving its status."""
    invoice = invoiced_job(items=[(4, Decimal("20.00"))])
    paid(invoice, "10.00")
    with django_capture_on_commit_callbacks(execute=True):
        invoice_send(invoice=invoice, user=None)
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID
    assert len(mail.outbox) == 1


def test_smtp_failure_keeps_sent_and_logs_the_reason(
    company, office_user, monkeypatch, django_capture_on_commit_callbacks
):
    """The mail server refusing does not undo Sent; the log says failed and why."""

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPException("relay access denied")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    invoice = invoiced_job()
    with django_capture_on_commit_callbacks(execute=True):
        invoice_send(invoice=invoice, user=office_user)
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.SENT
    log = EmailLog.objects.get(invoice=invoice)
    assert log.outcome == EmailOutcome.FAILED
    assert "relay access denied" in log.error


def test_send_without_an_email_address_is_refused(company, django_capture_on_commit_callbacks):
    """No address: refused in words, and the invoice stays a Draft."""
    invoice = invoiced_job(customer=CustomerFactory(email=""))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        invoice_send(invoice=invoice, user=None)
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.DRAFT
    assert mail.outbox == []


def test_customer_open_balance_sums_unpaid_balances_only(company, django_assert_num_queries):
    """Draft $80.00 + part-paid $50.00 owed = $130.00; paid, void and others' do not count."""
    customer = CustomerFactory()
    invoiced_job(customer=customer, items=[(4, Decimal("20.00"))])  # draft: 80.00
    part_paid = invoiced_job(customer=customer, items=[(2, Decimal("40.00"))])
    paid(part_paid, "30.00")  # 50.00 owed
    settled = invoiced_job(customer=customer, items=[(1, Decimal("99.00"))])
    paid(settled, "99.00")
    void = invoiced_job(customer=customer, items=[(1, Decimal("500.00"))])
    invoice_void(invoice=void, reason="Raised in error", user=None)
    invoiced_job(items=[(1, Decimal("1000.00"))])  # someone else's
    with django_assert_num_queries(1):
        assert customer_open_balance(customer) == Decimal("130.00")
    assert customer_open_balance(CustomerFactory()) == Decimal("0")


def test_job_status_is_not_required_to_be_finished(company):
    """An office may bill a job at any live stage (deposits, early billing)."""
    job = JobFactory()
    LineItemFactory(job=job)
    assert Job.objects.get(pk=job.pk).status == JobStatus.PENDING
    assert invoice_create_for_job(job=job, user=None).status == InvoiceStatus.DRAFT
