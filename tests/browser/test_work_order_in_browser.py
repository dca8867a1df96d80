"""Work orders in a real browser: Preview on the settings page and Print on the job page each
open the PDF in a new tab, and Preview saves nothing."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from powdercoat.models import CompanySettings
from tests.browser.helpers import log_in
from tests.factories import JobFactory, LineItemFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _pdf_text(body: bytes) -> str:
    reader = PdfReader(io.BytesIO(body))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _capture_pdfs(context, pattern: str) -> list:
    """Keep the bytes of every response to `pattern` (Chromium's PDF viewer hides them)."""
    captured = []

    def keep(route):
        response = route.fetch()
        captured.append((response.status, response.headers["content-type"], response.body()))
        route.fulfill(response=response)

    context.route(pattern, keep)
    return captured


def test_preview_opens_the_unsaved_template_in_a_new_tab(live_server, page, screenshot, admin_user):
    """Type a new title, press Preview: a new tab gets the PDF with it; the record is unchanged."""
    company = CompanySettings.load()
    previews = _capture_pdfs(page.context, "**/preview-work-order/")
    log_in(page, live_server, admin_user.username)
    page.goto(f"{live_server.url}/admin/powdercoat/companysettings/{company.pk}/change/")
    page.get_by_text("Work order PDF", exact=True).click()
    page.fill("#id_work_order_title", "Job Traveller")
    page.fill("#id_work_order_terms", "Terms typed but not saved.")
    screenshot("company-settings-work-order-tab")
    with page.context.expect_page() as new_tab:
        page.get_by_role("button", name="Preview work order").click()
    new_tab.value.wait_for_load_state()
    assert new_tab.value is not page
    assert "preview-work-order" in new_tab.value.url
    [(status, content_type, body)] = previews
    assert (status, content_type) == (200, "application/pdf")
    text = _pdf_text(body)
    assert "JOB TRAVELLER" in text
    assert "Terms typed but not saved." in text
    assert CompanySettings.objects.get().work_order_title == "Work Order"
    # The settings page itself stayed where it was, with the typed values still on it.
    expect(page.locator("#id_work_order_title")).to_have_value("Job Traveller")


def test_print_work_order_opens_the_pdf_in_a_new_tab(live_server, page, office_user):
    """The job page's Print work order button opens the job's PDF beside the job page."""
    job = JobFactory(description="Gate panels")
    LineItemFactory(job=job, description="Gate panel")
    log_in(page, live_server, office_user.username)
    page.goto(f"{live_server.url}/admin/powdercoat/job/{job.pk}/change/")
    with page.context.expect_page() as new_tab:
        page.get_by_role("link", name="Print work order").click()
    new_tab.value.wait_for_load_state()
    assert new_tab.value is not page
    assert new_tab.value.url == f"{live_server.url}/jobs/{job.number}/work-order.pdf"
    # The viewer tab does not hand its bytes over; fetch the same address in the same session.
    response = page.request.get(new_tab.value.url)
    assert response.headers["content-type"] == "application/pdf"
    assert "Gate panel" in _pdf_text(response.body())
