"""The shop TV page (SPEC S1): the display key, what the board shows, and what it never shows."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from admin_views.views.shop_display import CARDS_PER_COLUMN
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
    """After the first visit the key rides in a cookie: the 15 s refresh address has no key."""
    html = client.get(PAGE, {"key": company.display_key}).content.decode()
    assert f'hx-get="{BOARD}"' in html
    assert company.display_key not in html
    assert 'hx-trigger="every 15s"' in html
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


# -- paging and the stages shown -----------------------------------------------------------------

# The default floor stages are ten columns: two rows of five, two cards to a column.
PER_COLUMN = CARDS_PER_COLUMN[2]


def _board(client, company, page=None) -> str:
    params = {"key": company.display_key}
    if page is not None:
        params["page"] = page
    response = client.get(BOARD, params)
    assert response.status_code == 200
    return response.content.decode()


def _column(html: str, stage: str) -> str:
    """The HTML of one stage column."""
    start = html.index(f'data-stage="{stage}"')
    end = html.find("</section>", start)
    return html[start:end]


def _shown(html: str, jobs) -> set[str]:
    return {job.number for job in jobs if f'data-job="{job.number}"' in html}


def test_a_crowded_stage_pages_through_its_jobs_most_pressing_first(client, company):
    """Five jobs in Coating: three pages of two, Rush on the first; "Page 2 of 3" is written."""
    others = [floor_job(JobStatus.COATING, due=timezone.localdate()) for _ in range(4)]
    rush = floor_job(JobStatus.COATING, priority=Priority.RUSH)
    first = _board(client, company)
    assert "Page <strong>1</strong> of 3" in first
    assert '5 jobs · <span class="tv-col-page">page 1 of 3</span>' in first
    assert _shown(first, [rush, *others]) == {rush.number, others[0].number}
    second = _board(client, company, page=2)
    assert "Page <strong>2</strong> of 3" in second
    assert _shown(second, [rush, *others]) == {others[1].number, others[2].number}
    third = _board(client, company, page=3)
    assert _shown(third, [rush, *others]) == {others[3].number}
    assert "more" not in _column(third, JobStatus.COATING)


def test_every_job_comes_round_once_in_a_cycle_of_pages(client, company):
    """23 jobs over four stages: walking from page 1 by the next page each board names
    shows every job exactly once, and then comes back to page 1."""
    stages = (JobStatus.APPROVED, JobStatus.SANDBLASTING, JobStatus.COATING, JobStatus.ON_HOLD)
    jobs = [floor_job(stages[n % 4]) for n in range(20)] + [
        floor_job(JobStatus.COATING) for _ in range(3)
    ]
    seen: list[str] = []
    pages = 4  # Coating has the most: 8 jobs, two a page
    html = _board(client, company)
    for expected_page in range(1, pages + 1):
        assert f"Page <strong>{expected_page}</strong> of {pages}" in html
        seen += _shown(_column(html, JobStatus.COATING), jobs)
        page = int(re.search(r'data-next-page="(\d+)"', html)[1])
        html = _board(client, company, page)
    assert page == 1
    coating = {job.number for job in jobs if job.status == JobStatus.COATING}
    assert sorted(seen) == sorted(coating)
    # The other stages, with fewer jobs, come round too (and start over while Coating pages).
    everywhere = set()
    for page in range(1, pages + 1):
        everywhere |= _shown(_board(client, company, page), jobs)
    assert everywhere == {job.number for job in jobs}


def test_a_short_column_starts_over_while_a_long_one_pages(client, company):
    """One job in Curing, five in Coating: the Curing job is on every page, never a blank."""
    [floor_job(JobStatus.COATING) for _ in range(5)]
    lone = floor_job(JobStatus.CURING)
    for page in (1, 2, 3):
        assert lone.number in _column(_board(client, company, page), JobStatus.CURING)


@pytest.mark.parametrize(
    "page", ["", "0", "-2", "abc", "1.5", "2e3", "²", "٣", "99999999999999999999", "1" * 5000]
)
def test_a_senseless_page_number_shows_page_one(client, company, page):
    """Words, signs, odd digits or absurd sizes in ?page= are page 1, never an error."""
    jobs = [floor_job(JobStatus.COATING) for _ in range(3)]
    html = _board(client, company, page)
    assert "Page <strong>1</strong> of 2" in html
    assert _shown(html, jobs) == {jobs[0].number, jobs[1].number}


def test_a_page_beyond_the_last_is_the_first(client, company):
    """Page 3 of a two-page board (the jobs went down meanwhile) shows page 1."""
    jobs = [floor_job(JobStatus.COATING) for _ in range(3)]
    html = _board(client, company, 3)
    assert "Page <strong>1</strong> of 2" in html
    assert 'data-next-page="2"' in html
    assert jobs[0].number in html
    assert 'data-next-page="1"' in _board(client, company, 2)


def test_a_board_of_one_page_names_no_page(client, company, shop):
    """With room for every job there is no page count to read, and the next page is page 1."""
    html = _board(client, company)
    assert "Page " not in html
    assert "page 1 of" not in html
    assert 'data-next-page="1"' in html


def test_office_stages_stay_off_the_tv_by_default(client, company):
    """Pending and Quoted jobs, and Ready for Pickup, are not on the TV nor in its counts."""
    floor = floor_job(JobStatus.SANDBLASTING, priority=Priority.RUSH)
    office = [
        floor_job(JobStatus.PENDING, priority=Priority.RUSH),
        floor_job(JobStatus.QUOTED, priority=Priority.RUSH),
        floor_job(JobStatus.READY_FOR_PICKUP),
    ]
    html = _board(client, company)
    assert floor.number in html
    assert _shown(html, office) == set()
    for stage in ("Pending", "Quoted", "Ready for Pickup"):
        assert f'aria-label="{stage}"' not in html
    # Every default floor stage is a column, even an empty one.
    assert html.count('class="tv-col ') == len(company.floor_stage_order) == 10
    assert '<p class="tv-none">No jobs</p>' in _column(html, JobStatus.CLEANING)
    assert "<strong>1</strong> job</li>" in html
    assert "⚡ <strong>1</strong> Rush" in html


def test_the_tv_shows_exactly_the_stages_ticked_in_company_settings(client, company):
    """Ticking Pending and Coating only: two columns, in workflow order, and nothing else."""
    company.floor_stages = ["coating", "pending"]
    company.save()
    pending = floor_job(JobStatus.PENDING, customer="Walk-in Customer")
    coating = floor_job(JobStatus.COATING)
    blasting = floor_job(JobStatus.SANDBLASTING, customer="Not Ticked Co")
    html = _board(client, company)
    assert html.count('class="tv-col ') == 2
    assert html.index('aria-label="Pending"') < html.index('aria-label="Coating"')
    assert pending.number in _column(html, JobStatus.PENDING)
    assert coating.number in _column(html, JobStatus.COATING)
    assert blasting.number not in html
    assert "Not Ticked Co" not in html
    assert 'aria-label="Sandblasting"' not in html
    assert "<strong>2</strong> jobs</li>" in html


def test_with_few_stages_a_column_holds_more_cards(client, company):
    """Two stages make one row of tall columns: four cards a column, one page for four jobs."""
    company.floor_stages = ["coating", "curing"]
    company.save()
    jobs = [floor_job(JobStatus.COATING) for _ in range(CARDS_PER_COLUMN[1])]
    html = _board(client, company)
    assert _shown(html, jobs) == {job.number for job in jobs}
    assert "Page " not in html


def test_due_dates_are_short_and_whole(client, company):
    """ "Overdue · Nov 27", "Due today", "Due Dec 9" and "No due date": no year to cut off."""
    today = timezone.localdate()
    late = floor_job(JobStatus.COATING, due=today - timedelta(days=3))
    now = floor_job(JobStatus.CURING, due=today)
    later = floor_job(JobStatus.MASKING, due=today + timedelta(days=6))
    never = floor_job(JobStatus.CLEANING)
    html = _board(client, company)

    def card(job) -> str:
        start = html.index(f'data-job="{job.number}"')
        return html[start : html.index("</li>", start)]

    def day(d) -> str:
        return f"{d:%b} {d.day}"

    assert f"⚠ Overdue · {day(late.due_date)}</span>" in card(late)
    assert "◷ Due today" in card(now)
    assert f"Due {day(later.due_date)}" in card(later)
    assert "No due date" in card(never)
    assert str(today.year) not in html.split("</header>")[1]


def test_long_names_are_shortened_to_fit_a_card(client, company):
    """A long customer name is cut with an ellipsis by the page, not by the screen's edge; a
    long powder loses its colour code before its name, and a short one keeps both."""
    job = floor_job(
        JobStatus.COATING,
        customer="Wellington Architectural Metalworks",
        powders=[
            powder("Safety Yellow", "#F5C400", color_code="RAL 1003"),
            powder("Black", "#111111", color_code="RAL 9005"),
            powder("Hammertone Silver Vein", "#9DA3A6"),
        ],
    )
    html = _board(client, company)
    assert job.number in html
    assert "Wellington Architec…" in html
    assert "Wellington Architectural" not in html
    assert '<span class="swatch-name">Safety Yellow</span>' in html
    assert '<span class="swatch-name">Black (RAL 9005)</span>' in html
    assert "+ 1 more" in html
