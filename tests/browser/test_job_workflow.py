"""A new office user in a real browser: open a Rush job, advance it, hold it, resume it."""

import re

import pytest
from playwright.sync_api import expect

from powdercoat.models import Job
from powdercoat.models.choices import JobStatus, Priority
from powdercoat.services.jobs import job_set_status
from tests.browser.helpers import log_in
from tests.factories import CustomerFactory, JobFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _press(page, button: str, *, note: str | None = None, submit: str):
    """Open a status dialog from the job page (from the More menu for the rarer moves), type
    the note, submit, wait for the reload."""
    link = page.get_by_role("link", name=button)
    if not link.is_visible():
        page.locator("#header-inner li", has_text="More").locator("a").first.click()
    link.click()
    dialog = page.locator("#dialog")
    expect(dialog).to_be_visible()
    if note is not None:
        dialog.locator("textarea[name=note]").fill(note)
    dialog.get_by_role("button", name=submit).click()


def test_rush_job_advance_hold_resume_and_timeline(live_server, page, screenshot, office_user):
    """The whole status round trip works through the dialogs, and the timeline names the user."""
    job = JobFactory(
        customer=CustomerFactory(company_name="Red River Fabrication"),
        description="Machine guards",
        priority=Priority.RUSH,
    )
    job_set_status(job=job, user=None, status=JobStatus.COATING)

    log_in(page, live_server, office_user.username)
    # The menu's Jobs entry (its accessible name also carries the icon's ligature).
    page.locator("#nav-sidebar a[href$='/admin/powdercoat/job/']").first.click()
    rush_row = page.locator("tr", has_text=job.number)
    expect(rush_row.locator(".pc-priority--rush")).to_have_text("⚡ Rush")
    row_colour = (
        rush_row.locator("td").nth(1).evaluate("cell => getComputedStyle(cell).backgroundColor")
    )
    assert row_colour not in ("rgba(0, 0, 0, 0)", "rgb(255, 255, 255)"), (
        "the Rush row is not highlighted"
    )
    screenshot("jobs-list-on-floor")

    rush_row.get_by_role("link", name=job.number).click()
    expect(page.get_by_role("link", name="Advance to Curing")).to_be_visible()
    screenshot("job-page-rush")

    page.get_by_role("link", name="Advance to Curing").click()
    expect(page.locator('#dialog [data-testid="status-move"]')).to_contain_text("Curing")
    screenshot("advance-dialog")
    page.locator("#dialog textarea[name=note]").fill("Both coats on")
    page.locator("#dialog").get_by_role("button", name="Advance").click()
    expect(page.get_by_text(f"{job.number}: Coating → Curing.")).to_be_visible()

    _press(page, "Hold", note="", submit="Put on hold")
    expect(page.locator("#dialog")).to_contain_text("This field is required.")
    page.locator("#dialog textarea[name=note]").fill("Oven 2 tripped its breaker")
    page.locator("#dialog").get_by_role("button", name="Put on hold").click()
    expect(page.get_by_text(f"{job.number}: Curing → On Hold.")).to_be_visible()
    assert Job.objects.get(pk=job.pk).status == JobStatus.ON_HOLD

    _press(page, "Resume", submit="Resume")
    expect(page.get_by_text(f"{job.number}: On Hold → Curing.")).to_be_visible()

    page.get_by_role("link", name=re.compile("Status timeline")).click()
    timeline = page.locator("#status_changes-group")
    expect(timeline).to_contain_text("Oven 2 tripped its breaker")
    expect(timeline).to_contain_text("Both coats on")
    expect(timeline.get_by_text(office_user.username)).to_have_count(3)
    screenshot("job-status-timeline")
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
