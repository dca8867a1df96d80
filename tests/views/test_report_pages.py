"""Operations → Reports (SPEC R2): the pages, their periods, downloads, roles and query counts."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from powdercoat.models import Job, ReworkRecord
from powdercoat.models.choices import JobStatus, ReworkKind, ReworkReason
from powdercoat.services.jobs import job_set_status
from tests.factories import JobFactory
from tests.timeline import date_move

pytestmark = pytest.mark.django_db

SLUGS = ("stage-times", "on-time", "rework", "hours", "powder", "revenue")
# Monday 2 to Sunday 15 June 2025, clear of a change of clocks.
PERIOD = {"start": "2025-06-02", "end": "2025-06-15"}


def _url(slug: str) -> str:
    return reverse(f"admin:report_{slug}")


def _local(day: int, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2025, 6, day, hour))


def _coated_for(hours: int, *, due: datetime.date | None = None) -> Job:
    """A job in Coating from 8:00 on 3 June for `hours`, then Ready for Pickup."""
    job = JobFactory(due_date=due)
    for status, at in (
        (JobStatus.COATING, _local(3, 8)),
        (JobStatus.READY_FOR_PICKUP, _local(3, 8 + hours)),
    ):
        change = job_set_status(job=Job.objects.get(pk=job.pk), user=None, status=status)
        date_move(change, at)
    return job


@pytest.fixture
def owner_client(client, admin_user):
    """The owner, logged in."""
    client.force_login(admin_user)
    return client


def test_the_reports_page_lists_every_report(company, owner_client):
    """Operations → Reports links each report."""
    page = owner_client.get(reverse("admin:reports")).content.decode()
    for slug in SLUGS:
        assert _url(slug) in page


def test_the_stage_report_shows_the_known_average_and_percentile(company, owner_client):
    """Coating for 2, 4 and 6 hours: average 4.0 h, 90th percentile 6.0 h, on the page."""
    for hours in (2, 4, 6):
        _coated_for(hours)
    response = owner_client.get(_url("stage-times"), PERIOD)
    assert response.status_code == 200
    stages = next(s for s in response.context["sections"] if s.key == "stages")
    coating = next(row for row in stages.rows if row[0].text == "Coating")
    assert [cell.text for cell in coating] == ["Coating", "3", "4.0", "6.0"]


def test_the_on_time_report_shows_three_of_four(company, owner_client):
    """Three of four jobs ready by their due date: 75.0 %."""
    on_the_day = datetime.date(2025, 6, 3)
    for _ in range(3):
        _coated_for(2, due=on_the_day)
    _coated_for(2, due=datetime.date(2025, 6, 2))
    response = owner_client.get(_url("on-time"), PERIOD)
    months = next(s for s in response.context["sections"] if s.key == "months")
    assert [cell.text for cell in months.totals] == ["Period", "4", "3", "1", "75.0 %"]


def test_a_section_downloads_as_csv_with_the_pages_figures(company, owner_client):
    """The CSV of a section holds the rows the page shows, as numbers."""
    for hours in (2, 4, 6):
        _coated_for(hours)
    response = owner_client.get(
        _url("stage-times"), {**PERIOD, "section": "stages", "format": "csv"}
    )
    assert response.status_code == 200
    assert "attachment;" in response["Content-Disposition"]
    assert "stage-times-stages-2025-06-02-2025-06-15.csv" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Stage", "Stays", "Average (h)", "90th percentile (h)"]
    assert ["Coating", "3", "4.00", "6.00"] in rows


def test_the_weekly_download_has_one_row_per_week_and_stage(company, owner_client):
    """The page shows weeks against stages; the file has a row per week and stage."""
    _coated_for(4)
    response = owner_client.get(
        _url("stage-times"), {**PERIOD, "section": "weeks", "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Week of", "Stage", "Stays", "Average (h)", "90th percentile (h)"]
    assert ["2025-06-02", "Coating", "1", "4.00", "4.00"] in rows


@pytest.mark.parametrize("slug", SLUGS)
def test_every_section_downloads_as_excel(company, owner_client, slug):
    """Each section's Excel file opens as a workbook whose sheet has the section's headers."""
    import openpyxl

    _coated_for(3, due=datetime.date(2025, 6, 3))
    sections = owner_client.get(_url(slug), PERIOD).context["sections"]
    assert sections
    for section in sections:
        response = owner_client.get(
            _url(slug), {**PERIOD, "section": section.key, "format": "xlsx"}
        )
        assert response.status_code == 200, section.key
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        headers = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
        columns = section.export_columns or section.columns
        assert headers == [str(column.label) for column in columns], section.key


def test_bad_dates_and_a_bad_section_are_each_said_once(company, owner_client):
    """Two mistakes in one address: two messages, not repeated."""
    response = owner_client.get(
        _url("on-time"),
        {"start": "2025-06-15", "end": "2025-06-01", "format": "csv", "section": "x"},
    )
    shown = [str(message) for message in response.context["messages"]]
    assert shown.count("The end date is before the start date.") == 1
    assert shown.count("That part of the report does not exist.") == 1


@pytest.mark.parametrize(
    ("params", "said"),
    [
        ({"start": "2025-06-15", "end": "2025-06-01"}, "The end date is before the start date."),
        ({"start": "not a date"}, "Enter a valid date."),
        ({"start": "0001-01-01", "end": "9999-12-31"}, "A report covers five years at most."),
        ({"format": "pdf", "section": "stages"}, "That download format is not available"),
        ({"format": "csv", "section": "nope"}, "That part of the report does not exist."),
    ],
)
def test_bad_input_is_said_and_the_default_period_shown(company, owner_client, params, said):
    """Absurd dates or downloads: a message and the page, never a server error."""
    for slug in SLUGS:
        response = owner_client.get(_url(slug), params)
        assert response.status_code == 200, slug
        shown = " ".join(str(message) for message in response.context["messages"])
        assert said in shown, slug


@pytest.mark.parametrize("slug", SLUGS)
def test_every_report_runs_the_same_queries_at_any_size(company, owner_client, slug):
    """Three times the history, not one more query on any report page."""

    def build(count: int) -> None:
        for index in range(count):
            job = _coated_for(2 + index % 3, due=datetime.date(2025, 6, 3))
            record = ReworkRecord.objects.create(
                job=job,
                kind=ReworkKind.RECOAT,
                reason=ReworkReason.ADHESION_FAILURE,
                cost=Decimal("10"),
            )
            ReworkRecord.objects.filter(pk=record.pk).update(created_at=_local(4, 9))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert owner_client.get(_url(slug), PERIOD).status_code == 200
        return len(captured)

    build(2)
    small = queries()
    build(6)
    assert queries() == small
