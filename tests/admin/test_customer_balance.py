"""The customer page: open balance and the customer's jobs, quotes and invoices (SPEC C2, V2)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from powdercoat.models import Quote
from powdercoat.services.invoices import invoice_void, payment_record
from tests.factories import CustomerFactory, JobFactory, invoiced_job

pytestmark = pytest.mark.django_db


def _customer_url(customer):
    return reverse("admin:powdercoat_customer_change", args=[customer.pk])


def _pay(invoice, amount):
    payment_record(
        invoice=invoice,
        amount=Decimal(amount),
        paid_on=timezone.localdate(),
        method="cash",
        reference="",
        user=None,
    )


def _quote(customer, number):
    return Quote.objects.create(number=number, customer=customer, description="Wheels")


def test_open_balance_is_the_sum_of_unpaid_balances(company, office_client):
    """$80.00 draft + $50.00 left on a part-paid one; paid and void invoices add nothing."""
    customer = CustomerFactory()
    invoiced_job(customer=customer, items=[(4, Decimal("20.00"))])
    part_paid = invoiced_job(customer=customer, items=[(2, Decimal("40.00"))])
    _pay(part_paid, "30.00")
    paid = invoiced_job(customer=customer, items=[(1, Decimal("45.00"))])
    _pay(paid, "45.00")
    void = invoiced_job(customer=customer, items=[(1, Decimal("700.00"))])
    invoice_void(invoice=void, reason="Raised in error", user=None)
    html = office_client.get(_customer_url(customer)).content.decode()
    assert '<strong data-testid="open-balance">$130.00</strong>' in html


def test_customer_page_lists_jobs_quotes_and_invoices_with_links(company, office_client):
    """Each record is listed with a link to its own page."""
    invoice = invoiced_job(customer=CustomerFactory(company_name="Lakeside Rail"))
    customer = invoice.customer
    other_job = JobFactory(customer=customer, description="Porch railing")
    quote = _quote(customer, "QUO-2601-0042")
    html = office_client.get(_customer_url(customer)).content.decode()
    job_link = reverse("admin:powdercoat_job_change", args=[other_job.pk])
    invoice_link = reverse("admin:powdercoat_invoice_change", args=[invoice.pk])
    assert f'<a href="{job_link}" class="text-link">{other_job.number}</a>' in html
    assert f'<a href="{invoice_link}" class="text-link">{invoice.number}</a>' in html
    assert quote.number in html
    assert "Porch railing" in html
    assert "Jobs, quotes and invoices" in html


def test_customer_page_queries_do_not_grow_with_records(company, office_client):
    """A customer with 2 of each record costs as many queries as one with 25 of each."""
    few, many = CustomerFactory(), CustomerFactory()
    for customer, count in ((few, 2), (many, 25)):
        for n in range(count):
            invoiced_job(customer=customer)
            _quote(customer, f"QUO-{customer.pk}-{n:04d}")

    def queries(customer):
        with CaptureQueriesContext(connection) as captured:
            response = office_client.get(_customer_url(customer))
        assert response.status_code == 200
        return len(captured)

    assert queries(few) == queries(many)
    html = office_client.get(_customer_url(many)).content.decode()
    assert "see all the customer" in html
