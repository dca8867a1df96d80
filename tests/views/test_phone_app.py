"""The phone view as an installable app: the web manifest, the icons and the service worker."""

import json

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.urls import reverse
from PIL import Image

from admin_views.views.phone_app import SHELL_FILES

pytestmark = pytest.mark.django_db
MANIFEST = reverse("admin_views:phone_manifest")
WORKER = reverse("admin_views:phone_service_worker")
PAGE = reverse("admin_views:shop_mobile")


def test_the_manifest_names_the_app_and_opens_on_the_phone_view(client, company):
    """Valid JSON a phone can install from: the shop's name, standalone, the phone view."""
    company.name = 'Rick\'s "Best" Coatings </script>'
    company.save()
    response = client.get(MANIFEST)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == 'Rick\'s "Best" Coatings </script> – jobs on the floor'
    assert manifest["start_url"] == PAGE
    assert manifest["scope"] == PAGE
    assert manifest["display"] == "standalone"
    assert b"</script>" not in response.content


def test_every_icon_of_the_manifest_is_a_png_of_its_stated_size(client, company):
    """The icons exist among the static files, at the sizes the manifest promises."""
    manifest = json.loads(client.get(MANIFEST).content)
    assert {icon["sizes"] for icon in manifest["icons"]} == {"192x192", "512x512"}
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])
    for icon in manifest["icons"]:
        name = icon["src"].removeprefix(static(""))
        with Image.open(finders.find(name), formats=["PNG"]) as picture:
            assert picture.format == "PNG"
            assert "x".join(map(str, picture.size)) == icon["sizes"]


def test_the_service_worker_keeps_the_page_files_and_is_never_stale(client, company):
    """A script that lists each file the page needs, at its served address, and is checked
    again on every visit so a new release reaches the phones."""
    response = client.get(WORKER)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    script = response.content.decode()
    for name in SHELL_FILES:
        assert finders.find(name), name
        assert f'"{static(name)}"' in script
    assert f'var PAGE = "{PAGE}";' in script


def test_the_phone_page_links_the_manifest_and_registers_the_worker(floor_client, company):
    """The page says where its manifest and its service worker are."""
    html = floor_client.get(PAGE).content.decode()
    assert f'<link rel="manifest" href="{MANIFEST}">' in html
    assert f'data-service-worker="{WORKER}"' in html
    assert 'id="m-waiting"' in html


def test_neither_file_holds_a_job(client, company):
    """Both are served without a login, so neither may carry the shop's work."""
    from tests.shop_floor import floor_job

    job = floor_job()
    for url in (MANIFEST, WORKER):
        assert job.number not in client.get(url).content.decode()
