"""Item writes under real parallel connections: the job's price stays exact (PostgreSQL only)."""

from decimal import Decimal

import pytest

from powdercoat.drafts import CoatDraft, draft_new
from powdercoat.models import CompanySettings, Job, LineItem
from powdercoat.models.choices import ItemKind, JobStatus
from powdercoat.services.items import line_item_save
from tests.concurrency.test_parallel_writers import WRITERS, _run_in_parallel
from tests.factories import PowderFactory, job_at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_parallel_item_adds_keep_the_job_price_and_line_numbers_exact():
    """8 people adding a $10 x (n+1) flat-rate item at once: 8 lines, numbered 1-8, $360."""
    company = CompanySettings.load()
    powder = PowderFactory()
    job = job_at(JobStatus.APPROVED)

    def add_item(index, _prepared):
        draft = draft_new(kind=ItemKind.FLAT_RATE, company=company)
        draft.description = f"Writer {index}"
        draft.quantity = index + 1
        draft.flat_unit_price = Decimal("10.00")
        draft.coats = [CoatDraft(powder.pk, "base")]
        return line_item_save(owner=Job.objects.get(pk=job.pk), draft=draft, user=None).pk

    results, errors = _run_in_parallel(add_item, WRITERS)
    assert errors == []
    assert len(results) == WRITERS
    items = LineItem.objects.filter(job=job)
    assert sorted(items.values_list("position", flat=True)) == list(range(1, WRITERS + 1))
    job.refresh_from_db()
    expected = sum(Decimal("10.00") * (index + 1) for index in range(WRITERS))  # $360
    assert job.subtotal == expected == Decimal("360.00")
    assert job.total_price == expected
