"""Long lists: deep pages read their ids first; big unfiltered totals are estimated (PG)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from powdercoat.admin.jobs import JobAdmin
from powdercoat.admin.paging import LongListPaginator
from powdercoat.models import Job
from powdercoat.models.choices import JobStatus, Priority
from tests.factories import job_at

pytestmark = pytest.mark.django_db
LIST_URL = reverse("admin:powdercoat_job_changelist")


def _numbers(response) -> list[str]:
    return [job.number for job in response.context["cl"].result_list]


def test_pages_list_every_job_once_in_the_lists_order(company, office_client, monkeypatch):
    """Paged two at a time, pages 1-3 give the same jobs in the same order as one long page,
    and a deep page costs the same number of queries as the first."""
    jobs = [job_at(JobStatus.COATING, priority=Priority.values[n % 3]) for n in range(5)]
    whole = _numbers(office_client.get(LIST_URL, {"view": "all"}))
    assert sorted(whole) == sorted(job.number for job in jobs)
    monkeypatch.setattr(JobAdmin, "list_per_page", 2)
    pages, counts = [], []
    for page in (1, 2, 3):
        with CaptureQueriesContext(connection) as queries:
            response = office_client.get(LIST_URL, {"view": "all", "p": page})
        pages += _numbers(response)
        counts.append(len(queries))
        assert response.context["cl"].result_count == 5
    assert pages == whole
    assert counts[0] == counts[1] == counts[2]


def test_a_page_reads_the_ids_of_its_rows_before_the_rows(company):
    """The page's own query asks for 2 ids after skipping 2; the rows come by id."""
    for _ in range(5):
        job_at(JobStatus.COATING)
    paginator = LongListPaginator(Job.objects.order_by("number"), 2)
    with CaptureQueriesContext(connection) as queries:
        rows = list(paginator.page(2).object_list)
    assert [job.number for job in rows] == sorted(Job.objects.values_list("number", flat=True))[2:4]
    id_query = queries.captured_queries[-2]["sql"]
    assert "LIMIT 2 OFFSET 2" in id_query
    assert '"powdercoat_job"."description"' not in id_query


def test_a_filtered_list_is_counted_exactly(company):
    """An estimate is only for a whole table: a filtered list is counted."""
    for status in (JobStatus.COATING, JobStatus.COATING, JobStatus.PENDING):
        job_at(status)
    paginator = LongListPaginator(Job.objects.filter(status=JobStatus.COATING).order_by("pk"), 50)
    assert paginator.count == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_a_big_unfiltered_table_is_estimated_not_counted(company, monkeypatch):
    """Over the threshold, the total comes from pg_class without a COUNT over the table."""
    monkeypatch.setattr("powdercoat.admin.paging.ESTIMATE_FROM", 1)
    for _ in range(3):
        job_at(JobStatus.COATING)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE powdercoat_job")
    paginator = LongListPaginator(Job.objects.order_by("pk"), 50)
    with CaptureQueriesContext(connection) as queries:
        total = paginator.count
    assert total == 3
    assert len(queries.captured_queries) == 1
    assert "reltuples" in queries.captured_queries[0]["sql"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the estimate is PostgreSQL's")
def test_a_small_unfiltered_table_is_counted_exactly_in_one_query(company):
    """Under the threshold the same single query counts the rows: a fresh table's estimate
    (-1, never analysed) is never shown."""
    for _ in range(2):
        job_at(JobStatus.COATING)
    paginator = LongListPaginator(Job.objects.order_by("pk"), 50)
    with CaptureQueriesContext(connection) as queries:
        total = paginator.count
    assert total == 2
    assert len(queries.captured_queries) == 1
