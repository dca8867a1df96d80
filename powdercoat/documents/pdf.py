"""HTML templates to PDF bytes with xhtml2pdf, with the company letterhead in the context."""

import io
import logging
import re
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models.fields.files import FieldFile
from django.template.loader import render_to_string
from django.utils.text import Truncator
from xhtml2pdf import pisa
from xhtml2pdf.config.resources import ResourceAccessPolicy

from powdercoat.models import CompanySettings

logger = logging.getLogger(__name__)


class PdfError(RuntimeError):
    """xhtml2pdf could not turn the page into a PDF."""


def local_file_path(file: FieldFile | None) -> str:
    """The file behind a file or image field on local disk, or "" when there is none."""
    if not file:
        return ""
    try:
        path = Path(file.path)
    except (NotImplementedError, ValueError):
        return ""
    return str(path) if path.is_file() else ""


def letterhead(company: CompanySettings | None = None) -> dict[str, Any]:
    """What the documents print about the shop: name, logo, address and contacts in the header,
    the footer line, and where an invoice says to mail a check."""
    company = company or CompanySettings.load()
    return {
        "company": company,
        "logo_path": local_file_path(company.logo),
        "footer_line": footer_line(company),
        "remit_to": remit_to(company),
    }


def remit_to(company: CompanySettings) -> str:
    """Where an invoice tells customers to mail a check: the remit-to address, or else the
    company's name and address ("" when the company has no address either)."""
    if company.remit_to.strip():
        return company.remit_to.strip()
    if company.address.strip():
        return f"{company.name}\n{company.address.strip()}"
    return ""


def footer_line(company: CompanySettings) -> str:
    """The words at the foot of every page: the company's name, then its footer note.

    Shops often begin the note with their own name ("Ironclad Powder Coating · 1840 Foundry
    Road"); such a note is printed on its own, so the footer names the company only once.
    """
    name = company.name.strip()
    note = Truncator(company.work_order_footer.strip()).chars(160)
    if note and name and name.casefold() in note.casefold():
        return note
    name = Truncator(name).chars(80)
    return " · ".join(part for part in (name, note) if part)


def _resolve(uri: str, rel: str) -> str:
    """Map /static/ and /media/ addresses in a template to files on disk for xhtml2pdf."""
    if uri.startswith(settings.MEDIA_URL):
        path = Path(settings.MEDIA_ROOT) / uri.removeprefix(settings.MEDIA_URL)
        return str(path) if path.is_file() else ""
    if uri.startswith(settings.STATIC_URL):
        found = finders.find(uri.removeprefix(settings.STATIC_URL))
        return found or ""
    return uri


def _resource_policy() -> ResourceAccessPolicy:
    """What a document may read: uploaded files and static files, and nothing over the network.

    xhtml2pdf otherwise confines local reads to the working directory, which would drop the
    logo and catalogue pictures whenever MEDIA_ROOT lives elsewhere (as it does in production).
    """
    static_roots = [
        Path(storage.location)
        for finder in finders.get_finders()
        for storage in getattr(finder, "storages", {}).values()
        if getattr(storage, "location", None)
    ]
    return ResourceAccessPolicy(
        allow_remote=False,
        base_dir=Path(settings.MEDIA_ROOT),
        extra_roots=tuple(static_roots),
    )


def render_pdf(template_name: str, context: dict[str, Any], *, document: str) -> bytes:
    """Render `template_name` with the letterhead and `context`, and return the PDF's bytes.

    The template is an ordinary Django template, so user text is escaped like on any page.
    A `company` in the context (such as unsaved settings being previewed) heads the page
    instead of the saved one. `document` names the PDF in the log when it cannot be made
    ("invoice INV-2511-0001").
    """
    context = {**letterhead(context.get("company")), **context}
    # The footer's "page 1 / 2" needs the page count, which xhtml2pdf gets by laying the whole
    # document out twice: a third of a short document's time. A short page (most quotes,
    # invoices and work orders) is laid out once, guessing one page; should it run longer, it
    # is laid out again with the count it turned out to have (the footer takes no part in the
    # flow, so the count cannot change the pages). A long page goes straight to xhtml2pdf's own
    # count, as a second reading of its HTML would cost more than the guess saves.

    def html(page_total: int | None) -> str:
        return render_to_string(template_name, {**context, "page_total": page_total})

    one_page = html(1)
    if len(one_page) <= ONE_PASS_MAX_CHARS:
        pdf = _pdf_of(one_page, template_name, document)
        pages = _page_count(pdf)
        if pages == 1:
            return pdf
        pdf = _pdf_of(html(pages), template_name, document)
        if _page_count(pdf) == pages:
            return pdf
    return _pdf_of(html(None), template_name, document)


# A 5-item work order is about 12,100 characters of HTML and one page; 6 items make two pages.
ONE_PASS_MAX_CHARS = 14_000

# A page object of the PDF (reportlab writes them uncompressed); "/Type /Pages" is the tree.
_PAGE_OBJECT = re.compile(rb"/Type /Page\b(?!s)")


def _page_count(pdf: bytes) -> int:
    return len(_PAGE_OBJECT.findall(pdf))


def _pdf_of(html: str, template_name: str, document: str) -> bytes:
    output = io.BytesIO()
    try:
        status = pisa.CreatePDF(
            html,
            dest=output,
            link_callback=_resolve,
            encoding="utf-8",
            resource_policy=_resource_policy(),
        )
    except Exception as error:
        # xhtml2pdf and reportlab fail in many ways on a page they cannot lay out; each one
        # is logged with its traceback and reaches the caller as a PdfError.
        logger.exception("The PDF of %s could not be made from %s.", document, template_name)
        raise PdfError(f"The PDF of {document} could not be made ({error}).") from error
    if status.err:
        logger.error(
            "The PDF of %s could not be made from %s: xhtml2pdf reported %s errors.",
            document,
            template_name,
            status.err,
        )
        raise PdfError(f"The PDF could not be made from {template_name} ({status.err} errors).")
    return output.getvalue()
