"""The QR code targets: the status bump page (SPEC S4) and the material usage page (S5)."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from powdercoat.models import InventoryActivity, InventoryItem, Job, StatusChange
from powdercoat.models.choices import ActivityKind, JobStatus
from powdercoat.services.jobs import job_cancel
from tests.helpers import form_data, page_key
from tests.shop_floor import floor_job, powder

pytestmark = pytest.mark.django_db
USAGE = reverse("admin_views:material_usage")


def _bump_url(job) -> str:
    return f"/jobs/{job.number}/bump/"


# -- status bump page ------------------------------------------------------------------------------


def test_the_bump_page_needs_a_login_and_comes_back(client, company):
    """Anonymous: to the login page with ?next= pointing back at the bump page."""
    job = floor_job()
    response = client.get(_bump_url(job))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next=/jobs/{job.number}/bump/"


def test_get_shows_the_job_and_its_next_stage_and_changes_nothing(floor_client, company):
    """The job, its status and next stage, the buttons; the status and timeline untouched."""
    job = floor_job(JobStatus.COATING, customer="Ridge Cycles")
    for _ in range(3):
        response = floor_client.get(_bump_url(job))
    assert response.status_code == 200
    html = response.content.decode()
    assert job.number in html
    assert "Ridge Cycles" in html
    assert 'data-testid="next-stage">Curing<' in html
    assert "Advance to Curing" in html
    assert "Put on hold" in html
    assert "$" not in html
    assert Job.objects.get(pk=job.pk).status == JobStatus.COATING
    assert not StatusChange.objects.filter(job=job).exclude(note="setup").exists()


def test_post_advance_records_the_user(floor_client, floor_user, company):
    """Advance moves one stage; the timeline names the person; back to the page with a message."""
    job = floor_job(JobStatus.COATING)
    key = page_key(floor_client, _bump_url(job))
    response = floor_client.post(
        _bump_url(job),
        {"move": "advance", "seen_status": JobStatus.COATING, "submission_key": key},
        follow=True,
    )
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
    change = StatusChange.objects.get(job=job, transition="advance")
    assert change.user == floor_user
    assert response.redirect_chain[-1][0] == _bump_url(job)
    assert f"{job.number}: Coating → Curing." in response.content.decode()


def test_post_hold_needs_a_reason_and_records_the_user(floor_client, floor_user, company):
    """Hold without a reason is refused in words; with one, the job is on hold by this user."""
    job = floor_job(JobStatus.COATING)
    key = page_key(floor_client, _bump_url(job))
    response = floor_client.post(
        _bump_url(job),
        {"move": "hold", "seen_status": JobStatus.COATING, "reason": " ", "submission_key": key},
        follow=True,
    )
    assert "Say why the job is going on hold." in response.content.decode()
    assert Job.objects.get(pk=job.pk).status == JobStatus.COATING
    floor_client.post(
        _bump_url(job),
        {
            "move": "hold",
            "seen_status": JobStatus.COATING,
            "reason": "Out of Candy Red",
            "submission_key": key,  # the refused press left its key unused
        },
    )
    job.refresh_from_db()
    assert job.status == JobStatus.ON_HOLD
    change = StatusChange.objects.get(job=job, transition="hold")
    assert (change.user, change.note) == (floor_user, "Out of Candy Red")


def test_a_stale_bump_page_moves_nothing(floor_client, company):
    """The page showed Coating but the job is in Curing now: refused, not pushed twice."""
    job = floor_job(JobStatus.CURING)
    key = page_key(floor_client, _bump_url(job))
    response = floor_client.post(
        _bump_url(job),
        {"move": "advance", "seen_status": JobStatus.COATING, "submission_key": key},
        follow=True,
    )
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
    assert "was moved since this page was loaded" in response.content.decode()


def test_the_bump_post_needs_a_csrf_token(floor_user, company):
    """Without the token the POST is refused and the job stays where it is."""
    job = floor_job(JobStatus.COATING)
    client = Client(enforce_csrf_checks=True)
    client.force_login(floor_user)
    response = client.post(_bump_url(job), {"move": "advance", "seen_status": job.status})
    assert response.status_code == 403
    assert Job.objects.get(pk=job.pk).status == JobStatus.COATING


def test_an_unknown_job_number_is_a_404(floor_client, company):
    """A mistyped or old QR code gets the not-found page."""
    assert floor_client.get("/jobs/JOB-0000-0000/bump/").status_code == 404


def test_the_bump_page_links_each_powder_to_the_usage_page(floor_client, company):
    """Each powder of the job has a "Log powder used" link pre-filled with item and job."""
    black = powder("Gloss Black", "#111111")
    job = floor_job(powders=[black])
    html = floor_client.get(_bump_url(job)).content.decode()
    assert f"{USAGE}?item={black.pk}&amp;job={job.number}" in html


# -- material usage page -----------------------------------------------------------------------


def test_the_usage_page_needs_a_login_and_comes_back(client, company):
    """Anonymous: to the login page with the whole address, query included, as ?next=."""
    response = client.get(USAGE, {"item": 1, "job": "JOB-2601-0001"})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{reverse('admin:login')}?next=")
    assert "item%3D1%26job%3DJOB-2601-0001" in response["Location"]


def test_the_usage_page_is_pre_filled_and_get_writes_nothing(floor_client, company):
    """The QR's item is selected and its job filled in; no ledger row is written."""
    black = powder("Gloss Black", "#111111")
    job = floor_job(powders=[black])
    rows = InventoryActivity.objects.count()
    response = floor_client.get(USAGE, {"item": black.pk, "job": job.number})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<option value="{black.pk}" selected>' in html
    assert f'value="{job.number}"' in html
    assert InventoryActivity.objects.count() == rows


def test_posting_usage_writes_one_ledger_row_with_the_user(floor_client, floor_user, company):
    """One Usage row of the pounds, on the job, by this user; stock down; confirmation page."""
    black = powder("Gloss Black", "#111111", opening_stock=Decimal("10"))
    job = floor_job(powders=[black])
    rows = InventoryActivity.objects.count()
    response = floor_client.post(
        USAGE,
        {
            "item": black.pk,
            "job": job.number,
            "lbs": "1.5",
            "note": "first coat",
            "submission_key": page_key(floor_client, USAGE),
        },
        follow=True,
    )
    assert InventoryActivity.objects.count() == rows + 1
    row = InventoryActivity.objects.latest("pk")
    assert (row.kind, row.quantity, row.job, row.user) == (
        ActivityKind.USAGE,
        Decimal("-1.5"),
        job,
        floor_user,
    )
    assert InventoryItem.objects.get(pk=black.pk).quantity_on_hand == Decimal("8.5")
    html = response.content.decode()
    assert 'data-testid="on-hand">8.5 lb<' in html
    assert "below zero" not in html


def test_usage_below_zero_is_saved_and_warned_about(floor_client, company):
    """More than the shelf holds is asked about, then booked (it was sprayed) with a warning."""
    black = powder("Gloss Black", opening_stock=Decimal("1"))
    job = floor_job(powders=[black])
    posted = {
        "item": black.pk,
        "job": job.number,
        "lbs": "3",
        "submission_key": page_key(floor_client, USAGE),
    }
    asked = floor_client.post(USAGE, posted)
    html = asked.content.decode()
    assert "3.0 lb of Gloss Black is more than the 1.0 lb on the shelf" in html
    assert "Yes, log 3.0 lb" in html
    assert InventoryItem.objects.get(pk=black.pk).quantity_on_hand == Decimal("1")
    data = form_data(html, form_id="usage-form")
    data["confirm"] = "on"
    response = floor_client.post(USAGE, data, follow=True)
    assert "Stock shows below zero" in response.content.decode()
    assert InventoryItem.objects.get(pk=black.pk).quantity_on_hand == Decimal("-2")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"lbs": "0"}, "Ensure this value is greater than or equal to 0.001."),
        ({"lbs": "abc"}, "Enter a number."),
        ({"job": "JOB-9999-9999"}, "No job has the number JOB-9999-9999."),
        ({"item": "999999"}, "Select a valid choice."),
    ],
)
def test_bad_usage_input_is_refused_with_a_message(floor_client, company, data, message):
    """Nothing is written, and the form says what to fix."""
    black = powder("Gloss Black")
    job = floor_job(powders=[black])
    rows = InventoryActivity.objects.count()
    key = page_key(floor_client, USAGE)
    response = floor_client.post(
        USAGE, {"item": black.pk, "job": job.number, "lbs": "1", "submission_key": key, **data}
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert InventoryActivity.objects.count() == rows


def test_usage_on_a_cancelled_job_is_refused_by_the_service(floor_client, company):
    """The service's refusal shows on the form; nothing is written."""
    black = powder("Gloss Black")
    job = floor_job(powders=[black])
    job_cancel(job=job, user=None, reason="Customer withdrew")
    rows = InventoryActivity.objects.count()
    key = page_key(floor_client, USAGE)
    response = floor_client.post(
        USAGE, {"item": black.pk, "job": job.number, "lbs": "1", "submission_key": key}
    )
    assert "reopen it before logging material" in response.content.decode()
    assert InventoryActivity.objects.count() == rows


def test_the_usage_post_needs_a_csrf_token(floor_user, company):
    """Without the token nothing is booked."""
    black = powder("Gloss Black")
    job = floor_job(powders=[black])
    client = Client(enforce_csrf_checks=True)
    client.force_login(floor_user)
    rows = InventoryActivity.objects.count()
    response = client.post(USAGE, {"item": black.pk, "job": job.number, "lbs": "1"})
    assert response.status_code == 403
    assert InventoryActivity.objects.count() == rows
