"""Every shop-floor page runs the same number of SQL queries for 3 jobs or 40 (no N+1), and the
TV for 10 jobs or 150."""

import re

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from powdercoat import roles
from powdercoat.models import CompanySettings
from powdercoat.models.choices import JobStatus, Priority
from tests.factories import UserFactory, WorkerFactory
from tests.helpers import page_key
from tests.shop_floor import crowded_floor, floor_job, powder

pytestmark = pytest.mark.django_db
UNDO = reverse("admin_views:priority_undo")

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
# Display: settings, jobs per stage, the header's counts, the page's jobs of each stage,
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


@pytest.fixture(scope="class")
def page_costs(django_db_setup, django_db_blocker) -> dict[str, tuple[int, int]]:
    """Each page's queries with 3 jobs on the floor and then with 40, by page.

    The floor is built once for all the pages (40 jobs cost about 2 s to build on SQLite, more
    on PostgreSQL, and every page read the same floor anyway); each page still has an Office
    user and a session of its own, as when each page built its own floor. Everything is rolled
    back after the class.
    """
    fast = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=fast),
        transaction.atomic(),
    ):
        company = CompanySettings.load()
        if not Group.objects.filter(name=roles.OFFICE).exists():
            roles.sync_roles(django_apps)
        office = Group.objects.get(name=roles.OFFICE)
        visits = {}
        for number, page in enumerate(PAGES):
            user = UserFactory(username=f"office{number}", is_staff=True)
            user.groups.add(office)
            client = Client()
            client.force_login(user)
            visits[page] = (client, *PAGES[page][0](company))
        _add_jobs(3)
        few = {}
        for page, (client, url, params) in visits.items():
            client.get(url, params)  # the phone's first visit remembers the chip: a write
            few[page] = _queries(client, url, params)
        _add_jobs(37, start=3)
        costs = {page: (few[page], _queries(*visit)) for page, visit in visits.items()}
        transaction.set_rollback(True)
    return costs


class TestPagesOnAFloorThatGrows:
    """The shop-floor pages, each counted on one floor of 3 jobs that grows to 40."""

    @pytest.mark.parametrize("page", PAGES)
    def test_page_queries_do_not_grow_with_jobs(self, page_costs, page):
        """3 jobs and 40 jobs cost the same, pinned number of queries."""
        few, many = page_costs[page]
        assert many == few == PAGES[page][1]


def test_worker_filter_costs_the_same(floor_client, company):
    """Filtering the phone view by a worker adds no queries per job."""
    worker = WorkerFactory()
    for _ in range(3):
        floor_job(workers=[worker])
    floor_client.get(reverse("admin_views:shop_mobile"), {"worker": worker.pk})
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


def test_the_tv_costs_the_same_for_10_or_150_jobs_on_any_page(client, company):
    """The TV and each turn of its pages: settings, jobs per stage, the header's counts, the
    page's jobs, workers, items, coats with powders; whether 10 jobs or 150, page 1 or 7."""
    display = reverse("admin_views:shop_display")
    board = reverse("admin_views:shop_display_board")
    key = {"key": company.display_key}
    today = timezone.localdate()

    def costs() -> list[int]:
        return [_queries(client, display, key)] + [
            _queries(client, board, {**key, "page": page}) for page in (1, 2, 7)
        ]

    crowded_floor(10, stages=company.floor_stage_order, today=today)
    few = costs()
    crowded_floor(140, stages=company.floor_stage_order, today=today)
    many = costs()
    assert "Page <strong>7</strong> of 8" in client.get(board, {"page": 7}).content.decode()
    assert few == many == [7, 7, 7, 7]


def _posted_queries(client, url, data) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.post(url, data, headers={"HX-Request": "true"})
    assert response.status_code == 200
    return len(queries)


def test_board_move_and_undo_answers_do_not_grow_with_jobs(supervisor_user, company):
    """A Move and its Undo answer with the whole board: 3 jobs or 40, the same, pinned cost."""
    client = Client()
    client.force_login(supervisor_user)
    board = reverse("admin_views:priority_board")
    counts = []
    for start, count in ((0, 3), (3, 37)):
        _add_jobs(count, start=start)
        job = floor_job()
        move = reverse("admin_views:priority_move", args=[job.number])
        data = {"priority": Priority.LOW, "submission_key": page_key(client, board)}
        with CaptureQueriesContext(connection) as queries:
            answer = client.post(move, data, headers={"HX-Request": "true"}).content.decode()
        moved = len(queries)  # counted now: the next request empties the query log
        undo = re.search(r'name="undo" value="([^"]+)"', answer).group(1)
        undo_data = {"undo": undo, "submission_key": page_key(client, board)}
        counts.append((moved, _posted_queries(client, UNDO, undo_data)))
    # Each: login and settings (5), the one-time key (4), the job read and locked, job_update's
    # checks, save and history (about 23), the move's history record, the board (6); the
    # Undo also recalls the move's held supervisor alert, if any (1).
    assert counts[0] == counts[1] == (43, 44)
