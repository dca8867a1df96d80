"""The powder demand page under Inventory items: vendor tables, downloads, access, query count."""

import csv
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import (
    JobFactory,
    LineItemCoatFactory,
    LineItemFactory,
    PowderFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
D = Decimal
URL = reverse("admin:powdercoat_inventoryitem_demand")
HEADERS = [
    "Vendor",
    "Powder",
    "SKU",
    "Colour code",
    "Needed (lb)",
    "On hand (lb)",
    "Shortfall (lb)",
    "Jobs",
]


def _coat(job, powder, *, quantity=12, area="6.5"):
    """An item of `quantity` parts of `area` sq ft on `job`, coated in `powder`."""
    item = LineItemFactory(job=job, quantity=quantity, surface_area_sqft=D(area))
    LineItemCoatFactory(item=item, powder=powder)


@pytest.fixture
def shop(company):
    """Gloss Black (Prismatic, 5 lb on hand) needed by two jobs; Signal White (no vendor)."""
    black = PowderFactory(
        name="Gloss Black",
        sku="PRI-9005",
        color_code="RAL 9005",
        vendor="Prismatic",
        unit_cost=D("17.35"),
        opening_stock=D("5"),
        coverage_rate=D("30"),
        transfer_efficiency=D("65"),
    )
    white = PowderFactory(
        name="Signal White",
        sku="TIG-9003",
        color_code="RAL 9003",
        vendor="",
        opening_stock=D("50"),
        coverage_rate=D("30"),
        transfer_efficiency=D("65"),
    )
    _coat(JobFactory(), black)
    _coat(JobFactory(), black)
    _coat(JobFactory(), white, quantity=6)
    return black, white


def test_office_sees_a_table_per_vendor_with_the_shortfall_marked(shop, office_client):
    """Prismatic before "No vendor"; black is 8.0 needed, 5.0 on hand, "Short" by 3.0."""
    black, _white = shop
    response = office_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Prismatic") < html.index("No vendor")
    groups = response.context["groups"]
    assert [group["label"] for group in groups] == ["Prismatic", "No vendor"]
    (black_row,) = groups[0]["rows"]
    assert (black_row["needed"], black_row["on_hand"], black_row["shortfall"]) == (
        "8.0",
        "5.0",
        "3.0",
    )
    assert black_row["is_short"]
    assert black_row["jobs"] == 2
    assert not groups[1]["rows"][0]["is_short"]
    assert reverse("admin:powdercoat_inventoryitem_change", args=[black.pk]) in html
    assert "RAL 9005" in html


def test_short_badge_appears_only_for_short_powders(shop, office_client):
    """One powder is short, so the word "Short" is shown exactly once as a badge."""
    html = office_client.get(URL).content.decode()
    assert len(re.findall(r">\s*Short\s*</span>", html)) == 1


def test_shop_floor_can_open_it_and_sees_no_prices(shop, floor_client):
    """Shop Floor holds view_inventoryitem: the page opens and shows no unit cost."""
    response = floor_client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Gloss Black" in html
    assert "17.35" not in html
    assert "17,35" not in html


def test_empty_state_when_no_active_job_needs_powder(company, office_client):
    """No jobs: a sentence says so instead of empty tables."""
    html = office_client.get(URL).content.decode()
    assert "No active job needs powder right now." in html
    assert "<table" not in html


def test_csv_download_has_one_row_per_powder(shop, office_client):
    """?format=csv: a dated attachment with the headers and both powders' figures."""
    response = office_client.get(URL, {"format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    filename = f"powder-demand-{timezone.localdate():%Y-%m-%d}.csv"
    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == HEADERS
    assert [(r[0], r[1], r[2], r[3], D(r[4]), D(r[5]), D(r[6]), r[7]) for r in rows[1:]] == [
        ("Prismatic", "Gloss Black", "PRI-9005", "RAL 9005", D("8"), D("5"), D("3"), "2"),
        ("No vendor", "Signal White", "TIG-9003", "RAL 9003", D("2"), D("50"), D("0"), "1"),
    ]


def test_xlsx_download_opens_in_a_spreadsheet(shop, office_client):
    """?format=xlsx: an Excel file openpyxl reads, with numbers as numbers."""
    response = office_client.get(URL, {"format": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.xlsx"')
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADERS
    assert rows[1][:4] == ["Prismatic", "Gloss Black", "PRI-9005", "RAL 9005"]
    assert [float(value) for value in rows[1][4:]] == [8.0, 5.0, 3.0, 2.0]
    assert rows[2][0] == "No vendor"


def test_downloads_do_not_turn_names_into_formulas(company, office_client):
    """A powder named "=1+1" is written as text, not as a formula Excel would run."""
    _coat(JobFactory(), PowderFactory(name="=1+1"))
    rows = list(csv.reader(io.StringIO(office_client.get(URL, {"format": "csv"}).content.decode())))
    assert rows[1][1] == "'=1+1"
    sheet = openpyxl.load_workbook(
        io.BytesIO(office_client.get(URL, {"format": "xlsx"}).content)
    ).active
    assert sheet["B2"].data_type == "s"


def test_unknown_format_shows_a_message_and_the_page(shop, office_client):
    """?format=pdf is not offered: the page renders with a warning, never a 500."""
    response = office_client.get(URL, {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "That download format is not available; use CSV or Excel." in html
    assert "Gloss Black" in html


def test_staff_without_view_inventoryitem_is_refused(company):
    """A staff account with no inventory permission gets 403."""
    session = Client()
    session.force_login(UserFactory(username="nobody", is_staff=True))
    assert session.get(URL).status_code == 403
    assert session.get(URL, {"format": "csv"}).status_code == 403


def test_anonymous_visitor_is_sent_to_the_login_page(company, client):
    """Not logged in: redirected to the admin login, the export included."""
    for params in ({}, {"format": "csv"}):
        response = client.get(URL, params)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


def test_items_list_links_to_the_report(company, office_client):
    """The inventory list has a "Powder demand" button that leads to the page."""
    html = office_client.get(reverse("admin:powdercoat_inventoryitem_changelist")).content.decode()
    button = reverse("admin:powdercoat_inventoryitem_open_powder_demand")
    assert button in html
    response = office_client.get(button)
    assert response.status_code == 302
    assert response["Location"] == URL


def _queries(session, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = session.get(URL, params or {})
    assert response.status_code == 200
    return len(queries)


def test_page_queries_do_not_grow_with_jobs(company, office_client):
    """The page and its CSV run as many queries for 20 jobs as for 2."""
    powders = [PowderFactory(vendor="Prismatic"), PowderFactory(vendor=""), PowderFactory()]

    def add_jobs(count):
        for n in range(count):
            job = JobFactory()
            _coat(job, powders[n % 3])
            _coat(job, powders[(n + 1) % 3], quantity=2)

    add_jobs(2)
    few_page, few_csv = _queries(office_client), _queries(office_client, {"format": "csv"})
    add_jobs(18)
    assert _queries(office_client) == few_page
    assert _queries(office_client, {"format": "csv"}) == few_csv
