"""The quote as something to sign (SPEC Q4): the valid-until date in plain sight beside the
number, and an acceptance block with lines for a name, a signature and a date."""

from decimal import Decimal

import pytest
from django.utils.formats import date_format

from powdercoat.models import Quote
from powdercoat.services.quotes import quote_pdf
from tests.documents.pdf_pages import page_text, pages, running_head_text
from tests.factories import CustomerFactory, QuoteFactory, QuoteLineItemFactory

pytestmark = pytest.mark.django_db

ACCEPTANCE = (
    "By signing below you accept this quote and ask us to do the work described above at the "
    "prices shown."
)


def _quote(items: int) -> Quote:
    quote = QuoteFactory(customer=CustomerFactory(company_name="Harbor Marine"))
    for number in range(1, items + 1):
        QuoteLineItemFactory(
            quote=quote, description=f"Boat trailer wheel {number}", unit_price=Decimal("25")
        )
    return Quote.objects.get(pk=quote.pk)


def _words(pdf: bytes, page: int, text: str) -> list[tuple[float, float]]:
    """(top, bottom) of every word on `page` that reads exactly `text`."""
    return [(top, bottom) for top, bottom, word in pages(pdf)[page - 1] if word == text]


def _has_signing_lines(pdf: bytes, page: int) -> bool:
    """Printed name, Signature and Date labels side by side on one line of `page`."""
    printed = {round(top) for top, _bottom in _words(pdf, page, "Printed")}
    signature = {round(top) for top, _bottom in _words(pdf, page, "Signature")}
    date = {round(top) for top, _bottom in _words(pdf, page, "Date")}
    return bool(printed & signature & date)


def test_quote_ends_with_an_acceptance_block_to_sign(company):
    """The sentence saying what signing means, then Printed name, Signature and Date lines."""
    pdf = quote_pdf(quote=_quote(2))
    assert len(pages(pdf)) == 1
    text = page_text(pdf, 1)
    assert "Acceptance" in text
    assert ACCEPTANCE in text
    assert "Printed name" in text
    assert _has_signing_lines(pdf, 1)


def test_valid_until_is_bold_large_and_beside_the_quote_number(company):
    """The date sits level with the number at the top, in bigger type than the body text."""
    quote = _quote(1)
    pdf = quote_pdf(quote=quote)
    text = page_text(pdf, 1)
    assert "VALID UNTIL" in text
    (number_top, _number_bottom), *_ = _words(pdf, 1, quote.number)
    year = str(quote.valid_until.year)
    assert date_format(quote.valid_until).endswith(year)
    # The year is the date's last word. The quote date below it and the closing sentence
    # print years too, so the topmost one is the valid-until date's.
    year_top, year_bottom = min(_words(pdf, 1, year))
    (body_top, body_bottom), *_ = _words(pdf, 1, "Prepared")
    assert abs(year_top - number_top) < 2, "level with the quote number"
    assert year_bottom < body_top, "above the customer's box"
    assert year_bottom - year_top > 1.2 * (body_bottom - body_top), "larger than body text"


def test_a_long_quote_keeps_the_acceptance_block_whole_and_heads_later_pages(company):
    """Twelve items run onto page 2, which names the quote and customer and holds the block."""
    quote = _quote(12)
    pdf = quote_pdf(quote=quote)
    count = len(pages(pdf))
    assert count >= 2
    for number in range(2, count + 1):
        head = running_head_text(pdf, number)
        assert quote.number in head
        assert "Harbor Marine" in head
    last = page_text(pdf, count)
    assert ACCEPTANCE in last
    assert _has_signing_lines(pdf, count)
