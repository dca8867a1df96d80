"""The dashboard in Chromium: the owner's morning, Shop Floor's money-free one, a figure clicked.

Screenshots land in test-output/browser/ (dashboard-owner.png, dashboard-floor.png).
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from powdercoat.models.choices import JobStatus, Priority
from tests.browser.helpers import log_in
from tests.factories import CustomerFactory, invoiced_job, job_at, paid
from tests.shop_floor import floor_job

pytestmark = pytest.mark.django_db(transaction=True)

LAPTOP = {"width": 1280, "height": 800}


def _monday_morning() -> None:
    """Late, rush and waiting work, and money owed."""
    today = timezone.localdate()
    yesterday = today - timedelta(days=1)
    for _ in range(3):
        job_at(JobStatus.COATING, due_date=yesterday, customer=CustomerFactory())
    floor_job(JobStatus.CURING, priority=Priority.RUSH, due=today)
    job_at(JobStatus.READY_FOR_PICKUP)
    invoice = invoiced_job(items=((10, Decimal("45.00")),))
    paid(invoice, "150.00")


def test_the_owner_sees_the_morning_and_clicks_through_to_the_overdue_jobs(
    page, live_server, admin_user, company, screenshot
):
    """Overdue reads 3; clicking it opens the jobs list on the Overdue view with 3 jobs."""
    _monday_morning()
    page.set_viewport_size(LAPTOP)
    log_in(page, live_server, admin_user.username)
    overdue = page.get_by_test_id("figure-overdue")
    expect(overdue.locator("[data-value]")).to_have_text("3")
    expect(page.get_by_test_id("figure-outstanding")).to_contain_text("$300.00")
    expect(page.get_by_test_id("urgent-jobs")).to_be_visible()
    # The charts are drawn (Chart.js sizes each canvas once it has rendered).
    expect(page.locator("canvas.chart").first).to_have_attribute(
        "style", re.compile("height"), timeout=30_000
    )
    screenshot("dashboard-owner")
    overdue.click()
    expect(page).to_have_url(re.compile(r"view=overdue"), timeout=30_000)
    expect(page.locator("#result_list tbody tr")).to_have_count(3, timeout=30_000)


def test_shop_floor_gets_the_dashboard_without_money(
    page, live_server, floor_user, company, screenshot
):
    """Work and powder figures, no money, no Urgent panel naming customers."""
    _monday_morning()
    page.set_viewport_size(LAPTOP)
    log_in(page, live_server, floor_user.username)  # lands on the phone view
    page.goto(f"{live_server.url}/admin/")
    expect(page.get_by_test_id("figure-overdue").locator("[data-value]")).to_have_text("3")
    board = page.get_by_test_id("dashboard")
    expect(board).not_to_contain_text("$")
    expect(page.get_by_test_id("figure-outstanding")).to_have_count(0)
    expect(page.get_by_test_id("urgent-jobs")).to_have_count(0)
    screenshot("dashboard-floor")
