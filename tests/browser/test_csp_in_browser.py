"""Every kind of page works under the Content-Security-Policy: no refused script or style."""

import pytest
from playwright.sync_api import expect

from powdercoat.models import CompanySettings
from powdercoat.models.choices import JobStatus
from tests.browser.helpers import log_in
from tests.factories import CustomerFactory, LineItemCoatFactory, LineItemFactory, job_at
from tests.shop_floor import powder

pytestmark = pytest.mark.django_db(transaction=True)

# Collected in the page by the browser itself: each policy violation, as it happens.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def _violations(page) -> list[str]:
    return page.evaluate("window.__cspViolations || []")


def test_admin_wizard_dialogs_and_shop_pages_run_under_the_policy(
    live_server, page, office_user, company
):
    """Dashboard, lists, a job with a dialog, the wizard, the phone view, board and TV: the
    header is sent and the browser refuses nothing."""
    job = job_at(JobStatus.COATING, customer=CustomerFactory(company_name="Ridge Cycles"))
    LineItemCoatFactory(item=LineItemFactory(job=job), powder=powder("Gloss Black", "#111111"))
    page.add_init_script(RECORD_VIOLATIONS)
    log_in(page, live_server, office_user.username)
    checked = []

    def visit(path: str) -> None:
        response = page.goto(f"{live_server.url}{path}")
        assert "default-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_load_state("networkidle")
        assert _violations(page) == [], f"{path}: {_violations(page)}"
        checked.append(path)

    visit("/admin/")
    visit("/admin/powdercoat/job/")
    visit(f"/admin/powdercoat/job/{job.pk}/change/?tab=materials")
    page.get_by_role("link", name="Change status").first.click()
    expect(page.locator("#dialog")).to_be_visible()
    assert _violations(page) == []
    visit(f"/admin/powdercoat/job/{job.pk}/items/add/")
    expect(page.locator("#item-wizard")).to_be_visible()
    visit("/jobs/mobile/")
    visit("/jobs/priority/")
    visit(f"/jobs/{job.number}/bump/")
    visit(f"/jobs/shop-display/?key={CompanySettings.load().display_key}")
    expect(page.get_by_text(job.number).first).to_be_visible()
    assert len(checked) == 8
