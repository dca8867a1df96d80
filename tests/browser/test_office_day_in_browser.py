"""The office's day in Chromium: the jobs list (one line a job, tabs and filters together) and
the job page's header and bar at 1280 and 1440 px.

Screenshots land in test-output/browser/ (jobs-list-1440.png, job-page-1280.png, ...).
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from powdercoat.models.choices import JobStatus, Priority
from tests.browser.helpers import log_in
from tests.factories import CustomerFactory, LineItemFactory, WorkerFactory, job_at

pytestmark = pytest.mark.django_db(transaction=True)

WIDE = {"width": 1440, "height": 900}
LAPTOP = {"width": 1280, "height": 800}
LIST_URL = reverse("admin:powdercoat_job_changelist")


def _busy_list() -> None:
    """Twenty jobs on the floor with long names and crews, and three delivered ones."""
    today = timezone.localdate()
    crew = [WorkerFactory(name=name) for name in ("Dwayne Pickett", "Priya Raman", "Tom Nguyen")]
    for index in range(20):
        job_at(
            JobStatus.COATING if index % 2 else JobStatus.SANDBLASTING,
            customer=CustomerFactory(company_name=f"Arkansas River Parks Authority {index}"),
            description="Playground guard rail sections and the gate posts for the north park",
            priority=Priority.RUSH if index < 3 else Priority.NORMAL,
            due_date=today + timedelta(days=index - 4),
            assigned_workers=crew,
        )
    for _ in range(3):
        job_at(JobStatus.DELIVERED)


def test_the_jobs_list_keeps_one_line_a_job_at_1440(
    page, live_server, office_user, company, screenshot
):
    """Every row is one line high, nothing runs past the table's right edge, and the tabs
    carry their counts."""
    _busy_list()
    page.set_viewport_size(WIDE)
    log_in(page, live_server, office_user.username)
    page.goto(f"{live_server.url}{LIST_URL}")
    rows = page.locator("#result_list tbody tr.data-row")
    expect(rows).to_have_count(20, timeout=30_000)
    screenshot("jobs-list-1440")
    heights = rows.evaluate_all("rows => rows.map(row => row.getBoundingClientRect().height)")
    assert max(heights) < 56, heights
    overflow = page.evaluate(
        "() => { const t = document.querySelector('#result_list');"
        " return t.scrollWidth - t.parentElement.clientWidth; }"
    )
    assert overflow <= 1, overflow
    expect(page.locator('a[href*="view=on_floor"] .pc-tab-count')).to_have_text("20")
    screenshot("jobs-list-1440")


def test_apply_filters_keeps_the_tab_and_a_tab_keeps_the_filters(
    page, live_server, office_user, company, screenshot
):
    """From the All tab, Status = Delivered lists the delivered jobs; the On Floor tab then
    keeps the filter (and, there being none on the floor, says so with its count)."""
    _busy_list()
    page.set_viewport_size(WIDE)
    log_in(page, live_server, office_user.username)
    page.goto(f"{live_server.url}{LIST_URL}?view=all")
    page.locator(".filter-open-button").click()
    form = page.locator("#filter-form")
    form.locator("select[name=status__exact]").select_option("delivered")
    form.get_by_role("button", name="Apply Filters").click()
    expect(page).to_have_url(re.compile(r"view=all"), timeout=30_000)
    expect(page.locator("#result_list tbody tr.data-row")).to_have_count(3, timeout=30_000)
    screenshot("jobs-list-all-delivered")
    page.locator('#tabs-items a[href*="view=on_floor"]').click()
    expect(page).to_have_url(re.compile(r"status__exact=delivered"), timeout=30_000)
    expect(page.locator('a[href*="view=completed"] .pc-tab-count')).to_have_text("3")


@pytest.mark.parametrize("size", [LAPTOP, WIDE], ids=["1280", "1440"])
def test_the_job_page_names_the_job_and_keeps_its_bar_whole(
    page, live_server, office_user, company, screenshot, size
):
    """The header shows number, customer and the Rush badge; the bar leads with the next move
    and the job's number in the breadcrumb is never cut."""
    job = job_at(
        JobStatus.COATING,
        priority=Priority.RUSH,
        customer=CustomerFactory(company_name="Red River Fabrication"),
        description="Replacement machine guards, line down",
    )
    LineItemFactory(job=job, quantity=6, unit_price=Decimal("49.78"))
    page.set_viewport_size(size)
    log_in(page, live_server, office_user.username)
    page.goto(f"{live_server.url}{reverse('admin:powdercoat_job_change', args=[job.pk])}")
    header = page.get_by_test_id("job-header")
    expect(header).to_contain_text(job.number, timeout=30_000)
    expect(header).to_contain_text("Red River Fabrication")
    expect(header.locator(".pc-priority--rush")).to_be_visible()
    crumb = page.locator("#header-inner h1 a").last
    expect(crumb).to_have_text(job.number)
    cut = crumb.evaluate("a => a.scrollWidth > a.clientWidth + 1")
    assert not cut
    first_button = page.locator("#header-inner ul > li").nth(1)
    expect(first_button).to_contain_text("Advance to")
    screenshot(f"job-page-{size['width']}")
