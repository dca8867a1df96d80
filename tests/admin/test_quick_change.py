"""The quick-change dialog (SPEC J7) on the job page and behind the list's status badge (J6)."""

import re
from urllib.parse import quote

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from powdercoat.models import Job, StatusChange
from powdercoat.models.choices import WORKFLOW, JobStatus
from powdercoat.services.jobs import job_cancel
from tests.factories import CustomerFactory, UserFactory, job_at
from tests.helpers import form_data, page_actions

pytestmark = pytest.mark.django_db

LIST_URL = reverse("admin:powdercoat_job_changelist")


def _dialog_url(job, **query):
    url = reverse("admin:powdercoat_job_quick_change_job", args=[job.pk])
    if query:
        url += "?" + "&".join(f"{key}={quote(value, safe='')}" for key, value in query.items())
    return url


def _offered(client, job) -> list[str]:
    html = client.get(_dialog_url(job), HTTP_HX_REQUEST="true").content.decode()
    select = re.search(r'<select name="status".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="(\w+)"', select)


def _post(client, job, url=None, **changes):
    url = url or _dialog_url(job)
    data = form_data(client.get(url, HTTP_HX_REQUEST="true").content.decode())
    data.update(changes)
    return client.post(url, data, HTTP_HX_REQUEST="true")


def _other_stages(*taken):
    return [stage.value for stage in WORKFLOW if stage not in taken]


@pytest.mark.parametrize(
    ("status", "user_fixture", "expected"),
    [
        (
            JobStatus.COATING,
            "office_user",
            ["curing", "on_hold", "cancelled", *_other_stages("coating", "curing")],
        ),
        (JobStatus.COATING, "floor_user", ["curing", "on_hold"]),
        (JobStatus.ON_HOLD, "floor_user", ["coating"]),
        (
            JobStatus.ON_HOLD,
            "office_user",
            ["coating", "cancelled", *_other_stages("coating")],
        ),
        (JobStatus.DELIVERED, "office_user", _other_stages("delivered")),
    ],
)
def test_dialog_offers_only_the_allowed_statuses(
    company, client, request, status, user_fixture, expected
):
    """Next stage, hold, resume, cancel as allowed; any stage only with set_job_status."""
    job = job_at(status)  # on hold: held at Coating
    client.force_login(request.getfixturevalue(user_fixture))
    assert _offered(client, job) == expected


def test_cancelled_job_offers_reopen_to_a_supervisor_only(
    company, client, supervisor_user, office_user
):
    """A cancelled job: Reopen for the supervisor; office staff get no button at all."""
    job = job_at(JobStatus.APPROVED)
    job_cancel(job=job, user=None, reason="Duplicate order")
    client.force_login(supervisor_user)
    assert _offered(client, job) == ["pending"]
    client.force_login(office_user)
    titles = [str(a["title"]) for a in page_actions(client.get(_change_url(job)))]
    assert "Change status" not in titles
    assert client.get(_dialog_url(job), HTTP_HX_REQUEST="true").status_code == 200


def _change_url(job):
    return reverse("admin:powdercoat_job_change", args=[job.pk])


def test_job_page_offers_the_change_status_dialog(company, office_client):
    """The job page has a "Change status" button that opens the dialog."""
    job = job_at(JobStatus.COATING)
    actions = page_actions(office_client.get(_change_url(job)))
    button = next(a for a in actions if str(a["title"]) == "Change status")
    assert button["dialog"]
    assert button["path"] == _dialog_url(job)


def test_change_status_with_notify_moves_and_emails(
    company, office_client, office_user, django_capture_on_commit_callbacks
):
    """Hold with a reason and the toggle on: job on hold, customer emailed, back to the job."""
    job = job_at(JobStatus.CURING, customer=CustomerFactory(email="parts@ridge.example"))
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            office_client, job, status="on_hold", note="Oven 2 down", notify_customer="on"
        )
    assert response.headers["HX-Redirect"] == _change_url(job)
    job.refresh_from_db()
    assert job.status == JobStatus.ON_HOLD
    change = job.status_changes.first()
    assert (change.transition, change.note, change.user) == ("hold", "Oven 2 down", office_user)
    assert change.customer_notified is True
    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["parts@ridge.example"], f"{job.number} is now On Hold")
    ]
    page = office_client.get(_change_url(job)).content.decode()
    # The page answered before the email's task ran (the test's transaction commits later),
    # so it truthfully said "queued"; the timeline now shows the email as sent.
    assert "The email to the customer is queued" in page
    assert 'data-email-state="sent"' in page


def test_change_status_without_notify_sends_nothing(
    company, office_client, django_capture_on_commit_callbacks
):
    """The toggle starts off: a plain move emails nobody."""
    job = job_at(JobStatus.COATING)
    with django_capture_on_commit_callbacks(execute=True):
        _post(office_client, job, status="curing")
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
    assert mail.outbox == []


def test_set_status_through_the_dialog_moves_a_job_back(company, office_client):
    """A stage from the "any other stage" group goes through Set status."""
    job = job_at(JobStatus.QUALITY_CHECK)
    _post(office_client, job, status="coating", note="Thin film on the back")
    job.refresh_from_db()
    assert job.status == JobStatus.COATING
    change = job.status_changes.first()
    assert (change.transition, change.note) == ("set_status", "Thin film on the back")


def test_customer_with_notifications_off_gets_nothing_whatever_is_posted(
    company, office_client, django_capture_on_commit_callbacks
):
    """The toggle is disabled with the reason in words; posting it anyway sends nothing."""
    customer = CustomerFactory(company_name="Quiet Fab", email_notifications=False)
    job = job_at(JobStatus.COATING, customer=customer)
    html = office_client.get(_dialog_url(job), HTTP_HX_REQUEST="true").content.decode()
    assert "Quiet Fab has email notifications turned off, so no email will be sent." in html
    toggle = re.search(r'<input[^>]*name="notify_customer"[^>]*>', html).group(0)
    assert "disabled" in toggle
    with django_capture_on_commit_callbacks(execute=True):
        _post(office_client, job, status="curing", notify_customer="on")
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING
    assert mail.outbox == []
    assert StatusChange.objects.filter(job=job, customer_notified=True).count() == 0


def test_hold_without_a_reason_stays_in_the_dialog(company, floor_client):
    """On Hold needs a reason: the dialog comes back with the message, the job stays."""
    job = job_at(JobStatus.CURING)
    response = _post(floor_client, job, status="on_hold", note="")
    assert response.status_code == 200
    assert "Say why the job is going on hold." in response.content.decode()
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING


def test_shop_floor_cannot_post_a_status_it_was_not_offered(company, floor_client):
    """Posting Cancelled as Shop Floor is refused by the form; the job does not move."""
    job = job_at(JobStatus.CURING)
    response = _post(floor_client, job, status="cancelled", note="x")
    assert "Select a valid choice." in response.content.decode()
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING


def test_dialog_opened_before_someone_else_moved_the_job_is_refused(company, office_client):
    """The dialog remembers the status it showed and refuses once the job has moved."""
    from powdercoat.services.jobs import job_advance

    job = job_at(JobStatus.COATING)
    data = form_data(office_client.get(_dialog_url(job), HTTP_HX_REQUEST="true").content.decode())
    job_advance(job=job, user=None)
    data["status"] = "on_hold"
    data["note"] = "late"
    response = office_client.post(_dialog_url(job), data, HTTP_HX_REQUEST="true")
    assert "moved to Curing since this window opened" in response.content.decode()
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING


# -- from the jobs list ------------------------------------------------------------------------


def test_list_status_badge_opens_the_dialog_for_office(company, office_client):
    """The badge is a link that loads the dialog into unfold's modal, coming back to the list."""
    job = job_at(JobStatus.COATING)
    html = office_client.get(f"{LIST_URL}?view=all").content.decode()
    link = re.search(rf'<a [^>]*hx-get="{re.escape(_dialog_url(job))}\?next=([^"]+)"[^>]*>', html)
    assert link, "no quick-change link on the status badge"
    assert 'hx-target="#modal-content"' in link.group(0)
    assert 'hx-select="#dialog"' in link.group(0)
    assert "openModal = true" in link.group(0)
    assert link.group(1) == quote(f"{LIST_URL}?view=all", safe="")
    assert 'id="modal-content"' in html


def test_list_status_badge_is_plain_without_the_right_to_move_jobs(company, client):
    """A user who may only look at jobs sees the badge, with no dialog link."""
    job = job_at(JobStatus.COATING)
    viewer = UserFactory(username="viewer", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_job"))
    client.force_login(viewer)
    html = client.get(f"{LIST_URL}?view=all").content.decode()
    assert 'data-status="coating">Coating</span>' in html
    assert _dialog_url(job) not in html


def test_list_badge_of_a_job_the_user_cannot_move_is_plain(company, floor_client):
    """Shop Floor moves jobs, but not a cancelled one: that badge stays plain."""
    moving = job_at(JobStatus.COATING)
    stopped = job_at(JobStatus.APPROVED)
    job_cancel(job=stopped, user=None, reason="Duplicate")
    html = floor_client.get(f"{LIST_URL}?view=all").content.decode()
    assert _dialog_url(moving) in html
    assert _dialog_url(stopped) not in html


def test_submit_from_the_list_goes_back_to_the_same_list(company, office_client):
    """After the change the page reloads the list it came from, filters and all."""
    job = job_at(JobStatus.COATING)
    back = f"{LIST_URL}?view=all&q=parts"
    response = _post(office_client, job, url=_dialog_url(job, next=back), status="curing")
    assert response.headers["HX-Redirect"] == back
    assert Job.objects.get(pk=job.pk).status == JobStatus.CURING


def test_a_foreign_next_address_is_ignored(company, office_client):
    """A ?next= pointing at another site falls back to the job page."""
    job = job_at(JobStatus.COATING)
    url = _dialog_url(job, next="https://evil.example/")
    response = _post(office_client, job, url=url, status="curing")
    assert response.headers["HX-Redirect"] == _change_url(job)


def test_list_sorts_by_the_status_column(company, office_client):
    """The linked status column still sorts in shop order."""
    job_at(JobStatus.CURING)
    job_at(JobStatus.APPROVED)
    list_display = office_client.get(LIST_URL).context["cl"].list_display
    index = list_display.index("display_status")
    for order, expected in (
        (f"{index}", ["approved", "curing"]),
        (f"-{index}", ["curing", "approved"]),
    ):
        html = office_client.get(f"{LIST_URL}?view=all&o={order}").content.decode()
        assert re.findall(r'data-status="(\w+)"', html) == expected
