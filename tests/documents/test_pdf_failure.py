"""A PDF that cannot be made is refused as PdfError and logged with the document it was for."""

import logging
from types import SimpleNamespace

import pytest

from powdercoat.documents import pdf
from powdercoat.documents.pdf import PdfError
from powdercoat.documents.work_order import work_order_pdf
from powdercoat.services.quotes import quote_pdf
from tests.factories import JobFactory, QuoteFactory, QuoteLineItemFactory

pytestmark = pytest.mark.django_db


def _pdf_records(caplog) -> list[logging.LogRecord]:
    return [record for record in caplog.records if record.name == "powdercoat.documents.pdf"]


def test_a_crashing_renderer_is_logged_with_the_quote_and_the_exception(
    company, caplog, monkeypatch
):
    """xhtml2pdf raising on the page: an ERROR naming the quote, with the traceback."""

    def crash(*args, **kwargs):
        raise ZeroDivisionError("table column of width 0")

    monkeypatch.setattr(pdf.pisa, "CreatePDF", crash)
    quote = QuoteFactory()
    QuoteLineItemFactory(quote=quote)
    with (
        caplog.at_level(logging.INFO, logger="powdercoat"),
        pytest.raises(PdfError, match=f"The PDF of quote {quote.number} could not be made"),
    ):
        quote_pdf(quote=quote)
    [record] = _pdf_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.getMessage() == (
        f"The PDF of quote {quote.number} could not be made from powdercoat/documents/quote.html."
    )
    assert record.exc_info is not None
    assert isinstance(record.exc_info[1], ZeroDivisionError)


def test_a_page_with_errors_is_logged_with_the_work_order_and_the_count(
    company, caplog, monkeypatch
):
    """xhtml2pdf finishing with errors: an ERROR naming the job's work order and how many."""
    monkeypatch.setattr(pdf.pisa, "CreatePDF", lambda *args, **kwargs: SimpleNamespace(err=3))
    job = JobFactory()
    with caplog.at_level(logging.INFO, logger="powdercoat"), pytest.raises(PdfError):
        work_order_pdf(job=job, prices_allowed=True, contact_allowed=True)
    [record] = _pdf_records(caplog)
    assert record.levelno == logging.ERROR
    assert record.getMessage() == (
        f"The PDF of work order {job.number} could not be made from "
        "powdercoat/documents/work_order.html: xhtml2pdf reported 3 errors."
    )


def test_a_good_pdf_logs_nothing(company, caplog):
    """A quote that renders gives its PDF and leaves the log alone."""
    quote = QuoteFactory()
    QuoteLineItemFactory(quote=quote)
    with caplog.at_level(logging.INFO, logger="powdercoat"):
        assert quote_pdf(quote=quote).startswith(b"%PDF")
    assert _pdf_records(caplog) == []
