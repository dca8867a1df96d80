"""The Priority Board (SPEC S2): lanes, card order, moving a card to another lane, Undo."""

import re
from datetime import UTC, datetime, time, timedelta

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from admin_views.views.shop_common import overdue_first_then_due
from powdercoat.models import EmailLog, Job
from powdercoat.models.choices import EmailOutcome, JobStatus, Priority
from tests.helpers import page_key
from tests.shop_floor import floor_job

pytestmark = pytest.mark.django_db
BOARD = reverse("admin_views:priority_board")


def _move_url(job) -> str:
    return reverse("admin_views:priority_move", args=[job.number])


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


def _order_in(lane: str, jobs) -> list[str]:
    """The numbers of `jobs` in the order the lane's HTML shows them."""
    return sorted((job.number for job in jobs), key=lane.index)


def test_cards_in_a_lane_put_overdue_first_then_the_soonest_due(office_client, company):
    """Inside a lane, whatever the stage: overdue work first, then by due date, no due date
    last, equal dates by job number (a Pending job due in a week no longer sits above one
    overdue since last week)."""
    today = timezone.localdate()
    pending_next_week = floor_job(
        JobStatus.PENDING, priority=Priority.RUSH, due=today + timedelta(8)
    )
    overdue_curing = floor_job(JobStatus.CURING, priority=Priority.RUSH, due=today - timedelta(6))
    held_yesterday = floor_job(JobStatus.ON_HOLD, priority=Priority.RUSH, due=today - timedelta(1))
    undated = floor_job(JobStatus.APPROVED, priority=Priority.RUSH)
    due_today = [
        floor_job(stage, priority=Priority.RUSH, due=today)
        for stage in (JobStatus.QUALITY_CHECK, JobStatus.SANDBLASTING)
    ]
    normal = floor_job(JobStatus.COATING, due=today - timedelta(30))
    finished = floor_job(JobStatus.COMPLETED, priority=Priority.RUSH, due=today - timedelta(9))
    html = office_client.get(BOARD).content.decode()
    rush = _lane(html, "rush")
    expected = [overdue_curing, held_yesterday, *due_today, pending_next_week, undated]
    assert _order_in(rush, expected) == [job.number for job in expected]
    assert rush.count("⚠ Overdue ·") == 2
    assert normal.number in _lane(html, "normal")
    assert normal.number not in rush
    assert finished.number not in html


def test_overdue_is_judged_in_the_shops_calendar(office_client, company, monkeypatch):
    """At 20:00 UTC it is already tomorrow in Kiritimati (UTC+14): for a shop there, a job due
    today by UTC's calendar is overdue; by UTC's own calendar it is not."""
    utc_day = timezone.now().astimezone(UTC).date()
    moment = datetime.combine(utc_day, time(20, 0), tzinfo=UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
    late = floor_job(JobStatus.COATING, priority=Priority.HIGH, due=utc_day)
    on_time = floor_job(JobStatus.COATING, priority=Priority.HIGH, due=utc_day + timedelta(1))

    def high_lane() -> str:
        return _lane(office_client.get(BOARD).content.decode(), "high")

    company.time_zone = "Pacific/Kiritimati"
    company.save()
    lane = high_lane()
    assert _order_in(lane, [on_time, late]) == [late.number, on_time.number]
    assert lane.count("⚠ Overdue ·") == 1
    assert "⚠ Overdue ·" in lane[lane.index(late.number) : lane.index(on_time.number)]
    company.time_zone = "UTC"
    company.save()
    assert "⚠ Overdue ·" not in high_lane()


def test_overdue_first_puts_late_work_above_an_older_finished_job(company):
    """The SQL order itself: a finished job due long ago is not overdue, so it comes after
    open work that is late, however old its due date."""
    today = timezone.localdate()
    finished = floor_job(JobStatus.COMPLETED, due=today - timedelta(40))
    late = floor_job(JobStatus.COATING, due=today - timedelta(2))
    upcoming = floor_job(JobStatus.COATING, due=today + timedelta(2))
    jobs = Job.objects.filter(pk__in=[finished.pk, late.pk, upcoming.pk])
    ordered = jobs.order_by(*overdue_first_then_due(today)).values_list("number", flat=True)
    assert list(ordered) == [late.number, finished.number, upcoming.number]


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
    """The lane's count is all its jobs; the cards are the first by the lane's order."""
    monkeypatch.setattr("admin_views.views.priority_board.CARDS_PER_LANE", 2)
    today = timezone.localdate()
    coating = [floor_job(JobStatus.COATING, due=today + timedelta(days=n)) for n in (2, 9)]
    overdue = floor_job(JobStatus.PENDING, due=today - timedelta(days=3))
    held = floor_job(JobStatus.ON_HOLD)
    normal = _lane(office_client.get(BOARD).content.decode(), "normal")
    assert 'aria-label="4 jobs">4</span>' in normal
    assert overdue.number in normal
    assert coating[0].number in normal
    assert coating[1].number not in normal
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


# -- Undo after a move ----------------------------------------------------------------------

UNDO = reverse("admin_views:priority_undo")


def _field(html: str, name: str) -> str:
    """The value of the first hidden field `name` in the HTML."""
    match = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert match, f"no {name} field"
    return match.group(1)


def _move_by_htmx(client, job, priority=Priority.RUSH) -> str:
    """Move the card as the board does; the board that comes back, with the Undo note."""
    response = client.post(
        _move_url(job),
        {"priority": priority, "submission_key": page_key(client, BOARD)},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    return response.content.decode()


def _undo_form(board: str) -> dict:
    """What the note's Undo button posts."""
    note = board[board.index('class="pb-undo"') : board.index("</form>", board.index("pb-undo"))]
    return {"undo": _field(note, "undo"), "submission_key": _field(note, "submission_key")}


def test_after_a_move_the_board_offers_undo_for_ten_seconds(supervisor_client, company):
    """The note says what moved where and holds an Undo button; the page drops it after 10 s.
    The moved card is marked, for the page to bring into sight in its new lane."""
    job = floor_job()
    board = _move_by_htmx(supervisor_client, job)
    assert f'<li class="pb-card is-moved" data-job="{job.number}"' in _lane(board, "rush")
    note = board[board.index('class="pb-undo"') :]
    assert 'data-undo-seconds="10"' in note
    assert f"{job.number} moved from Normal to Rush." in note
    assert f'hx-post="{UNDO}"' in note
    assert ">Undo</button>" in note


def test_undo_puts_the_card_back_in_its_lane(supervisor_client, supervisor_user, company):
    """Undo: Normal again in the database and on the board, recorded for the supervisor."""
    job = floor_job()
    form = _undo_form(_move_by_htmx(supervisor_client, job))
    response = supervisor_client.post(UNDO, form, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert f"Undone: {job.number} is back in Normal." in html
    assert job.number in _lane(html, "normal")
    assert job.number not in _lane(html, "rush")
    assert 'class="pb-undo"' not in html  # an undo is not itself undone
    job.refresh_from_db()
    assert job.priority == Priority.NORMAL
    assert job.history.latest().history_user == supervisor_user


def test_undo_posted_twice_is_applied_once(supervisor_client, company):
    """The same Undo twice (a double click): one undo, the second answered like the first."""
    job = floor_job()
    form = _undo_form(_move_by_htmx(supervisor_client, job))
    supervisor_client.post(UNDO, form, headers={"HX-Request": "true"})
    records = job.history.count()
    again = supervisor_client.post(UNDO, form, headers={"HX-Request": "true"}).content.decode()
    assert f"Already recorded: Undone: {job.number} is back in Normal." in again
    assert job.history.count() == records
    assert Job.objects.get(pk=job.pk).priority == Priority.NORMAL


def test_a_late_undo_is_refused_in_words(supervisor_client, company):
    """More than a minute after the move the note's Undo says it is kept; nothing changes."""
    job = floor_job()
    form = _undo_form(_move_by_htmx(supervisor_client, job))
    job.history.update(history_date=F("history_date") - timedelta(minutes=2))
    html = supervisor_client.post(UNDO, form, headers={"HX-Request": "true"}).content.decode()
    assert "more than a minute ago and is kept" in html
    assert "flash-item--error" in html
    assert Job.objects.get(pk=job.pk).priority == Priority.RUSH


def test_undo_after_someone_else_moved_the_card_is_refused(
    supervisor_client, office_client, company
):
    """The office moved it on to Urgent: the supervisor's Undo would overwrite that, so no."""
    job = floor_job()
    form = _undo_form(_move_by_htmx(supervisor_client, job))
    _move_by_htmx(office_client, job, Priority.URGENT)
    html = supervisor_client.post(UNDO, form, headers={"HX-Request": "true"}).content.decode()
    assert "was changed to Urgent by office after your move" in html
    assert Job.objects.get(pk=job.pk).priority == Priority.URGENT


def test_another_login_cannot_use_the_undo(supervisor_client, office_client, company):
    """The office posting the supervisor's Undo (with a key of their own) changes nothing."""
    job = floor_job()
    form = _undo_form(_move_by_htmx(supervisor_client, job))
    form["submission_key"] = page_key(office_client, BOARD)
    html = office_client.post(UNDO, form, headers={"HX-Request": "true"}).content.decode()
    assert "Only the person who moved the card can undo that move." in html
    assert Job.objects.get(pk=job.pk).priority == Priority.RUSH


def test_a_tampered_undo_is_refused(supervisor_client, company):
    """An Undo naming another priority than the signed one is refused; nothing changes."""
    job = floor_job()
    form = _undo_form(_move_by_htmx(supervisor_client, job))
    payload, signature = form["undo"].split(":", 1)
    form["undo"] = f"{payload}x:{signature}"
    html = supervisor_client.post(UNDO, form, headers={"HX-Request": "true"}).content.decode()
    assert "This Undo cannot be read" in html
    assert Job.objects.get(pk=job.pk).priority == Priority.RUSH


def test_shop_floor_cannot_undo(supervisor_client, floor_client, company):
    """A coater posting an Undo gets 403 and the move stands."""
    job = floor_job()
    form = _undo_form(_move_by_htmx(supervisor_client, job))
    response = floor_client.post(UNDO, form)
    assert response.status_code == 403
    assert Job.objects.get(pk=job.pk).priority == Priority.RUSH


def test_undo_needs_a_post_with_a_csrf_token(supervisor_user, supervisor_client, company):
    """GET is refused; a POST without the token is refused; nothing changes either way."""
    job = floor_job()
    form = _undo_form(_move_by_htmx(supervisor_client, job))
    assert supervisor_client.get(UNDO, form).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(supervisor_user)
    assert strict.post(UNDO, form).status_code == 403
    assert Job.objects.get(pk=job.pk).priority == Priority.RUSH


def test_a_plain_undo_post_comes_back_to_the_board_with_a_message(supervisor_client, company):
    """Without htmx, Undo redirects to the board and says what it did."""
    job = floor_job()
    form = _undo_form(_move_by_htmx(supervisor_client, job))
    response = supervisor_client.post(UNDO, form, follow=True)
    assert response.redirect_chain[-1][0] == BOARD
    assert f"Undone: {job.number} is back in Normal." in response.content.decode()
    assert Job.objects.get(pk=job.pk).priority == Priority.NORMAL


@pytest.mark.parametrize(
    "stamp",
    ["", "x" * 20_000, "💥:☃", "1:2:3", '{"job": 1}', "eyJqb2IiOjF9:1abc:sig"],
    ids=["empty", "huge", "unicode", "colons", "json", "unsigned"],
)
def test_an_absurd_undo_is_refused_in_words(supervisor_client, company, stamp):
    """Whatever the Undo field holds, the answer is the board with a refusal, not an error,
    and the move it did not name stays."""
    job = floor_job()
    form = _undo_form(_move_by_htmx(supervisor_client, job))
    form["undo"] = stamp
    response = supervisor_client.post(UNDO, form, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "This Undo cannot be read" in response.content.decode()
    assert Job.objects.get(pk=job.pk).priority == Priority.RUSH


def test_a_card_dropped_in_rush_and_undone_alerts_nobody(supervisor_client, company, settings):
    """The note says the alert waits a minute; Undo says it was recalled, and it is."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    job = floor_job()
    board = _move_by_htmx(supervisor_client, job)
    assert "Alert to supervisor supervisor leaves in a minute unless you undo." in board
    html = supervisor_client.post(UNDO, _undo_form(board), headers={"HX-Request": "true"})
    assert "The supervisors&#x27; alert was recalled before it left." in html.content.decode()
    assert list(EmailLog.objects.filter(job=job).values_list("outcome", flat=True)) == [
        EmailOutcome.RECALLED
    ]
