"""A day on one job through its page, as the issue's new user does it (SPEC J7, J11-J16).

Parts arrive 11 of 12, are photographed, 3.5 lb of powder is logged, an adhesion failure and
its recoat are recorded, 2 hours of labour are logged, and the office moves the job to Ready
for Pickup with the customer emailed.
"""

import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from powdercoat.models import (
    InventoryActivity,
    Job,
    JobPhoto,
    PartIntake,
    ReworkRecord,
    TimeEntry,
)
from powdercoat.models.choices import ActivityKind, JobStatus, ReworkReason
from tests.factories import (
    CustomerFactory,
    LineItemCoatFactory,
    LineItemFactory,
    PowderFactory,
    WorkerFactory,
    job_at,
)
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


def _change_url(job) -> str:
    return reverse("admin:powdercoat_job_change", args=[job.pk])


def _dialog(client, job, path, **changes):
    """Open one of the job page's dialogs, fill it in and submit it; it must succeed."""
    url = f"{_change_url(job).removesuffix('change/')}{path}/"
    data = form_data(client.get(url, HTTP_HX_REQUEST="true").content.decode())
    data.update(changes)
    response = client.post(url, data, HTTP_HX_REQUEST="true")
    assert "HX-Redirect" in response.headers, response.content.decode()[:2000]


def _photo(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), (200, 40, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_a_day_on_one_job(
    company,
    floor_client,
    floor_user,
    office_client,
    settings,
    tmp_path,
    django_capture_on_commit_callbacks,
):
    """Intake 11 of 12, photos, 3.5 lb logged, rework, 2 h, Ready for Pickup with email."""
    settings.MEDIA_ROOT = tmp_path
    black = PowderFactory(name="Gloss black", opening_stock=Decimal("20"))
    job = job_at(
        JobStatus.QUALITY_CHECK,
        customer=CustomerFactory(email="parts@ridge.example", email_notifications=True),
        estimated_hours=Decimal("3"),
    )
    item = LineItemFactory(job=job, quantity=12, surface_area_sqft=Decimal("6.5"))
    LineItemCoatFactory(item=item, powder=black)
    WorkerFactory(name="Marcus Reyes", user=floor_user)

    # The shop floor, from a phone: intake, photos, powder, rework, time.
    _dialog(floor_client, job, "intake", expected_count="12", actual_count="11")
    photos_page = reverse("admin:powdercoat_job_photos_add", args=[job.pk])
    key = form_data(floor_client.get(photos_page).content.decode())["submission_key"]
    response = floor_client.post(
        photos_page,
        {
            "photos": [_photo("rack-1.png"), _photo("rack-2.png")],
            "kind": "before",
            "submission_key": key,
        },
    )
    assert response.status_code == 302
    _dialog(floor_client, job, "log-material", item=str(black.pk), lbs="3.5", note="Booth 1")
    _dialog(
        floor_client,
        job,
        "record-rework",
        kind="recoat",
        reason=ReworkReason.ADHESION_FAILURE,
        description="Lifted on two wheel lips",
    )
    _dialog(floor_client, job, "log-time", hours="2", started_at="", ended_at="")

    intake = PartIntake.objects.get(job=job)
    assert (intake.expected_count, intake.actual_count) == (12, 11)
    assert JobPhoto.objects.filter(job=job).count() == 2
    black.refresh_from_db()
    assert black.quantity_on_hand == Decimal("16.500")
    usage = InventoryActivity.objects.get(job=job, kind=ActivityKind.USAGE)
    assert (usage.quantity, usage.balance_after, usage.user) == (
        Decimal("-3.500"),
        Decimal("16.500"),
        floor_user,
    )
    assert ReworkRecord.objects.get(job=job).reason == ReworkReason.ADHESION_FAILURE
    assert TimeEntry.objects.get(job=job).hours == Decimal("2.00")

    page = floor_client.get(_change_url(job)).content.decode()
    assert "11 of 12 received — 1 missing" in page
    assert "Adhesion Failure" in page
    assert "Gloss black" in page

    # The office: Quality Check → Completed → Ready for Pickup, the customer told at the end.
    _dialog(office_client, job, "quick-change", status=JobStatus.COMPLETED)
    with django_capture_on_commit_callbacks(execute=True):
        _dialog(
            office_client,
            job,
            "quick-change",
            status=JobStatus.READY_FOR_PICKUP,
            note="On the pickup rack",
            notify_customer="on",
        )
    job = Job.objects.get(pk=job.pk)
    assert job.status == JobStatus.READY_FOR_PICKUP
    assert job.status_changes.first().customer_notified is True
    [email] = mail.outbox
    assert email.to == ["parts@ridge.example"]
    assert job.number in email.subject
    assert "Ready for Pickup" in email.subject
    assert job.emails.get().outcome == "sent"
