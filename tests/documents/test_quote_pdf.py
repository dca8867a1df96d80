"""The quote PDF (SPEC Q4, D4): letterhead, recipient, every item, the totals; user text escaped."""

import io
from decimal import Decimal

import pytest
from pypdf import PdfReader

from powdercoat.models import Quote
from powdercoat.services.quotes import quote_pdf
from tests.factories import (
    CustomerFactory,
    LineItemCoatFactory,
    LineItemPrepFactory,
    PowderFactory,
    PrepServiceFactory,
    QuoteFactory,
    QuoteLineItemFactory,
)

pytestmark = pytest.mark.django_db


def _text(quote: Quote) -> str:
    """The PDF's text with runs of spaces and line breaks made single spaces."""
    reader = PdfReader(io.BytesIO(quote_pdf(quote=Quote.objects.get(pk=quote.pk))))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def shop(company):
    """A shop with a name, an email and an 8.25 % tax rate."""
    company.name = "Ridge Powder Works"
    company.email = "office@ridge.example"
    company.tax_rate = Decimal("8.25")
    company.save()
    return company


def test_pdf_shows_number_recipient_items_and_totals(shop):
    """Number, customer, each item with its coat and prep, and every price line."""
    quote = QuoteFactory(
        customer=CustomerFactory(company_name="Harbor Marine", contact_name="Lee Park"),
        discount_percent=Decimal("10"),
        rush_surcharge_percent=Decimal("20"),
        notes="Pick-up from our dock on Fridays.",
    )
    wheel = QuoteLineItemFactory(
        quote=quote, description="Boat trailer wheel", quantity=4, unit_price=Decimal("25")
    )
    LineItemCoatFactory(item=wheel, powder=PowderFactory(name="Gloss Black", color_code=""))
    LineItemPrepFactory(item=wheel, prep_service=PrepServiceFactory(name="Media blasting"))
    QuoteLineItemFactory(
        quote=quote, description="Trailer frame", quantity=1, unit_price=Decimal("150")
    )
    text = _text(quote)
    for expected in (
        "QUOTE",
        "Ridge Powder Works",
        quote.number,
        "Harbor Marine",
        "Lee Park",
        "Boat trailer wheel",
        "Gloss Black",
        "Media blasting",
        "Trailer frame",
        "$100.00",
        "Items total $250.00",
        "Discount (10%) -$25.00",
        "Rush fee (20%) $45.00",
        "Tax (8.25%) $22.28",
        "Total $292.28",
        "Pick-up from our dock on Fridays.",
        "These prices hold until",
    ):
        assert expected in text, expected


def test_tax_exempt_customer_is_marked_on_the_pdf(shop):
    """A tax-exempt customer's quote says so instead of showing a rate."""
    quote = QuoteFactory(customer=CustomerFactory(tax_exempt=True))
    QuoteLineItemFactory(quote=quote, quantity=2, unit_price=Decimal("40"))
    text = _text(quote)
    assert "Tax exempt $0.00" in text
    assert "Total $80.00" in text


def test_prospect_markup_prints_literally(shop):
    """A prospect named <b>Acme</b> & Sons is printed as typed, never as markup."""
    quote = QuoteFactory(
        customer=None,
        prospect_name="<b>Acme</b> & Sons",
        prospect_email="buyer@acme.example",
        notes="<i>rush</i> if possible",
    )
    QuoteLineItemFactory(quote=quote, description="<script>x</script> bracket")
    text = _text(quote)
    assert "<b>Acme</b> & Sons" in text
    assert "buyer@acme.example" in text
    assert "<i>rush</i> if possible" in text
    assert "<script>x</script> bracket" in text
