"""The invoice PDF (SPEC V3, D4): letterhead, bill-to, lines, totals, payments, escaping."""

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from pypdf import PdfReader

from powdercoat.models import Job
from powdercoat.models.choices import Priority
from powdercoat.services.invoices import (
    invoice_create_for_job,
    invoice_pdf,
    invoice_void,
    payment_record,
)
from tests.factories import CustomerFactory, JobFactory, LineItemFactory, invoiced_job

pytestmark = pytest.mark.django_db


def _text(invoice) -> str:
    reader = PdfReader(io.BytesIO(invoice_pdf(invoice)))
    return "\n".join(page.extract_text() for page in reader.pages)


@pytest.fixture
def billed(company):
    """A rush job with a discount and two lines, 8.25 % tax, $500.00 paid."""
    company.name = "Ridge Powder Works"
    company.tax_rate = Decimal("8.25")
    company.payment_terms_days = 30
    company.save()
    customer = CustomerFactory(
        company_name="Lakeside Rail",
        contact_name="Dana Ortiz",
        email="ap@lakeside.example",
        billing_address="400 Mill St\nPeoria, IL 61602",
    )
    job = JobFactory(
        customer=customer,
        discount_percent=Decimal("10"),
        priority=Priority.RUSH,
        po_number="PO-7781",
    )
    LineItemFactory(job=job, description="Gate bracket", quantity=12, unit_price=Decimal("61.93"))
    LineItemFactory(job=job, description="Railing", quantity=4, unit_price=Decimal("64.21"))
    invoice = invoice_create_for_job(job=Job.objects.get(pk=job.pk), user=None)
    payment_record(
        invoice=invoice,
        amount=Decimal("500.00"),
        paid_on=timezone.localdate(),
        method="check",
        reference="Check 1042",
        user=None,
    )
    return invoice


def test_pdf_has_letterhead_numbers_and_bill_to(billed):
    """Company, INVOICE, number, job number, PO and the customer's billing details."""
    text = _text(billed)
    for expected in (
        "Ridge Powder Works",
        "INVOICE",
        billed.number,
        billed.job.number,
        "PO-7781",
        "Lakeside Rail",
        "Dana Ortiz",
        "400 Mill St",
        "ap@lakeside.example",
    ):
        assert expected in text, expected


def test_pdf_lines_and_totals_match_the_hand_worked_figures(billed):
    """12 x $61.93 = $743.16; $1,000.00 less 10 %, plus 25 % rush and 8.25 % tax: $1,217.81."""
    text = _text(billed)
    for expected in (
        "Gate bracket",
        "$61.93",
        "$743.16",
        "$256.84",
        "$1,000.00",
        "Discount 10%",
        "$100.00",
        "Rush fee 25%",
        "$225.00",
        "Tax (8.25%)",
        "$92.81",
        "$1,217.81",
    ):
        assert expected in text, expected


def test_pdf_shows_payments_balance_due_and_terms(billed):
    """The $500.00 check is listed, $717.81 is due, and the due date is spelled out."""
    text = _text(billed)
    assert "Payments received" in text
    assert "Check 1042" in text
    assert "Balance due" in text
    assert "$717.81" in text
    assert f"Please pay the balance by {billed.due_date:%b} {billed.due_date.day}" in text
    assert "30 days from the invoice date" in text


def test_tax_exempt_invoice_says_so(company):
    """An exempt customer's PDF says "Tax exempt" instead of a rate."""
    company.tax_rate = Decimal("8.25")
    company.save()
    text = _text(invoiced_job(customer=CustomerFactory(tax_exempt=True)))
    assert "Tax exempt" in text
    assert "8.25" not in text


def test_void_invoice_is_marked_void(company):
    """A voided invoice prints VOID with its reason."""
    invoice = invoiced_job()
    invoice_void(invoice=invoice, reason="Billed twice", user=None)
    text = _text(invoice)
    assert "VOID" in text
    assert "Billed twice" in text


def test_customer_text_prints_literally(company):
    """A customer named <b>Acme</b> & Sons is printed as typed, not as markup."""
    invoice = invoiced_job(customer=CustomerFactory(company_name="<b>Acme</b> & Sons"))
    invoice.notes = "<i>Net 30</i>"
    invoice.save(update_fields=["notes"])
    text = _text(invoice)
    assert "<b>Acme</b> & Sons" in text
    assert "<i>Net 30</i>" in text
