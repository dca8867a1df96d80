"""Converting one quote from many connections at once makes exactly one job (PostgreSQL only)."""

import pytest
from django.core.exceptions import ValidationError

from powdercoat.models import CompanySettings, Job, Quote
from powdercoat.models.choices import QuoteStatus
from powdercoat.services.quotes import quote_approve, quote_convert_to_job
from tests.concurrency.test_parallel_writers import WRITERS, _run_in_parallel
from tests.factories import QuoteFactory, QuoteLineItemFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


class _Convert:
    """Each writer loads the approved quote before the start signal, then presses Convert."""

    def __init__(self, quote_pk: int):
        self.quote_pk = quote_pk

    def prepare(self, _index):
        return Quote.objects.get(pk=self.quote_pk)

    def __call__(self, _index, quote):
        try:
            return quote_convert_to_job(quote=quote, user=None).number
        except ValidationError as error:
            return " ".join(error.messages)


def test_parallel_conversions_make_one_job_and_refuse_the_rest():
    """8 simultaneous Convert presses: one job, 7 refusals naming it, the quote Converted."""
    CompanySettings.load()
    quote = QuoteFactory()
    QuoteLineItemFactory(quote=quote)
    quote_approve(quote=Quote.objects.get(pk=quote.pk), user=None)

    results, errors = _run_in_parallel(_Convert(quote.pk), WRITERS)
    assert errors == []
    assert Job.objects.count() == 1
    job = Job.objects.get()
    assert results.count(job.number) == 1
    refusals = [text for text in results if text != job.number]
    assert len(refusals) == WRITERS - 1
    assert all(job.number in text for text in refusals), refusals
    quote.refresh_from_db()
    assert (quote.status, quote.job) == (QuoteStatus.CONVERTED, job)
