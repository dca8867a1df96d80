"""The tabs of the job page that show what was recorded against the job (SPEC J11-J16).

Intake, materials, photos, notes, time and rework: each a read-only room
(powdercoat/admin/rooms.py) whose rows come from the selectors and whose buttons open the
job admin's dialogs. Who may see a tab is the model's view permission, as for any inline.
"""

from django.utils.translation import gettext_lazy as _

from powdercoat import selectors
from powdercoat.admin.rooms import RoomInline
from powdercoat.models import (
    InventoryActivity,
    JobNote,
    JobPhoto,
    PartIntake,
    ReworkRecord,
    TimeEntry,
)


class JobRoom(RoomInline):
    """A room of the job page: rows that belong to the job."""

    fk_name = "job"


class IntakeRoom(JobRoom):
    """How the parts came in: count, condition, who received them, the intake photos."""

    model = PartIntake
    room = "intake"
    verbose_name_plural = _("intake")
    rows = staticmethod(selectors.job_intakes)


class MaterialsRoom(JobRoom):
    """Powder estimated against logged, and the job's stock movements (no prices: the floor
    reads it)."""

    model = InventoryActivity
    room = "materials"
    verbose_name_plural = _("materials")
    rows = staticmethod(selectors.job_ledger)


class PhotosRoom(JobRoom):
    model = JobPhoto
    room = "photos"
    verbose_name_plural = _("photos")
    rows = staticmethod(selectors.job_photos)


class NotesRoom(JobRoom):
    model = JobNote
    room = "notes"
    verbose_name_plural = _("notes")
    rows = staticmethod(selectors.job_notes)


class TimeRoom(JobRoom):
    model = TimeEntry
    room = "time"
    verbose_name_plural = _("time")
    rows = staticmethod(selectors.job_time_entries)


class ReworkRoom(JobRoom):
    model = ReworkRecord
    room = "rework"
    verbose_name_plural = _("rework")
    rows = staticmethod(selectors.job_reworks)


# In the order the tabs appear, after the job's details and items.
JOB_RECORD_ROOMS = (IntakeRoom, MaterialsRoom, PhotosRoom, NotesRoom, TimeRoom, ReworkRoom)
