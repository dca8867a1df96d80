"""The customer's status link on their papers: work order, invoice and quote PDFs (SPEC U1)."""

import pytest

from powdercoat.documents.work_order import work_order_pdf
from powdercoat.models import Job
from powdercoat.models.choices import JobStatus
from powdercoat.services.invoices import invoice_create_for_job, invoice_pdf
from powdercoat.services.quotes import quote_pdf
from powdercoat.services.status_links import status_link_url
from tests.documents.pdf_pages import page_text, printed_qr_codes
from tests.factories import LineItemFactory, QuoteFactory, job_at

pytestmark = pytest.mark.django_db


def _codes(pdf: bytes, folder) -> list[str]:
    """What every QR code on page 1 reads, as a phone's reader would."""
    return [found for _, found in printed_qr_codes(pdf, folder)]


def _token_text(job: Job) -> str:
    return Job.objects.get(pk=job.pk).status_token


def test_the_work_order_prints_the_link_as_a_code_and_in_words(company, tmp_path):
    """The customer's part of the work order: a code that reads the link, and the address."""
    job = job_at(JobStatus.COATING)
    LineItemFactory(job=job)
    pdf = work_order_pdf(job=job, prices_allowed=False, contact_allowed=False)
    url = status_link_url(_token_text(job))
    assert url in _codes(pdf, tmp_path)
    text = page_text(pdf, 1)
    assert "Follow your job online" in text
    assert _token_text(job) in text


def test_the_invoice_prints_the_same_link(company, office_user, tmp_path):
    """The invoice carries the job's link; printing again does not change it."""
    job = job_at(JobStatus.COMPLETED)
    LineItemFactory(job=job)
    invoice = invoice_create_for_job(job=Job.objects.get(pk=job.pk), user=office_user)
    first = invoice_pdf(invoice)
    url = status_link_url(_token_text(job))
    assert url in _codes(first, tmp_path)
    invoice_pdf(invoice)
    assert status_link_url(_token_text(job)) == url


def test_a_quote_prints_the_link_once_it_became_a_job(company):
    """A quote that is not a job yet has nothing to follow; a converted one has the job's link."""
    quote = QuoteFactory()
    assert "Follow your job online" not in page_text(quote_pdf(quote=quote), 1)
    job = job_at(JobStatus.APPROVED)
    quote.job = job
    quote.save(update_fields=["job"])
    text = page_text(quote_pdf(quote=quote), 1)
    assert "Follow your job online" in text
    assert _token_text(job) in text
