"""HTML templates to PDF bytes with xhtml2pdf, with the company letterhead in the context."""

import io
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from xhtml2pdf import pisa

from powdercoat.models import CompanySettings


class PdfError(RuntimeError):
    """xhtml2pdf could not turn the page into a PDF."""


def letterhead(company: CompanySettings | None = None) -> dict:
    """What every document's header and footer show: name, logo, address and contacts."""
    company = company or CompanySettings.load()
    logo_path = ""
    if company.logo:
        try:
            path = Path(company.logo.path)
        except (NotImplementedError, ValueError):
            path = None
        if path is not None and path.is_file():
            logo_path = str(path)
    return {"company": company, "logo_path": logo_path}


def _resolve(uri: str, rel: str) -> str:
    """Map /static/ and /media/ addresses in a template to files on disk for xhtml2pdf."""
    if uri.startswith(settings.MEDIA_URL):
        path = Path(settings.MEDIA_ROOT) / uri.removeprefix(settings.MEDIA_URL)
        return str(path) if path.is_file() else ""
    if uri.startswith(settings.STATIC_URL):
        found = finders.find(uri.removeprefix(settings.STATIC_URL))
        return found or ""
    return uri


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render `template_name` with the letterhead and `context`, and return the PDF's bytes.

    The template is an ordinary Django template, so user text is escaped like on any page.
    """
    html = render_to_string(template_name, {**letterhead(), **context})
    output = io.BytesIO()
    status = pisa.CreatePDF(html, dest=output, link_callback=_resolve, encoding="utf-8")
    if status.err:
        raise PdfError(f"The PDF could not be made from {template_name} ({status.err} errors).")
    return output.getvalue()
