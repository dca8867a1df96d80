"""The phone view (SPEC S3): login, grouping and order, worker chips, the Advance button."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from powdercoat.models import Job, StatusChange
from powdercoat.models.choices import JobStatus, Priority
from tests.factories import WorkerFactory
from tests.helpers import page_key
from tests.shop_floor import floor_job, powder

pytestmark = pytest.mark.django_db
PAGE = reverse("admin_views:shop_mobile")
LIST = reverse("admin_views:shop_mobile_list")


def _advance_url(job) -> str:
    return reverse("admin_views:shop_mobile_advance", args=[job.number])


def _htmx_advance(client, job, *, seen=None, move="advance", key=None):
    return client.post(
        _advance_url(job),
        {
            "move": move,
            "seen_status": seen or job.status,
            "submission_key": key or page_key(client, PAGE),
        },
        headers={"HX-Request": "true"},
    )


def test_the_phone_view_needs_a_login(client, company):
    """Anonymous: to the login page, and back here afterwards."""
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={PAGE}"


def test_an_expired_session_sends_the_auto_refresh_to_the_login(client, company):
    """The list's htmx refresh gets HX-Redirect to the login page, not a login form fragment."""
    response = client.get(
        LIST, headers={"HX-Request": "true", "HX-Current-URL": f"http://testserver{PAGE}"}
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == f"{reverse('admin:login')}?next=%2Fjobs%2Fmobile%2F"


def test_jobs_are_grouped_by_stage_and_ordered_by_due_date(floor_client, company):
    """Stages in workflow order (On Hold last); inside a stage, soonest due first."""
    today = timezone.localdate()
    later = floor_job(JobStatus.COATING, due=today + timedelta(days=5))
    sooner = floor_job(JobStatus.COATING, due=today + timedelta(days=1))
    blasting = floor_job(JobStatus.SANDBLASTING, due=today + timedelta(days=9))
    held = floor_job(JobStatus.ON_HOLD, due=today)
    delivered = floor_job(JobStatus.DELIVERED)
    html = floor_client.get(PAGE).content.decode()
    headings = [
        html.index(f'id="stage-{stage}"') for stage in ("sandblasting", "coating", "on_hold")
    ]
    assert headings == sorted(headings)
    positions = [html.index(f'id="job-{job.number}"') for job in (blasting, sooner, later, held)]
    assert positions == sorted(positions)
    assert delivered.number not in html


def test_a_card_shows_what_the_floor_needs_and_no_prices(floor_client, company):
    """Number, customer, priority, due, items, powders, workers, instructions; no money."""
    ana = WorkerFactory(name="Ana Ruiz")
    job = floor_job(
        customer="Ridge Cycles",
        priority=Priority.URGENT,
        powders=[powder("Candy Red", "#b00020")],
        workers=[ana],
        items=3,
        special_instructions="Mask the bearing seats",
    )
    assert job.total_price > 0
    html = floor_client.get(PAGE).content.decode()
    for text in (job.number, "Ridge Cycles", "Urgent", "3 items", "Candy Red", "Ana Ruiz"):
        assert text in html
    assert "Mask the bearing seats" in html
    assert "+ 1 more" in html  # two item descriptions, then the count of the rest
    assert "$" not in html
    assert "Advance to Curing" in html


def test_worker_chips_filter_to_one_persons_jobs(floor_client, company):
    """?worker= keeps that worker's jobs only; the chip is marked; All shows everyone."""
    ana, ben = WorkerFactory(name="Ana Ruiz"), WorkerFactory(name="Ben Ode")
    anas = floor_job(workers=[ana])
    bens = floor_job(workers=[ben])
    nobodys = floor_job()
    everyone = floor_client.get(PAGE).content.decode()
    assert all(job.number in everyone for job in (anas, bens, nobodys))
    assert "Ana Ruiz" in everyone
    assert "Ben Ode" in everyone
    filtered = floor_client.get(PAGE, {"worker": ana.pk}).content.decode()
    assert anas.number in filtered
    assert bens.number not in filtered
    assert nobodys.number not in filtered
    assert f'href="{PAGE}?worker={ana.pk}" aria-current="true"' in filtered
    # The auto-refresh keeps the filter.
    assert f'hx-get="{LIST}?worker={ana.pk}"' in filtered
    refreshed = floor_client.get(LIST, {"worker": ana.pk}).content.decode()
    assert anas.number in refreshed
    assert bens.number not in refreshed


def test_the_list_refreshes_itself_every_minute(floor_client, company):
    """The list re-reads itself every 60 s while Live is on; the Live toggle is there."""
    html = floor_client.get(PAGE).content.decode()
    assert 'hx-trigger="every 60s [shopLiveOn()]"' in html
    assert "live-dot" in html
    assert 'aria-pressed="true"' in html


def test_advance_moves_the_job_and_returns_the_card_at_its_new_stage(
    floor_client, floor_user, company
):
    """The htmx POST advances one stage, records the user, and the card shows the new stage."""
    job = floor_job(JobStatus.COATING)
    response = _htmx_advance(floor_client, job)
    assert response.status_code == 200
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
    change = StatusChange.objects.get(job=job, transition="advance")
    assert change.user == floor_user
    html = response.content.decode()
    assert html.lstrip().startswith('<article class="m-card')
    assert 'data-status="curing"' in html
    assert f"{job.number}: Coating → Curing." in html
    assert "Advance to Quality Check" in html


def test_a_stale_card_does_not_move_the_job_twice(floor_client, company):
    """Pressed on a card showing an older stage: nothing changes and the card says why."""
    job = floor_job(JobStatus.CURING)
    response = _htmx_advance(floor_client, job, seen=JobStatus.COATING)
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
    assert "it was moved since this page was loaded" in response.content.decode()
    assert 'data-status="curing"' in response.content.decode()


def test_a_job_on_hold_offers_resume(floor_client, company):
    """On Hold: the button resumes it at the stage it was held at."""
    job = floor_job(JobStatus.ON_HOLD, held_at=JobStatus.MASKING)
    assert "Resume at Masking / Taping" in floor_client.get(PAGE).content.decode()
    _htmx_advance(floor_client, job, move="resume")
    assert Job.objects.get(pk=job.pk).status == JobStatus.MASKING


def test_get_never_advances(floor_client, company):
    """Opening the advance address, or the page, changes nothing."""
    job = floor_job(JobStatus.COATING)
    assert floor_client.get(_advance_url(job)).status_code == 405
    floor_client.get(PAGE)
    assert Job.objects.get(pk=job.pk).status == JobStatus.COATING
    assert not StatusChange.objects.filter(job=job, transition="advance").exists()


def test_advance_needs_a_csrf_token(floor_user, company):
    """A POST without the token is refused."""
    job = floor_job(JobStatus.COATING)
    client = Client(enforce_csrf_checks=True)
    client.force_login(floor_user)
    response = client.post(_advance_url(job), {"move": "advance", "seen_status": job.status})
    assert response.status_code == 403
    assert Job.objects.get(pk=job.pk).status == JobStatus.COATING


def test_without_javascript_advance_comes_back_to_the_list(floor_client, company):
    """A plain form POST redirects to the list with the result as a message."""
    job = floor_job(JobStatus.COATING)
    response = floor_client.post(
        _advance_url(job),
        {
            "move": "advance",
            "seen_status": job.status,
            "submission_key": page_key(floor_client, PAGE),
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{PAGE}#job-{job.number}"
    assert f"{job.number}: Coating → Curing." in response.content.decode()


@pytest.mark.parametrize("worker", ["99999999999999999999999", "-1", "1e5", "abc"])
def test_a_huge_or_odd_worker_filter_shows_everyone(worker, floor_client, company):
    """?worker= that names nobody possible is ignored: the whole list, not a server error."""
    floor_job(JobStatus.COATING)
    assert floor_client.get(PAGE, {"worker": worker}).status_code == 200


def _numbers_in(html: str, jobs) -> list[str]:
    """The job numbers of `jobs` that have a card in the page, in page order."""
    shown = [job.number for job in jobs if f'id="job-{job.number}"' in html]
    return sorted(shown, key=lambda number: html.index(f'id="job-{number}"'))


def test_a_crowded_stage_shows_its_first_cards_and_a_link_to_all(
    floor_client, company, monkeypatch
):
    """With many jobs in a stage, the soonest due come first and the rest are one tap away."""
    monkeypatch.setattr("admin_views.views.mobile.CARDS_PER_STAGE", 3)
    today = timezone.localdate()
    coating = [
        floor_job(JobStatus.COATING, due=today + timedelta(days=days)) for days in (4, 1, 3, 2, 5)
    ]
    blasting = floor_job(JobStatus.SANDBLASTING)
    html = floor_client.get(PAGE).content.decode()
    soonest = sorted(coating, key=lambda job: job.due_date)
    assert _numbers_in(html, coating) == [job.number for job in soonest[:3]]
    assert f'id="job-{blasting.number}"' in html
    assert "5 jobs" in html
    assert "All 5 Coating jobs (2 more)" in html
    assert f'href="{PAGE}?stage=coating"' in html


def test_a_stage_page_lists_all_its_jobs_a_page_at_a_time(floor_client, company, monkeypatch):
    """`?stage=` shows only that stage, soonest due first, with Previous and Next."""
    monkeypatch.setattr("admin_views.views.mobile.CARDS_PER_PAGE", 2)
    today = timezone.localdate()
    coating = [floor_job(JobStatus.COATING, due=today + timedelta(days=days)) for days in (3, 1, 2)]
    blasting = floor_job(JobStatus.SANDBLASTING)
    soonest = [job.number for job in sorted(coating, key=lambda job: job.due_date)]
    first = floor_client.get(PAGE, {"stage": "coating"}).content.decode()
    assert _numbers_in(first, coating) == soonest[:2]
    assert f'id="job-{blasting.number}"' not in first
    assert "3 active jobs in Coating" in first
    assert "Page 1 of 2" in first
    assert 'href="?stage=coating&amp;page=2"' in first
    second = floor_client.get(PAGE, {"stage": "coating", "page": "2"}).content.decode()
    assert _numbers_in(second, coating) == soonest[2:]
    assert "← All stages" in second
    # The refresh re-reads the same page of the same stage.
    assert f'hx-get="{LIST}?stage=coating&amp;page=2"' in second


@pytest.mark.parametrize(
    "params", [{"stage": "delivered"}, {"stage": "<script>"}, {"stage": "coating", "page": "x"}]
)
def test_an_unknown_stage_or_page_falls_back_without_an_error(floor_client, company, params):
    """A finished or made-up stage shows all stages; a bad page number the first page."""
    job = floor_job(JobStatus.COATING)
    response = floor_client.get(PAGE, params)
    assert response.status_code == 200
    assert f'id="job-{job.number}"' in response.content.decode()
    assert "<script>" not in response.content.decode().split("<body", 1)[1].split("<main", 1)[0]


def test_the_worker_filter_is_kept_on_the_stage_links(floor_client, company, monkeypatch):
    """From one worker's list, "All N jobs" opens that worker's jobs of the stage."""
    monkeypatch.setattr("admin_views.views.mobile.CARDS_PER_STAGE", 1)
    worker = WorkerFactory()
    mine = [floor_job(JobStatus.COATING, workers=[worker]) for _ in range(2)]
    theirs = floor_job(JobStatus.COATING, workers=[WorkerFactory()])
    html = floor_client.get(PAGE, {"worker": worker.pk}).content.decode()
    assert f'href="{PAGE}?stage=coating&amp;worker={worker.pk}"' in html
    stage = floor_client.get(PAGE, {"stage": "coating", "worker": worker.pk}).content.decode()
    assert len(_numbers_in(stage, mine)) == 2
    assert f'id="job-{theirs.number}"' not in stage
