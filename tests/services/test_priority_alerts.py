"""Urgent and Rush alerts (SPEC J5): an email to each supervisor and a notice on the dashboard."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from powdercoat import roles
from powdercoat.models import EmailLog, Job
from powdercoat.models.choices import EmailOutcome, JobStatus, Priority
from powdercoat.services.jobs import job_cancel, job_create, job_update
from powdercoat.services.notifications import job_status_link_send
from tests.factories import CustomerFactory, JobFactory, UserFactory, job_at

pytestmark = pytest.mark.django_db


@pytest.fixture
def supervisors(supervisor_user):
    """Two supervisors with addresses, one who left, one without an address."""
    group = Group.objects.get(name=roles.SUPERVISOR)
    second = UserFactory(username="lead2", email="lead2@shop.example", is_staff=True)
    gone = UserFactory(username="gone", email="gone@shop.example", is_active=False)
    silent = UserFactory(username="silent", email="")
    for user in (second, gone, silent):
        user.groups.add(group)
    return [supervisor_user, second]


def _raise_priority(job: Job, priority: int, user) -> None:
    job = Job.objects.get(pk=job.pk)
    job.priority = priority
    job_update(job=job, user=user)


def test_making_a_job_rush_emails_each_supervisor_once(
    company, supervisors, office_user, django_capture_on_commit_callbacks
):
    """One email per active supervisor with an address, logged on the job; nobody else."""
    job = JobFactory(customer=CustomerFactory(company_name="Ridge Cycles"))
    with django_capture_on_commit_callbacks(execute=True):
        _raise_priority(job, Priority.RUSH, office_user)
    subject = f"Rush: {job.number} for Ridge Cycles"
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("lead2@shop.example", subject),
        ("supervisor@example.com", subject),
    ]
    assert job.number in mail.outbox[0].body
    assert reverse("admin:powdercoat_job_change", args=[job.pk]) in mail.outbox[0].body
    logs = EmailLog.objects.filter(job=job)
    assert logs.count() == 2
    assert set(logs.values_list("outcome", flat=True)) == {EmailOutcome.SENT}


def test_a_new_urgent_job_alerts_the_supervisors(
    company, supervisors, office_user, django_capture_on_commit_callbacks
):
    """Created as Urgent: the subject says Urgent."""
    customer = CustomerFactory(company_name="Haul Co")
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(
            job=Job(customer=customer, description="Trailer", priority=Priority.URGENT),
            user=office_user,
        )
    assert {m.subject for m in mail.outbox} == {f"Urgent: {job.number} for Haul Co"}
    assert len(mail.outbox) == 2


def test_urgent_to_rush_alerts_again(
    company, supervisors, office_user, django_capture_on_commit_callbacks
):
    """Going up from Urgent to Rush is news: the supervisors hear about the Rush."""
    job = JobFactory(priority=Priority.URGENT)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _raise_priority(job, Priority.RUSH, office_user)
    assert {m.subject.split(":")[0] for m in mail.outbox} == {"Rush"}


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (Priority.NORMAL, Priority.HIGH),
        (Priority.RUSH, Priority.RUSH),
        (Priority.RUSH, Priority.URGENT),
        (Priority.URGENT, Priority.NORMAL),
    ],
)
def test_no_alert_unless_the_job_goes_up_to_urgent_or_rush(
    company, supervisors, office_user, django_capture_on_commit_callbacks, before, after
):
    """Normal to High, staying Rush, or coming down: nobody is emailed."""
    job = JobFactory(priority=before)
    mail.outbox.clear()
    EmailLog.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        _raise_priority(job, after, office_user)
    assert mail.outbox == []
    assert not EmailLog.objects.exists()


def test_demo_data_can_create_rush_jobs_silently(
    company, supervisors, django_capture_on_commit_callbacks
):
    """alert_supervisors=False (the demo seed) creates a Rush job without emails."""
    with django_capture_on_commit_callbacks(execute=True):
        job_create(
            job=Job(customer=CustomerFactory(), description="Demo", priority=Priority.RUSH),
            user=None,
            alert_supervisors=False,
        )
    assert mail.outbox == []


# -- the dashboard notice ----------------------------------------------------------------------


def _index(client) -> str:
    return client.get(reverse("admin:index")).content.decode()


def test_dashboard_lists_urgent_and_rush_jobs_for_supervisors_and_office(
    company, client, supervisor_user, office_user
):
    """Active Urgent and Rush jobs are listed with their customer; others are not."""
    rush = job_at(
        JobStatus.COATING,
        priority=Priority.RUSH,
        customer=CustomerFactory(company_name="Ridge Cycles"),
        due_date=timezone.localdate() + timedelta(days=2),
    )
    urgent = job_at(JobStatus.PENDING, priority=Priority.URGENT)
    normal = job_at(JobStatus.COATING, priority=Priority.HIGH)
    done = job_at(JobStatus.COMPLETED, priority=Priority.RUSH)
    cancelled = job_at(JobStatus.APPROVED, priority=Priority.RUSH)
    job_cancel(job=cancelled, user=None, reason="Duplicate")
    for user in (supervisor_user, office_user):
        client.force_login(user)
        html = _index(client)
        assert "Urgent and Rush jobs" in html
        notice = html[html.index('data-testid="urgent-jobs"') :]
        notice = notice[: notice.index("</section>")]
        assert rush.number in notice
        assert urgent.number in notice
        assert notice.index(rush.number) < notice.index(urgent.number)
        assert "Ridge Cycles" in notice
        assert reverse("admin:powdercoat_job_change", args=[rush.pk]) in notice
        for other in (normal, done, cancelled):
            assert other.number not in notice


def test_dashboard_notice_is_not_for_the_shop_floor(company, floor_client):
    """Shop Floor users do not get the notice (it names customers)."""
    job_at(JobStatus.COATING, priority=Priority.RUSH)
    assert "Urgent and Rush jobs" not in _index(floor_client)


def test_no_notice_when_nothing_is_urgent(company, office_client):
    """With no Urgent or Rush work the dashboard shows no empty box."""
    job_at(JobStatus.COATING, priority=Priority.HIGH)
    assert "Urgent and Rush jobs" not in _index(office_client)


def test_dashboard_queries_do_not_grow_with_urgent_jobs(company, office_client):
    """The notice costs the same number of queries for one urgent job as for eight."""

    def queries() -> int:
        _index(office_client)  # warm caches (session, content types)
        with CaptureQueriesContext(connection) as captured:
            _index(office_client)
        return len(captured)

    job_at(JobStatus.COATING, priority=Priority.RUSH)
    one = queries()
    for _ in range(7):
        job_at(JobStatus.COATING, priority=Priority.URGENT, customer=CustomerFactory())
    assert queries() == one


# -- saying who was alerted (issue: no page claims an alert nobody got) ----------------------


def test_the_answer_names_who_was_emailed_and_who_has_no_address(company, supervisors, office_user):
    """Two supervisors with addresses are named; the one without is named as not alerted."""
    job = JobFactory()
    job.priority = Priority.RUSH
    job_update(job=job, user=office_user)
    assert job.priority_alert.words() == (
        "Alert e-mailed to supervisors lead2 and supervisor. "
        "silent has no e-mail address and was not alerted."
    )


def test_with_no_reachable_supervisor_the_answer_says_nobody_was_alerted(company, office_user):
    """No one in the Supervisor group: the page must not claim an alert went out."""
    job = JobFactory()
    job.priority = Priority.URGENT
    job_update(job=job, user=office_user)
    assert job.priority_alert.words() == (
        "No supervisor was alerted: nobody has the Supervisor role."
    )
    silent = UserFactory(username="nomail", email="", first_name="Ana", last_name="Ruiz")
    silent.groups.add(Group.objects.get(name=roles.SUPERVISOR))
    job.priority = Priority.RUSH
    job_update(job=job, user=office_user)
    assert job.priority_alert.words() == (
        "No supervisor was alerted. Ana Ruiz has no e-mail address and was not alerted."
    )


def test_a_save_that_raises_nothing_leaves_no_answer(company, supervisors, office_user):
    """Editing a job without raising it to Urgent or Rush says nothing about alerts."""
    job = JobFactory(priority=Priority.RUSH)
    job.description = "Trailer fenders, both sides"
    job_update(job=job, user=office_user)
    assert job.priority_alert is None


def test_the_job_page_says_who_was_alerted(company, supervisors, office_client):
    """Saving a job as Rush in the admin shows whom the alert reached."""
    from tests.helpers import form_data

    job = JobFactory()
    url = reverse("admin:powdercoat_job_change", args=[job.pk])
    data = form_data(office_client.get(url).content.decode(), form_id="job_form")
    data["priority"] = str(Priority.RUSH.value)
    response = office_client.post(url, data, follow=True)
    shown = [str(message) for message in response.context["messages"]]
    assert "Alert e-mailed to supervisors lead2 and supervisor. " in " ".join(shown)
    assert "silent has no e-mail address and was not alerted." in " ".join(shown)


def test_the_dashboard_shows_each_alert_and_how_sending_went(
    company, supervisors, office_client, django_capture_on_commit_callbacks
):
    """The Urgent and Rush panel lists the addresses alerted, with sent / failed."""
    job = JobFactory(customer=CustomerFactory(company_name="Ridge Cycles"))
    with django_capture_on_commit_callbacks(execute=True):
        _raise_priority(job, Priority.RUSH, supervisors[0])
    EmailLog.objects.filter(to_address="lead2@shop.example").update(outcome=EmailOutcome.FAILED)
    quiet = JobFactory(priority=Priority.NORMAL)
    Job.objects.filter(pk=quiet.pk).update(priority=Priority.URGENT)  # raised by a script
    html = _index(office_client)
    panel = html[html.index('data-testid="urgent-jobs"') :]
    panel = panel[: panel.index("</section>")]
    row = panel[panel.index(job.number) :]
    row = row[: row.index("</tr>")]
    assert "supervisor@example.com (sent)" in row
    assert "lead2@shop.example (failed)" in row
    quiet_row = panel[panel.index(quiet.number) :]
    assert "No e-mail sent" in quiet_row[: quiet_row.index("</tr>")]


def test_the_customers_status_link_email_is_not_counted_as_an_alert(
    company, supervisors, office_client, office_user, django_capture_on_commit_callbacks
):
    """Sending a Rush job's customer their status link does not list the customer under
    "Supervisors alerted": only the supervisors' e-mails are alerts."""
    job = JobFactory(
        customer=CustomerFactory(company_name="Ridge Cycles", email="buyer@ridge.example")
    )
    with django_capture_on_commit_callbacks(execute=True):
        _raise_priority(job, Priority.RUSH, supervisors[0])
        job_status_link_send(job=Job.objects.get(pk=job.pk), user=office_user)
    html = _index(office_client)
    panel = html[html.index('data-testid="urgent-jobs"') :]
    row = panel[panel.index(job.number) :]
    row = row[: row.index("</tr>")]
    assert "supervisor@example.com (sent)" in row
    assert "buyer@ridge.example" not in row
    assert EmailLog.objects.filter(job=job, to_address="buyer@ridge.example").exists()
