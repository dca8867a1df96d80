"""The shop TV page (SPEC S1): the display key, what the board shows, and what it never shows."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from powdercoat.models.choices import JobStatus, Priority
from tests.factories import WorkerFactory
from tests.shop_floor import floor_job, powder

pytestmark = pytest.mark.django_db
PAGE = reverse("admin_views:shop_display")
BOARD = reverse("admin_views:shop_display_board")


@pytest.fixture
def shop(company):
    """A Rush job in Coating, overdue, in Gloss Black for Ana; a Normal job in Sandblasting."""
    black = powder("Gloss Black", "#111111")
    ana = WorkerFactory(name="Ana Ruiz")
    rush = floor_job(
        JobStatus.COATING,
        customer="Ridge Cycles",
        priority=Priority.RUSH,
        due=timezone.localdate() - timedelta(days=2),
        powders=[black],
        workers=[ana],
    )
    plain = floor_job(JobStatus.SANDBLASTING, customer="Oak Street Fab")
    done = floor_job(JobStatus.COMPLETED, customer="Finished Co")
    return {"rush": rush, "plain": plain, "done": done}


def test_the_right_key_shows_active_jobs_by_stage(client, company, shop):
    """With the key: job numbers, customers, stage columns, swatch, worker; finished jobs absent."""
    response = client.get(PAGE, {"key": company.display_key})
    assert response.status_code == 200
    html = response.content.decode()
    assert shop["rush"].number in html
    assert shop["plain"].number in html
    assert shop["done"].number not in html
    assert "Ridge Cycles" in html
    assert "Ana Ruiz" in html
    assert 'style="background-color: #111111"' in html
    assert "Gloss Black" in html
    # Columns in workflow order: Sandblasting before Coating.
    assert html.index('aria-label="Sandblasting"') < html.index('aria-label="Coating"')


def test_rush_and_overdue_are_marked_in_words(client, company, shop):
    """Colour is never the only signal: the Rush badge and "overdue" are written out."""
    html = client.get(PAGE, {"key": company.display_key}).content.decode()
    card = html[html.index(f'data-job="{shop["rush"].number}"') :]
    card = card[: card.index("</li>")]
    assert "⚡ Rush" in card
    assert "overdue" in card
    assert "is-overdue" in html


def test_no_prices_anywhere_on_the_display(client, company, shop):
    """The TV shows no money, whatever the jobs are worth."""
    assert shop["rush"].total_price > 0
    html = client.get(PAGE, {"key": company.display_key}).content.decode()
    assert "$" not in html
    board = client.get(BOARD, {"key": company.display_key}).content.decode()
    assert "$" not in board


@pytest.mark.parametrize("query", [{}, {"key": ""}, {"key": "wrong-key-of-some-length"}])
def test_a_wrong_or_missing_key_shows_only_a_refusal(client, company, shop, query):
    """403 with a short refusal and no job data, for the page and for its refresh."""
    for url in (PAGE, BOARD):
        response = client.get(url, query)
        assert response.status_code == 403
        html = response.content.decode()
        assert "not switched on" in html
        for job in shop.values():
            assert job.number not in html
        assert "Ridge Cycles" not in html


def test_a_rotated_key_locks_out_the_old_address(client, company, shop):
    """After the key changes, the old address is refused."""
    old = company.display_key
    company.display_key = "a-brand-new-display-key-123"
    company.save()
    assert client.get(PAGE, {"key": old}).status_code == 403
    assert client.get(PAGE, {"key": "a-brand-new-display-key-123"}).status_code == 200


def test_the_board_refreshes_without_the_key_in_its_address(client, company, shop):
    """After the first visit the key rides in a cookie: the 30 s refresh address has no key."""
    html = client.get(PAGE, {"key": company.display_key}).content.decode()
    assert f'hx-get="{BOARD}"' in html
    assert company.display_key not in html
    assert 'hx-trigger="every 30s"' in html
    fragment = client.get(BOARD)  # the cookie from the visit above, no ?key=
    assert fragment.status_code == 200
    assert "<html" not in fragment.content.decode()
    assert shop["rush"].number in fragment.content.decode()


def test_the_cookie_stops_working_when_the_key_is_rotated(client, company, shop):
    """A TV with the old key's cookie is refused after the key changes."""
    client.get(PAGE, {"key": company.display_key})
    assert client.get(BOARD).status_code == 200
    company.display_key = "a-brand-new-display-key-456"
    company.save()
    assert client.get(BOARD).status_code == 403
    assert client.get(PAGE).status_code == 403


def test_a_browser_without_the_key_or_its_cookie_gets_the_refusal(company, shop):
    """A fresh browser opening the board address gets nothing but the refusal."""
    from django.test import Client

    assert Client().get(BOARD).status_code == 403


def test_the_key_stays_out_of_referrers_and_caches(client, company, shop):
    """No referrer leaves the page, and nothing is cached."""
    response = client.get(PAGE, {"key": company.display_key})
    assert response["Referrer-Policy"] == "no-referrer"
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_crowded_stage_sends_the_most_pressing_cards_and_counts_the_rest(client, company):
    """At most 12 cards a column, Rush first; the rest are counted in "+ N more"."""
    others = [floor_job(JobStatus.COATING) for _ in range(13)]
    rush = floor_job(JobStatus.COATING, priority=Priority.RUSH)
    html = client.get(PAGE, {"key": company.display_key}).content.decode()
    assert rush.number in html
    assert sum(job.number in html for job in others) == 11
    assert 'data-more="2"' in html
    assert "+ 2 more in Coating" in html
