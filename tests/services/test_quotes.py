"""Quote services (SPEC Q): numbering, price, sending, status moves, expiry and job conversion."""

import io
import smtplib
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.management import call_command
from django.utils import timezone
from pypdf import PdfReader

from powdercoat.models import Customer, EmailLog, Job, Quote
from powdercoat.models.choices import (
    CustomerType,
    EmailOutcome,
    ItemKind,
    JobStatus,
    Priority,
    QuoteStatus,
)
from powdercoat.services import quotes as quote_services
from powdercoat.services.numbering import number_period
from tests.factories import (
    CustomerFactory,
    LineItemCoatFactory,
    LineItemPrepFactory,
    PowderFactory,
    PrepServiceFactory,
    QuoteFactory,
    QuoteLineItemFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def taxed(company):
    """The shop charges 8.25 % tax."""
    company.tax_rate = Decimal("8.25")
    company.name = "Smith & Sons Coating"
    company.save()
    return company


def _priced_quote(**fields) -> Quote:
    """A quote of 4 x $25 and 1 x $150 = $250, 10 % discount and a 20 % rush fee."""
    fields.setdefault("discount_percent", Decimal("10"))
    fields.setdefault("rush_surcharge_percent", Decimal("20"))
    quote = QuoteFactory(**fields)
    QuoteLineItemFactory(quote=quote, description="Wheel", quantity=4, unit_price=Decimal("25"))
    QuoteLineItemFactory(quote=quote, description="Frame", quantity=1, unit_price=Decimal("150"))
    return Quote.objects.get(pk=quote.pk)


def _days(offset: int):
    return timezone.localdate() + timedelta(days=offset)


def _at(status: str, **fields) -> Quote:
    """A quote with one item moved to `status` the way the office would."""
    quote = QuoteFactory(**fields)
    QuoteLineItemFactory(quote=quote)
    quote = Quote.objects.get(pk=quote.pk)
    if status in (QuoteStatus.SENT, QuoteStatus.REJECTED, QuoteStatus.EXPIRED):
        quote.send()
        quote.save()
    if status == QuoteStatus.APPROVED:
        quote_services.quote_approve(quote=quote, user=None)
    if status == QuoteStatus.REJECTED:
        quote_services.quote_reject(quote=quote, user=None, reason="Too dear")
    if status == QuoteStatus.EXPIRED:
        quote.expire()
        quote.save()
    return Quote.objects.get(pk=quote.pk)


# -- numbering and price ---------------------------------------------------------------------


def test_quotes_are_numbered_quo_yymm_from_0001(company):
    """The first quote of the month is QUO-YYMM-0001, the next 0002."""
    period = number_period()
    assert QuoteFactory().number == f"QUO-{period}-0001"
    assert QuoteFactory().number == f"QUO-{period}-0002"


def test_totals_match_the_hand_worked_figures(taxed):
    """$250 less 10 % ($25), plus 20 % rush on $225 ($45), plus 8.25 % tax on $270 ($22.28)."""
    quote = _priced_quote()
    assert quote.tax_rate_percent == Decimal("8.25")
    assert (
        quote.subtotal,
        quote.discount_amount,
        quote.rush_surcharge_amount,
        quote.tax_amount,
        quote.total,
    ) == (
        Decimal("250.00"),
        Decimal("25.00"),
        Decimal("45.00"),
        Decimal("22.28"),
        Decimal("292.28"),
    )


def test_empty_discount_takes_the_customers_discount(company):
    """A quote saved with no discount gets the customer's pricing-tier discount."""
    quote = QuoteFactory(customer=CustomerFactory(discount_percent=Decimal("15")))
    assert quote.discount_percent == Decimal("15")


def test_tax_exempt_customer_pays_no_tax(taxed):
    """A tax-exempt customer's quote carries a 0 % rate and $0 tax."""
    quote = _priced_quote(customer=CustomerFactory(tax_exempt=True))
    assert (quote.tax_rate_percent, quote.tax_amount, quote.total) == (
        Decimal("0"),
        Decimal("0.00"),
        Decimal("270.00"),
    )


def test_prospect_quote_is_taxed(taxed):
    """A quote to a prospect is taxed at the shop's rate, and has no discount by default."""
    quote = _priced_quote(customer=None, prospect_name="Dana Reyes", discount_percent=None)
    assert quote.tax_rate_percent == Decimal("8.25")
    # $250 + 20 % rush = $300; 8.25 % of $300 = $24.75.
    assert (quote.discount_amount, quote.tax_amount, quote.total) == (
        Decimal("0.00"),
        Decimal("24.75"),
        Decimal("324.75"),
    )


def test_a_new_customer_brings_their_tax_status(taxed, office_user):
    """Changing the quote's customer to a tax-exempt one drops the tax on save."""
    quote = _priced_quote()
    quote.customer = CustomerFactory(tax_exempt=True)
    quote_services.quote_update(quote=quote, user=office_user)
    quote.refresh_from_db()
    assert (quote.tax_rate_percent, quote.total) == (Decimal("0"), Decimal("270.00"))


def test_an_edit_keeps_the_status_someone_else_set(company, office_user):
    """A form loaded as Draft, saved after the quote was sent, leaves it Sent."""
    quote = _at(QuoteStatus.DRAFT)
    stale = Quote.objects.get(pk=quote.pk)
    sent = Quote.objects.get(pk=quote.pk)
    sent.send()
    sent.save()
    stale.notes = "Price includes masking."
    quote_services.quote_update(quote=stale, user=office_user)
    stale.refresh_from_db()
    assert (stale.status, stale.notes) == (QuoteStatus.SENT, "Price includes masking.")


def test_price_edits_are_refused_outside_draft(company, office_user):
    """A Sent quote's discount cannot change until it is revised."""
    quote = _at(QuoteStatus.SENT)
    quote.discount_percent = Decimal("30")
    with pytest.raises(ValidationError, match="revise it back to Draft"):
        quote_services.quote_update(quote=quote, user=office_user)


# -- sending ---------------------------------------------------------------------------------


def test_send_emails_the_pdf_and_marks_the_quote_sent(
    taxed, office_user, django_capture_on_commit_callbacks
):
    """Draft → Sent; one email to the customer with the PDF attached, logged as sent."""
    quote = _priced_quote(customer=CustomerFactory(email="buyer@ridge.example"))
    with django_capture_on_commit_callbacks(execute=True):
        quote_services.quote_send(quote=quote, user=office_user)
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.SENT
    [message] = mail.outbox
    assert message.to == ["buyer@ridge.example"]
    assert message.subject == f"Quote {quote.number} from Smith & Sons Coating"
    assert "$292.28" in message.body
    assert "&amp;" not in message.body
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (f"{quote.number}.pdf", "application/pdf")
    assert quote.number in PdfReader(io.BytesIO(content)).pages[0].extract_text()
    log = EmailLog.objects.get()
    assert (log.quote, log.outcome, log.sent_by) == (quote, EmailOutcome.SENT, office_user)


def test_mail_server_failure_leaves_the_quote_sent_and_logs_why(
    company, office_user, monkeypatch, django_capture_on_commit_callbacks
):
    """An SMTP error is logged as failed with its reason; the quote still says Sent."""

    def refuse(self, fail_silently=False):
        raise smtplib.SMTPException("relay access denied")

    monkeypatch.setattr(EmailMessage, "send", refuse)
    quote = _at(QuoteStatus.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        quote_services.quote_send(quote=quote, user=office_user)
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.SENT
    log = EmailLog.objects.get(quote=quote)
    assert log.outcome == EmailOutcome.FAILED
    assert "relay access denied" in log.error


def test_a_sent_quote_can_be_sent_again(company, office_user, django_capture_on_commit_callbacks):
    """Sending a Sent quote mails it again without a status change."""
    quote = _at(QuoteStatus.SENT)
    with django_capture_on_commit_callbacks(execute=True):
        quote_services.quote_send(quote=quote, user=office_user)
    assert len(mail.outbox) == 1
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.SENT


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: _at(QuoteStatus.APPROVED), "only a Draft or Sent quote can be sent"),
        (lambda: QuoteFactory(), "has no line items yet"),
        (
            lambda: _at(
                QuoteStatus.DRAFT, customer=None, prospect_name="Walk-in", prospect_email=""
            ),
            "no email address",
        ),
        (
            lambda: _at(QuoteStatus.DRAFT, quote_date=_days(-40), valid_until=_days(-1)),
            "set a new valid-until date",
        ),
    ],
    ids=["approved", "no-items", "no-address", "past-validity"],
)
def test_send_is_refused_in_words(
    company, office_user, django_capture_on_commit_callbacks, make, message
):
    """Nothing is sent, nothing logged and the status stays when sending makes no sense."""
    quote = make()
    before = quote.status
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError) as error:
        quote_services.quote_send(quote=quote, user=office_user)
    assert message in " ".join(error.value.messages)
    assert mail.outbox == []
    assert not EmailLog.objects.exists()
    assert Quote.objects.get(pk=quote.pk).status == before


# -- status moves ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "move", "kwargs", "end"),
    [
        (QuoteStatus.DRAFT, "quote_approve", {}, QuoteStatus.APPROVED),
        (QuoteStatus.SENT, "quote_approve", {}, QuoteStatus.APPROVED),
        (QuoteStatus.SENT, "quote_reject", {"reason": "Went elsewhere"}, QuoteStatus.REJECTED),
        (QuoteStatus.SENT, "quote_revise", {}, QuoteStatus.DRAFT),
        (QuoteStatus.REJECTED, "quote_revise", {}, QuoteStatus.DRAFT),
        (QuoteStatus.EXPIRED, "quote_revise", {}, QuoteStatus.DRAFT),
    ],
)
def test_allowed_moves(company, office_user, start, move, kwargs, end):
    """Approve and reject from Draft or Sent; revise from Sent, Rejected or Expired."""
    quote = _at(start)
    getattr(quote_services, move)(quote=quote, user=office_user, **kwargs)
    assert Quote.objects.get(pk=quote.pk).status == end


@pytest.mark.parametrize(
    ("start", "move", "kwargs", "message"),
    [
        (QuoteStatus.REJECTED, "quote_approve", {}, "is Rejected; it cannot be approved now"),
        (QuoteStatus.APPROVED, "quote_reject", {"reason": "x"}, "cannot be rejected now"),
        (QuoteStatus.DRAFT, "quote_revise", {}, "is Draft; it cannot be revised now"),
        (QuoteStatus.APPROVED, "quote_revise", {}, "is Approved; it cannot be revised now"),
        (QuoteStatus.SENT, "quote_reject", {"reason": "  "}, "Say why"),
    ],
)
def test_refused_moves_say_why(company, office_user, start, move, kwargs, message):
    """A move the status does not allow is refused in words and changes nothing."""
    quote = _at(start)
    with pytest.raises(ValidationError) as error:
        getattr(quote_services, move)(quote=quote, user=office_user, **kwargs)
    assert message in " ".join(error.value.messages)
    assert Quote.objects.get(pk=quote.pk).status == start


def test_rejection_reason_is_kept_in_the_history(company, office_user):
    """The reason and the person are on the quote's history row."""
    quote = _at(QuoteStatus.SENT)
    quote_services.quote_reject(quote=quote, user=office_user, reason="Price too high")
    latest = quote.history.first()
    assert (latest.status, latest.history_user, latest.history_change_reason) == (
        QuoteStatus.REJECTED,
        office_user,
        "Rejected: Price too high",
    )


def test_expiry_touches_only_open_quotes_past_their_date(company):
    """Draft and Sent quotes past valid-until expire; answered or still-valid ones do not."""
    past = {"quote_date": _days(-40), "valid_until": _days(-1)}
    draft_past = _at(QuoteStatus.DRAFT, **past)
    sent_past = _at(QuoteStatus.SENT, **past)
    approved_past = _at(QuoteStatus.APPROVED, **past)
    rejected_past = _at(QuoteStatus.REJECTED, **past)
    valid_today = _at(QuoteStatus.SENT, quote_date=_days(-30), valid_until=_days(0))
    out = io.StringIO()
    call_command("expire_quotes", stdout=out)
    assert out.getvalue().strip() == "2 quotes expired."
    status = dict(Quote.objects.values_list("pk", "status"))
    assert status == {
        draft_past.pk: QuoteStatus.EXPIRED,
        sent_past.pk: QuoteStatus.EXPIRED,
        approved_past.pk: QuoteStatus.APPROVED,
        rejected_past.pk: QuoteStatus.REJECTED,
        valid_today.pk: QuoteStatus.SENT,
    }
    assert quote_services.quote_expire_overdue() == 0


# -- conversion to a job ---------------------------------------------------------------------


def test_convert_copies_everything_and_links_both_ways(taxed, office_user):
    """Items, coats, prep, photo flag, discount, rush fee and instructions; job at Approved."""
    quote = _priced_quote(special_instructions="Mask the bearing seats.")
    wheel = quote.items.get(description="Wheel")
    LineItemCoatFactory(item=wheel, powder=PowderFactory(name="Gloss Black"), position=1)
    LineItemCoatFactory(item=wheel, powder=PowderFactory(name="Super Clear"), position=2)
    LineItemPrepFactory(item=wheel, prep_service=PrepServiceFactory(name="Media blasting"))
    wheel.kind, wheel.photo_estimated = ItemKind.PHOTO_QUOTE, True
    wheel.save()
    quote_services.quote_approve(quote=quote, user=office_user)

    job = quote_services.quote_convert_to_job(quote=quote, user=office_user)

    job.refresh_from_db()
    quote.refresh_from_db()
    assert (quote.status, quote.job, job.source_quote) == (QuoteStatus.CONVERTED, job, quote)
    assert (job.status, job.customer, job.description) == (
        JobStatus.APPROVED,
        quote.customer,
        quote.description,
    )
    assert job.special_instructions == "Mask the bearing seats."
    # The quote's 20 % rush fee, not the shop's current 25 %.
    assert (job.priority, job.discount_percent, job.rush_surcharge_percent) == (
        Priority.RUSH,
        Decimal("10"),
        Decimal("20"),
    )
    assert (job.subtotal, job.total_price) == (Decimal("250.00"), Decimal("270.00"))
    copied = job.items.get(description="Wheel")
    assert [c.powder.name for c in copied.coats.order_by("position")] == [
        "Gloss Black",
        "Super Clear",
    ]
    assert [p.prep_service.name for p in copied.prep_lines.all()] == ["Media blasting"]
    assert (copied.kind, copied.photo_estimated, copied.quote) == (
        ItemKind.PHOTO_QUOTE,
        True,
        None,
    )
    assert sorted(job.items.values_list("description", flat=True)) == ["Frame", "Wheel"]
    assert quote.items.count() == 2  # the quote keeps its own items
    change = job.status_changes.get(to_status=JobStatus.APPROVED)
    assert (change.note, change.user) == (f"From quote {quote.number}", office_user)


def test_converting_twice_is_refused(company, office_user):
    """The second conversion names the job the quote already became."""
    quote = _at(QuoteStatus.APPROVED)
    stale = Quote.objects.get(pk=quote.pk)  # as a page loaded before the first click saw it
    job = quote_services.quote_convert_to_job(quote=quote, user=office_user)
    with pytest.raises(ValidationError, match=f"already became {job.number}"):
        quote_services.quote_convert_to_job(quote=stale, user=office_user)
    assert Job.objects.count() == 1


def test_only_an_approved_quote_can_become_a_job(company, office_user):
    """A Draft is refused in words and no job appears."""
    quote = _at(QuoteStatus.DRAFT)
    with pytest.raises(ValidationError) as error:
        quote_services.quote_convert_to_job(quote=quote, user=office_user)
    assert error.value.messages == [
        f"{quote.number} is Draft; only an Approved quote can become a job."
    ]
    assert not Job.objects.exists()


def test_a_prospect_must_become_a_customer_first(company, office_user):
    """Converting a prospect's quote without making the customer is refused, creating nothing."""
    quote = _at(QuoteStatus.APPROVED, customer=None, prospect_name="Dana Reyes")
    with pytest.raises(ValidationError, match="make them a customer first"):
        quote_services.quote_convert_to_job(quote=quote, user=office_user)
    assert not Job.objects.exists()


def test_make_customer_and_convert_is_one_transaction(company, office_user, monkeypatch):
    """A failure after the customer was made leaves no customer, no job, the quote as it was."""
    quote = _at(QuoteStatus.APPROVED, customer=None, prospect_name="Dana Reyes")

    def broken_copy(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(quote_services, "line_items_copy", broken_copy)
    with pytest.raises(RuntimeError):
        quote_services.quote_convert_to_job(quote=quote, user=office_user, make_customer=True)
    quote.refresh_from_db()
    assert (quote.customer_id, quote.status) == (None, QuoteStatus.APPROVED)
    assert not Job.objects.exists()
    assert not Customer.objects.filter(contact_name="Dana Reyes").exists()


def test_a_failure_half_way_leaves_neither_job_nor_converted_quote(
    company, office_user, monkeypatch
):
    """If copying the items fails, the job is rolled back and the quote stays Approved."""
    quote = _at(QuoteStatus.APPROVED)
    jobs_before = Job.objects.count()

    def broken_copy(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(quote_services, "line_items_copy", broken_copy)
    with pytest.raises(RuntimeError):
        quote_services.quote_convert_to_job(quote=quote, user=office_user)
    assert Job.objects.count() == jobs_before
    quote.refresh_from_db()
    assert (quote.status, quote.job) == (QuoteStatus.APPROVED, None)


# -- prospects -------------------------------------------------------------------------------


def test_prospect_with_a_company_becomes_a_commercial_customer(taxed, office_user):
    """The customer gets the prospect's details, and the quote is put in their name."""
    quote = _priced_quote(
        customer=None,
        prospect_name="Dana Reyes",
        prospect_company="Reyes Fabrication",
        prospect_email="dana@reyes.example",
        prospect_phone="555-0142",
    )
    customer = quote_services.quote_prospect_to_customer(quote=quote, user=office_user)
    assert (
        customer.customer_type,
        customer.company_name,
        customer.contact_name,
        customer.email,
        customer.phone,
    ) == (
        CustomerType.COMMERCIAL,
        "Reyes Fabrication",
        "Dana Reyes",
        "dana@reyes.example",
        "555-0142",
    )
    quote.refresh_from_db()
    assert quote.customer == customer
    assert quote.tax_rate_percent == Decimal("8.25")


def test_prospect_without_a_company_becomes_a_retail_customer(company, office_user):
    """No company name: a Retail customer under the person's name."""
    quote = _at(QuoteStatus.SENT, customer=None, prospect_name="Sam Lee")
    customer = quote_services.quote_prospect_to_customer(quote=quote, user=office_user)
    assert (customer.customer_type, customer.display_name) == (CustomerType.RETAIL, "Sam Lee")


def test_prospect_with_a_known_email_reuses_that_customer(taxed, office_user):
    """Same email (any case): no second customer; the quote takes their tax exemption."""
    known = CustomerFactory(email="Buyer@Known.example", tax_exempt=True)
    quote = _priced_quote(
        customer=None, prospect_name="Buyer", prospect_email="buyer@known.example"
    )
    assert quote.tax_amount > 0
    customers_before = Customer.objects.count()
    assert quote_services.quote_prospect_to_customer(quote=quote, user=office_user) == known
    assert Customer.objects.count() == customers_before
    quote.refresh_from_db()
    assert (quote.customer, quote.tax_rate_percent, quote.tax_amount) == (
        known,
        Decimal("0"),
        Decimal("0.00"),
    )
