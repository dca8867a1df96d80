"""A rendered document as the browser's answer: a PDF shown in the tab, kept out of caches."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header


def pdf_response(pdf: bytes, filename: str, *, download: bool = False) -> HttpResponse:
    """A PDF the browser shows in the tab (or, with `download`, saves) under `filename`."""
    response = HttpResponse(pdf, content_type="application/pdf")
    # Django answers None only for an inline document without a name; ours always have one.
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=download, filename=filename) or "inline"
    )
    # Quotes, invoices and work orders carry customer names and prices: no shared caches.
    response["Cache-Control"] = "private, no-store"
    return response
