"""How an invoice tells the customer to pay (SPEC V3): the remit-to address and the payment
instructions from Company settings, the company address when no remit-to is set."""

from decimal import Decimal

import pytest

from powdercoat.services.invoices import invoice_pdf
from tests.documents.pdf_pages import page_text, pages
from tests.factories import invoiced_job, paid

pytestmark = pytest.mark.django_db

INSTRUCTIONS = (
    "Bank transfer: First Prairie Bank, account 1234567.\nCards by phone: (217) 555-0199."
)


def _text(invoice) -> str:
    pdf = invoice_pdf(invoice)
    return " ".join(page_text(pdf, number) for number in range(1, len(pages(pdf)) + 1))


@pytest.fixture
def shop(company):
    """A shop with an address, a PO box for checks and two other ways to pay."""
    company.name = "Ridge Powder Works"
    company.address = "1200 Foundry Rd\nSpringfield, IL 62701"
    company.remit_to = "Ridge Powder Works\nAccounts Receivable\nPO Box 4410\nTulsa, OK 74159"
    company.payment_instructions = INSTRUCTIONS
    company.save()
    return company


def test_invoice_shows_where_to_mail_checks_and_other_ways_to_pay(shop):
    """The remit-to lines and the payment instructions are printed under their headings."""
    text = _text(invoiced_job())
    assert "MAIL CHECKS TO" in text
    assert "Accounts Receivable PO Box 4410 Tulsa, OK 74159" in text
    assert "OTHER WAYS TO PAY" in text
    assert "Bank transfer: First Prairie Bank, account 1234567." in text
    assert "Cards by phone: (217) 555-0199." in text


def test_without_a_remit_to_address_checks_go_to_the_company_address(shop):
    """An empty remit-to prints the company's name and address as where to mail a check."""
    shop.remit_to = "   "
    shop.save()
    text = _text(invoiced_job())
    assert "MAIL CHECKS TO" in text
    # Once in the letterhead, and again as where to send the check.
    assert text.count("1200 Foundry Rd Springfield, IL 62701") == 2
    assert "PO Box 4410" not in text


def test_nothing_about_paying_once_the_invoice_is_paid(shop):
    """A paid-in-full invoice thanks the customer instead of asking how to pay."""
    invoice = invoiced_job(items=((1, Decimal("50.00")),))
    paid(invoice, invoice.total)
    text = _text(invoice)
    assert "Paid in full" in text
    assert "MAIL CHECKS TO" not in text
    assert "OTHER WAYS TO PAY" not in text


def test_markup_typed_into_the_payment_fields_prints_as_text(shop):
    """A script or tag pasted into remit-to or the instructions shows as the characters typed."""
    shop.remit_to = "<script>alert(1)</script> PO Box 4410"
    shop.payment_instructions = '<img src=x onerror="alert(2)"> & <b>wire</b> only'
    shop.save()
    text = _text(invoiced_job())
    assert "<script>alert(1)</script> PO Box 4410" in text
    assert '<img src=x onerror="alert(2)"> & <b>wire</b> only' in text
