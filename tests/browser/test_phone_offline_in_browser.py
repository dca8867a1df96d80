"""The phone view on bad Wi-Fi, in Chromium: it opens offline from what the phone kept, a tap
made offline waits on the phone and is applied once when the connection returns, and a job
moved meanwhile is refused in words."""

import json

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from powdercoat.models import Job, StatusChange
from powdercoat.models.choices import JobStatus
from powdercoat.services.jobs import job_advance
from tests.browser.helpers import log_in
from tests.shop_floor import floor_job, powder

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _open_phone(page, live_server, floor_user) -> None:
    page.set_viewport_size(PHONE)
    log_in(page, live_server, floor_user.username)
    page.goto(f"{live_server.url}/jobs/mobile/")


def _wait_for_the_service_worker(page) -> None:
    """Until the service worker controls the page. Its install fetches the page's files, and
    one fetch failing on a loaded machine discards it; the page registers it again on every
    load, as a phone would on its next visit, so a reload is the retry."""
    for _attempt in range(4):
        try:
            page.wait_for_function(
                "navigator.serviceWorker && navigator.serviceWorker.controller", timeout=10_000
            )
            return
        except PlaywrightTimeoutError:
            page.reload()
    raise AssertionError("the service worker never took the page over")


def _section(page, stage: str):
    return page.locator("section.m-stage", has=page.locator(f"#stage-{stage}"))


def test_offline_the_phone_opens_its_last_list_and_sends_a_waiting_tap_once(
    live_server, page, screenshot, company, floor_user
):
    """Installed and used once online; then the Wi-Fi drops: a reload still shows the jobs,
    Advance says "Waiting to send", and when the Wi-Fi returns the job moves one stage."""
    job = floor_job(JobStatus.COATING, customer="Velo Garage", powders=[powder("Sky Blue")])
    _open_phone(page, live_server, floor_user)
    # The service worker takes the page over; the next load of the page is kept for offline.
    _wait_for_the_service_worker(page)
    page.reload()
    expect(page.locator(f"#job-{job.number}")).to_be_visible()

    page.context.set_offline(True)
    page.reload()
    card = page.locator(f"#job-{job.number}")
    expect(card).to_be_visible()
    card.get_by_role("button", name="Advance to Curing").click()
    expect(card.locator(".m-waiting")).to_have_text("Waiting to send: Advance to Curing")
    expect(page.locator("#m-waiting")).to_have_text("No connection. 1 tap is waiting to send.")
    expect(card.get_by_role("button", name="Advance to Curing")).to_be_disabled()
    screenshot("shop-mobile-390x844-offline-waiting")
    assert Job.objects.get(pk=job.pk).status == JobStatus.COATING

    page.context.set_offline(False)
    expect(_section(page, "curing").locator(f"#job-{job.number}")).to_be_visible()
    expect(page.locator(".m-note")).to_contain_text(f"{job.number}: Coating → Curing.")
    expect(page.locator("#m-waiting")).to_be_hidden()
    assert json.loads(page.evaluate("localStorage.getItem('shop-phone-waiting')")) == []
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
    assert StatusChange.objects.filter(job=job, transition="advance").count() == 1
    screenshot("shop-mobile-390x844-offline-sent")


def test_a_tap_made_offline_on_a_job_moved_meanwhile_is_refused_in_words(
    live_server, page, company, floor_user, supervisor_user
):
    """The supervisor advances the job while the phone is offline: the phone's waiting tap
    is refused with the reason, and the job is not pushed a second stage."""
    job = floor_job(JobStatus.COATING)
    _open_phone(page, live_server, floor_user)
    page.context.set_offline(True)
    card = page.locator(f"#job-{job.number}")
    card.get_by_role("button", name="Advance to Curing").click()
    expect(card.locator(".m-waiting")).to_be_visible()
    job_advance(job=Job.objects.get(pk=job.pk), user=supervisor_user)

    page.context.set_offline(False)
    expect(page.locator(".m-note")).to_contain_text("it was moved since this page was loaded")
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
    assert StatusChange.objects.filter(job=job, transition="advance").count() == 1
