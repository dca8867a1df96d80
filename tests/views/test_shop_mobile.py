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
