"""Numbering and status moves under real parallel connections (PostgreSQL only; SPEC J1, J3)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from powdercoat.models import CompanySettings, Job, StatusChange
from powdercoat.models.choices import JobStatus
from powdercoat.services.jobs import job_advance, job_create, job_set_status
from tests.factories import CustomerFactory, JobFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WRITERS = 8


def _run_in_parallel(target, count: int) -> tuple[list, list]:
    """Start `count` threads (each with its own database connection) at the same instant."""
    barrier = threading.Barrier(count)
    results, errors = [], []
    lock = threading.Lock()

    def run(index: int) -> None:
        try:
            prepared = target.prepare(index) if hasattr(target, "prepare") else None
            barrier.wait(timeout=20)
            outcome = target(index, prepared)
            with lock:
                results.append(outcome)
        except Exception as error:  # noqa: BLE001 - whatever a writer raises, the test asserts on
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    return results, errors


def test_parallel_job_creation_numbers_are_unique_and_consecutive():
    """8 connections creating 5 jobs each get 0001..0040 of one month, no gaps or repeats."""
    CompanySettings.load()
    customer = CustomerFactory()

    def create_five(index, _prepared):
        return [
            job_create(
                job=Job(customer_id=customer.pk, description=f"Writer {index} job {n}"), user=None
            ).number
            for n in range(5)
        ]

    results, errors = _run_in_parallel(create_five, WRITERS)
    assert errors == []
    numbers = [number for batch in results for number in batch]
    assert len(numbers) == len(set(numbers)) == 5 * WRITERS
    assert len({number.rsplit("-", 1)[0] for number in numbers}) == 1
    assert sorted(int(number.rsplit("-", 1)[1]) for number in numbers) == list(
        range(1, 5 * WRITERS + 1)
    )
    assert Job.objects.count() == 5 * WRITERS


class _AdvanceFromCoating:
    """Each writer loads the job (at Coating) before the start signal, then presses Advance."""

    def __init__(self, job_pk: int):
        self.job_pk = job_pk

    def prepare(self, _index):
        return Job.objects.get(pk=self.job_pk)

    def __call__(self, _index, job):
        return job_advance(job=job, user=None, note="pressed at the same moment").to_status


def test_simultaneous_advances_move_the_job_one_stage():
    """8 people press Advance on the same job at once: it moves Coating → Curing, once."""
    CompanySettings.load()
    job = JobFactory()
    job_set_status(job=job, user=None, status=JobStatus.COATING)

    results, errors = _run_in_parallel(_AdvanceFromCoating(job.pk), WRITERS)

    assert results == [JobStatus.CURING]
    assert len(errors) == WRITERS - 1
    assert all(isinstance(error, ValidationError) for error in errors)
    assert all("by someone else" in " ".join(error.messages) for error in errors)
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
    assert StatusChange.objects.filter(job=job, transition="advance").count() == 1
