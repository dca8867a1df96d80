"""The scan page in Chromium with a fake camera (issue 18): a work-order QR code held in front of
it opens the job's bump page; another site's code is shown and never opened.

Debian's Chromium on Linux has no BarcodeDetector, so these tests exercise the vendored jsQR
fallback; one of them removes BarcodeDetector on purpose so it does so on any Chromium.
"""

import io
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from powdercoat.documents.qr import qr_png
from powdercoat.documents.work_order import work_order_pdf
from powdercoat.models.choices import JobStatus
from tests.browser.helpers import log_in
from tests.documents.pdf_pages import printed_qr_codes
from tests.shop_floor import floor_job, powder

pytestmark = pytest.mark.django_db(transaction=True)

SCAN = "/jobs/scan/"
REFUSAL = "This code is not one of our work orders."


def _printed_code(pdf: bytes, text: str, folder: Path) -> Image.Image:
    """The QR code picture on page 1 of `pdf` that reads `text`, as the PDF holds it.

    Each code is an image of its own in the PDF; zbarimg (as an ordinary phone reader would)
    tells which one is which.
    """
    codes = printed_qr_codes(pdf, folder)
    for path, found in codes:
        if found == text:
            return Image.open(path, formats=["PNG"])
    read = [found for _, found in codes]
    raise AssertionError(f"no code on the work order reads {text!r}; they read {read}")


def _code_of(text: str) -> Image.Image:
    """A QR code of `text`, drawn as the work orders draw theirs."""
    return Image.open(io.BytesIO(qr_png(text)), formats=["PNG"])


def test_a_work_order_code_in_front_of_the_camera_opens_the_jobs_bump_page(
    live_server, camera_phone, screenshot_of, floor_user, company, settings, tmp_path
):
    """The status code cut from the job's real work order PDF, shown to the camera, opens the
    job's bump page with its number on it."""
    settings.SITE_URL = live_server.url  # the work order is printed for this server
    job = floor_job(JobStatus.COATING, customer="Ridge Cycles", powders=[powder("Jet Black")])
    pdf = work_order_pdf(job=job, prices_allowed=False, contact_allowed=False)
    bump = f"{live_server.url}/jobs/{job.number}/bump/"
    phone = camera_phone(_printed_code(pdf, bump, tmp_path))
    opened = []  # the addresses the tab showed, in order
    phone.on("framenavigated", lambda frame: opened.append(frame.url))

    log_in(phone, live_server, floor_user.username)
    phone.goto(f"{live_server.url}{SCAN}")

    expect(phone).to_have_url(bump)
    expect(phone.locator("h1")).to_have_text(job.number)
    expect(phone.get_by_test_id("next-stage")).to_have_text("Curing")
    assert f"{live_server.url}{SCAN}" in opened  # it went through the scan page
    screenshot_of(phone, "scan-opened-bump-page-phone")


def test_another_sites_code_is_shown_as_text_and_never_opened(
    live_server, camera_phone, screenshot_of, floor_user, company
):
    """https://evil.example/ in front of the camera: the refusal and the text; the page stays."""
    phone = camera_phone(_code_of("https://evil.example/"), without_barcode_detector=True)
    log_in(phone, live_server, floor_user.username)
    phone.goto(f"{live_server.url}{SCAN}")

    # jsQR read it: the only decoder left once BarcodeDetector is gone.
    expect(phone.locator("#scanner")).to_have_attribute("data-decoder", "jsqr")
    refusal = phone.get_by_test_id("scan-refused")
    expect(refusal).to_be_visible()
    expect(refusal).to_contain_text(REFUSAL)
    expect(refusal.locator("code")).to_have_text("https://evil.example/")
    expect(phone.get_by_test_id("scan-status")).to_have_text("Still looking for a work-order code…")
    # Many more frames of the same code go by, and the phone is still here.
    phone.wait_for_timeout(3000)
    assert phone.url == f"{live_server.url}{SCAN}"
    expect(phone.locator("#scanner")).to_have_attribute("data-scanning", "true")
    screenshot_of(phone, "scan-refused-phone")


def test_the_script_follows_only_work_order_addresses(live_server, page, floor_user, settings):
    """The allow-list as the page's script applies it, to texts no camera needs to show."""
    settings.SITE_URL = "https://shop.example.com"
    log_in(page, live_server, floor_user.username)
    page.goto(f"{live_server.url}{SCAN}")
    here = live_server.url
    cases = {
        # ours: the path on this origin, whichever of our origins the code names
        f"{here}/jobs/JOB-2503-0042/bump/": "/jobs/JOB-2503-0042/bump/",
        "https://shop.example.com/jobs/JOB-2503-0042/bump/": "/jobs/JOB-2503-0042/bump/",
        "HTTPS://SHOP.EXAMPLE.COM:443/jobs/JOB-2503-0042/bump/": "/jobs/JOB-2503-0042/bump/",
        "https://shop.example.com/inventory/usage/?item=7&job=JOB-2503-0042": (
            "/inventory/usage/?item=7&job=JOB-2503-0042"
        ),
        "https://shop.example.com/admin/powdercoat/job/12/change/": (
            "/admin/powdercoat/job/12/change/"
        ),
        # not ours: other sites, look-alike hosts, other schemes, other pages, plain text
        "https://evil.example/": None,
        "https://evil.example/jobs/JOB-2503-0042/bump/": None,
        "https://shop.example.com.evil.example/jobs/JOB-2503-0042/bump/": None,
        "http://shop.example.com/jobs/JOB-2503-0042/bump/": None,
        "https://shop.example.com:8443/jobs/JOB-2503-0042/bump/": None,
        f"{here.replace('http://', 'https://')}/jobs/JOB-2503-0042/bump/": None,
        "https://user:secret@shop.example.com/jobs/JOB-2503-0042/bump/": None,
        "javascript:alert(1)//https://shop.example.com/jobs/JOB-2503-0042/bump/": None,
        "data:text/html,<script>alert(1)</script>": None,
        f"{here}/admin/": None,
        f"{here}/jobs//bump/": None,
        f"{here}/jobs/JOB-2503-0042/bump/extra/": None,
        f"{here}/jobs/JOB-2503-0042/advance/": None,
        f"{here}/inventory/usage/7/": None,
        "/jobs/JOB-2503-0042/bump/": None,
        "JOB-2503-0042": None,
        "Hello from the paint supplier": None,
    }
    answers = page.evaluate(
        """(texts) => {
            const targets = JSON.parse(document.getElementById("scan-targets").textContent);
            return texts.map((text) =>
                window.shopScan.workOrderAddress(text, targets, window.location.origin));
        }""",
        list(cases),
    )
    assert dict(zip(cases, answers, strict=True)) == cases


def test_without_a_camera_the_page_says_why_and_the_typed_number_works(
    live_server, page, floor_user, company
):
    """The shared browser has no camera: the reason in words, then a typed number opens the job."""
    job = floor_job(JobStatus.SANDBLASTING)
    log_in(page, live_server, floor_user.username)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{SCAN}")

    status = page.get_by_test_id("scan-status")
    expect(status).to_have_class("scan-status is-problem")
    expect(status).to_contain_text("Type the job number below instead.")
    expect(page.get_by_test_id("scan-view")).to_be_hidden()

    page.get_by_label("Or type the job number").fill("job-0000-0000")
    page.get_by_role("button", name="Open job").click()
    expect(page.get_by_role("alert").filter(has_text="No job has the number")).to_have_text(
        "No job has the number JOB-0000-0000. Check it on the work order."
    )
    page.get_by_label("Or type the job number").fill(job.number.lower())
    page.get_by_role("button", name="Open job").click()
    expect(page).to_have_url(f"{live_server.url}/jobs/{job.number}/bump/")
    expect(page.locator("h1")).to_have_text(job.number)
