"""Bringing a job's or a quote's price lines up to date with its items (SPEC J1, Q1, L).

The one home of the price refresh: the job, quote and item services all call it, so none of them
needs another (the item services used to reach back into the job and quote services for it).
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from powdercoat import pricing
from powdercoat.models import Job, JobTemplate, LineItem, Quote


def job_totals_apply(job: Job) -> None:
    """Set the job's subtotal, discount, rush surcharge and total from its items (no save)."""
    rows = LineItem.objects.filter(job=job).values_list("quantity", "unit_price") if job.pk else []
    try:
        totals = pricing.job_totals(
            items_total=pricing.lines_total(rows),
            discount_percent=job.discount_percent,
            rush_surcharge_percent=job.rush_surcharge_percent,
        )
    except pricing.PricingError as error:
        raise ValidationError(str(error)) from error
    job.subtotal = totals.subtotal
    job.discount_amount = totals.discount
    job.rush_surcharge_amount = totals.rush_surcharge
    job.total_price = totals.total


def quote_totals_apply(quote: Quote) -> None:
    """Set the quote's subtotal, discount, surcharge, tax and total from its items (no save)."""
    rows = (
        LineItem.objects.filter(quote=quote).values_list("quantity", "unit_price")
        if quote.pk
        else []
    )
    try:
        totals = pricing.document_totals(
            items_total=pricing.lines_total(rows),
            discount_percent=quote.discount_percent,
            rush_surcharge_percent=quote.rush_surcharge_percent,
            tax_rate_percent=quote.tax_rate_percent,
        )
    except pricing.PricingError as error:
        raise ValidationError(str(error)) from error
    quote.subtotal = totals.subtotal
    quote.discount_amount = totals.discount
    quote.rush_surcharge_amount = totals.rush_surcharge
    quote.tax_amount = totals.tax
    quote.total = totals.total


@transaction.atomic
def job_refresh_price(*, job: Job) -> Job:
    """Recompute and store the job's price lines (after its items were added or changed)."""
    job_totals_apply(job)
    Job.objects.filter(pk=job.pk).update(
        subtotal=job.subtotal,
        discount_amount=job.discount_amount,
        rush_surcharge_amount=job.rush_surcharge_amount,
        total_price=job.total_price,
    )
    return job


@transaction.atomic
def quote_refresh_price(*, quote: Quote) -> Quote:
    """Recompute and store the quote's price lines (after its items were added or changed)."""
    quote_totals_apply(quote)
    Quote.objects.filter(pk=quote.pk).update(
        subtotal=quote.subtotal,
        discount_amount=quote.discount_amount,
        rush_surcharge_amount=quote.rush_surcharge_amount,
        tax_amount=quote.tax_amount,
        total=quote.total,
    )
    return quote


def price_refresh(owner: Job | Quote | JobTemplate) -> None:
    """Refresh the price of whichever record owns the items (templates carry no price)."""
    if isinstance(owner, Job):
        job_refresh_price(job=owner)
    elif isinstance(owner, Quote):
        quote_refresh_price(quote=owner)
