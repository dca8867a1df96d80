"""Creating and pricing quotes, their status moves, the PDF and email, and turning them into jobs.

Every status function checks the move is allowed from where the quote is, calls the model's
transition and saves, in one transaction; a quote changed by someone else since it was loaded is
refused (ConcurrentTransitionMixin) rather than moved twice. Turning an approved quote into a job
happens in one transaction too: either the job exists with its items and the quote says
Converted, or neither happened (SPEC Q).
"""

import logging
from collections.abc import Callable
from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from powdercoat.documents.pdf import render_pdf
from powdercoat.documents.status_link import printed_status_link
from powdercoat.formatting import number_text
from powdercoat.models import (
    CompanySettings,
    Customer,
    Job,
    LineItem,
    LineItemCoat,
    LineItemPrep,
    Quote,
    StatusChange,
)
from powdercoat.models.base import history_by, transition_words
from powdercoat.models.choices import (
    OPEN_QUOTE_STATUSES,
    CustomerType,
    JobStatus,
    Priority,
    QuoteStatus,
)
from powdercoat.services.items import line_items_copy
from powdercoat.services.jobs import job_create, job_set_status
from powdercoat.services.notifications import Attachment, email_after_commit
from powdercoat.services.numbering import number_next
from powdercoat.services.prices import quote_totals_apply

logger = logging.getLogger(__name__)

QUOTE_NUMBER_PREFIX = "QUO"

# simple-history keeps a short reason with each change; longer notes are cut to fit.
_REASON_LENGTH = 100


def _label(quote: Quote) -> str:
    return str(QuoteStatus(quote.status).label)


# -- details and price -----------------------------------------------------------------------


def _tax_rate_for(customer: Customer | None) -> Decimal:
    """The shop's tax rate, or 0 for a tax-exempt customer (a prospect is taxed)."""
    if customer is not None and customer.tax_exempt:
        return Decimal("0")
    return CompanySettings.load().tax_rate


def _default_discount(quote: Quote) -> None:
    """An empty discount takes the customer's pricing-tier discount (a prospect gets none)."""
    if quote.discount_percent is None:
        quote.discount_percent = (
            quote.customer.discount_percent if quote.customer_id else Decimal("0")
        )
    if quote.rush_surcharge_percent is None:
        quote.rush_surcharge_percent = Decimal("0")


@transaction.atomic
def quote_create(*, quote: Quote, user: User | None) -> Quote:
    """Number and save a new quote (it starts as a Draft).

    The tax rate is the shop's current rate, or 0 for a tax-exempt customer; an empty discount
    takes the customer's pricing-tier discount.
    """
    if quote.pk:
        raise ValueError("quote_create() takes a quote that has not been saved yet.")
    if quote.customer_id is None and not (quote.prospect_name or "").strip():
        raise ValidationError("Pick a customer, or fill in the prospect's name.")
    _default_discount(quote)
    quote.tax_rate_percent = _tax_rate_for(quote.customer)
    quote.number = number_next(prefix=QUOTE_NUMBER_PREFIX)
    quote.created_by = user
    quote_totals_apply(quote)
    history_by(quote, user)
    quote.save()
    return quote


@transaction.atomic
def quote_update(*, quote: Quote, user: User | None) -> Quote:
    """Save edits to a quote's details; its status is left exactly as it is in the database.

    The row is locked and the status reloaded first, so a form opened before someone sent the
    quote neither fails nor puts the old status back. Outside Draft the customer, discount and
    rush fee are refused: the customer has seen that price. A new customer brings their tax rate.
    """
    current = (
        Quote.objects.select_for_update()
        .only("customer_id", "discount_percent", "rush_surcharge_percent", "status")
        .get(pk=quote.pk)
    )
    quote.refresh_from_db(fields=["status", "job", "number", "created_by"])
    _default_discount(quote)
    price_changed = (
        quote.customer_id != current.customer_id
        or quote.discount_percent != current.discount_percent
        or quote.rush_surcharge_percent != current.rush_surcharge_percent
    )
    if price_changed and quote.status != QuoteStatus.DRAFT:
        raise ValidationError(
            f"{quote.number} is {_label(quote)}; revise it back to Draft to change its "
            "customer, discount or rush fee."
        )
    if quote.customer_id != current.customer_id:
        quote.tax_rate_percent = _tax_rate_for(quote.customer)
    quote_totals_apply(quote)
    history_by(quote, user)
    quote.save()
    return quote


# -- the PDF and the email (SPEC Q4, D4) --------------------------------------------------------


def quote_lines(quote: Quote) -> QuerySet[LineItem]:
    """The quote's items with their coats, powders and prep lines, in order (three queries)."""
    return (
        quote.items.prefetch_related(
            Prefetch("coats", queryset=LineItemCoat.objects.select_related("powder")),
            Prefetch("prep_lines", queryset=LineItemPrep.objects.select_related("prep_service")),
        )
        .select_related("catalog_product")
        .order_by("position", "id")
    )


def quote_is_tax_exempt(quote: Quote) -> bool:
    """The quote carries no tax because its customer is tax exempt (not merely a 0% shop)."""
    return bool(
        quote.customer is not None and quote.customer.tax_exempt and not quote.tax_rate_percent
    )


def quote_pdf_filename(quote: Quote) -> str:
    """The name the quote's PDF is saved and attached under: QUO-2511-0001.pdf."""
    return f"{quote.number}.pdf"


def quote_pdf(*, quote: Quote) -> bytes:
    """The quote as a PDF on the shop's letterhead; once it became a job, with the job's
    status link for the customer (a quote not yet accepted has no job to follow)."""
    job = Job.objects.filter(pk=quote.job_id).first() if quote.job_id else None
    return render_pdf(
        "powdercoat/documents/quote.html",
        {
            "quote": quote,
            "customer": quote.customer if quote.customer_id else None,
            "items": list(quote_lines(quote)),
            "tax_exempt": quote_is_tax_exempt(quote),
            "rates": {
                "discount": number_text(quote.discount_percent),
                "rush": number_text(quote.rush_surcharge_percent),
                "tax": number_text(quote.tax_rate_percent),
            },
            "status_link": printed_status_link(job) if job is not None else None,
        },
        document=f"quote {quote.number}",
    )


def _check_sendable(quote: Quote) -> None:
    if not quote.items.exists():
        raise ValidationError(
            f"{quote.number} has no line items yet; add at least one before sending it."
        )
    if quote.valid_until < timezone.localdate():
        raise ValidationError(
            f"{quote.number} was valid until {formats.date_format(quote.valid_until)}; set a "
            "new valid-until date before sending it."
        )


def _greeting_name(quote: Quote) -> str:
    """Whom the email says hello to: the contact person where there is one."""
    if quote.customer is not None:
        return quote.customer.contact_name or quote.customer.display_name
    return quote.prospect_name or quote.prospect_company


@transaction.atomic
def quote_send(*, quote: Quote, user: User | None) -> Quote:
    """Email the quote's PDF to the customer or prospect; a Draft becomes Sent.

    A quote already Sent can be sent again (say, to a corrected address); its status stays.
    The email leaves once the change is committed and is written to the quote's email log,
    with the reason if the mail server refused it (the quote stays Sent either way).
    """
    if quote.status in (QuoteStatus.DRAFT, QuoteStatus.SENT):
        _check_sendable(quote)  # first, so an empty Draft is told what it lacks
    if quote.status != QuoteStatus.SENT and not can_proceed(quote.send):
        raise ValidationError(
            f"{quote.number} is {_label(quote)}; only a Draft or Sent quote can be sent."
        )
    company = CompanySettings.load()
    body = render_to_string(
        "powdercoat/emails/quote.txt",
        {"quote": quote, "company": company, "greeting": _greeting_name(quote)},
    )
    email_after_commit(
        to=quote.recipient_email,
        subject=f"Quote {quote.number} from {company.name}",
        body=body,
        user=user,
        attachment=Attachment(quote_pdf_filename(quote), quote_pdf(quote=quote)),
        quote=quote,
    )
    if quote.status == QuoteStatus.DRAFT:
        quote.send()
        _save_move(
            quote,
            from_status=QuoteStatus.DRAFT,
            user=user,
            reason=f"Sent to {quote.recipient_email}",
        )
    return quote


# -- status moves ----------------------------------------------------------------------------


def _check_move(quote: Quote, transition: Callable[..., object]) -> None:
    """Refuse, in words, a move the quote's status does not allow."""
    if not can_proceed(transition):
        verb = transition_words(Quote, transition.__name__)["verb"]
        raise ValidationError(f"{quote.number} is {_label(quote)}; it cannot be {verb} now.")


def _save_move(quote: Quote, *, from_status: str, user: User | None, reason: str = "") -> None:
    """Save the quote's new status with who moved it and why, and log the move."""
    reason = " ".join(reason.split())
    if len(reason) > _REASON_LENGTH:
        reason = reason[: _REASON_LENGTH - 1] + "…"
    history_by(quote, user, reason=reason or None)
    fields = ["status", "updated_at"]
    if quote.job_id:
        fields.append("job")
    try:
        # A savepoint of its own, so the transaction is still usable to explain a refusal.
        with transaction.atomic():
            quote.save(update_fields=fields)
    except ConcurrentTransition:
        now = Quote.objects.filter(pk=quote.pk).values_list("status", flat=True).get()
        raise ValidationError(
            f"{quote.number} was changed to {QuoteStatus(now).label} by someone else a moment "
            "ago. Nothing was changed; look at it again."
        ) from None
    logger.info(
        "Quote %s moved from %s to %s by %s.",
        quote.number,
        from_status,
        quote.status,
        user.get_username() if user is not None else "the system",
    )


@transaction.atomic
def quote_approve(*, quote: Quote, user: User | None, note: str = "") -> Quote:
    """The customer accepted the quote (from Draft or Sent)."""
    if quote.status in OPEN_QUOTE_STATUSES and not quote.has_items():
        raise ValidationError(f"{quote.number} has no line items; there is nothing to approve.")
    _check_move(quote, quote.approve)
    from_status = quote.status
    quote.approve()
    _save_move(quote, from_status=from_status, user=user, reason=note or "Approved")
    return quote


@transaction.atomic
def quote_reject(*, quote: Quote, user: User | None, reason: str) -> Quote:
    """The customer turned the quote down; the reason is kept in the quote's history."""
    if not reason.strip():
        raise ValidationError("Say why the quote was turned down.")
    _check_move(quote, quote.reject)
    from_status = quote.status
    quote.reject()
    _save_move(quote, from_status=from_status, user=user, reason=f"Rejected: {reason.strip()}")
    return quote


@transaction.atomic
def quote_revise(*, quote: Quote, user: User | None, note: str = "") -> Quote:
    """Back to Draft (from Sent, Rejected or Expired) so the quote can be changed and resent."""
    _check_move(quote, quote.revise)
    from_status = quote.status
    quote.revise()
    _save_move(quote, from_status=from_status, user=user, reason=note or "Revised")
    return quote


@transaction.atomic
def quote_expire_overdue() -> int:
    """Expire every open quote whose valid-until date has passed; return how many.

    Run daily by the `expire_quotes` command and each time the quotes list opens.
    """
    expired = 0
    for quote in Quote.objects.past_validity().select_for_update().order_by("pk"):
        from_status = quote.status
        quote.expire()
        try:
            _save_move(quote, from_status=from_status, user=None, reason="Valid-until date passed")
        except ValidationError:
            continue  # someone answered it a moment ago; their move stands
        expired += 1
    return expired


# -- prospects and jobs ----------------------------------------------------------------------


@transaction.atomic
def quote_prospect_to_customer(*, quote: Quote, user: User | None) -> Customer:
    """Turn the quote's prospect into a customer and put the quote in their name.

    A customer with the same email address is reused rather than made twice. The quote takes
    the customer's tax status, and its price is worked out again.
    """
    quote = Quote.objects.select_for_update().get(pk=quote.pk)
    if quote.customer is not None:
        raise ValidationError(
            f"{quote.number} is already for the customer {quote.customer.display_name}."
        )
    email = quote.prospect_email.strip()
    customer = Customer.objects.filter(email__iexact=email).first() if email else None
    if customer is None:
        company_name = quote.prospect_company.strip()
        customer = Customer(
            customer_type=CustomerType.COMMERCIAL if company_name else CustomerType.RETAIL,
            company_name=company_name,
            contact_name=quote.prospect_name.strip(),
            email=email,
            phone=quote.prospect_phone.strip(),
        )
        customer.full_clean()
        history_by(customer, user)
        customer.save()
    quote.customer = customer
    quote.tax_rate_percent = _tax_rate_for(customer)
    quote_totals_apply(quote)
    history_by(quote, user, reason="Prospect became a customer")
    quote.save()
    return customer


@transaction.atomic
def quote_convert_to_job(*, quote: Quote, user: User | None, make_customer: bool = False) -> Job:
    """Make an approved quote into a job: items, coats, prep, discount and instructions copied.

    The job starts at Approved with the quote's rush fee (not the shop's current rate), the
    quote becomes Converted, and each links to the other. The quote row is locked, so pressing
    Convert twice, or two people at once, makes one job. A prospect's quote is refused unless
    `make_customer`: then the prospect becomes a customer first, in the same transaction.
    """
    # Lock the quote row only: PostgreSQL refuses FOR UPDATE on the nullable side of a join.
    # The job is not joined in: after waiting for the lock, the joined row would come from
    # the snapshot taken before the other person's job existed. A fresh query sees it.
    locked = (
        Quote.objects.select_for_update(of=("self",)).select_related("customer").get(pk=quote.pk)
    )
    if locked.job_id:
        number = Job.objects.filter(pk=locked.job_id).values_list("number", flat=True).get()
        raise ValidationError(f"{locked.number} already became {number}.")
    if locked.status != QuoteStatus.APPROVED:
        raise ValidationError(
            f"{locked.number} is {_label(locked)}; only an Approved quote can become a job."
        )
    if locked.customer_id is None:
        if not make_customer:
            raise ValidationError(
                f"{locked.number} is for a prospect, {locked.recipient_name}; make them a "
                "customer first, then convert it."
            )
        quote_prospect_to_customer(quote=locked, user=user)
        locked = Quote.objects.select_related("customer").get(pk=locked.pk)
    customer = locked.customer
    if customer is None:  # not after the step above; it tells the type checker so
        raise ValidationError(f"{locked.number} has no customer.")
    if not customer.is_active:
        raise ValidationError(
            f"{customer.display_name} is marked inactive; make the customer active "
            "again before giving them a new job."
        )

    rush = locked.rush_surcharge_percent > 0
    job = job_create(
        job=Job(
            customer=customer,
            description=locked.description,
            special_instructions=locked.special_instructions,
            discount_percent=locked.discount_percent,
            priority=Priority.RUSH if rush else Priority.NORMAL,
        ),
        user=user,
    )
    if rush:
        # The customer agreed to the quote's rush fee, whatever the shop charges today.
        job.rush_surcharge_percent = locked.rush_surcharge_percent
        job.updated_by = user
        history_by(job, user)
        job.save(update_fields=["rush_surcharge_percent", "updated_by", "updated_at"])
    line_items_copy(items=quote_lines(locked), owner=job, user=user)

    # Approving the new job is part of the conversion, which the user may do; their role's
    # right to move jobs by hand is not what is being asked here.
    may_move = user is None or has_transition_perm(job.set_status, user)
    change = job_set_status(
        job=job,
        user=user if may_move else None,
        status=JobStatus.APPROVED,
        note=f"From quote {locked.number}",
    )
    if change.user_id is None and user is not None:
        StatusChange.objects.filter(pk=change.pk).update(user=user)

    locked.job = job
    locked.convert()
    _save_move(locked, from_status=QuoteStatus.APPROVED, user=user, reason=f"Became {job.number}")
    quote.refresh_from_db()
    return job
