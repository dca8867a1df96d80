"""Every shop-floor page runs the same number of SQL queries for 3 jobs or 40 (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from powdercoat.models.choices import JobStatus, Priority
from tests.factories import WorkerFactory
from tests.shop_floor import floor_job, powder

pytestmark = pytest.mark.django_db

STAGES = (JobStatus.APPROVED, JobStatus.SANDBLASTING, JobStatus.COATING, JobStatus.ON_HOLD)


def _add_jobs(count: int, *, start: int = 0) -> list:
    """Jobs at several stages and priorities, each with two items in two powders, two workers."""
    jobs = []
    for n in range(start, start + count):
        jobs.append(
            floor_job(
                STAGES[n % len(STAGES)],
                priority=Priority.values[n % len(Priority.values)],
                powders=[powder(f"Colour {n}a", "#102030"), powder(f"Colour {n}b")],
                workers=[WorkerFactory(), WorkerFactory()],
                items=2,
            )
        )
    return jobs


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(queries)


# What each page costs, counted once and pinned: a change here is a change to look at.
# Display: settings, jobs per stage, the header's counts, the first jobs of each stage,
# workers, items, coats with powders.
# Logged-in pages add the session, the user, and the user's permissions (two queries).
PAGES = {
    "display": (
        lambda company: (reverse("admin_views:shop_display"), {"key": company.display_key}),
        7,
    ),
    "display board": (
        lambda company: (reverse("admin_views:shop_display_board"), {"key": company.display_key}),
        7,
    ),
    "priority board": (lambda company: (reverse("admin_views:priority_board"), {}), 10),
    "one lane": (lambda company: (reverse("admin_views:priority_board"), {"lane": 2}), 10),
    # + prep stages for the next-stage buttons, + the worker chips.
    "phone view": (lambda company: (reverse("admin_views:shop_mobile"), {}), 12),
    "phone list": (lambda company: (reverse("admin_views:shop_mobile_list"), {}), 11),
    "phone stage": (
        lambda company: (reverse("admin_views:shop_mobile"), {"stage": JobStatus.COATING}),
        12,
    ),
}


@pytest.mark.parametrize("page", PAGES)
def test_page_queries_do_not_grow_with_jobs(office_client, company, page):
    """3 jobs and 40 jobs cost the same, pinned number of queries."""
    where, pinned = PAGES[page]
    url, params = where(company)
    _add_jobs(3)
    few = _queries(office_client, url, params)
    _add_jobs(37, start=3)
    assert _queries(office_client, url, params) == few == pinned


def test_worker_filter_costs_the_same(floor_client, company):
    """Filtering the phone view by a worker adds no queries per job."""
    worker = WorkerFactory()
    for _ in range(3):
        floor_job(workers=[worker])
    few = _queries(floor_client, reverse("admin_views:shop_mobile"), {"worker": worker.pk})
    for _ in range(12):
        floor_job(workers=[worker], items=3)
    assert _queries(floor_client, reverse("admin_views:shop_mobile"), {"worker": worker.pk}) == few


def test_bump_page_queries_do_not_grow_with_items(floor_client, company):
    """The bump page costs the same for a job with one item and one with eight, in two powders."""
    small = floor_job(items=1, powders=[powder("Black")])
    big = floor_job(items=8, powders=[powder("Red"), powder("Clear")])
    counts = [_queries(floor_client, f"/jobs/{job.number}/bump/") for job in (small, big)]
    # Login (4), settings, the job, its card (jobs, workers, items, coats, prep), the timeline.
    assert counts[0] == counts[1] == 12


def test_usage_page_queries_are_fixed(floor_client, company):
    """The usage form costs the same however many items are in stock."""
    job = floor_job()
    first = powder("Black")
    url = reverse("admin_views:material_usage")
    params = {"item": first.pk, "job": job.number}
    few = _queries(floor_client, url, params)
    for n in range(15):
        powder(f"Colour {n}")
    # Login (session, user, permissions x2), settings, the item check, the item list, the job.
    assert _queries(floor_client, url, params) == few == 8
