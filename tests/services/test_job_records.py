"""Recording against a job: photos, notes, time, rework and intake, and every refusal (J11-J15)."""

import io
import re
from datetime import time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from powdercoat.models import JobPhoto, PartIntake, ReworkRecord, TimeEntry
from powdercoat.models.choices import JobStatus, PhotoKind, ReworkKind, ReworkReason
from powdercoat.services import job_records as services
from tests.factories import UserFactory, WorkerFactory, job_at

pytestmark = pytest.mark.django_db


def png_upload(name: str, size=(40, 30), colour=(200, 40, 40)) -> SimpleUploadedFile:
    """A small real PNG, as a browser would send it."""
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def media(settings, tmp_path):
    """Uploads go to a fresh folder that the test can look into."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _stored_files(root) -> list:
    return [path for path in root.rglob("*") if path.is_file()]


# -- photos -----------------------------------------------------------------------------------


def test_several_photos_are_stored_with_type_and_caption(company, media):
    """Two real PNGs in one upload become two photos of the job, both files on disk."""
    job = job_at(JobStatus.COATING)
    user = UserFactory()
    photos = services.job_photos_add(
        job=job,
        files=[png_upload("front.png"), png_upload("back.png", colour=(0, 0, 200))],
        kind=PhotoKind.BEFORE,
        caption="  As they came in ",
        user=user,
    )
    assert len(photos) == 2
    stored = JobPhoto.objects.filter(job=job)
    assert {(p.kind, p.caption, p.uploaded_by) for p in stored} == {
        (PhotoKind.BEFORE, "As they came in", user)
    }
    assert len(_stored_files(media)) == 2
    for photo in stored:
        with Image.open(photo.image.path) as picture:
            assert picture.format == "PNG"


def test_renamed_text_file_refuses_the_whole_upload(company, media):
    """A text file called .jpg is refused by name; the good photo beside it is not stored."""
    job = job_at(JobStatus.COATING)
    fake = SimpleUploadedFile("notes.jpg", b"just some text, not a picture", "image/jpeg")
    with pytest.raises(ValidationError) as refused:
        services.job_photos_add(
            job=job, files=[png_upload("good.png"), fake], kind=PhotoKind.ISSUE, user=None
        )
    assert refused.value.messages == [
        "“notes.jpg” is not a picture we can read; send a JPEG, PNG, WebP or GIF."
    ]
    assert JobPhoto.objects.count() == 0
    assert _stored_files(media) == []


def test_oversized_photo_is_refused_with_its_size(company, media, settings):
    """A file over the limit is refused with its size and the limit; nothing is stored."""
    settings.JOB_PHOTO_MAX_MB = 1
    job = job_at(JobStatus.COATING)
    big = png_upload("big.png")
    big.size = int(1.42 * 1024 * 1024)  # what the browser said it sent
    with pytest.raises(ValidationError) as refused:
        services.job_photos_add(
            job=job, files=[png_upload("ok.png"), big], kind=PhotoKind.AFTER, user=None
        )
    assert refused.value.messages == ["“big.png” is 1.5 MB; photos can be up to 1 MB."]
    assert JobPhoto.objects.count() == 0
    assert _stored_files(media) == []


def test_default_limit_is_ten_megabytes(company, media):
    """Without the setting, 14.2 MB is refused against a 10 MB limit."""
    big = png_upload("big.png")
    big.size = int(14.2 * 1024 * 1024)
    with pytest.raises(
        ValidationError, match=re.escape("“big.png” is 14.2 MB; photos can be up to 10 MB.")
    ):
        services.job_photos_add(
            job=job_at(JobStatus.COATING), files=[big], kind=PhotoKind.AFTER, user=None
        )


def test_picture_in_a_format_browsers_do_not_show_is_refused(company, media):
    """A real TIFF is refused by its content: the job page could not show it."""
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10)).save(buffer, format="TIFF")
    tiff = SimpleUploadedFile("scan.tiff", buffer.getvalue(), "image/tiff")
    with pytest.raises(
        ValidationError, match=re.escape("“scan.tiff” is not a picture we can read; send a JPEG")
    ):
        services.job_photos_add(
            job=job_at(JobStatus.COATING), files=[tiff], kind=PhotoKind.AFTER, user=None
        )


def test_stored_photo_takes_the_extension_of_its_real_format(company, media):
    """A PNG uploaded as page.html is stored under a random name ending .png, never .html."""
    photo = services.job_photos_add(
        job=job_at(JobStatus.COATING),
        files=[png_upload("page.html")],
        kind=PhotoKind.PROGRESS,
        user=None,
    )[0]
    assert re.fullmatch(r"jobs/\d{4}/\d{2}/[\w-]{24}\.png", photo.image.name)


def test_no_files_is_refused(company, media):
    """An upload without files says so."""
    with pytest.raises(ValidationError, match=re.escape("Choose at least one photo.")):
        services.job_photos_add(
            job=job_at(JobStatus.COATING), files=[], kind=PhotoKind.AFTER, user=None
        )


# -- notes ------------------------------------------------------------------------------------


def test_note_is_stored_with_its_author(company):
    """The note keeps its text (trimmed) and who wrote it."""
    user = UserFactory()
    note = services.job_note_add(job=job_at(JobStatus.COATING), text="  Call before 3 ", user=user)
    assert (note.text, note.author) == ("Call before 3", user)


def test_empty_note_is_refused(company):
    """Whitespace is not a note."""
    with pytest.raises(ValidationError, match=re.escape("Write the note first.")):
        services.job_note_add(job=job_at(JobStatus.COATING), text="   ", user=None)


# -- time entries -----------------------------------------------------------------------------


def _log(**overrides):
    fields = {
        "job": overrides.pop("job", None) or job_at(JobStatus.COATING),
        "worker": overrides.pop("worker", None) or WorkerFactory(),
        "work_date": timezone.localdate(),
        "user": None,
    }
    fields.update(overrides)
    return services.time_entry_add(**fields)


def test_hours_are_worked_out_from_start_and_end(company):
    """07:30 to 11:45 is 4.25 hours."""
    entry = _log(started_at=time(7, 30), ended_at=time(11, 45), stage=JobStatus.COATING)
    assert entry.hours == Decimal("4.25")
    assert TimeEntry.objects.get().stage == JobStatus.COATING


def test_given_hours_are_kept(company):
    """Hours typed in are stored as given."""
    assert _log(hours=Decimal("1.5")).hours == Decimal("1.50")


def test_end_before_start_is_refused(company):
    """An end earlier than the start is refused with both times."""
    with pytest.raises(ValidationError) as refused:
        _log(started_at=time(14, 0), ended_at=time(9, 30))
    assert refused.value.messages[0].startswith("The end (09:30) must be after the start (14:00).")
    assert TimeEntry.objects.count() == 0


def test_more_than_a_day_is_refused(company):
    """25 hours in one entry is refused."""
    with pytest.raises(ValidationError, match="25 hours is more than a day"):
        _log(hours=Decimal("25"))


def test_neither_hours_nor_times_is_refused(company):
    """Nothing to count is refused."""
    with pytest.raises(
        ValidationError, match=re.escape("Give the hours worked, or a start and an end time.")
    ):
        _log()


def test_start_without_end_is_refused(company):
    """A start time alone does not say how long."""
    with pytest.raises(
        ValidationError, match=re.escape("Give both a start and an end time, or the hours.")
    ):
        _log(started_at=time(8, 0))


def test_zero_hours_is_refused(company):
    """Zero hours is not a time entry."""
    with pytest.raises(ValidationError, match=re.escape("The hours must be more than zero.")):
        _log(hours=Decimal("0"))


def test_worker_who_left_is_refused(company):
    """Time is logged only for active workers."""
    leaver = WorkerFactory(name="Dana Former", is_active=False)
    with pytest.raises(ValidationError, match="Dana Former is no longer an active worker"):
        _log(worker=leaver, hours=Decimal("2"))


def test_a_day_still_to_come_is_refused(company):
    """Time can't be logged for tomorrow."""
    with pytest.raises(ValidationError, match="a day that hasn't come yet"):
        _log(hours=Decimal("2"), work_date=timezone.localdate() + timedelta(days=1))


def test_an_earlier_day_is_fine(company):
    """Yesterday's hours can be logged today."""
    entry = _log(hours=Decimal("3"), work_date=timezone.localdate() - timedelta(days=1))
    assert entry.work_date == timezone.localdate() - timedelta(days=1)


# -- rework -----------------------------------------------------------------------------------


def test_rework_is_recorded_then_resolved(company):
    """A rework is open until resolved with how it was put right."""
    user = UserFactory()
    rework = services.rework_record_add(
        job=job_at(JobStatus.QUALITY_CHECK),
        kind=ReworkKind.RECOAT,
        reason=ReworkReason.ORANGE_PEEL,
        description="Texture on the top rail",
        cost=Decimal("45"),
        user=user,
    )
    assert (rework.resolved_at, rework.created_by, rework.cost) == (None, user, Decimal("45.00"))
    resolved = services.rework_resolve(rework=rework, resolution="Sanded and recoated", user=user)
    assert resolved.resolved_at is not None
    assert ReworkRecord.objects.get().resolution == "Sanded and recoated"


def test_resolving_twice_is_refused(company):
    """A resolved rework cannot be resolved again."""
    rework = services.rework_record_add(
        job=job_at(JobStatus.COATING), kind=ReworkKind.TOUCH_UP, reason="damage", user=None
    )
    services.rework_resolve(rework=rework, resolution="Touched up", user=None)
    with pytest.raises(ValidationError, match="already resolved on"):
        services.rework_resolve(rework=rework, resolution="Again", user=None)


def test_resolving_without_saying_how_is_refused(company):
    """The resolution is required."""
    rework = services.rework_record_add(
        job=job_at(JobStatus.COATING), kind=ReworkKind.TOUCH_UP, reason="damage", user=None
    )
    with pytest.raises(ValidationError, match=re.escape("Say how the rework was put right.")):
        services.rework_resolve(rework=rework, resolution=" ", user=None)


def test_other_reason_needs_a_description(company):
    """ "Other" without saying what went wrong is refused."""
    with pytest.raises(
        ValidationError, match=re.escape("Say what went wrong when the reason is Other.")
    ):
        services.rework_record_add(
            job=job_at(JobStatus.COATING), kind=ReworkKind.RECOAT, reason="other", user=None
        )


def test_negative_rework_cost_is_refused(company):
    """A rework cannot earn the shop money."""
    with pytest.raises(ValidationError, match=re.escape("The cost can't be negative.")):
        services.rework_record_add(
            job=job_at(JobStatus.COATING),
            kind=ReworkKind.RECOAT,
            reason="damage",
            cost=Decimal("-1"),
            user=None,
        )


def test_unknown_rework_type_is_refused(company):
    """Only the four rework types are accepted."""
    with pytest.raises(ValidationError, match=re.escape("Pick the type of rework.")):
        services.rework_record_add(
            job=job_at(JobStatus.COATING), kind="paint", reason="damage", user=None
        )


# -- intake -----------------------------------------------------------------------------------


def test_intake_is_created_then_corrected_keeping_the_receiver(company):
    """One intake per job; a correction keeps who first received the parts."""
    job = job_at(JobStatus.APPROVED)
    first, second = UserFactory(), UserFactory()
    intake = services.part_intake_save(
        job=job, expected_count=12, actual_count=11, condition_notes="One bent", user=first
    )
    assert intake.count_differs
    services.part_intake_save(job=job, expected_count=12, actual_count=12, user=second)
    intake = PartIntake.objects.get(job=job)
    assert (intake.actual_count, intake.received_by, intake.count_differs) == (12, first, False)


def test_intake_expecting_nothing_is_refused(company):
    """At least one piece is expected."""
    with pytest.raises(ValidationError, match=re.escape("The pieces expected must be at least 1.")):
        services.part_intake_save(
            job=job_at(JobStatus.APPROVED), expected_count=0, actual_count=0, user=None
        )


def test_intake_in_the_future_is_refused(company):
    """Parts cannot have arrived tomorrow."""
    with pytest.raises(ValidationError, match="received in the future"):
        services.part_intake_save(
            job=job_at(JobStatus.APPROVED),
            expected_count=2,
            actual_count=2,
            received_at=timezone.now() + timedelta(days=1),
            user=None,
        )
