"""The dashboard (SPEC R1): known figures, each linking to a list that counts the same rows."""

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from powdercoat.models import ReworkRecord, StatusChange
from powdercoat.models.choices import JobStatus, Priority, ReworkKind, ReworkReason
from powdercoat.services.invoices import invoice_void
from powdercoat.services.jobs import job_cancel
from powdercoat.services.quotes import quote_send
from tests.factories import (
    JobFactory,
    LineItemCoatFactory,
    LineItemFactory,
    PowderFactory,
    QuoteFactory,
    QuoteLineItemFactory,
    invoiced_job,
    job_at,
    paid,
)
from tests.timeline import date_moves

pytestmark = pytest.mark.django_db
D = Decimal
HOME = reverse("admin:index")

FIGURE = re.compile(
    r'<a href="(?P<url>[^"]+)" class="pc-dash-figure" data-testid="figure-(?P<key>\w+)">'
    r'.*?<span class="pc-dash-value" data-value>(?P<value>[^<]+)</span>',
    re.S,
)


def _figures(client) -> dict[str, tuple[str, str]]:
    """Each figure on the dashboard: key -> (value shown, URL it links to)."""
    response = client.get(HOME)
    assert response.status_code == 200
    page = response.content.decode()
    return {m["key"]: (m["value"].strip(), html.unescape(m["url"])) for m in FIGURE.finditer(page)}


def _list_count(client, url: str) -> int:
    """How many rows the list behind a figure shows (the demand page: powders short)."""
    response = client.get(url)
    assert response.status_code == 200, url
    if "cl" in response.context:
        return response.context["cl"].result_count
    return sum(
        1 for group in response.context["groups"] for row in group["rows"] if row["is_short"]
    )


def _today() -> datetime.date:
    return timezone.localdate()


@pytest.fixture
def shop(company):
    """A morning with known answers: which job counts where is said beside it."""
    today = _today()
    yesterday = today - datetime.timedelta(days=1)
    # Active: 7 jobs here (pending, 3 coating, curing, on hold, approved), and below the four
    # Pending jobs the invoices and the rework records hang on: 11.
    job_at(JobStatus.PENDING)
    job_at(JobStatus.COATING, due_date=today)  # due today
    job_at(JobStatus.COATING, due_date=yesterday, priority=Priority.RUSH)  # overdue, rush
    job_at(JobStatus.CURING, priority=Priority.URGENT, due_date=today)  # due today, urgent
    job_at(JobStatus.ON_HOLD, due_date=yesterday)  # overdue
    job_at(JobStatus.APPROVED, priority=Priority.HIGH)
    # Not active: they count nowhere above.
    job_at(JobStatus.COMPLETED, due_date=yesterday, priority=Priority.RUSH)
    job_cancel(job=job_at(JobStatus.APPROVED, due_date=today), user=None, reason="Duplicate")
    # Ready for pickup: 2, one waiting 9 days.
    waiting = job_at(JobStatus.READY_FOR_PICKUP)
    date_moves(
        StatusChange.objects.filter(job=waiting, to_status=JobStatus.READY_FOR_PICKUP),
        timezone.now() - datetime.timedelta(days=9),
    )
    job_at(JobStatus.READY_FOR_PICKUP)
    # Powder: one low (3 lb, reorder at 5), one fine (50 lb) but short for an active job.
    PowderFactory(name="Gloss Black", opening_stock=D("3"))
    needed = PowderFactory(name="Candy Red", opening_stock=D("1"), reorder_point=D("0"))
    item = LineItemFactory(job=job_at(JobStatus.COATING), quantity=10, surface_area_sqft=D("30"))
    LineItemCoatFactory(item=item, powder=needed)
    # Quotes: one sent (awaiting an answer), one draft (not awaiting).
    sent = QuoteFactory()
    QuoteLineItemFactory(quote=sent)
    quote_send(quote=sent, user=None)
    QuoteFactory()
    # Money this month: 80.00 + 160.00 invoiced, 50.00 collected on one; a void one ignored.
    first = invoiced_job(items=((4, D("20.00")),))
    invoiced_job(items=((8, D("20.00")),))
    paid(first, "50.00")
    void = invoiced_job(items=((1, D("999.00")),))
    invoice_void(invoice=void, user=None, reason="Raised twice")
    # Rework: two in the last 30 days, one older.
    job = JobFactory()
    for days in (0, 29, 31):
        record = ReworkRecord.objects.create(
            job=job, kind=ReworkKind.RECOAT, reason=ReworkReason.ADHESION_FAILURE, cost=D("10")
        )
        ReworkRecord.objects.filter(pk=record.pk).update(
            created_at=timezone.now() - datetime.timedelta(days=days)
        )


def test_each_figure_shows_its_known_answer(shop, admin_client_as_owner):
    """The owner's dashboard shows the figures the fixture was built to give."""
    figures = {key: value for key, (value, _url) in _figures(admin_client_as_owner).items()}
    assert figures == {
        "active": "11",
        "due_today": "2",
        "overdue": "2",
        "urgent": "2",
        "ready": "2",
        "low_stock": "1",
        "shortfall": "1",
        "quotes": "1",
        "rework": "2",
        "invoiced": "$240.00",
        "collected": "$50.00",
        "outstanding": "$190.00",
    }


def test_each_figure_links_to_a_list_that_counts_the_same(shop, admin_client_as_owner):
    """Click any figure: the list it opens counts what the figure counted."""
    figures = _figures(admin_client_as_owner)
    counts = {key: _list_count(admin_client_as_owner, url) for key, (_v, url) in figures.items()}
    # Money figures count invoices: 2 invoiced, 1 paid into, 2 unpaid.
    assert counts == {
        "active": 11,
        "due_today": 2,
        "overdue": 2,
        "urgent": 2,
        "ready": 2,
        "low_stock": 1,
        "shortfall": 1,
        "quotes": 1,
        "rework": 2,
        "invoiced": 2,
        "collected": 1,
        "outstanding": 2,
    }


def test_stage_counts_link_to_each_stage(shop, admin_client_as_owner):
    """Work in each stage: the number beside a stage is the count of its list."""
    page = admin_client_as_owner.get(HOME).content.decode()
    links = re.findall(
        r'<a href="([^"]+)" class="pc-dash-link" data-stage-count>.*?'
        r'<span class="pc-num">(\d+)</span>',
        page,
        re.S,
    )
    shown = {html.unescape(url): int(count) for url, count in links}
    assert sum(shown.values()) == 11
    for url, count in shown.items():
        assert _list_count(admin_client_as_owner, url) == count
    coating = next(url for url in shown if "status__exact=coating" in url)
    assert shown[coating] == 3


def test_ready_card_says_how_long_the_oldest_has_waited(shop, admin_client_as_owner):
    """The longest-waiting pickup is named with its days."""
    page = admin_client_as_owner.get(HOME).content.decode()
    assert "Longest waiting: 9 days" in page


def test_shop_floor_sees_no_money(shop, floor_client):
    """Shop Floor gets the work and powder figures, without a money figure or a quote."""
    figures = _figures(floor_client)
    assert set(figures) == {
        "active",
        "due_today",
        "overdue",
        "urgent",
        "ready",
        "low_stock",
        "shortfall",
        "rework",
    }
    page = floor_client.get(HOME).content.decode()
    board = page[page.index('data-testid="dashboard"') :]
    assert not re.search(r"\$\s?\d", board)
    for word in ("Invoiced", "Outstanding", "Money"):
        assert word not in board


def test_the_title_is_the_shops_not_site_administration(company, office_client):
    """The page is named after the shop, not Django."""
    company.name = "Ridge Powder Works"
    company.save()
    page = office_client.get(HOME).content.decode()
    assert "Today at Ridge Powder Works" in page
    assert "Site administration" not in page


def test_the_dashboard_runs_the_same_queries_at_any_size(company, admin_client_as_owner):
    """Three times the jobs, invoices and powders: not one more query."""

    def build(n):
        for _ in range(n):
            rush = job_at(JobStatus.COATING, priority=Priority.RUSH, due_date=_today())
            job_at(JobStatus.READY_FOR_PICKUP)
            powder = PowderFactory(opening_stock=D("1"))
            LineItemCoatFactory(item=LineItemFactory(job=rush), powder=powder)
            paid(invoiced_job(), "10.00")
            ReworkRecord.objects.create(
                job=JobFactory(), kind=ReworkKind.TOUCH_UP, reason=ReworkReason.DAMAGE
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client_as_owner.get(HOME).status_code == 200
        return len(captured)

    build(2)
    small = queries()
    build(6)
    assert queries() == small == 21


@pytest.fixture
def admin_client_as_owner(admin_user):
    """The owner, logged in."""
    from django.test import Client

    client = Client()
    client.force_login(admin_user)
    return client
