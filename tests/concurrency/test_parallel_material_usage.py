"""Material logged by several people at once loses no update (PostgreSQL only; SPEC I4, J16)."""

from decimal import Decimal

import pytest

from powdercoat.models import CompanySettings, InventoryActivity, InventoryItem, Job
from powdercoat.models.choices import ActivityKind
from powdercoat.services.inventory import material_usage_log
from tests.concurrency.test_parallel_writers import WRITERS, _run_in_parallel
from tests.factories import JobFactory, PowderFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

START = Decimal("50")
EACH = Decimal("1.25")


class _LogUsage:
    """Each writer loads the job and powder (stock 50) before the start signal, then logs."""

    def __init__(self, job_pk: int, powder_pk: int):
        self.job_pk, self.powder_pk = job_pk, powder_pk

    def prepare(self, _index):
        return Job.objects.get(pk=self.job_pk), InventoryItem.objects.get(pk=self.powder_pk)

    def __call__(self, index, prepared):
        job, powder = prepared
        return material_usage_log(
            job=job, item=powder, lbs=EACH, user=None, note=f"writer {index}"
        ).pk


def test_parallel_usage_logs_all_count_with_running_balances():
    """8 connections log 1.25 lb each at once: 50 → 40.00, 8 rows, balances step down by 1.25."""
    CompanySettings.load()
    job = JobFactory()
    powder = PowderFactory(opening_stock=START)

    results, errors = _run_in_parallel(_LogUsage(job.pk, powder.pk), WRITERS)

    assert errors == []
    assert len(set(results)) == WRITERS
    assert InventoryItem.objects.get(pk=powder.pk).quantity_on_hand == START - Decimal("10.00")
    rows = list(
        InventoryActivity.objects.filter(item=powder, kind=ActivityKind.USAGE).order_by("id")
    )
    assert len(rows) == WRITERS
    assert all((row.job_id, row.quantity) == (job.pk, -EACH) for row in rows)
    # Row by row in the order they were written, each balance is 1.25 below the one before.
    expected = [START - EACH * n for n in range(1, WRITERS + 1)]
    assert [row.balance_after for row in rows] == expected
    assert expected[-1] == Decimal("40.00")
