"""The customer's status page /s/<token>/: what it shows, what it never shows, and its guards."""

import os
import subprocess
import sys
import uuid
from decimal import Decimal

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from admin_views.views import status_page as status_page_view
from config.settings import cache_settings
from powdercoat.models import CompanySettings, JobPhoto
from powdercoat.models.choices import JobStatus, PhotoKind
from powdercoat.services.job_records import job_note_add, job_photos_add
from powdercoat.services.jobs import job_cancel
from powdercoat.services.status_links import (
    job_status_link_issue,
    job_status_link_revoke,
    new_status_token,
    status_link_path,
)
from tests.factories import (
    LineItemCoatFactory,
    LineItemFactory,
    PowderFactory,
    WorkerFactory,
    job_at,
)
from tests.security.world import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_rate_counters():
    """Each test starts with no requests counted against its address."""
    cache.clear()
    yield
    cache.clear()


def _job(status=JobStatus.COATING, *, items=1, **fields):
    description = fields.pop("description", "Gate panels")
    if status == JobStatus.CANCELLED:
        job = job_at(JobStatus.COATING, description=description, **fields)
        job_cancel(job=job, user=None, reason="Customer withdrew")
    else:
        job = job_at(status, description=description, **fields)
    powder = PowderFactory(
        name="Signal Red",
        color_name="Signal Red",
        color_code="RAL 3001",
        unit_cost=Decimal("3333.33"),
    )
    for number in range(items):
        item = LineItemFactory(
            job=job,
            description=f"Panel {number}",
            unit_price=Decimal("7777.77"),
            notes="scratch on back",
        )
        LineItemCoatFactory(item=item, powder=powder)
    job.refresh_from_db()
    return job


def _path(job) -> str:
    job_status_link_issue(job=job)
    return status_link_path(job.status_token)


def _page(job, client=None) -> str:
    response = (client or Client()).get(_path(job))
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_shows_the_job_its_items_colours_stage_and_due_date():
    """Number, description, items with their colours, the stage and the due date."""
    import datetime

    job = _job(due_date=datetime.date(2031, 5, 9))
    page = _page(job)
    assert job.number in page
    assert "Gate panels" in page
    assert "Panel 0" in page
    assert "Signal Red" in page
    assert "RAL 3001" in page
    assert "Your parts are being coated." in page
    assert 'aria-current="step"' in page
    assert "May 9, 2031" in page


def test_the_page_shows_no_prices_notes_costs_or_workers(office_user):
    """Prices, unit costs, item and job notes and workers' names never reach the customer."""
    job = _job(assigned_workers=[WorkerFactory(name="Casey Coater")])
    job_note_add(job=job, text="Customer is difficult", user=office_user)
    page = _page(job)
    for secret in (
        "7777.77",
        "7,777.77",
        "3333.33",
        "scratch on back",
        "Customer is difficult",
        "Casey Coater",
        job.customer.email or "@",
        job.customer.phone or "555-",
    ):
        assert secret not in page, secret


def test_workers_are_named_when_the_shop_turns_it_on():
    """Company settings' switch puts the assigned workers' names on the page."""
    job = _job(assigned_workers=[WorkerFactory(name="Casey Coater")])
    company = CompanySettings.load()
    company.status_page_shows_workers = True
    company.save()
    path = _path(job)
    with CaptureQueriesContext(connection) as queries:
        page = Client().get(path).content.decode()
    assert "Casey Coater" in page
    assert len(queries) == 6  # the workers' names are the one more


def test_no_other_jobs_data_appears():
    """Another job of the same customer stays off the page."""
    job = _job()
    other = _job(description="Secret trailer frame", customer=job.customer)
    page = _page(job)
    assert other.number not in page
    assert "Secret trailer frame" not in page


def test_on_hold_and_cancelled_are_said_in_words():
    """A held job says On hold; a cancelled one says cancelled and has no progress line."""
    held = _page(_job(JobStatus.ON_HOLD))
    assert "On hold" in held
    cancelled = _page(_job(JobStatus.CANCELLED))
    assert "This job was cancelled." in cancelled
    assert "st-steps" not in cancelled


def test_ready_for_pickup_gives_the_address_and_opening_hours():
    """At Ready for Pickup the page says so with the shop's address and hours."""
    company = CompanySettings.load()
    company.address = "12 Foundry Road\nSpringfield"
    company.opening_hours = "Mon–Fri 7:30–16:30"
    company.save()
    page = _page(_job(JobStatus.READY_FOR_PICKUP))
    assert "Ready for pickup" in page
    assert "12 Foundry Road" in page
    assert "Mon–Fri 7:30–16:30" in page


def test_a_script_typed_into_the_description_or_an_item_is_escaped():
    """Markup typed by people is shown as text."""
    job = _job(description="<script>alert('job')</script>")
    item = job.items.get()
    item.description = "<img src=x onerror=alert(1)>"
    item.save()
    page = _page(job)
    assert "<script>alert" not in page
    assert "<img src=x" not in page
    assert "&lt;script&gt;" in page


def test_revoked_link_answers_exactly_like_a_never_issued_one():
    """Same status, same headers, same bytes: the page never tells that a job existed."""
    job = _job()
    old = _path(job)
    job_status_link_revoke(job=job, user=None)
    revoked = Client().get(old)
    never = Client().get(status_link_path(new_status_token()))
    assert revoked.status_code == never.status_code == 404
    assert revoked.content == never.content
    assert b"This link is no longer valid" in revoked.content
    assert dict(revoked.headers) == dict(never.headers)
    # The new link works.
    assert Client().get(status_link_path(job.status_token)).status_code == 200


def test_a_malformed_token_gets_the_same_answer():
    """Odd characters or absurd lengths get the same page, never an error."""
    never = Client().get(status_link_path(new_status_token()))
    for token in ("x", "a" * 300, "..", "'; drop table", "é" * 20):
        response = Client().get(f"/s/{token}/")
        assert response.status_code == 404, token
        assert response.content == never.content


def test_headers_keep_the_link_out_of_caches_referrers_and_search_engines():
    """no-store, no referrer, noindex, on the page and on the refusal alike."""
    job = _job()
    for response in (Client().get(_path(job)), Client().get("/s/nothing-here/")):
        assert response["Cache-Control"] == "no-store"
        assert response["Referrer-Policy"] == "no-referrer"
        assert "noindex" in response["X-Robots-Tag"]


@pytest.mark.parametrize("items", [1, 20])
def test_the_page_costs_a_fixed_number_of_queries(items):
    """Settings, job, items, coats with powders, photos: five queries for 1 or 20 items."""
    job = _job(items=items)
    path = _path(job)
    client = Client()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    assert response.content.decode().count("Signal Red") == items
    assert len(queries) == 5, [q["sql"] for q in queries]


@pytest.fixture
def one_minute(monkeypatch):
    """Holds the rate limit's window still, so a test that straddles a wall-clock minute on a
    slow machine does not see its counter start again; returns a setter to move to the next."""
    minute = {"now": 29_000_000}
    monkeypatch.setattr(status_page_view, "_this_minute", lambda: minute["now"])

    def next_minute() -> None:
        minute["now"] += 1

    return next_minute


def test_the_rate_limit_trips_at_the_limit_and_spares_other_addresses(settings, one_minute):
    """The 61st request a minute from one address gets 429 in words; another address is fine;
    the next minute the first address is served again."""
    settings.STATUS_PAGE_RATE_LIMIT = 60
    path = "/s/nothing-here/"
    client = Client(REMOTE_ADDR="203.0.113.7")
    answers = [client.get(path).status_code for _ in range(60)]
    assert answers == [404] * 60
    refused = client.get(path)
    assert refused.status_code == 429
    assert b"Too many requests" in refused.content
    assert refused["Retry-After"] == "60"
    assert Client(REMOTE_ADDR="203.0.113.8").get(path).status_code == 404
    one_minute()
    assert client.get(path).status_code == 404


def test_a_forged_forwarded_for_header_does_not_escape_the_limit(settings, one_minute):
    """Without a trusted proxy, X-Forwarded-For is ignored: the connection's address counts."""
    settings.STATUS_PAGE_RATE_LIMIT = 3
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(3):
        client.get("/s/nothing-here/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
    assert client.get("/s/nothing-here/", HTTP_X_FORWARDED_FOR="198.51.100.99").status_code == 429


# -- the counters on Redis (REDIS_URL) ------------------------------------------------------------

# A database of this machine's Redis that the shop does not use; each test keeps to keys under
# a prefix of its own and deletes them afterwards.
TEST_REDIS_URL = "redis://127.0.0.1:6379/15"
# A port nothing listens on: a Redis that has stopped.
STOPPED_REDIS_URL = "redis://127.0.0.1:1/0"


def _caches_on(url: str, prefix: str = "powdercoat") -> dict:
    """CACHES as REDIS_URL=url makes them, under `prefix`.

    Tests switch to them with override_settings inside the test, not with the `settings`
    fixture: that one is undone after _fresh_rate_counters clears the cache, and clearing a
    Redis cache empties the whole Redis database, whatever the prefix.
    """
    return {"default": {**cache_settings(url)["default"], "KEY_PREFIX": prefix}}


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own on the test Redis, its keys deleted afterwards.

    Skipped where no Redis answers; with REQUIRE_REDIS=1 that is a failure instead.
    """
    server = redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    try:
        server.ping()
    except redis.RedisError as error:
        reason = f"needs a Redis at {TEST_REDIS_URL} ({error})"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"REQUIRE_REDIS=1 but this test {reason}")
        pytest.skip(reason)
    prefix = f"powdercoat-test-{uuid.uuid4().hex}"
    yield prefix
    for key in server.scan_iter(match=f"{prefix}:*"):
        server.delete(key)
    server.close()


# Another gunicorn worker: a process of its own, its cache built from REDIS_URL by
# config/settings.py, asking the status page's counter as often as argv says.
_OTHER_WORKER = """
import sys

import django

django.setup()
from django.conf import settings
from django.test import RequestFactory, override_settings

from admin_views.views import status_page

prefix, address, minute, asks = sys.argv[1:]
status_page._this_minute = lambda: int(minute)
with override_settings(CACHES={"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}):
    for _ in range(int(asks)):
        status_page._over_limit(RequestFactory().get("/", REMOTE_ADDR=address), "page", 1000)
"""


def test_every_process_on_one_redis_counts_towards_one_limit(redis_prefix, one_minute, tmp_path):
    """With REDIS_URL set, asks counted by another worker process and by this one add up: an
    address that asked 3 times elsewhere gets 2 more answers here, then 429 (a limit of 5)."""
    address = "203.0.113.20"
    other_worker = subprocess.run(
        [
            sys.executable,
            "-c",
            _OTHER_WORKER,
            redis_prefix,
            address,
            str(status_page_view._this_minute()),
            "3",
        ],
        cwd=settings.BASE_DIR,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DJANGO_VAR_DIR": str(tmp_path),
            "REDIS_URL": TEST_REDIS_URL,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert other_worker.returncode == 0, other_worker.stderr
    on_redis = _caches_on(TEST_REDIS_URL, redis_prefix)
    with override_settings(CACHES=on_redis, STATUS_PAGE_RATE_LIMIT=5):
        client = Client(REMOTE_ADDR=address)
        answers = [client.get("/s/nothing-here/").status_code for _ in range(3)]
        elsewhere = Client(REMOTE_ADDR="203.0.113.21").get("/s/nothing-here/").status_code
    assert answers == [404, 404, 429]
    assert elsewhere == 404


def test_a_stopped_redis_serves_the_page_uncounted_and_says_so_in_the_log(caplog, one_minute):
    """Redis not answering: the customer gets the page every time, past the limit too, never a
    server error; the log warns that the page is served without its limit."""
    path = _path(_job())
    with override_settings(CACHES=_caches_on(STOPPED_REDIS_URL), STATUS_PAGE_RATE_LIMIT=2):
        client = Client(REMOTE_ADDR="203.0.113.30")
        responses = [client.get(path) for _ in range(3)]
    assert [response.status_code for response in responses] == [200, 200, 200]
    assert "Gate panels" in responses[-1].content.decode()
    assert "Status page served without its rate limit: Redis did not answer" in caplog.text


# -- photos -------------------------------------------------------------------------------------


@pytest.fixture
def photos(settings, tmp_path, floor_user):
    """A job with one photo the customer sees and one they do not."""
    settings.MEDIA_ROOT = tmp_path / "media"
    job = _job()
    shown, hidden = job_photos_add(
        job=job,
        files=[
            SimpleUploadedFile("a.png", png_bytes("blue"), content_type="image/png"),
            SimpleUploadedFile("b.png", png_bytes("green"), content_type="image/png"),
        ],
        kind=PhotoKind.AFTER,
        caption="Finished rails",
        user=floor_user,
    )
    JobPhoto.objects.filter(pk=shown.pk).update(customer_visible=True)
    return job, shown, hidden


def test_customer_visible_photos_come_through_the_token_checked_address(photos):
    """The page links the visible photo under /s/<token>/photos/; the hidden one is absent."""
    job, shown, hidden = photos
    path = _path(job)
    page = _page(job)
    assert f"{path}photos/{shown.pk}/" in page
    assert f"photos/{hidden.pk}/" not in page
    assert "/media/" not in page
    response = Client().get(f"{path}photos/{shown.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert response["Cache-Control"] == "no-store"


def test_a_hidden_photo_or_a_wrong_token_gets_the_invalid_page(photos):
    """A photo not marked for the customer, or asked for under another link, is not served."""
    job, shown, hidden = photos
    never = Client().get(status_link_path(new_status_token()))
    path = _path(job)
    other = _job()
    for url in (
        f"{path}photos/{hidden.pk}/",
        f"{_path(other)}photos/{shown.pk}/",
        f"{status_link_path(new_status_token())}photos/{shown.pk}/",
    ):
        response = Client().get(url)
        assert response.status_code == 404, url
        assert response.content == never.content


def test_company_settings_edit_the_opening_hours_and_the_workers_switch(admin_user):
    """The Administrator sets the page's opening hours and workers' names in Company settings."""
    from django.urls import reverse

    client = Client()
    client.force_login(admin_user)
    CompanySettings.load()
    page = client.get(reverse("admin:powdercoat_companysettings_change", args=[1])).content
    assert b'name="opening_hours"' in page
    assert b'name="status_page_shows_workers"' in page
