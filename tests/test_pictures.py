"""Uploaded pictures: browser formats only (never PostScript), a pixel limit, unguessable names,
and a logo small enough for every PDF."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, UnidentifiedImageError

from powdercoat.models import CompanySettings, JobPhoto
from powdercoat.models.choices import JobStatus
from powdercoat.pictures import UnguessableName, picture_format
from tests.factories import job_at
from tests.helpers import form_data

# A PostScript file Pillow would hand to Ghostscript; its name pretends to be a picture.
EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n"
    b"/Helvetica findfont 12 scalefont setfont 0 0 moveto (pwned) show showpage\n%%EOF\n"
)


def _png(size=(40, 30), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_pillow_no_longer_opens_postscript_anywhere_in_the_process():
    """Even a library calling Image.open without a format list cannot open an EPS file."""
    with pytest.raises(UnidentifiedImageError):
        Image.open(io.BytesIO(EPS))
    assert set(Image.OPEN) == {"JPEG", "PNG", "WEBP", "GIF"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("logo.eps", EPS, "is not a picture we can read"),
        ("photo.jpg", EPS, "is not a picture we can read"),
        ("notes.png", b"just text", "is not a picture we can read"),
        ("huge.png", None, "pictures can be up to 40 megapixels"),
    ],
)
def test_only_browser_pictures_within_the_pixel_limit_pass(name, content, message):
    """PostScript (whatever its name), non-pictures and 49 megapixels are refused by name."""
    if content is None:
        content = _png((7000, 7000), mode="1")  # a few KB of PNG, 49 million pixels
    with pytest.raises(Exception, match=message) as refused:
        picture_format(io.BytesIO(content), name=name)
    assert name in str(refused.value)


def test_stored_names_are_random_whatever_the_file_was_called():
    """The upload's own name is not used: two uploads of 'invoice.png' get unrelated names."""
    upload_to = UnguessableName("jobs")
    first, second = upload_to(None, "invoice.png"), upload_to(None, "invoice.png")
    assert first != second
    assert re.fullmatch(r"jobs/\d{4}/\d{2}/[A-Za-z0-9_-]{24}\.png", first)
    assert "." not in upload_to(None, "evil.php").rsplit("/", 1)[1]  # no foreign extension


@pytest.mark.django_db
def test_an_eps_job_photo_is_refused_and_nothing_stored(company, floor_client, settings, tmp_path):
    """A PostScript file sent as a job photo: refused by name, no file written."""
    settings.MEDIA_ROOT = tmp_path
    job = job_at(JobStatus.COATING)
    url = reverse("admin:powdercoat_job_photos_add", args=[job.pk])
    data = form_data(floor_client.get(url).content.decode(), form_id="photos-form")
    data.update(photos=[SimpleUploadedFile("rack.jpg", EPS)], kind="issue")
    response = floor_client.post(url, data)
    assert "“rack.jpg” is not a picture we can read" in response.content.decode()
    assert not JobPhoto.objects.exists()
    assert [path for path in tmp_path.rglob("*") if path.is_file()] == []


@pytest.mark.django_db
def test_the_logo_is_checked_shrunk_and_the_old_one_deleted(
    company, admin_user, client, settings, tmp_path, django_capture_on_commit_callbacks
):
    """An EPS logo is refused; a 3,000 px logo is kept at 1,200 px; replacing it deletes it."""
    settings.MEDIA_ROOT = tmp_path
    client.force_login(admin_user)
    url = reverse("admin:powdercoat_companysettings_change", args=[company.pk])
    data = form_data(client.get(url).content.decode(), form_id="companysettings_form")

    refused = client.post(url, {**data, "logo": SimpleUploadedFile("logo.eps", EPS)})
    assert refused.status_code == 200
    assert not CompanySettings.load().logo

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "logo": SimpleUploadedFile("logo.png", _png((3000, 2000)))})
    first = CompanySettings.load().logo
    assert first.name.startswith("company/")
    assert "logo" not in first.name
    with Image.open(first.path) as stored:
        assert max(stored.size) == 1200

    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**data, "logo": SimpleUploadedFile("new.png", _png((300, 100)))})
    second = CompanySettings.load().logo
    assert second.name != first.name
    assert not (tmp_path / first.name).exists()
    assert (tmp_path / second.name).exists()
