"""Named job reads in powdercoat/querysets.py that the tests of the pages do not pin alone."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from admin_views.views.shop_common import MOST_PRESSING_FIRST
from powdercoat.models import Job
from powdercoat.models.choices import JobStatus, Priority
from tests.factories import job_at

pytestmark = pytest.mark.django_db


def _numbers(jobs) -> list[str]:
    return [job.number for job in jobs]


def test_slice_of_each_reads_one_slice_per_stage_in_one_query():
    """Each stage's own slice, by the given order; stages not asked for are left out."""
    coating = [job_at(JobStatus.COATING) for _ in range(5)]
    curing = [job_at(JobStatus.CURING) for _ in range(3)]
    job_at(JobStatus.MASKING)
    slices = {JobStatus.COATING: (2, 4), JobStatus.CURING: (0, 2)}
    with CaptureQueriesContext(connection) as queries:
        shown = list(Job.objects.all().slice_of_each("status", MOST_PRESSING_FIRST, slices))
    assert len(queries) == 1
    by_number = sorted(_numbers(shown))
    assert by_number == sorted(_numbers(coating[2:4]) + _numbers(curing[:2]))


def test_slice_of_each_follows_the_order_inside_each_stage():
    """Rush before Normal before Low: the first slice of a stage is its most pressing jobs."""
    low = job_at(JobStatus.COATING, priority=Priority.LOW)
    normal = job_at(JobStatus.COATING, priority=Priority.NORMAL)
    rush = job_at(JobStatus.COATING, priority=Priority.RUSH)
    first = Job.objects.slice_of_each("status", MOST_PRESSING_FIRST, {JobStatus.COATING: (0, 2)})
    second = Job.objects.slice_of_each("status", MOST_PRESSING_FIRST, {JobStatus.COATING: (2, 4)})
    assert _numbers(first) == [rush.number, normal.number]
    assert _numbers(second) == [low.number]


def test_slice_of_each_with_nothing_to_show_reads_nothing():
    """Empty slices (or none) give no jobs, without asking the database."""
    job_at(JobStatus.COATING)
    with CaptureQueriesContext(connection) as queries:
        assert list(Job.objects.slice_of_each("status", MOST_PRESSING_FIRST, {})) == []
        empty = {JobStatus.COATING: (3, 3)}
        assert list(Job.objects.slice_of_each("status", MOST_PRESSING_FIRST, empty)) == []
    assert len(queries) == 0
