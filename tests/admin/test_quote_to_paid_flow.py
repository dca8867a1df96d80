"""The whole commercial flow through the admin, as office staff click it (SPEC Q, J, V).

A prospect is quoted for motorcycle parts, the quote is emailed, the prospect becomes a
customer, the quote is approved and converted, the job is advanced to Delivered, invoiced,
and paid in two parts. Every step goes through the pages' own forms and buttons.
"""

import io
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from pypdf import PdfReader

from powdercoat.models import Invoice, Job, LineItem, Quote, StatusChange
from powdercoat.models.choices import (
    PREP_STAGES,
    WORKFLOW,
    CoatLayer,
    InvoiceStatus,
    ItemKind,
    JobStatus,
    QuoteStatus,
)
from tests.factories import PowderFactory
from tests.helpers import form_data
from tests.views.test_item_wizard import coats, follow, step

pytestmark = pytest.mark.django_db


def _dialog(client, url, **changes):
    """Open an action's dialog as the page does, fill it in and submit it."""
    data = form_data(client.get(url, HTTP_HX_REQUEST="true").content.decode())
    data.update(changes)
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200, response.content.decode()[:2000]
    assert "HX-Redirect" in response.headers, response.content.decode()[:2000]
    return response.headers["HX-Redirect"]


def _action(change_url: str, path: str) -> str:
    return f"{change_url.removesuffix('change/')}{path}/"


def _flat_item(client, add_url, *, description, quantity, price, powder):
    """Add a Flat Rate item with one coat through the item wizard."""
    url = follow(client.get(add_url))
    url = follow(step(client, url, kind=ItemKind.FLAT_RATE, description=description))
    url = follow(
        step(client, url, quantity=str(quantity), flat_unit_price=price, surface_area_sqft="4")
    )
    url = follow(step(client, url, **coats((powder, CoatLayer.BASE))))
    url = follow(step(client, url))
    follow(step(client, url, button="_finish"))


def test_prospect_quote_to_paid_invoice(
    company, office_client, office_user, django_capture_on_commit_callbacks
):
    """Quote $480 less 10 %, taxed 8.25 %: $467.64 invoiced, paid $200 then $267.64.

    Items 1 x $300 + 2 x $90 = $480.00; discount 10 % = $48.00; tax 8.25 % of $432.00 = $35.64;
    total $467.64. The job itself carries no tax: its price is $432.00.
    """
    company.tax_rate = Decimal("8.25")
    company.save()
    black = PowderFactory(name="Gloss black")

    # 1. Quote a prospect.
    add_url = reverse("admin:powdercoat_quote_add")
    data = form_data(office_client.get(add_url).content.decode(), "quote_form")
    data.update(
        prospect_name="Jess Moreno",
        prospect_company="Moreno Moto",
        prospect_email="jess@moreno.example",
        description="Motorcycle frame and wheels",
        discount_percent="10",
        special_instructions="Mask the steering head bearings.",
    )
    assert office_client.post(add_url, data).status_code == 302
    quote = Quote.objects.get()
    quote_url = reverse("admin:powdercoat_quote_change", args=[quote.pk])
    items_url = reverse("admin:powdercoat_quote_item_add", args=[quote.pk])
    _flat_item(
        office_client, items_url, description="Frame", quantity=1, price="300.00", powder=black
    )
    _flat_item(
        office_client, items_url, description="Wheels", quantity=2, price="90.00", powder=black
    )
    quote.refresh_from_db()
    assert (quote.subtotal, quote.discount_amount, quote.tax_amount, quote.total) == (
        Decimal("480.00"),
        Decimal("48.00"),
        Decimal("35.64"),
        Decimal("467.64"),
    )

    # 2. Email it: the PDF goes to the prospect once the change commits.
    with django_capture_on_commit_callbacks(execute=True):
        _dialog(office_client, _action(quote_url, "send"))
    [email] = mail.outbox
    assert email.to == ["jess@moreno.example"]
    filename, pdf, mimetype = email.attachments[0]
    assert (filename, mimetype) == (f"{quote.number}.pdf", "application/pdf")
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert quote.number in text
    assert "Moreno Moto" in text
    assert "467.64" in text

    # 3. The prospect becomes a customer, then approves.
    _dialog(office_client, _action(quote_url, "make-customer"))
    _dialog(office_client, _action(quote_url, "approve"))
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED
    assert quote.customer.company_name == "Moreno Moto"

    # 4. Convert: the job starts at Approved with everything copied.
    job_url = _dialog(office_client, _action(quote_url, "convert"))
    quote.refresh_from_db()
    job = quote.job
    assert job_url == reverse("admin:powdercoat_job_change", args=[job.pk])
    assert (quote.status, job.status, job.customer) == (
        QuoteStatus.CONVERTED,
        JobStatus.APPROVED,
        quote.customer,
    )
    assert job.special_instructions == "Mask the steering head bearings."
    assert [(i.description, i.quantity, i.unit_price) for i in job.items.all()] == [
        ("Frame", 1, Decimal("300.00")),
        ("Wheels", 2, Decimal("90.00")),
    ]
    assert job.total_price == Decimal("432.00")
    assert quote.number in office_client.get(job_url).content.decode()  # linked back

    # 5. The shop advances the job to Delivered (no prep needed: prep stages are skipped).
    presses = 0
    while Job.objects.get(pk=job.pk).status != JobStatus.DELIVERED:
        _dialog(office_client, _action(job_url, "advance"), note="")
        presses += 1
        assert presses < 15, "the job never reached Delivered"
    # Approved → In Prep → In Oven → … → Delivered: one press per stage but the prep stages.
    stages_after_approved = len(WORKFLOW) - WORKFLOW.index(JobStatus.APPROVED) - 1
    assert presses == stages_after_approved - len(PREP_STAGES)
    assert StatusChange.objects.filter(job=job).count() == 1 + presses

    # 6. Invoice it: real quantities and unit prices, the quote's discount, the shop's tax.
    invoice_url = _dialog(office_client, _action(job_url, "create-invoice"))
    invoice = Invoice.objects.get(job=job)
    assert invoice_url == reverse("admin:powdercoat_invoice_change", args=[invoice.pk])
    assert [(line.quantity, line.unit_price, line.line_total) for line in invoice.lines.all()] == [
        (Decimal("1"), Decimal("300.00"), Decimal("300.00")),
        (Decimal("2"), Decimal("90.00"), Decimal("180.00")),
    ]
    assert (invoice.discount_amount, invoice.tax_amount, invoice.total, invoice.balance) == (
        Decimal("48.00"),
        Decimal("35.64"),
        Decimal("467.64"),
        Decimal("467.64"),
    )

    # 7. A partial payment, then the rest.
    _dialog(office_client, _action(invoice_url, "add-payment"), amount="200.00", method="card")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.balance) == (InvoiceStatus.PARTIALLY_PAID, Decimal("267.64"))
    customer_url = reverse("admin:powdercoat_customer_change", args=[quote.customer.pk])
    assert "$267.64" in office_client.get(customer_url).content.decode()  # open balance

    _dialog(office_client, _action(invoice_url, "add-payment"), amount="267.64", method="check")
    invoice.refresh_from_db()
    assert (invoice.status, invoice.amount_paid, invoice.balance) == (
        InvoiceStatus.PAID,
        Decimal("467.64"),
        Decimal("0.00"),
    )
    assert LineItem.objects.filter(quote=quote).count() == 2  # the quote keeps its own items
