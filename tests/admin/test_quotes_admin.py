"""Quotes in the admin (SPEC Q): the list, the quote page, its buttons and the PDF address."""

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from powdercoat.models import Customer, Job, Quote
from powdercoat.models.choices import CoatLayer, ItemKind, JobStatus, QuoteStatus
from powdercoat.services import quotes as quote_services
from tests.factories import (
    CustomerFactory,
    LineItemCoatFactory,
    PowderFactory,
    QuoteFactory,
    QuoteLineItemFactory,
)
from tests.helpers import form_data, page_actions

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:powdercoat_quote_changelist")


def _change_url(quote):
    return reverse("admin:powdercoat_quote_change", args=[quote.pk])


def _action_url(quote, path):
    return f"{_change_url(quote).removesuffix('change/')}{path}/"


def _days(offset: int):
    return timezone.localdate() + timedelta(days=offset)


def _quote(status=QuoteStatus.DRAFT, **fields) -> Quote:
    """A quote with one $100 item, moved to `status`."""
    quote = QuoteFactory(**fields)
    QuoteLineItemFactory(quote=quote, quantity=4, unit_price=Decimal("25"))
    quote = Quote.objects.get(pk=quote.pk)
    if status in (QuoteStatus.SENT, QuoteStatus.REJECTED):
        quote.send()
        quote.save()
    if status == QuoteStatus.APPROVED:
        quote_services.quote_approve(quote=quote, user=None)
    if status == QuoteStatus.REJECTED:
        quote_services.quote_reject(quote=quote, user=None, reason="No")
    return Quote.objects.get(pk=quote.pk)


def _buttons(client, quote) -> list[str]:
    """Titles of the buttons the quote page offers."""
    actions = page_actions(client.get(_change_url(quote)))
    return [str(a["title"]) for a in actions]


def _post_dialog(client, quote, path, **fields):
    """Open the dialog like the page does, fill it in and submit it."""
    url = _action_url(quote, path)
    data = form_data(client.get(url, HTTP_HX_REQUEST="true").content.decode())
    data.update(fields)
    return client.post(url, data, HTTP_HX_REQUEST="true")


def _messages(client, url) -> str:
    return client.get(url).content.decode()


# -- the list --------------------------------------------------------------------------------


def test_list_shows_badges_and_expires_quotes_past_their_date(company, office_client):
    """Opening the list expires an overdue Sent quote and says so in words; others keep theirs."""
    stale = _quote(
        QuoteStatus.SENT,
        customer=CustomerFactory(company_name="Old Barn Works"),
        quote_date=_days(-45),
        valid_until=_days(-3),
    )
    fresh = _quote(customer=None, prospect_name="Dana Reyes")
    html = office_client.get(LIST_URL).content.decode()
    assert Quote.objects.get(pk=stale.pk).status == QuoteStatus.EXPIRED
    assert 'data-status="expired">Expired<' in html
    assert "· expired" in html
    assert 'data-status="draft">Draft<' in html
    for text in (stale.number, fresh.number, "Old Barn Works", "Dana Reyes", "(prospect)"):
        assert text in html, text
    assert "$100.00" in html


def test_list_queries_do_not_grow_with_rows(company, office_client):
    """The quotes list runs as many queries for 20 quotes as for 2."""

    def make():
        _quote()
        _quote(customer=None, prospect_name="Walk-in")

    make()

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert office_client.get(LIST_URL).status_code == 200
        return len(queries)

    few = count()
    for _ in range(9):
        make()
    assert count() == few


def test_shop_floor_cannot_open_quotes(company, floor_client):
    """Shop Floor gets 403 on the quote list and on a quote's PDF."""
    quote = _quote()
    assert floor_client.get(LIST_URL).status_code == 403
    pdf = reverse("admin:powdercoat_quote_pdf", args=[quote.pk])
    assert floor_client.get(pdf).status_code == 403


# -- the quote page --------------------------------------------------------------------------


def test_quote_page_shows_items_and_price(company, office_client):
    """The page shows the item with its coat and every price line, tax rate included."""
    company.tax_rate = Decimal("8.25")
    company.save()
    quote = QuoteFactory(discount_percent=Decimal("10"), rush_surcharge_percent=Decimal("20"))
    wheel = QuoteLineItemFactory(
        quote=quote, description="Trailer wheel", quantity=4, unit_price=Decimal("25")
    )
    LineItemCoatFactory(item=wheel, powder=PowderFactory(name="Gloss Black"))
    QuoteLineItemFactory(quote=quote, description="Frame", quantity=1, unit_price=Decimal("150"))
    html = office_client.get(_change_url(quote)).content.decode()
    for text in (
        quote.number,
        "Trailer wheel",
        "Gloss Black",
        "Add item",
        "Discount 10%",
        "−$25.00",
        "Rush fee 20%",
        "$45.00",
        "Tax 8.25%",
        "$22.28",
        "$292.28",
        "No email sent yet.",
    ):
        assert text in html, text


def test_adding_a_quote_for_a_prospect_numbers_and_taxes_it(company, office_client, office_user):
    """The add form saves through the service: a QUO number, the shop's tax, who made it."""
    company.tax_rate = Decimal("7")
    company.save()
    add_url = reverse("admin:powdercoat_quote_add")
    data = form_data(office_client.get(add_url).content.decode(), "quote_form")
    data.update(
        prospect_name="Dana Reyes",
        prospect_email="dana@example.com",
        description="Patio chairs",
        discount_percent="",
    )
    response = office_client.post(add_url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    quote = Quote.objects.get()
    assert quote.number.startswith("QUO-")
    assert (quote.tax_rate_percent, quote.discount_percent, quote.created_by) == (
        Decimal("7"),
        Decimal("0"),
        office_user,
    )


def test_a_quote_needs_a_customer_or_a_prospect(company, office_client):
    """Neither a customer nor a prospect name: the form says what is missing."""
    add_url = reverse("admin:powdercoat_quote_add")
    data = form_data(office_client.get(add_url).content.decode(), "quote_form")
    data.update(description="Gate", prospect_name="")
    response = office_client.post(add_url, data)
    assert response.status_code == 200
    assert "Pick a customer, or give the prospect" in response.content.decode()
    assert not Quote.objects.exists()


def test_items_are_added_with_the_wizard_and_reprice_the_quote(company, office_client):
    """A flat-rate item of 3 x $40 added through the wizard makes the quote $120."""
    quote = QuoteFactory()
    powder = PowderFactory(name="Satin Bronze")
    first = office_client.get(reverse("admin:powdercoat_quote_item_add", args=[quote.pk]))
    url = first["Location"]

    def step(url, **changes):
        data = form_data(office_client.get(url).content.decode(), "item-wizard")
        data.update(changes, _next="1")
        response = office_client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        return response["Location"]

    url = step(url, kind=ItemKind.FLAT_RATE, description="Railing")
    url = step(url, quantity="3", flat_unit_price="40.00", surface_area_sqft="")
    url = step(
        url,
        **{
            "coats-TOTAL_FORMS": "1",
            "coats-INITIAL_FORMS": "0",
            "coats-0-powder": str(powder.pk),
            "coats-0-layer": CoatLayer.BASE,
        },
    )
    url = step(url)
    data = form_data(office_client.get(url).content.decode(), "item-wizard")
    data["_finish"] = "1"
    assert office_client.post(url, data)["Location"] == _change_url(quote) + "?tab=items"
    quote.refresh_from_db()
    assert (quote.subtotal, quote.items.get().description) == (Decimal("120.00"), "Railing")


def test_items_of_a_sent_quote_are_locked(company, office_client):
    """Outside Draft the page offers no item buttons and says how to change them."""
    quote = _quote(QuoteStatus.SENT)
    html = office_client.get(_change_url(quote)).content.decode()
    assert "revise it back to Draft to change its items" in html
    assert "Add item" not in html


# -- buttons ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "prospect", "expected"),
    [
        (
            QuoteStatus.DRAFT,
            False,
            ["Send by email", "Approve", "Reject", "Download PDF"],
        ),
        (
            QuoteStatus.SENT,
            False,
            ["Send again", "Approve", "Reject", "Revise", "Download PDF"],
        ),
        (QuoteStatus.APPROVED, False, ["Convert to job", "Download PDF"]),
        (QuoteStatus.APPROVED, True, ["Convert to job", "Make customer", "Download PDF"]),
        (QuoteStatus.REJECTED, False, ["Revise", "Download PDF"]),
    ],
)
def test_only_allowed_buttons_are_offered(company, office_client, status, prospect, expected):
    """Buttons follow the quote's status; Make customer only for a prospect."""
    fields = {"customer": None, "prospect_name": "Dana"} if prospect else {}
    assert _buttons(office_client, _quote(status, **fields)) == expected


def test_a_quote_with_no_items_offers_neither_send_nor_approve(company, office_client):
    """An empty Draft can be rejected or printed, not sent or approved; its first item brings
    both buttons; and the addresses behind them refuse the empty quote in words."""
    quote = QuoteFactory()
    assert _buttons(office_client, quote) == ["Reject", "Download PDF"]
    refused = _post_dialog(office_client, quote, "approve")
    assert "has no line items" in refused.content.decode()
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.DRAFT
    QuoteLineItemFactory(quote=quote, quantity=1, unit_price=Decimal("40"))
    assert _buttons(office_client, quote) == ["Send by email", "Approve", "Reject", "Download PDF"]


def test_send_button_emails_the_quote(company, office_client, django_capture_on_commit_callbacks):
    """The dialog names the address; sending marks the quote Sent and mails the PDF."""
    quote = _quote(customer=CustomerFactory(email="buyer@harbor.example"))
    dialog = office_client.get(_action_url(quote, "send"), HTTP_HX_REQUEST="true")
    assert "buyer@harbor.example" in dialog.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _post_dialog(office_client, quote, "send")
    assert response.headers["HX-Redirect"] == _change_url(quote)
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.SENT
    [message] = mail.outbox
    assert message.attachments[0][0] == f"{quote.number}.pdf"
    page = _messages(office_client, _change_url(quote))
    assert f"{quote.number} sent to buyer@harbor.example." in page
    assert "✓ Sent" in page


def test_send_refusal_comes_back_in_the_dialog(company, office_client):
    """A prospect with no email: the dialog says why, the quote stays Draft, no server error."""
    quote = _quote(customer=None, prospect_name="Walk-in", prospect_email="")
    response = _post_dialog(office_client, quote, "send")
    assert response.status_code == 200
    assert "HX-Redirect" not in response.headers
    assert "no email address" in response.content.decode()
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.DRAFT


def test_approve_button(company, office_client):
    """Approve moves a Sent quote to Approved."""
    quote = _quote(QuoteStatus.SENT)
    _post_dialog(office_client, quote, "approve", note="Signed by phone")
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.APPROVED
    assert f"{quote.number} approved." in _messages(office_client, _change_url(quote))


def test_reject_button_needs_a_reason(company, office_client):
    """No reason: the dialog asks again; with one, the quote is Rejected."""
    quote = _quote(QuoteStatus.SENT)
    response = _post_dialog(office_client, quote, "reject", note="")
    assert "This field is required." in response.content.decode()
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.SENT
    _post_dialog(office_client, quote, "reject", note="Went with another shop")
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.REJECTED


def test_revise_button(company, office_client):
    """Revise brings a Rejected quote back to Draft."""
    quote = _quote(QuoteStatus.REJECTED)
    _post_dialog(office_client, quote, "revise")
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.DRAFT


def test_a_dialog_opened_before_someone_else_moved_the_quote_is_refused(company, office_client):
    """The dialog shows the refusal and nothing moves."""
    quote = _quote(QuoteStatus.SENT)
    url = _action_url(quote, "approve")
    data = form_data(office_client.get(url, HTTP_HX_REQUEST="true").content.decode())
    quote_services.quote_reject(quote=quote, user=None, reason="Phoned to say no")
    response = office_client.post(url, data, HTTP_HX_REQUEST="true")
    assert "changed to Rejected since this window opened" in response.content.decode()
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.REJECTED


def test_convert_button_opens_the_new_job(company, office_client):
    """Convert creates the job, opens its page and says which job the quote became."""
    quote = _quote(QuoteStatus.APPROVED)
    response = _post_dialog(office_client, quote, "convert")
    job = Job.objects.get()
    assert response.headers["HX-Redirect"] == reverse("admin:powdercoat_job_change", args=[job.pk])
    assert job.status == JobStatus.APPROVED
    page = _messages(office_client, reverse("admin:powdercoat_job_change", args=[job.pk]))
    assert f"{quote.number} became {job.number}." in page
    quote_page = office_client.get(_change_url(quote)).content.decode()
    assert job.number in quote_page
    assert 'data-status="converted">Converted<' in quote_page


def _approved_prospect_quote():
    return _quote(
        QuoteStatus.APPROVED,
        customer=None,
        prospect_name="Dana Reyes",
        prospect_company="Reyes Fab",
        prospect_email="dana@reyes.example",
    )


def test_converting_a_prospects_quote_asks_to_make_the_customer(company, office_client):
    """The dialog shows the prospect's details and a box; unticked, nothing is created."""
    quote = _approved_prospect_quote()
    dialog = office_client.get(_action_url(quote, "convert"), HTTP_HX_REQUEST="true")
    html = dialog.content.decode()
    assert "Make Reyes Fab a customer from the details below, then create the job" in html
    assert "dana@reyes.example" in html
    response = _post_dialog(office_client, quote, "convert")
    assert "A job needs a customer: tick the box" in response.content.decode()
    assert not Job.objects.exists()
    assert not Customer.objects.filter(company_name="Reyes Fab")


def test_converting_a_prospects_quote_makes_customer_and_job_at_once(company, office_client):
    """Ticked: one press makes the customer, puts the quote in their name and creates the job."""
    quote = _approved_prospect_quote()
    response = _post_dialog(office_client, quote, "convert", make_customer="on")
    job = Job.objects.get()
    assert response.headers["HX-Redirect"] == reverse("admin:powdercoat_job_change", args=[job.pk])
    customer = Customer.objects.get(company_name="Reyes Fab")
    assert job.customer == customer
    assert customer.email == "dana@reyes.example"
    quote.refresh_from_db()
    assert (quote.customer, quote.job, quote.status) == (customer, job, QuoteStatus.CONVERTED)
    page = _messages(office_client, _change_url(quote))
    assert f"Reyes Fab is now a customer, and {quote.number} became {job.number}." in page


def test_make_customer_button(company, office_client):
    """The prospect becomes a customer and the quote is put in their name."""
    quote = _quote(
        customer=None, prospect_name="Dana Reyes", prospect_company="Reyes Fab", prospect_email=""
    )
    _post_dialog(office_client, quote, "make-customer")
    customer = Customer.objects.get(company_name="Reyes Fab")
    assert Quote.objects.get(pk=quote.pk).customer == customer
    assert "is now for the customer Reyes Fab" in _messages(office_client, _change_url(quote))


# -- the PDF ---------------------------------------------------------------------------------


def test_pdf_address_returns_the_quote_pdf(company, office_client):
    """application/pdf, shown inline as QUO-….pdf, with the number, customer and total."""
    quote = _quote(customer=CustomerFactory(company_name="Harbor Marine"))
    pdf_url = reverse("admin:powdercoat_quote_pdf", args=[quote.pk])
    download = office_client.get(_action_url(quote, "download-pdf"))
    assert download.status_code == 302
    assert download.headers["Location"] == pdf_url
    response = office_client.get(pdf_url)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{quote.number}.pdf"'
    text = " ".join(PdfReader(io.BytesIO(response.content)).pages[0].extract_text().split())
    for expected in (quote.number, "Harbor Marine", "Total $100.00"):
        assert expected in text, expected


def test_pdf_of_a_missing_quote_is_a_404(company, office_client):
    """A wrong id in the address is Not Found, not a server error."""
    assert office_client.get(reverse("admin:powdercoat_quote_pdf", args=[999])).status_code == 404
    assert office_client.get(reverse("admin:powdercoat_quote_pdf", args=["x"])).status_code == 404
