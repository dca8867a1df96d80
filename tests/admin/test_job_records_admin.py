"""The job page's record tabs and buttons: intake, photos, notes, time and rework (SPEC J11-J15)."""

import io
import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from powdercoat.models import JobNote, JobPhoto, PartIntake, ReworkRecord, TimeEntry
from powdercoat.models.choices import JobStatus, PhotoKind, ReworkKind, ReworkReason
from powdercoat.services import job_records as services
from tests.factories import LineItemFactory, UserFactory, WorkerFactory, job_at
from tests.helpers import form_data, page_actions

pytestmark = pytest.mark.django_db


def _change_url(job):
    return reverse("admin:powdercoat_job_change", args=[job.pk])


def _action_url(job, path):
    return f"{_change_url(job).removesuffix('change/')}{path}/"


def _photos_page(job):
    return reverse("admin:powdercoat_job_photos_add", args=[job.pk])


def _record_buttons(client, job) -> list[str]:
    """Labels of the buttons in the job page's record tabs, in page order."""
    html = client.get(_change_url(job)).content.decode()
    buttons = re.findall(r'class="pc-record-button.*?</span>(.*?)\s*</a>', html, re.S)
    resolve_links = re.findall(r">(Resolve)</a>", html)
    return [label.strip() for label in buttons] + resolve_links


def _dialog_post(client, job, path, **changes):
    """Open a dialog as the browser does, change some fields, and submit it."""
    data = form_data(client.get(_action_url(job, path), HTTP_HX_REQUEST="true").content.decode())
    data.update(changes)
    return client.post(_action_url(job, path), data, HTTP_HX_REQUEST="true")


def _png(name: str) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (24, 16), (30, 120, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def media(settings, tmp_path):
    """Uploads go to a fresh folder."""
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


# -- the buttons ------------------------------------------------------------------------------


def test_shop_floor_gets_a_button_in_each_record_tab(company, floor_client):
    """Intake, photos, notes, time and rework each have their button; Resolve is not offered."""
    job = job_at(JobStatus.COATING)
    ReworkRecord.objects.create(job=job, kind=ReworkKind.RECOAT, reason=ReworkReason.DAMAGE)
    assert _record_buttons(floor_client, job) == [
        "Record intake",
        "Add photos",
        "Add note",
        "Log time",
        "Record rework",
    ]


def test_office_gets_resolve_on_open_reworks_and_edit_once_taken_in(company, office_client):
    """Resolve sits on each open rework; Record intake becomes Edit intake."""
    job = job_at(JobStatus.COATING)
    assert "Resolve" not in _record_buttons(office_client, job)
    ReworkRecord.objects.create(job=job, kind=ReworkKind.RECOAT, reason=ReworkReason.DAMAGE)
    services.part_intake_save(job=job, expected_count=2, actual_count=2, user=None)
    buttons = _record_buttons(office_client, job)
    assert buttons[0] == "Edit intake"
    assert buttons[-1] == "Resolve"


def test_record_buttons_stay_out_of_the_bar_along_the_top(company, office_client):
    """The top bar keeps to the job's moves; the record buttons live in their tabs."""
    job = job_at(JobStatus.COATING)
    titles = {str(a["title"]) for a in page_actions(office_client.get(_change_url(job)))}
    assert titles.isdisjoint({"Record intake", "Add photos", "Add note", "Log time"})


def test_new_job_page_has_no_record_tabs(company, office_client):
    """Before the job exists there is nothing to record against."""
    html = office_client.get(reverse("admin:powdercoat_job_add")).content.decode()
    assert 'data-testid="notes"' not in html
    assert 'data-testid="intake-card"' not in html


# -- notes ------------------------------------------------------------------------------------


def test_shop_floor_adds_a_note_through_the_dialog(company, floor_client, floor_user):
    """The note is stored with its author and shown on the Notes tab, which the page reopens."""
    job = job_at(JobStatus.COATING)
    response = _dialog_post(floor_client, job, "add-note", text="Masking plugs left in <b>")
    assert response.headers["HX-Redirect"] == _change_url(job) + "?tab=notes"
    note = JobNote.objects.get(job=job)
    assert (note.text, note.author) == ("Masking plugs left in <b>", floor_user)
    html = floor_client.get(_change_url(job)).content.decode()
    assert "Masking plugs left in &lt;b&gt;" in html
    assert "never shown to the customer" in html


def test_empty_note_is_shown_again_with_the_error(company, floor_client):
    """An empty note re-shows the dialog with a message; nothing is stored."""
    job = job_at(JobStatus.COATING)
    response = _dialog_post(floor_client, job, "add-note", text="")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert JobNote.objects.count() == 0


# -- time -------------------------------------------------------------------------------------


def test_shop_floor_logs_own_time_from_start_and_end(company, floor_client, floor_user):
    """Their own worker is preselected; 7:00-9:30 is 2.5 h, over a 2 h estimate, said in words."""
    me = WorkerFactory(name="Casey Coater", user=floor_user)
    WorkerFactory(name="Aaron Blaster")
    job = job_at(JobStatus.COATING, estimated_hours=Decimal("2"))
    dialog = floor_client.get(_action_url(job, "log-time"), HTTP_HX_REQUEST="true")
    assert form_data(dialog.content.decode())["worker"] == str(me.pk)
    response = _dialog_post(floor_client, job, "log-time", started_at="07:00", ended_at="09:30")
    assert response.headers["HX-Redirect"] == _change_url(job) + "?tab=time"
    entry = TimeEntry.objects.get(job=job)
    assert (entry.worker, entry.hours, entry.stage) == (me, Decimal("2.50"), JobStatus.COATING)
    html = floor_client.get(_change_url(job)).content.decode()
    summary = re.search(r'data-testid="time-summary">(.*?)</span>\s*\n', html, re.S).group(1)
    assert "Actual 2.5 h of 2 h estimated (+0.5 h)" in summary
    assert "over the estimate" in summary


def test_the_office_logging_time_is_offered_the_jobs_only_worker(company, office_client):
    """Without a worker of their own, the office is offered the job's one assigned worker; a
    crew of two offers nobody (a wrong name would be recorded unread)."""
    solo = WorkerFactory(name="Dana Prep")
    WorkerFactory(name="Aaron Blaster")
    job = job_at(JobStatus.COATING, assigned_workers=[solo])
    dialog = office_client.get(_action_url(job, "log-time"), HTTP_HX_REQUEST="true")
    assert form_data(dialog.content.decode())["worker"] == str(solo.pk)
    crew = job_at(JobStatus.COATING, assigned_workers=[solo, WorkerFactory(name="Eli Oven")])
    dialog = office_client.get(_action_url(crew, "log-time"), HTTP_HX_REQUEST="true")
    assert form_data(dialog.content.decode()).get("worker", "") == ""


def test_time_refused_by_the_service_is_shown_in_the_dialog(company, floor_client):
    """An end before the start comes back in the dialog with the reason; nothing is stored."""
    worker = WorkerFactory()
    job = job_at(JobStatus.COATING)
    response = _dialog_post(
        floor_client, job, "log-time", worker=str(worker.pk), started_at="14:00", ended_at="09:00"
    )
    assert response.status_code == 200
    assert "The end (09:00) must be after the start (14:00)." in response.content.decode()
    assert TimeEntry.objects.count() == 0


# -- rework -----------------------------------------------------------------------------------


def test_shop_floor_records_rework_without_seeing_money(company, floor_client, office_client):
    """The floor's dialog has no cost; the office sees the cost the office gave."""
    job = job_at(JobStatus.QUALITY_CHECK)
    dialog = floor_client.get(_action_url(job, "record-rework"), HTTP_HX_REQUEST="true")
    assert 'name="cost"' not in dialog.content.decode()
    _dialog_post(
        floor_client, job, "record-rework", kind="recoat", reason="orange_peel", description="Top"
    )
    rework = ReworkRecord.objects.get(job=job)
    assert (rework.kind, rework.reason, rework.cost) == ("recoat", "orange_peel", Decimal("0"))
    ReworkRecord.objects.filter(pk=rework.pk).update(cost=Decimal("45"))
    floor_html = floor_client.get(_change_url(job)).content.decode()
    rework_tab = floor_html.split('data-testid="rework"')[1].split("</table>")[0]
    assert "Orange Peel" in rework_tab
    assert "$" not in rework_tab
    office_html = office_client.get(_change_url(job)).content.decode()
    assert "$45.00" in office_html.split('data-testid="rework"')[1]


def test_office_resolves_a_rework_and_shop_floor_may_not(company, office_client, floor_client):
    """Resolve closes the chosen rework; the floor gets 403 on the same address."""
    job = job_at(JobStatus.QUALITY_CHECK)
    rework = ReworkRecord.objects.create(
        job=job, kind=ReworkKind.TOUCH_UP, reason=ReworkReason.DAMAGE
    )
    assert floor_client.get(_action_url(job, "resolve-rework")).status_code == 403
    response = floor_client.post(
        _action_url(job, "resolve-rework"),
        {"rework": rework.pk, "resolution": "x", "_form_submitted": "True"},
    )
    assert response.status_code == 403
    assert ReworkRecord.objects.get().resolved_at is None
    _dialog_post(office_client, job, "resolve-rework", resolution="Touched up", cost="12.50")
    rework.refresh_from_db()
    assert rework.resolved_at is not None
    assert (rework.resolution, rework.cost) == ("Touched up", Decimal("12.50"))


# -- intake -----------------------------------------------------------------------------------


def test_shop_floor_records_intake_and_the_card_says_what_is_missing(company, floor_client):
    """11 of 12 is saved and shown as "1 missing" in words, highlighted."""
    job = job_at(JobStatus.APPROVED)
    LineItemFactory(job=job, quantity=12)
    dialog = floor_client.get(_action_url(job, "intake"), HTTP_HX_REQUEST="true")
    assert form_data(dialog.content.decode())["expected_count"] == "12"
    response = _dialog_post(
        floor_client, job, "intake", actual_count="11", condition_notes="One rusted"
    )
    assert response.headers["HX-Redirect"] == _change_url(job) + "?tab=intake"
    intake = PartIntake.objects.get(job=job)
    assert (intake.expected_count, intake.actual_count) == (12, 11)
    html = floor_client.get(_change_url(job)).content.decode()
    card = html.split('data-testid="intake-card"')[1]
    assert 'class="pc-count-differs" data-testid="intake-count"' in card
    assert "11 of 12 received — 1 missing" in card
    assert "One rusted" in card
    assert "Edit intake" in card


def test_matching_count_is_not_highlighted(company, office_client):
    """12 of 12 reads plainly."""
    job = job_at(JobStatus.APPROVED)
    services.part_intake_save(job=job, expected_count=12, actual_count=12, user=None)
    card = (
        office_client.get(_change_url(job)).content.decode().split('data-testid="intake-card"')[1]
    )
    assert "12 of 12 received" in card
    assert "pc-count-differs" not in card


# -- photos -----------------------------------------------------------------------------------


def test_shop_floor_uploads_several_photos_at_once(company, floor_client, media):
    """Two PNGs in one upload: both stored with the type and caption, shown as lazy thumbnails."""
    job = job_at(JobStatus.APPROVED)
    assert floor_client.get(_action_url(job, "add-photos")).url == _photos_page(job)
    page = floor_client.get(_photos_page(job)).content.decode()
    assert "multiple" in page
    assert 'enctype="multipart/form-data"' in page
    key = form_data(page)["submission_key"]
    response = floor_client.post(
        _photos_page(job),
        {
            "photos": [_png("left.png"), _png("right.png")],
            "kind": "before",
            "caption": "Arrived",
            "submission_key": key,
        },
    )
    assert response.status_code == 302
    assert response.url == _change_url(job) + "?tab=photos"
    assert JobPhoto.objects.filter(job=job, kind=PhotoKind.BEFORE, caption="Arrived").count() == 2
    html = floor_client.get(_change_url(job)).content.decode()
    thumbnails = re.findall(r'<img src="[^"]+\.png" loading="lazy" class="pc-photo-thumb"', html)
    # Both on the Photos tab, and again on the intake card as Before photos.
    assert len(thumbnails) == 4


def test_a_file_that_is_not_a_picture_is_refused_by_name(company, floor_client, media):
    """A text file named .jpg refuses the upload with its name; nothing is stored."""
    job = job_at(JobStatus.APPROVED)
    fake = SimpleUploadedFile("notes.jpg", b"not a picture", content_type="image/jpeg")
    key = form_data(floor_client.get(_photos_page(job)).content.decode())["submission_key"]
    response = floor_client.post(
        _photos_page(job),
        {"photos": [_png("ok.png"), fake], "kind": "issue", "caption": "", "submission_key": key},
    )
    assert response.status_code == 200
    assert "“notes.jpg” is not a picture we can read; send a JPEG" in response.content.decode()
    assert JobPhoto.objects.count() == 0
    assert [p for p in media.rglob("*") if p.is_file()] == []


def test_upload_without_files_asks_for_one(company, floor_client):
    """Submitting with no file chosen asks for a photo."""
    job = job_at(JobStatus.APPROVED)
    response = floor_client.post(_photos_page(job), {"kind": "after"})
    assert "Choose at least one photo." in response.content.decode()


# -- permissions ------------------------------------------------------------------------------


def test_user_without_the_right_gets_403_on_every_record_address(company, client):
    """A staff user who may only look at jobs cannot record anything, by any address."""
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_job"))
    client.force_login(viewer)
    job = job_at(JobStatus.COATING)
    assert client.get(_change_url(job)).status_code == 200
    for path in ("add-note", "log-time", "record-rework", "intake", "add-photos"):
        assert client.get(_action_url(job, path)).status_code == 403, path
    assert client.post(_action_url(job, "add-note"), {"text": "x"}).status_code == 403
    response = client.post(_photos_page(job), {"photos": [_png("a.png")], "kind": "after"})
    assert response.status_code == 403
    assert JobNote.objects.count() == JobPhoto.objects.count() == 0


# -- a fixed number of queries ----------------------------------------------------------------


def _job_with_records(count: int):
    job = job_at(JobStatus.COATING, estimated_hours=Decimal("3"))
    services.part_intake_save(job=job, expected_count=5, actual_count=4, user=UserFactory())
    for n in range(count):
        user = UserFactory()  # a different person each time: their names must not cost a query
        JobPhoto.objects.create(
            job=job, image=f"jobs/test/{n}.png", kind=PhotoKind.BEFORE, uploaded_by=user
        )
        JobNote.objects.create(job=job, text=f"Note {n}", author=user)
        TimeEntry.objects.create(
            job=job, worker=WorkerFactory(), hours=Decimal("1"), created_by=user
        )
        ReworkRecord.objects.create(
            job=job, kind=ReworkKind.RECOAT, reason=ReworkReason.DAMAGE, created_by=user
        )
    return job


@pytest.mark.parametrize("client_fixture", ["office_client", "floor_client"])
def test_job_page_queries_do_not_grow_with_records(company, request, client_fixture):
    """1 or 10 photos, notes, time entries and reworks: the same number of queries."""
    client = request.getfixturevalue(client_fixture)

    def queries_for(count: int) -> int:
        job = _job_with_records(count)
        client.get(_change_url(job))  # warm caches (content types, session)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(_change_url(job))
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count('class="pc-note-list"') == 1
        assert f"Note {count - 1}" in html
        return len(captured)

    assert queries_for(1) == queries_for(10)
