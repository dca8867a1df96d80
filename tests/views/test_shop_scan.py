"""The scan page (issue 18): who may open it, what it gives the camera script, the typed job
number, and the Scan buttons on the other shop pages."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from admin_views.views.scan import work_order_paths
from powdercoat.addresses import site_origin
from tests.factories import UserFactory
from tests.shop_floor import floor_job, powder

pytestmark = pytest.mark.django_db
SCAN = reverse("admin_views:shop_scan")


def _targets(html: str) -> dict:
    """What the page hands its script: the origins and paths a code may lead to."""
    found = re.search(r'<script id="scan-targets" type="application/json">(.*?)</script>', html)
    assert found, "the page carries no #scan-targets"
    return json.loads(found.group(1))


def test_the_scan_page_needs_a_login_and_comes_back(client, company):
    """Anonymous: to the login page, which returns to the scan page afterwards."""
    response = client.get(SCAN)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={SCAN}"


def test_someone_who_may_not_see_jobs_is_refused(company):
    """A login without the view-job permission gets a refusal, not the camera."""
    session = Client()
    session.force_login(UserFactory(username="nobody", is_staff=True))
    assert session.get(SCAN).status_code == 403


@pytest.mark.parametrize("role", ["floor", "office", "supervisor", "admin"])
def test_every_role_that_sees_jobs_opens_it(role, request, company):
    """Shop Floor, Office, Supervisor and Administrator all get the page."""
    session = Client()
    session.force_login(request.getfixturevalue(f"{role}_user"))
    response = session.get(SCAN)
    assert response.status_code == 200
    assert "Scan a work order" in response.content.decode()


def test_the_page_loads_the_decoder_and_its_script_from_this_site(floor_client, company):
    """jsQR and scan.js come from /static/ (the CSP allows nothing else), with the camera view."""
    html = floor_client.get(SCAN).content.decode()
    assert '<script src="/static/admin_views/vendor/jsqr/jsQR.js" defer></script>' in html
    assert '<script src="/static/admin_views/shop/scan.js" defer></script>' in html
    assert '<video id="scan-video" muted playsinline' in html
    assert "Or type the job number" in html


def test_the_decoder_and_its_licence_are_in_the_static_files():
    """The vendored jsQR is served by the app itself, with its Apache licence beside it."""
    script = finders.find("admin_views/vendor/jsqr/jsQR.js")
    licence = finders.find("admin_views/vendor/jsqr/LICENSE")
    assert script, "jsQR.js is not in the static files"
    assert licence, "jsQR's LICENSE is not beside it"
    with open(script, encoding="utf-8") as source:
        assert 'root["jsQR"] = factory()' in source.read()
    with open(licence, encoding="utf-8") as text:
        assert "Apache License" in text.read()


def test_the_script_is_told_the_work_order_addresses(floor_client, company, settings):
    """The allowed origin is SITE_URL's; the paths are the three a work order prints."""
    settings.SITE_URL = "https://Shop.Example.com:443"
    targets = _targets(floor_client.get(SCAN).content.decode())
    assert targets == {
        "origins": ["https://shop.example.com"],
        "paths": [
            "/admin/powdercoat/job/*/change/",
            "/jobs/*/bump/",
            "/inventory/usage/",
        ],
    }
    assert targets["paths"] == work_order_paths()


@pytest.mark.parametrize(
    ("site_url", "origin"),
    [
        ("http://127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("https://shop.example.com/", "https://shop.example.com"),
        ("http://shop.example.com:80", "http://shop.example.com"),
        ("https://shop.example.com:8443/floor", "https://shop.example.com:8443"),
        ("http://[::1]:8000", "http://[::1]:8000"),
    ],
)
def test_site_origin_is_written_as_browsers_write_it(site_url, origin, settings):
    """Lower case, no default port, no path: equal to a scanned URL's `origin` in the browser."""
    settings.SITE_URL = site_url.rstrip("/")
    assert site_origin() == origin


def test_the_page_sends_no_policy_that_blocks_the_camera(floor_client, company):
    """No Permissions-Policy forbids this site the camera (camera=(self) would be fine too)."""
    response = floor_client.get(SCAN)
    policy = response.get("Permissions-Policy", "")
    camera = re.search(r"camera=\(([^)]*)\)", policy)
    assert camera is None or "self" in camera.group(1)


# -- the typed job number ----------------------------------------------------------------------


def test_a_typed_number_opens_that_jobs_bump_page(floor_client, company):
    """A number typed in lower case with spaces around it goes to the job's bump page."""
    job = floor_job()
    response = floor_client.get(SCAN, {"number": f"  {job.number.lower()} "})
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{job.number}/bump/"
    page = floor_client.get(response["Location"])
    assert job.number in page.content.decode()


def test_an_unknown_number_says_so_on_the_scan_page(floor_client, company):
    """No such job: the scan page again, the number kept, the reason in words, status 200."""
    response = floor_client.get(SCAN, {"number": "job-9999-0000"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "No job has the number JOB-9999-0000. Check it on the work order." in html
    assert 'value="job-9999-0000"' in html


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Type the job number printed on the sheet."),
        ("x" * 300, "Ensure this value has at most 20 characters"),
        ("<b>bold</b>", "No job has the number &lt;B&gt;BOLD&lt;/B&gt;."),
        ("../../admin/", "No job has the number ../../ADMIN/."),
    ],
)
def test_bad_typed_numbers_get_a_message_not_an_error(floor_client, company, typed, message):
    """Empty, too long, markup or a path: a message on the page, never a server error."""
    response = floor_client.get(SCAN, {"number": typed})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "<B>BOLD</B>" not in html


def test_the_scan_page_takes_no_posts(floor_client, company):
    """Reading a code changes nothing, so there is nothing to post."""
    assert floor_client.post(SCAN, {"number": "x"}).status_code == 405


# -- the Scan buttons --------------------------------------------------------------------------

SCAN_BUTTON = f'<a class="btn btn--small btn--ghost scan-button" href="{SCAN}">'


def test_the_usage_page_has_a_scan_button_with_words(floor_client, company):
    """Beside the "Log material used" heading: a Scan link with its icon and the word Scan."""
    html = floor_client.get(reverse("admin_views:material_usage")).content.decode()
    head = html[html.index('<div class="page-head">') :]
    head = head[: head.index("</div>")]
    assert "Log material used" in head
    assert SCAN_BUTTON in head
    assert 'class="scan-icon"' in head
    assert "<span>Scan</span>" in head


def test_the_bump_page_has_a_scan_button_beside_the_powders(floor_client, company):
    """The powders panel, where each powder's usage is logged, carries the Scan button."""
    job = floor_job(powders=[powder("Jet Black", "#111111")])
    html = floor_client.get(f"/jobs/{job.number}/bump/").content.decode()
    panel = html[html.index('<div class="panel-head">') :]
    panel = panel[: panel.index("</section>")]
    assert SCAN_BUTTON in panel
    assert "Log powder used" in panel


def test_the_shop_topbar_links_to_the_scan_page(floor_client, company):
    """Every shop page with the top bar has Scan in it, marked current on the scan page."""
    html = floor_client.get(SCAN).content.decode()
    assert f'<a class="topbar-scan" href="{SCAN}" aria-current="page">' in html
    board = floor_client.get(reverse("admin_views:priority_board")).content.decode()
    assert f'<a class="topbar-scan" href="{SCAN}">' in board


def test_the_tv_display_has_no_scan_button(client, company):
    """The TV shows jobs, nobody scans with it."""
    response = client.get(reverse("admin_views:shop_display"), {"key": company.display_key})
    assert response.status_code == 200
    assert SCAN not in response.content.decode()
