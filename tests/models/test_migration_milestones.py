"""Migration 0021 fills Job.finished_at and Job.ready_at from the timeline already recorded."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from powdercoat.models import Job
from tests.helpers import migrated_back_to

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("powdercoat", "0020_company_remit_to_and_payment_instructions")]
AFTER = [("powdercoat", "0022_job_milestone_indexes")]


def _at(day: int, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2025, 3, day, hour))


@pytest.fixture
def migrated_back_to_0020():
    """The database as it stood before 0021; brought back to the latest schema afterwards."""
    with migrated_back_to(BEFORE) as apps:
        yield apps


def test_existing_jobs_get_their_first_finishing_and_ready_moves(migrated_back_to_0020):
    """Four jobs with their timelines as 0020 left them: one never finished, one Completed
    only, one Ready then sent back and Ready again, one set straight to Delivered."""
    old = migrated_back_to_0020
    customer = old.get_model("powdercoat", "Customer").objects.create(company_name="Old Rail")
    OldJob = old.get_model("powdercoat", "Job")
    StatusChange = old.get_model("powdercoat", "StatusChange")

    def job(number: str, status: str, *moves: tuple[str, str, datetime.datetime]):
        made = OldJob.objects.create(
            number=number, customer=customer, description="Rails", status=status
        )
        for from_status, to_status, at in moves:
            StatusChange.objects.create(
                job=made,
                from_status=from_status,
                to_status=to_status,
                transition="set_status",
                created_at=at,
            )
        return made.pk

    in_coating = job("JOB-1", "coating", ("pending", "coating", _at(3, 8)))
    completed = job(
        "JOB-2",
        "completed",
        ("coating", "quality_check", _at(4, 8)),
        ("quality_check", "completed", _at(4, 15)),
    )
    sent_back = job(
        "JOB-3",
        "ready_for_pickup",
        ("quality_check", "completed", _at(5, 9)),
        ("completed", "ready_for_pickup", _at(5, 10)),
        ("ready_for_pickup", "coating", _at(6, 8)),
        ("coating", "ready_for_pickup", _at(7, 16)),
    )
    delivered = job("JOB-4", "delivered", ("coating", "delivered", _at(8, 11)))

    MigrationExecutor(connection).migrate(AFTER)

    milestones = dict(
        (pk, (finished, ready))
        for pk, finished, ready in Job.objects.values_list("pk", "finished_at", "ready_at")
    )
    assert milestones == {
        in_coating: (None, None),
        completed: (_at(4, 15), None),
        sent_back: (_at(5, 9), _at(5, 10)),
        delivered: (_at(8, 11), _at(8, 11)),
    }
