"""Putting money and stock right through the pages, and the questions asked before the damage.

Through the real views: the invoice's Payments tab and its Reverse dialog, the PDF, the job's
Materials tab and the stock reversal dialog, the repeated-payment question, and the rework,
job-details and Rush rules of the office day.
"""

import io
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from pypdf import PdfReader

from powdercoat.models import InventoryActivity, InventoryItem, Job, Payment
from powdercoat.models.choices import ActivityKind, InvoiceStatus, JobStatus, Priority
from powdercoat.services.inventory import material_usage_log
from powdercoat.services.invoices import invoice_create_for_job
from tests.factories import (
    CustomerFactory,
    LineItemCoatFactory,
    LineItemFactory,
    PowderFactory,
    invoiced_job,
    job_at,
    paid,
)
from tests.helpers import form_data

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
D = Decimal


def _change(model: str, pk) -> str:
    return reverse(f"admin:powdercoat_{model}_change", args=[pk])


def _messages(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def _dialog_post(client, url: str, **changes):
    data = form_data(client.get(url, **HTMX).content.decode())
    data.update(changes)
    return client.post(url, data, **HTMX)


# -- payments --------------------------------------------------------------------------------


def test_a_payment_is_reversed_from_its_row_and_shows_beside_it(company, office_client):
    """Payments tab → Reverse… on the $30 row → reason: both rows show, balance and PDF follow."""
    invoice = invoiced_job(items=[(4, D("20.00"))])
    paid(invoice, "50.00")
    wrong = paid(invoice, "30.00")
    page = office_client.get(_change("invoice", invoice.pk)).content.decode()
    links = re.findall(r'href="([^"]*reverse-payment/\?payment=\d+)"', page)
    assert len(links) == 2  # one per payment that can still be reversed
    url = next(link for link in links if link.endswith(f"payment={wrong.pk}")).replace("&amp;", "&")
    dialog = office_client.get(url, **HTMX).content.decode()
    assert f'<option value="{wrong.pk}" selected>' in dialog

    response = _dialog_post(office_client, url, reason="Cheque bounced")
    assert response.headers["HX-Redirect"].startswith(_change("invoice", invoice.pk))
    assert "The $30.00 payment on" in _messages(response)
    invoice.refresh_from_db()
    assert (invoice.amount_paid, invoice.status) == (D("50.00"), InvoiceStatus.PARTIALLY_PAID)

    page = office_client.get(_change("invoice", invoice.pk)).content.decode()
    table = page[page.index('data-testid="invoice-payments"') :]
    assert "reversed below" in table
    assert "Reversal</strong> · Cheque bounced" in table
    assert "-$30.00" in table or "−$30.00" in table
    pdf = office_client.get(_change("invoice", invoice.pk).removesuffix("change/") + "pdf/")
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Reversal" in text
    assert "(reversed)" in text


def test_shop_floor_and_people_without_the_right_cannot_reverse(company, floor_client):
    """Shop Floor may not open the invoice, let alone reverse one of its payments."""
    invoice = invoiced_job()
    payment = paid(invoice, "10.00")
    url = (
        _change("invoice", invoice.pk).removesuffix("change/")
        + f"reverse-payment/?payment={payment.pk}"
    )
    assert floor_client.get(url, **HTMX).status_code == 403
    assert floor_client.post(url, {"reason": "x"}, **HTMX).status_code == 403
    assert not Payment.objects.filter(reverses=payment).exists()


def test_the_same_payment_again_is_asked_about_with_both_figures(company, office_client):
    """A second $40 within half an hour: the dialog asks; ticked, the second $40 is recorded."""
    invoice = invoiced_job(items=[(10, D("20.00"))])
    paid(invoice, "40.00")
    url = _change("invoice", invoice.pk).removesuffix("change/") + "add-payment/"
    asked = _dialog_post(office_client, url, amount="40.00", method="check", reference="")
    html = asked.content.decode()
    assert "HX-Redirect" not in asked.headers
    assert "$40.00 was already recorded on" in html
    assert "Yes, record a second $40.00" in html
    assert "Check 1042" in html  # the earlier payment, side by side
    assert Payment.objects.filter(invoice=invoice).count() == 1

    data = form_data(html)
    data["confirm"] = "on"
    done = office_client.post(url, data, **HTMX)
    assert "HX-Redirect" in done.headers
    assert Payment.objects.filter(invoice=invoice).count() == 2


# -- stock -----------------------------------------------------------------------------------


def test_a_usage_row_is_reversed_from_the_materials_tab(company, supervisor_user, client):
    """Materials tab → Reverse… on the 5 lb row: stock back, both rows listed, tab reopened."""
    client.force_login(supervisor_user)
    powder = PowderFactory(name="Gloss black", opening_stock=D("20"))
    job = job_at(JobStatus.COATING)
    LineItemCoatFactory(item=LineItemFactory(job=job), powder=powder)
    usage = material_usage_log(job=job, item=powder, lbs=D("5"), user=None, confirmed=True)
    page = client.get(_change("job", job.pk)).content.decode()
    link = re.search(r'href="([^"]*inventoryactivity/\d+/reverse/\?next=[^"]+)"', page)
    assert link, "the ledger row offers Reverse…"
    url = link.group(1).replace("&amp;", "&")
    dialog = client.get(url, **HTMX).content.decode()
    assert "15.0 lb → 20.0 lb" in dialog

    response = _dialog_post(client, url, reason="Typed 5 instead of 0.5")
    assert response.headers["HX-Redirect"] == f"{_change('job', job.pk)}?tab=materials"
    assert InventoryItem.objects.get(pk=powder.pk).quantity_on_hand == D("20")
    reversal = InventoryActivity.objects.get(reverses=usage)
    assert (reversal.kind, reversal.quantity, reversal.user) == (
        ActivityKind.USAGE,
        D("5"),
        supervisor_user,
    )
    page = client.get(_change("job", job.pk)).content.decode()
    ledger = page[page.index('data-testid="materials-ledger"') :]
    assert "Usage reversal" in ledger
    assert "Why: Typed 5 instead of 0.5" in ledger
    assert "reversed below" in ledger
    assert "Reverse…" not in ledger  # neither row can be reversed again


def test_shop_floor_sees_no_reverse_and_may_not_post_one(company, floor_client):
    """The floor logs material but does not reverse ledger rows."""
    powder = PowderFactory(opening_stock=D("20"))
    job = job_at(JobStatus.COATING)
    usage = material_usage_log(job=job, item=powder, lbs=D("1"), user=None)
    page = floor_client.get(_change("job", job.pk)).content.decode()
    assert "/reverse/?next=" not in page
    url = reverse("admin:powdercoat_inventoryactivity_reverse_activity", args=[usage.pk])
    assert floor_client.post(url, {"reason": "x"}, **HTMX).status_code == 403
    assert not InventoryActivity.objects.filter(reverses=usage).exists()


def test_the_activity_list_offers_reverse_on_each_row(company, office_client):
    """Inventory → Activity: each row has Reverse… in its menu, opening the dialog."""
    powder = PowderFactory(opening_stock=D("20"))
    usage = material_usage_log(job=job_at(JobStatus.COATING), item=powder, lbs=D("1"), user=None)
    page = office_client.get(reverse("admin:powdercoat_inventoryactivity_changelist"))
    url = reverse("admin:powdercoat_inventoryactivity_reverse_activity", args=[usage.pk])
    assert url in page.content.decode()


# -- the office day's rules ------------------------------------------------------------------


def test_rework_type_and_reason_start_unchosen(company, floor_client):
    """Nothing is pre-selected; sending it so asks for both in words, on their fields."""
    job = job_at(JobStatus.QUALITY_CHECK)
    url = _change("job", job.pk).removesuffix("change/") + "record-rework/"
    html = floor_client.get(url, **HTMX).content.decode()
    for name in ("kind", "reason"):
        select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
        assert "— choose —" in select
        assert "selected" not in select.split("</option>", 1)[1]  # only the blank is selected
    response = _dialog_post(floor_client, url, description="Lifted at the edge")
    text = response.content.decode()
    assert "<strong>Type:</strong> This field is required." in text
    assert "<strong>Reason:</strong> This field is required." in text


def test_due_before_scheduled_is_refused_on_the_due_date(company, office_client):
    """The Details tab refuses a due date before the scheduled date, saying so on the field."""
    job = job_at(JobStatus.APPROVED)
    url = _change("job", job.pk)
    data = form_data(office_client.get(url).content.decode(), form_id="job_form")
    data.update(scheduled_date="2026-12-10", due_date="2026-12-08")
    response = office_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "is before the scheduled date" in errors["due_date"][0]
    assert Job.objects.get(pk=job.pk).due_date is None


def test_the_details_form_cannot_move_an_invoiced_job_to_another_customer(company, office_client):
    """With a live invoice, the Customer field refuses the change; the job keeps its customer."""
    job = job_at(JobStatus.COMPLETED)
    LineItemFactory(job=job)
    invoice = invoice_create_for_job(job=Job.objects.get(pk=job.pk), user=None)
    other = CustomerFactory(company_name="Other Fab")
    url = _change("job", job.pk)
    data = form_data(office_client.get(url).content.decode(), form_id="job_form")
    data.update(customer=str(other.pk))
    response = office_client.post(url, data)
    assert response.status_code == 200
    message = response.context["adminform"].form.errors["customer"][0]
    assert f"has invoice {invoice.number}" in message
    assert "Void the invoice first" in message
    assert Job.objects.get(pk=job.pk).customer_id == job.customer_id


def test_making_a_job_rush_in_the_form_says_what_the_surcharge_added(company, office_client):
    """Priority → Rush on the Details tab: the message names the rate and the amount added."""
    company.rush_surcharge_percent = D("25")
    company.save()
    job = job_at(JobStatus.APPROVED)
    LineItemFactory(job=job, quantity=4, unit_price=D("20.00"))  # $80 of items
    url = _change("job", job.pk)
    data = form_data(office_client.get(url).content.decode(), form_id="job_form")
    data.update(priority=str(Priority.RUSH))
    response = office_client.post(url, data, follow=True)
    assert "Rush surcharge of 25% added: +$20.00." in response.content.decode()
    assert Job.objects.get(pk=job.pk).rush_surcharge_amount == D("20.00")


def test_a_board_move_to_rush_says_what_the_surcharge_added(company, supervisor_user, client):
    """Dropped on the Rush lane: the notice names the surcharge and its amount."""
    from tests.helpers import page_key
    from tests.shop_floor import floor_job

    company.rush_surcharge_percent = D("25")
    company.save()
    client.force_login(supervisor_user)
    job = floor_job(JobStatus.COATING)
    LineItemFactory(job=job, quantity=4, unit_price=D("20.00"))
    board = reverse("admin_views:priority_board")
    response = client.post(
        reverse("admin_views:priority_move", args=[job.number]),
        {"priority": str(Priority.RUSH), "submission_key": page_key(client, board)},
        **HTMX,
    )
    assert "Rush surcharge of 25% added: +$" in response.content.decode()
