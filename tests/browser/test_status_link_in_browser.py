"""The customer opens their status link on a phone and sees where the job is (SPEC U1)."""

import pytest
from playwright.sync_api import expect

from powdercoat.models.choices import JobStatus
from powdercoat.services.status_links import job_status_link_issue, job_status_link_revoke
from tests.shop_floor import floor_job, powder

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_phone_opens_the_link_and_sees_the_stage(live_server, browser, screenshot_of):
    """At 390x844, the job number, Curing as the current step and the colour are on screen,
    with no sideways scrolling; after a revoke the same address says the link is not valid."""
    job = floor_job(JobStatus.CURING, customer="Ridge Cycles", powders=[powder("Jet Black")])
    job_status_link_issue(job=job)
    url = f"{live_server.url}/s/{job.status_token}/"
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone = context.new_page()
    try:
        phone.goto(url)
        expect(phone.get_by_test_id("job-number")).to_have_text(job.number)
        current = phone.locator('[aria-current="step"]')
        expect(current).to_contain_text("Curing")
        expect(phone.get_by_test_id("headline")).to_contain_text("curing")
        expect(phone.get_by_text("Jet Black").first).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        screenshot_of(phone, "status-link-phone")
        job_status_link_revoke(job=job, user=None)
        phone.goto(url)
        expect(phone.get_by_role("heading")).to_have_text("This link is no longer valid")
    finally:
        context.close()
