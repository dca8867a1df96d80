"""The Priority Board (SPEC S2): lanes, card order, and moving a card to another lane."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from powdercoat.models import Job
from powdercoat.models.choices import JobStatus, Priority
from tests.helpers import page_key
from tests.shop_floor import floor_job

pytestmark = pytest.mark.django_db
BOARD = reverse("admin_views:priority_board")


def _move_url(job) -> str:
    return reverse("admin_views:priority_move", args=[job.number])


@pytest.fixture
def supervisor_client(supervisor_user):
    """A session of the shop lead."""
    client = Client()
    client.force_login(supervisor_user)
    return client


def _lane(html: str, tone: str) -> str:
    start = html.index(f'id="lane-{tone}"')
    return html[start : html.index("</section>", start)]


def test_the_board_has_five_lanes_most_pressing_first(office_client, company):
    """Rush, Urgent, High, Normal, Low, left to right; Rush and Urgent drawn louder."""
    html = office_client.get(BOARD).content.decode()
    positions = [html.index(f'id="lane-{tone}"') for tone in ("rush", "urgent", "high")]
    positions += [html.index(f'id="lane-{tone}"') for tone in ("normal", "low")]
    assert positions == sorted(positions)
    assert html.count("pb-lane--loud") == 2


def test_cards_sit_in_their_priority_lane_sorted_by_stage_then_due(office_client, company):
    """Inside a lane: workflow order of the stage first, then the soonest due date."""
    today = timezone.localdate()
    late_coating = floor_job(JobStatus.COATING, due=today + timedelta(days=1))
    early_coating = floor_job(JobStatus.COATING, due=today)
    blasting = floor_job(JobStatus.SANDBLASTING, due=today + timedelta(days=9))
    held = floor_job(JobStatus.ON_HOLD)
    rush = floor_job(JobStatus.CURING, priority=Priority.RUSH)
    finished = floor_job(JobStatus.COMPLETED)
    html = office_client.get(BOARD).content.decode()
    normal = _lane(html, "normal")
    order = [blasting, early_coating, late_coating, held]
    assert [normal.index(job.number) for job in order] == sorted(
        normal.index(job.number) for job in order
    )
    assert rush.number in _lane(html, "rush")
    assert rush.number not in normal
    assert finished.number not in html


def test_cards_link_to_the_job_page(office_client, company):
    """Each card opens its job in the admin."""
    job = floor_job()
    html = office_client.get(BOARD).content.decode()
    assert reverse("admin:powdercoat_job_change", args=[job.pk]) in html


def test_a_supervisor_moves_a_card_from_normal_to_rush(
    supervisor_client, supervisor_user, company, django_capture_on_commit_callbacks
):
    """The job becomes Rush, with the surcharge, a history record naming the supervisor."""
    job = floor_job()
    with django_capture_on_commit_callbacks(execute=True):
        response = supervisor_client.post(
            _move_url(job),
            {"priority": Priority.RUSH, "submission_key": page_key(supervisor_client, BOARD)},
            headers={"HX-Request": "true"},
        )
    assert response.status_code == 200
    job.refresh_from_db()
    assert job.priority == Priority.RUSH
    assert job.rush_surcharge_percent == company.rush_surcharge_percent
    latest = job.history.latest()
    assert latest.history_user == supervisor_user
    assert latest.priority == Priority.RUSH
    html = response.content.decode()
    assert job.number in _lane(html, "rush")
    assert f"{job.number} moved from Normal to Rush." in html
    # The only supervisor is the one who moved it; the answer names who the alert reached.
    assert "Alert e-mailed to supervisor supervisor." in html


def test_a_plain_form_post_comes_back_to_the_board(supervisor_client, company):
    """Without JavaScript the move redirects to the board with a message."""
    job = floor_job()
    response = supervisor_client.post(
        _move_url(job),
        {"priority": Priority.LOW, "submission_key": page_key(supervisor_client, BOARD)},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == BOARD
    assert f"{job.number} moved from Normal to Low." in response.content.decode()
    assert Job.objects.get(pk=job.pk).priority == Priority.LOW


def test_shop_floor_sees_the_board_but_cannot_move_cards(floor_client, company):
    """403 on the move, the priority unchanged, and no move controls on their board."""
    job = floor_job()
    records = job.history.count()
    assert 'class="pb-move"' not in floor_client.get(BOARD).content.decode()
    response = floor_client.post(_move_url(job), {"priority": Priority.RUSH})
    assert response.status_code == 403
    assert Job.objects.get(pk=job.pk).priority == Priority.NORMAL
    assert job.history.count() == records


def test_the_move_needs_a_csrf_token(supervisor_user, company):
    """A POST without the token is refused and changes nothing."""
    job = floor_job()
    client = Client(enforce_csrf_checks=True)
    client.force_login(supervisor_user)
    response = client.post(_move_url(job), {"priority": Priority.RUSH})
    assert response.status_code == 403
    assert Job.objects.get(pk=job.pk).priority == Priority.NORMAL


def test_bad_lane_or_finished_job_is_refused_in_words(supervisor_client, company):
    """An unknown priority or a job no longer active changes nothing and says why."""
    job = floor_job()
    response = supervisor_client.post(
        _move_url(job), {"priority": "9"}, headers={"HX-Request": "true"}
    )
    assert "Pick one of the lanes" in response.content.decode()
    finished = floor_job(JobStatus.COMPLETED)
    response = supervisor_client.post(
        _move_url(finished),
        {"priority": Priority.RUSH, "submission_key": page_key(supervisor_client, BOARD)},
        headers={"HX-Request": "true"},
    )
    assert "only active jobs are on the board" in response.content.decode()
    assert Job.objects.get(pk=finished.pk).priority == Priority.NORMAL


def test_the_board_needs_a_login(client, company):
    """Anonymous visitors go to the login page and come back afterwards."""
    response = client.get(BOARD)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={BOARD}"


def test_a_long_lane_shows_its_first_cards_its_count_and_a_link_to_all(
    office_client, company, monkeypatch
):
    """The lane's count is all its jobs; the cards are the first by stage then due date."""
    monkeypatch.setattr("admin_views.views.priority_board.CARDS_PER_LANE", 2)
    today = timezone.localdate()
    coating = [floor_job(JobStatus.COATING, due=today + timedelta(days=n)) for n in (2, 1)]
    blasting = floor_job(JobStatus.SANDBLASTING, due=today + timedelta(days=9))
    held = floor_job(JobStatus.ON_HOLD)
    normal = _lane(office_client.get(BOARD).content.decode(), "normal")
    assert 'aria-label="4 jobs">4</span>' in normal
    assert blasting.number in normal
    assert coating[1].number in normal
    assert coating[0].number not in normal
    assert held.number not in normal
    assert "All 4 Normal jobs (2 more)" in normal
    assert f'href="{BOARD}?lane={Priority.NORMAL.value}"' in normal


def test_one_lane_on_its_own_lists_every_job_a_page_at_a_time(office_client, company, monkeypatch):
    """`?lane=` shows that lane alone, in the same order, with Next to the rest."""
    monkeypatch.setattr("admin_views.views.priority_board.CARDS_PER_LANE_PAGE", 2)
    today = timezone.localdate()
    jobs = [floor_job(JobStatus.COATING, due=today + timedelta(days=n)) for n in (3, 1, 2)]
    rush = floor_job(JobStatus.COATING, priority=Priority.RUSH)
    first = office_client.get(BOARD, {"lane": Priority.NORMAL.value}).content.decode()
    second = office_client.get(BOARD, {"lane": Priority.NORMAL.value, "page": 2}).content.decode()
    assert 'id="lane-rush"' not in first
    assert rush.number not in first
    assert [job.number in first for job in jobs] == [False, True, True]
    assert [job.number in second for job in jobs] == [True, False, False]
    assert "Page 1 of 2" in first
    assert "← The whole board" in first


@pytest.mark.parametrize("lane", ["9", "-1", "rush", "99999999999999999999"])
def test_an_unknown_lane_shows_the_whole_board(office_client, company, lane):
    """A made-up lane is not an error: the board shows all five lanes."""
    response = office_client.get(BOARD, {"lane": lane})
    assert response.status_code == 200
    assert response.content.decode().count("pb-lane--") >= 5


def test_a_move_from_a_lane_shown_alone_answers_with_that_lane(supervisor_client, company):
    """The lane's page sends its lane with the Move: htmx gets that lane back (without the
    card that left it), a plain form goes back to it."""
    moving, staying = floor_job(), floor_job()
    lane = f"{BOARD}?lane={Priority.NORMAL.value}"
    page = supervisor_client.get(lane).content.decode()
    assert f'<input type="hidden" name="lane" value="{Priority.NORMAL.value}">' in page
    response = supervisor_client.post(
        _move_url(moving),
        {
            "priority": Priority.RUSH,
            "lane": Priority.NORMAL.value,
            "page": 1,
            "submission_key": page_key(supervisor_client, lane),
        },
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert 'id="lane-rush"' not in html
    assert staying.number in _lane(html, "normal")
    assert f'data-job="{moving.number}"' not in html
    plain = supervisor_client.post(
        _move_url(staying),
        {
            "priority": Priority.LOW,
            "lane": Priority.NORMAL.value,
            "submission_key": page_key(supervisor_client, lane),
        },
    )
    assert plain["Location"] == lane
