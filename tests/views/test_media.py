"""Uploaded files are for logged-in people only, and nothing outside MEDIA_ROOT is reachable."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    """A MEDIA_ROOT with one job photo and a text file in it, and a secret beside it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media" / "jobs").mkdir(parents=True)
    (tmp_path / "media" / "jobs" / "Zx9.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    (tmp_path / "media" / "notes.html").write_text("<script>alert(1)</script>")
    (tmp_path / "secret.txt").write_text("not for the web")
    return tmp_path


def test_anonymous_visitors_get_the_login_page_not_the_photo(media):
    """Without a login a photo's address redirects to the login page."""
    response = Client().get("/media/jobs/Zx9.png")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_logged_in_person_gets_the_photo_privately(media, floor_client):
    """Any role sees the photo; it is not stored by shared caches."""
    response = floor_client.get("/media/jobs/Zx9.png")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"] == "private, max-age=3600"


def test_a_file_that_is_not_a_picture_is_only_a_download(media, floor_client):
    """An HTML file under media is never shown as a page of the site."""
    response = floor_client.get("/media/notes.html")
    assert response["Content-Disposition"] == "attachment"


@pytest.mark.parametrize(
    "path", ["../secret.txt", "jobs/../../secret.txt", "jobs/missing.png", "%2e%2e/secret.txt"]
)
def test_nothing_outside_media_or_missing_is_served(path, media, floor_client):
    """Climbing out of MEDIA_ROOT or naming a missing file is a 404."""
    assert floor_client.get(f"/media/{path}").status_code == 404


def test_behind_nginx_the_web_server_sends_the_file(media, floor_client, settings):
    """With MEDIA_ACCEL_REDIRECT set, the app answers with the internal address only."""
    settings.MEDIA_ACCEL_REDIRECT = "/protected-media/"
    response = floor_client.get("/media/jobs/Zx9.png")
    assert response["X-Accel-Redirect"] == "/protected-media/jobs/Zx9.png"
    assert response.content == b""
