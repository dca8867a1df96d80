"""Recording against a job: photos, notes, time entries, rework and the part intake (SPEC J11-J15).

Every function checks its input and refuses with a message a person understands before it
writes anything; a refused photo upload stores none of the files.
"""

import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename

from powdercoat import badges
from powdercoat.formatting import number_text
from powdercoat.models import (
    Job,
    JobNote,
    JobPhoto,
    PartIntake,
    ReworkRecord,
    TimeEntry,
    Worker,
)
from powdercoat.models.base import plausible_date
from powdercoat.models.choices import JobStatus, PhotoKind, ReworkKind, ReworkReason
from powdercoat.pictures import BROWSER_FORMATS, picture_format

MEGABYTE = 1024 * 1024
MAX_HOURS_PER_ENTRY = Decimal("24")
# More pieces than any job brings in: a typo, and more than the count columns should hold.
MAX_PIECES = 100_000
NOTE_MAX_LENGTH = 5000


def photo_max_mb() -> float:
    """The largest photo accepted, in MB (setting JOB_PHOTO_MAX_MB, 10 by default)."""
    return float(getattr(settings, "JOB_PHOTO_MAX_MB", 10))


def _megabytes(size: int) -> str:
    # Rounded up, so a file just over the limit never reads as exactly the limit.
    return f"{math.ceil(size / MEGABYTE * 10) / 10:.1f}"


# -- photos (J11) -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _CheckedPhoto:
    upload: "UploadedFile[bytes]"
    stored_name: str


def _check_photo(upload: "UploadedFile[bytes]", max_bytes: int) -> _CheckedPhoto:
    """Refuse a file that is too big or not a picture; name the stored copy by its real format."""
    name = os.path.basename(upload.name or "photo")
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            f"“{name}” is {_megabytes(upload.size)} MB; photos can be up to {photo_max_mb():g} MB."
        )
    extension = BROWSER_FORMATS[picture_format(upload, name=name)]
    stem = get_valid_filename(os.path.splitext(name)[0])[:80] or "photo"
    return _CheckedPhoto(upload=upload, stored_name=f"{stem}.{extension}")


@transaction.atomic
def job_photos_add(
    *,
    job: Job,
    files: Iterable["UploadedFile[bytes]"],
    kind: str,
    caption: str = "",
    user: User | None,
) -> list[JobPhoto]:
    """Store several photos of a job with one type and caption.

    Every file is checked (a real JPEG, PNG, WebP or GIF within the size limit) before any is
    stored: one bad file refuses the whole upload, naming the file.
    """
    files = list(files)
    if not files:
        raise ValidationError("Choose at least one photo.")
    if kind not in PhotoKind.values:
        raise ValidationError("Pick the type of the photos.")
    max_bytes = int(photo_max_mb() * MEGABYTE)
    checked = [_check_photo(upload, max_bytes) for upload in files]
    caption = caption.strip()
    photos: list[JobPhoto] = []
    try:
        for item in checked:
            photo = JobPhoto(job=job, kind=kind, caption=caption, uploaded_by=user)
            photo.image.save(item.stored_name, item.upload, save=False)
            photo.save()
            photos.append(photo)
    except BaseException:
        # The rows roll back with the transaction; the files on disk do not.
        for photo in photos:
            photo.image.delete(save=False)
        raise
    return photos


# -- notes (J12) ------------------------------------------------------------------------------


@transaction.atomic
def job_photos_share(*, job: Job, shown: Iterable[int], user: User | None) -> int:
    """Show the customer exactly the photos `shown` (ids) of this job on its status page, and
    hide the rest; the number now shown. Ids of other jobs' photos are ignored."""
    chosen = set(shown)
    photos = JobPhoto.objects.filter(job=job)
    photos.filter(pk__in=chosen).update(customer_visible=True)
    photos.exclude(pk__in=chosen).update(customer_visible=False)
    return photos.filter(customer_visible=True).count()


@transaction.atomic
def job_note_add(*, job: Job, text: str, user: User | None) -> JobNote:
    """Add an internal note to a job; notes are never shown to the customer."""
    text = text.strip()
    if not text:
        raise ValidationError("Write the note first.")
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError(
            f"A note can be up to {NOTE_MAX_LENGTH} characters; this one has {len(text)}."
        )
    return JobNote.objects.create(job=job, text=text, author=user)


# -- time entries (J13) -----------------------------------------------------------------------


def _clock(moment: time) -> str:
    return moment.strftime("%H:%M")


def hours_between(started_at: time, ended_at: time) -> Decimal:
    """Hours from a start to an end time on the same day, to the hundredth."""
    minutes = (ended_at.hour * 60 + ended_at.minute) - (started_at.hour * 60 + started_at.minute)
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def time_entry_add(
    *,
    job: Job,
    worker: Worker,
    work_date: date,
    hours: Decimal | None = None,
    started_at: time | None = None,
    ended_at: time | None = None,
    stage: str = "",
    note: str = "",
    user: User | None,
) -> TimeEntry:
    """Log hours a worker spent on a job: the hours given, or worked out from start and end.

    Work past midnight is logged as two entries, one per day.
    """
    if not worker.is_active:
        raise ValidationError(f"{worker.name} is no longer an active worker; pick someone else.")
    plausible_date(work_date)
    if work_date > timezone.localdate():
        raise ValidationError({"work_date": "Time can't be logged for a day that hasn't come yet."})
    if stage and stage not in JobStatus.values:
        raise ValidationError("Pick the stage from the list.")
    if (started_at is None) != (ended_at is None) and hours is None:
        raise ValidationError("Give both a start and an end time, or the hours.")
    if started_at is not None and ended_at is not None and ended_at <= started_at:
        # Keyed by the argument it is about, so a form shows it on its End field.
        raise ValidationError(
            {
                "ended_at": f"The end ({_clock(ended_at)}) must be after the start "
                f"({_clock(started_at)}). Work past midnight is logged as two entries, one "
                "per day."
            }
        )
    if hours is None:
        if started_at is None or ended_at is None:
            raise ValidationError("Give the hours worked, or a start and an end time.")
        hours = hours_between(started_at, ended_at)
    hours = Decimal(hours).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if hours <= 0:
        raise ValidationError("The hours must be more than zero.")
    if hours > MAX_HOURS_PER_ENTRY:
        raise ValidationError(
            f"{number_text(hours)} hours is more than a day; log each day as its own entry."
        )
    return TimeEntry.objects.create(
        job=job,
        worker=worker,
        work_date=work_date,
        started_at=started_at,
        ended_at=ended_at,
        hours=hours,
        stage=stage,
        note=note.strip(),
        created_by=user,
    )


# -- rework (J14) -----------------------------------------------------------------------------


def _checked_cost(cost: Decimal | None) -> Decimal:
    cost = Decimal("0") if cost is None else Decimal(cost)
    if cost < 0:
        raise ValidationError("The cost can't be negative.")
    return cost.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


@transaction.atomic
def rework_record_add(
    *,
    job: Job,
    kind: str,
    reason: str,
    description: str = "",
    cost: Decimal | None = None,
    user: User | None,
) -> ReworkRecord:
    """Record work that has to be done again on a job, and why."""
    if kind not in ReworkKind.values:
        raise ValidationError("Pick the type of rework.")
    if reason not in ReworkReason.values:
        raise ValidationError("Pick the reason for the rework.")
    description = description.strip()
    if reason == ReworkReason.OTHER and not description:
        raise ValidationError("Say what went wrong when the reason is Other.")
    return ReworkRecord.objects.create(
        job=job,
        kind=kind,
        reason=reason,
        description=description,
        cost=_checked_cost(cost),
        created_by=user,
    )


@transaction.atomic
def rework_resolve(
    *,
    rework: ReworkRecord,
    resolution: str,
    user: User | None,
    cost: Decimal | None = None,
) -> ReworkRecord:
    """Close a rework with how it was put right (and, optionally, what it cost in the end)."""
    resolution = resolution.strip()
    if not resolution:
        raise ValidationError("Say how the rework was put right.")
    # Locked, so two people resolving the same rework cannot both succeed.
    current = ReworkRecord.objects.select_for_update().get(pk=rework.pk)
    if current.resolved_at is not None:
        raise ValidationError(
            "This rework was already resolved on "
            f"{badges.date_label(timezone.localtime(current.resolved_at).date())}."
        )
    current.resolution = resolution
    current.resolved_at = timezone.now()
    fields = ["resolution", "resolved_at"]
    if cost is not None:
        current.cost = _checked_cost(cost)
        fields.append("cost")
    current.save(update_fields=fields)
    return current


# -- part intake (J15) ------------------------------------------------------------------------


@transaction.atomic
def part_intake_save(
    *,
    job: Job,
    expected_count: int,
    actual_count: int,
    condition_notes: str = "",
    received_at: datetime | None = None,
    user: User | None,
) -> PartIntake:
    """Record how the parts arrived, or correct the record: one intake per job.

    The person who first records it is kept as the receiver.
    """
    if expected_count is None or expected_count < 1:
        raise ValidationError("The pieces expected must be at least 1.")
    if actual_count is None or actual_count < 0:
        raise ValidationError("The pieces received can't be negative.")
    if max(expected_count, actual_count) > MAX_PIECES:
        raise ValidationError(f"Count the pieces again: at most {MAX_PIECES:,} per job.")
    received_at = received_at or timezone.now()
    plausible_date(received_at)
    if received_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError("The parts can't have been received in the future.")
    # The job row lock makes two first intakes of the same job one after the other.
    Job.objects.select_for_update().filter(pk=job.pk).first()
    intake = PartIntake.objects.filter(job=job).first()
    if intake is None:
        intake = PartIntake(job=job, received_by=user)
    intake.expected_count = expected_count
    intake.actual_count = actual_count
    intake.condition_notes = condition_notes.strip()
    intake.received_at = received_at
    intake.save()
    return intake
