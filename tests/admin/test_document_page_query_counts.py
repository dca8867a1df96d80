"""Quote and invoice pages run a fixed number of queries, however many lines they hold."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from powdercoat.models import EmailLog, Quote
from powdercoat.models.choices import EmailOutcome
from powdercoat.services.invoices import payment_record
from tests.factories import (
    LineItemCoatFactory,
    PowderFactory,
    PrepServiceFactory,
    QuoteFactory,
    QuoteLineItemFactory,
    invoiced_job,
)

pytestmark = pytest.mark.django_db


def _queries(client, url: str) -> int:
    client.get(url)  # warm caches (content types, session)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_quote_page_queries_do_not_grow_with_items_or_emails(company, office_client):
    """A quote with 1 item and email or with 10 of each: the same number of queries."""

    def quote_with(count: int) -> Quote:
        quote = QuoteFactory()
        for n in range(count):
            item = QuoteLineItemFactory(quote=quote, description=f"Part {n}")
            LineItemCoatFactory(item=item, powder=PowderFactory())
            item.prep_lines.create(prep_service=PrepServiceFactory())
            EmailLog.objects.create(
                quote=quote, to_address="a@example.com", subject=f"S{n}", outcome=EmailOutcome.SENT
            )
        return quote

    def url(quote):
        return reverse("admin:powdercoat_quote_change", args=[quote.pk])

    assert _queries(office_client, url(quote_with(1))) == _queries(
        office_client, url(quote_with(10))
    )


def test_invoice_page_queries_do_not_grow_with_lines_or_payments(company, office_client):
    """An invoice with 1 line and payment or with 10 of each: the same number of queries."""

    def invoice_with(count: int):
        invoice = invoiced_job(items=[(2, Decimal("50.00"))] * count)
        for _ in range(count):
            payment_record(
                invoice=invoice,
                amount=Decimal("1.00"),
                paid_on=timezone.localdate(),
                method="cash",
                reference="",
                user=None,
                confirmed=True,  # the same $1 again and again, on purpose
            )
            invoice.refresh_from_db()
        return invoice

    def url(invoice):
        return reverse("admin:powdercoat_invoice_change", args=[invoice.pk])

    assert _queries(office_client, url(invoice_with(1))) == _queries(
        office_client, url(invoice_with(10))
    )
