"""Invoices in the admin: made from the job page, paid, sent, voided and printed (SPEC V, J10)."""

import io
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from powdercoat.models import Invoice, Job, Quote
from powdercoat.models.choices import InvoiceStatus, JobStatus
from powdercoat.services.invoices import invoice_create_for_job, invoice_void
from powdercoat.services.jobs import job_cancel
from tests.factories import CustomerFactory, JobFactory, LineItemFactory, invoiced_job
from tests.helpers import form_data, page_actions

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:powdercoat_invoice_changelist")


def _job_url(job):
    return reverse("admin:powdercoat_job_change", args=[job.pk])


def _invoice_url(invoice):
    return reverse("admin:powdercoat_invoice_change", args=[invoice.pk])


def _action_url(change_url, path):
    return f"{change_url.removesuffix('change/')}{path}/"


def _detail_actions(client, url) -> dict[str, str]:
    """Title → address of the buttons at the top of an admin page."""
    actions = page_actions(client.get(url))
    return {str(a["title"]): a["path"] for a in actions}


def _job_with_items(**fields) -> Job:
    job = JobFactory(**fields)
    LineItemFactory(job=job, description="Gate bracket", quantity=12, unit_price=Decimal("61.93"))
    return Job.objects.get(pk=job.pk)


def _post_dialog(client, url, **changes):
    data = form_data(client.get(url, HTTP_HX_REQUEST="true").content.decode())
    data.update(changes)
    return client.post(url, data, HTTP_HX_REQUEST="true")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_invoice_list_queries_do_not_grow_with_rows(company, office_client):
    """The invoice list runs the same number of queries for 2 invoices as for 20."""
    for _ in range(2):
        invoiced_job()
    few = _queries(office_client, LIST_URL)
    for _ in range(18):
        invoiced_job()
    assert _queries(office_client, LIST_URL) == few


def test_invoice_list_shows_status_overdue_and_balance(company, office_client):
    """A row shows the badge, the due date marked overdue in words, and the balance."""
    invoice = invoiced_job(customer=CustomerFactory(company_name="Lakeside Rail"))
    Invoice.objects.filter(pk=invoice.pk).update(invoice_date="2025-01-02", due_date="2025-02-01")
    html = office_client.get(LIST_URL).content.decode()
    for text in (invoice.number, "Lakeside Rail", invoice.job.number, "$80.00", "overdue"):
        assert text in html, text
    assert 'data-invoice-status="draft">Draft<' in html


def test_create_invoice_from_the_job_page(company, office_client, office_user):
    """The job's Create invoice dialog makes the invoice and opens it."""
    job = _job_with_items()
    assert "Create invoice" in _detail_actions(office_client, _job_url(job))
    response = _post_dialog(office_client, _action_url(_job_url(job), "create-invoice"))
    invoice = Invoice.objects.get(job=job)
    assert response.headers["HX-Redirect"] == _invoice_url(invoice)
    assert invoice.created_by == office_user
    [line] = invoice.lines.all()
    assert (line.quantity, line.unit_price, line.line_total) == (
        Decimal("12"),
        Decimal("61.93"),
        Decimal("743.16"),
    )


def test_after_invoicing_the_job_page_links_to_the_invoice(company, office_client):
    """Once invoiced, the job page offers "Invoice INV-…" (which opens it) and no Create."""
    invoice = invoiced_job()
    buttons = _detail_actions(office_client, _job_url(invoice.job))
    assert "Create invoice" not in buttons
    link = buttons[f"Invoice {invoice.number}"]
    response = office_client.get(link)
    assert response.status_code == 302
    assert response.url == _invoice_url(invoice)


def test_void_invoice_brings_create_back(company, office_client):
    """After voiding, the job can be invoiced again from its page."""
    invoice = invoiced_job()
    invoice_void(invoice=invoice, reason="Wrong PO", user=None)
    buttons = _detail_actions(office_client, _job_url(invoice.job))
    assert "Create invoice" in buttons
    assert f"Invoice {invoice.number}" not in buttons


def test_second_click_on_create_lands_on_the_existing_invoice(company, office_client):
    """A dialog opened before someone else invoiced the job ends on that invoice, with a note."""
    job = _job_with_items()
    url = _action_url(_job_url(job), "create-invoice")
    data = form_data(office_client.get(url, HTTP_HX_REQUEST="true").content.decode())
    first = invoice_create_for_job(job=job, user=None)  # someone else, meanwhile
    response = office_client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.headers["HX-Redirect"] == _invoice_url(first)
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert f"{job.number} already has invoice {first.number}; here it is." in text
    assert Invoice.objects.filter(job=job).count() == 1


def test_no_create_button_for_empty_or_cancelled_jobs_or_shop_floor(
    company, office_client, floor_client
):
    """Nothing to bill, a cancelled job, or a Shop Floor user: no Create invoice button."""
    assert "Create invoice" not in _detail_actions(office_client, _job_url(JobFactory()))
    cancelled = _job_with_items()
    job_cancel(job=cancelled, user=None, reason="Order withdrawn")
    assert "Create invoice" not in _detail_actions(office_client, _job_url(cancelled))
    job = _job_with_items()
    assert not any("nvoice" in title for title in _detail_actions(floor_client, _job_url(job)))
    assert floor_client.post(_action_url(_job_url(job), "create-invoice")).status_code == 403
    assert not Invoice.objects.exists()


def test_add_payment_dialog_records_a_payment(company, office_client, office_user):
    """The dialog starts at the balance; $30.00 leaves it Partially Paid with $50.00 owed."""
    invoice = invoiced_job(items=[(4, Decimal("20.00"))])
    url = _action_url(_invoice_url(invoice), "add-payment")
    data = form_data(office_client.get(url, HTTP_HX_REQUEST="true").content.decode())
    assert Decimal(data["amount"]) == Decimal("80.00")
    data.update(amount="30.00", method="check", reference="Check 1042")
    response = office_client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.headers["HX-Redirect"] == _invoice_url(invoice)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == (InvoiceStatus.PARTIALLY_PAID, Decimal("50.00"))
    payment = invoice.payments.get()
    assert (payment.amount, payment.method, payment.reference, payment.recorded_by) == (
        Decimal("30.00"),
        "check",
        "Check 1042",
        office_user,
    )
    page = office_client.get(_invoice_url(invoice)).content.decode()
    assert "Check 1042" in page
    assert 'data-invoice-status="partially_paid"' in page


def test_overpayment_in_the_dialog_is_refused_in_the_dialog(company, office_client):
    """Too much money re-shows the dialog with the balance named; nothing is recorded."""
    invoice = invoiced_job(items=[(4, Decimal("20.00"))])
    response = _post_dialog(
        office_client, _action_url(_invoice_url(invoice), "add-payment"), amount="95.00"
    )
    assert response.status_code == 200
    assert "The balance is $80.00;" in response.content.decode()
    assert not invoice.payments.exists()


def test_send_dialog_emails_the_customer(
    company, office_client, django_capture_on_commit_callbacks
):
    """Send by email: the customer gets the PDF and the invoice is Sent."""
    invoice = invoiced_job(customer=CustomerFactory(email="ap@lakeside.example"))
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_dialog(office_client, _action_url(_invoice_url(invoice), "send"))
    assert response.headers["HX-Redirect"] == _invoice_url(invoice)
    assert Invoice.objects.get(pk=invoice.pk).status == InvoiceStatus.SENT
    [message] = mail.outbox
    assert message.to == ["ap@lakeside.example"]
    assert message.attachments[0][0] == f"{invoice.number}.pdf"
    page = office_client.get(_invoice_url(invoice)).content.decode()
    assert "ap@lakeside.example" in page  # the Emails tab
    assert "Send again" in _detail_actions(office_client, _invoice_url(invoice))


def test_void_dialog_voids_with_the_reason(company, office_client):
    """Void with a reason: the invoice is Void and the buttons to pay or void are gone."""
    invoice = invoiced_job()
    response = _post_dialog(
        office_client, _action_url(_invoice_url(invoice), "void"), reason="Billed twice"
    )
    assert response.headers["HX-Redirect"] == _invoice_url(invoice)
    invoice.refresh_from_db()
    assert (invoice.status, invoice.void_reason) == (InvoiceStatus.VOID, "Billed twice")
    assert set(_detail_actions(office_client, _invoice_url(invoice))) == {"Download PDF"}
    page = office_client.get(_invoice_url(invoice)).content.decode()
    assert "Billed twice" in page
    assert 'name="due_date"' not in page


def test_invoice_page_shows_lines_and_price_summary(company, office_client):
    """The page lists the real quantities and the price lines, "Tax exempt" for exempt buyers."""
    invoice = invoiced_job(
        customer=CustomerFactory(tax_exempt=True), items=[(12, Decimal("61.93"))]
    )
    html = office_client.get(_invoice_url(invoice)).content.decode()
    for text in ("Bracket", "$61.93", "$743.16", "Tax exempt", invoice.job.number):
        assert text in html, text


def test_editing_dates_keeps_the_money(company, office_client):
    """Saving new dates and notes leaves status, paid and balance as they are."""
    invoice = invoiced_job(items=[(4, Decimal("20.00"))])
    url = _invoice_url(invoice)
    data = form_data(office_client.get(url).content.decode(), form_id="invoice_form")
    data.update(due_date="2099-01-31", notes="Net 30, thank you")
    response = office_client.post(url, data)
    assert response.status_code == 302
    invoice.refresh_from_db()
    assert (str(invoice.due_date), invoice.notes, invoice.balance) == (
        "2099-01-31",
        "Net 30, thank you",
        Decimal("80.00"),
    )
    data.update(due_date="2000-01-01")
    response = office_client.post(url, data)
    assert "The due date cannot be before the invoice date." in response.content.decode()


def test_invoices_cannot_be_added_or_deleted_by_hand(company, office_client):
    """Invoices come from jobs and are voided, not deleted."""
    invoice = invoiced_job()
    assert office_client.get(reverse("admin:powdercoat_invoice_add")).status_code == 403
    delete_url = reverse("admin:powdercoat_invoice_delete", args=[invoice.pk])
    assert office_client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Invoice.objects.filter(pk=invoice.pk).exists()


def test_shop_floor_cannot_see_invoices(company, floor_client):
    """Shop Floor gets 403 on the invoice list, an invoice, and its PDF."""
    invoice = invoiced_job()
    assert floor_client.get(LIST_URL).status_code == 403
    assert floor_client.get(_invoice_url(invoice)).status_code == 403
    assert (
        floor_client.get(reverse("admin:powdercoat_invoice_pdf", args=[invoice.pk])).status_code
        == 403
    )


def test_pdf_download_has_number_customer_lines_and_balance(company, office_client):
    """The PDF address returns INV-….pdf with the number, customer, lines and balance due."""
    invoice = invoiced_job(
        customer=CustomerFactory(company_name="Lakeside Rail"), items=[(12, Decimal("61.93"))]
    )
    response = office_client.get(reverse("admin:powdercoat_invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{invoice.number}.pdf"' in response["Content-Disposition"]
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    for expected in (invoice.number, "Lakeside Rail", "Bracket", "$61.93", "$743.16"):
        assert expected in text, expected
    assert "Balance due" in text


def test_job_page_links_its_source_quote_for_price_viewers(company, office_client, floor_client):
    """A job converted from a quote shows "From quote" with its number; Shop Floor does not."""
    job = _job_with_items()
    Quote.objects.create(
        number="QUO-2601-0007", customer=job.customer, description="Railings", job=job
    )
    assert "QUO-2601-0007" in office_client.get(_job_url(job)).content.decode()
    assert job.status == JobStatus.PENDING
    assert "QUO-2601-0007" not in floor_client.get(_job_url(job)).content.decode()
