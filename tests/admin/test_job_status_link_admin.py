"""The job page's status link: shown with a copy button, sent and revoked by the office only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from powdercoat.models import EmailLog, Job, JobPhoto
from powdercoat.models.choices import JobStatus, PhotoKind
from powdercoat.services.job_records import job_photos_add
from powdercoat.services.status_links import status_link_path, status_link_url
from tests.factories import CustomerFactory, job_at
from tests.helpers import form_data, page_actions
from tests.security.world import png_bytes

pytestmark = pytest.mark.django_db


def _change_url(job):
    return reverse("admin:powdercoat_job_change", args=[job.pk])


def _action_url(job, path):
    return f"{_change_url(job).removesuffix('change/')}{path}/"


def _post_dialog(client, job, path):
    dialog = client.get(_action_url(job, path), HTTP_HX_REQUEST="true")
    assert dialog.status_code == 200
    return client.post(
        _action_url(job, path), form_data(dialog.content.decode()), HTTP_HX_REQUEST="true"
    )


def test_the_job_page_shows_the_link_with_a_copy_button(company, office_client):
    """Opening the job issues its link and shows it, ready to copy."""
    job = job_at(JobStatus.COATING)
    page = office_client.get(_change_url(job)).content.decode()
    job.refresh_from_db()
    assert job.status_token
    assert status_link_url(job.status_token) in page
    assert 'data-testid="status-link"' in page
    assert ">Copy<" in page


def test_office_revokes_the_link_and_the_old_one_stops_working(company, office_client):
    """Revoke gives a new secret; the old address shows the no-longer-valid page."""
    job = job_at(JobStatus.COATING)
    office_client.get(_change_url(job))
    old = Job.objects.get(pk=job.pk).status_token
    response = _post_dialog(office_client, job, "revoke-status-link")
    assert response.headers["HX-Redirect"] == _change_url(job)
    new = Job.objects.get(pk=job.pk).status_token
    assert new
    assert new != old
    assert Client().get(status_link_path(old)).status_code == 404
    assert Client().get(status_link_path(new)).status_code == 200


def test_office_sends_the_link_to_the_customer(company, office_client):
    """Send queues an outbox email to the customer with the link in it."""
    job = job_at(JobStatus.COATING, customer=CustomerFactory(email="dana@example.com"))
    _post_dialog(office_client, job, "send-status-link")
    email = EmailLog.objects.get(job=job)
    job.refresh_from_db()
    assert email.to_address == "dana@example.com"
    assert status_link_url(job.status_token) in email.body


def test_sending_without_an_address_is_refused_in_words(company, office_client):
    """No email on file: the dialog says so and nothing is queued."""
    job = job_at(JobStatus.COATING, customer=CustomerFactory(email=""))
    response = _post_dialog(office_client, job, "send-status-link")
    assert "has no email address on file" in response.content.decode()
    assert not EmailLog.objects.filter(job=job).exists()


@pytest.mark.parametrize("path", ["send-status-link", "revoke-status-link"])
def test_shop_floor_cannot_send_or_revoke(company, floor_client, path):
    """The server refuses the floor, opened or posted; the link stays as it was."""
    job = job_at(JobStatus.COATING)
    assert floor_client.get(_action_url(job, path)).status_code == 403
    response = floor_client.post(_action_url(job, path), {"_form_submitted": "True"})
    assert response.status_code == 403
    assert Job.objects.get(pk=job.pk).status_token is None
    assert not EmailLog.objects.exists()


def test_buttons_by_role(company, office_client, floor_client):
    """Office gets Send and Revoke; the floor gets neither."""
    job = job_at(JobStatus.COATING)
    office = [str(a["title"]) for a in page_actions(office_client.get(_change_url(job)))]
    floor = [str(a["title"]) for a in page_actions(floor_client.get(_change_url(job)))]
    assert "Send status link" in office
    assert "Revoke status link" in office
    assert "Send status link" not in floor
    assert "Revoke status link" not in floor


# -- the photos the customer sees ---------------------------------------------------------------


@pytest.fixture
def two_photos(settings, tmp_path, floor_user):
    """A job with two photos, neither shown to the customer yet."""
    settings.MEDIA_ROOT = tmp_path / "media"
    job = job_at(JobStatus.COATING)
    photos = job_photos_add(
        job=job,
        files=[
            SimpleUploadedFile("a.png", png_bytes("blue"), content_type="image/png"),
            SimpleUploadedFile("b.png", png_bytes("green"), content_type="image/png"),
        ],
        kind=PhotoKind.AFTER,
        caption="Rails",
        user=floor_user,
    )
    return job, photos


def test_office_chooses_the_photos_the_customer_sees(company, office_client, two_photos):
    """Ticking one photo in the Photos tab's dialog shows it, and only it, to the customer."""
    job, (_first, second) = two_photos
    dialog = office_client.get(_action_url(job, "customer-photos"), HTTP_HX_REQUEST="true")
    data = form_data(dialog.content.decode())
    data["photos"] = [str(second.pk)]
    office_client.post(_action_url(job, "customer-photos"), data, HTTP_HX_REQUEST="true")
    assert set(JobPhoto.objects.filter(customer_visible=True)) == {second}
    page = office_client.get(f"{_change_url(job)}?tab=photos").content.decode()
    assert page.count('data-testid="customer-visible"') == 1


def test_shop_floor_cannot_publish_photos(company, floor_client, two_photos):
    """The floor adds photos but does not choose what the customer sees."""
    job, (first, _second) = two_photos
    assert floor_client.get(_action_url(job, "customer-photos")).status_code == 403
    response = floor_client.post(
        _action_url(job, "customer-photos"), {"photos": [first.pk], "_form_submitted": "True"}
    )
    assert response.status_code == 403
    assert not JobPhoto.objects.filter(customer_visible=True).exists()
