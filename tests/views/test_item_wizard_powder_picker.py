"""The coats step's powder picker: the search it asks, and the typed text it falls back on."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from powdercoat.models import InventoryItem, LineItem
from powdercoat.models.choices import CoatLayer, InventoryCategory, ItemKind, JobStatus
from tests.factories import PowderFactory, job_at
from tests.helpers import form_data
from tests.views.test_item_wizard import errors_of, follow, start, step

pytestmark = pytest.mark.django_db

SEARCH = reverse("admin_views:powder_search")
# The company settings (middleware), the session, the user, the user's and the groups'
# permissions, and the search itself: the same with 10 powders or 1,000.
SEARCH_QUERIES = 6
# The coats step with three coats and their estimate, and that step sent back (one query reads
# all three powders, picked or typed as a SKU): the same with 10 powders or 1,000.
COATS_STEP_QUERIES = (12, 12)


def search(client, term: str) -> dict:
    """The picker's answer for `term`, checked to be JSON."""
    response = client.get(SEARCH, {"q": term})
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def names(answer: dict) -> list[str]:
    """The powders an answer lists, as the picker shows their names."""
    return [row["name"] for row in answer["results"]]


@pytest.fixture
def powders(company):
    """Three powders as a shop keeps them: a red, a black and a white from two vendors."""
    return {
        "red": PowderFactory(
            name="Signal Red",
            color_name="Signal Red",
            color_code="RAL 3001",
            sku="TIG-3001",
            swatch_hex="#A02128",
            vendor="Tiger Drylac",
            unit_cost=Decimal("3333.3333"),
            opening_stock=Decimal("12.5"),
        ),
        "black": PowderFactory(
            name="Jet Black",
            color_name="Jet Black",
            color_code="RAL 9005",
            sku="PRS-9005",
            swatch_hex="#0A0A0A",
            vendor="Prismatic",
            opening_stock=Decimal("3"),
        ),
        "white": PowderFactory(
            name="Traffic White",
            color_name="Traffic White",
            color_code="RAL 9016",
            sku="PRS-9016",
            vendor="Prismatic",
        ),
    }


def many_powders(count: int) -> None:
    """`count` active powders in one insert (no ledger: only the picker reads them)."""
    InventoryItem.objects.bulk_create(
        InventoryItem(
            name=f"Stock colour {n:04d}",
            color_name=f"Stock colour {n:04d}",
            color_code=f"RAL {1000 + n}",
            sku=f"BULK-{n:04d}",
            category=InventoryCategory.POWDER,
            unit="lb",
            unit_cost=Decimal("9.99"),
            quantity_on_hand=Decimal("20"),
            vendor="Bulk Powders",
            swatch_hex="#336699",
        )
        for n in range(count)
    )


# -- the search ---------------------------------------------------------------------------------


def test_search_finds_a_powder_by_colour_name(powders, office_client):
    """Part of a colour name, in any case, finds that powder."""
    assert names(search(office_client, "signal")) == ["Signal Red (RAL 3001)"]


@pytest.mark.parametrize("term", ["RAL 9005", "ral 9005", "RAL9005", "9005"])
def test_search_finds_a_powder_by_its_ral_code_however_it_is_typed(powders, office_client, term):
    """RAL 9005 typed with or without the space or the letters finds Jet Black alone."""
    assert names(search(office_client, term)) == ["Jet Black (RAL 9005)"]


def test_search_finds_a_powder_by_sku(powders, office_client):
    """A SKU finds its powder."""
    assert names(search(office_client, "PRS-9016")) == ["Traffic White (RAL 9016)"]


def test_every_word_must_match_somewhere(powders, office_client):
    """Typing "prismatic white" finds the one white Prismatic powder, not every Prismatic one."""
    assert names(search(office_client, "prismatic white")) == ["Traffic White (RAL 9016)"]


def test_a_result_carries_swatch_pounds_on_hand_and_vendor_but_no_money(powders, office_client):
    """What the list shows for each powder; the unit cost and the stock's value stay out."""
    [row] = search(office_client, "TIG-3001")["results"]
    assert row == {
        "id": powders["red"].pk,
        "label": "Signal Red (RAL 3001) · TIG-3001",
        "name": "Signal Red (RAL 3001)",
        "sku": "TIG-3001",
        "swatch": "#A02128",
        "on_hand": "12.5",
        "unit": "lb",
        "vendor": "Tiger Drylac",
        "low": False,
    }


def test_low_stock_is_flagged_in_the_results(powders, office_client):
    """3 lb on hand at a 5 lb reorder point is marked low."""
    [row] = search(office_client, "Jet Black")["results"]
    assert (row["on_hand"], row["low"]) == ("3.0", True)


def test_retired_powders_and_supplies_are_not_offered(powders, office_client):
    """Only active powders, primers and clears can be picked for a coat."""
    PowderFactory(name="Signal Red old batch", is_active=False)
    PowderFactory(
        name="Signal Red masking tape", category=InventoryCategory.SHOP_SUPPLY, unit="roll"
    )
    assert names(search(office_client, "signal red")) == ["Signal Red (RAL 3001)"]


def test_an_exact_sku_comes_before_looser_matches(powders, office_client):
    """Typing a SKU puts that powder first even when other powders contain the same text."""
    PowderFactory(name="Candy 9005 red", sku="CANDY-1", color_code="")
    assert names(search(office_client, "PRS-9005"))[0] == "Jet Black (RAL 9005)"


def test_an_empty_search_lists_powders_by_name(powders, office_client):
    """Focusing an empty box lists powders in name order to browse."""
    assert names(search(office_client, "")) == [
        "Jet Black (RAL 9005)",
        "Signal Red (RAL 3001)",
        "Traffic White (RAL 9016)",
    ]


def test_search_lists_at_most_twenty_and_says_there_are_more(company, office_client):
    """30 matches: 20 listed, and the answer says more are there to narrow down."""
    many_powders(30)
    answer = search(office_client, "stock colour")
    assert len(answer["results"]) == 20
    assert answer["more"] is True
    assert search(office_client, "BULK-0007")["more"] is False


@pytest.mark.parametrize("count", [10, 1000])
def test_search_costs_the_same_queries_with_10_or_1000_powders(company, office_client, count):
    """A fixed number of queries whether the shop stocks ten powders or a thousand."""
    many_powders(count)
    with CaptureQueriesContext(connection) as queries:
        answer = search(office_client, "stock")
    assert len(queries) == SEARCH_QUERIES, [q["sql"] for q in queries]
    assert len(answer["results"]) == min(count, 20)
    with CaptureQueriesContext(connection) as queries:
        search(office_client, "RAL 1005")
    assert len(queries) == SEARCH_QUERIES


def test_a_script_in_a_powder_name_comes_back_as_data(company, office_client):
    """The name is JSON text for the script to write as text, served so no browser runs it."""
    PowderFactory(name="<script>alert(1)</script> Red", sku="XSS-1")
    response = office_client.get(SEARCH, {"q": "XSS-1"})
    assert response["Content-Type"] == "application/json"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert json.loads(response.content)["results"][0]["name"].startswith("<script>alert(1)")


# -- who may search -------------------------------------------------------------------------------


def test_shop_floor_may_search_and_sees_pounds_but_no_money(powders, floor_client):
    """The search shows no cost or stock value, so Shop Floor may use it: 12.5 lb, no $3,333."""
    response = floor_client.get(SEARCH, {"q": "signal"})
    assert response.status_code == 200
    body = response.content.decode()
    assert '"on_hand": "12.5"' in body
    for money in ("3333", "3,333", "41666", "41,666", "unit_cost", "value"):
        assert money not in body, money


def test_shop_floor_cannot_open_the_coats_step_that_shows_prices(powders, floor_client):
    """The wizard (its picker page, shape calculator and prices) stays refused to Shop Floor."""
    job = job_at(JobStatus.APPROVED)
    response = floor_client.get(reverse("admin:powdercoat_job_item_add", args=[job.pk]))
    assert response.status_code == 403
    estimate = reverse("admin:powdercoat_job_item_estimate", args=[job.pk, "any-token"])
    assert floor_client.post(estimate, {"_step": "coats"}).status_code == 403


def test_a_visitor_without_a_login_is_sent_to_log_in(powders, client):
    """Nobody outside the shop can list its powders."""
    response = client.get(SEARCH, {"q": "signal"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_someone_without_inventory_rights_is_refused(powders, django_user_model, client):
    """A staff login that may not see the inventory gets 403, not the powders."""
    client.force_login(django_user_model.objects.create_user("nobody", is_staff=True))
    assert client.get(SEARCH, {"q": "signal"}).status_code == 403


# -- the coats step with the picker -----------------------------------------------------------


def coats_step(client, job) -> str:
    """A Calculated item's coats step, the size filled in."""
    url = follow(step(client, start(client, job), description="Gate"))
    return follow(step(client, url, quantity="2", surface_area_sqft="10"))


def test_coats_step_offers_a_search_box_with_the_search_address(powders, office_client):
    """Each coat row is a text box the script turns into a picker; no list of every powder."""
    html = office_client.get(coats_step(office_client, job_at(JobStatus.APPROVED))).content
    html = html.decode()
    assert html.count('data-powder-search="1"') == 3
    assert f'data-powder-search-url="{SEARCH}"' in html
    assert "admin_views/wizard.js" in html
    assert "Traffic White" not in html  # powders are asked for, not listed


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("RAL 3001", "red"), ("prs-9005", "black"), ("Traffic White", "white")],
)
def test_without_javascript_a_typed_code_sku_or_name_picks_the_powder(
    powders, office_client, typed, expected
):
    """The box alone works: a RAL code, a SKU in any case or a name names one powder."""
    job = job_at(JobStatus.APPROVED)
    url = coats_step(office_client, job)
    url = follow(step(office_client, url, **{"coats-0-powder_search": typed}))
    assert url.endswith("/prep/")
    url = follow(step(office_client, url))
    follow(step(office_client, follow(step(office_client, url)), button="_finish"))
    coat = LineItem.objects.get(job=job).coats.get()
    assert coat.powder == powders[expected]


def test_a_picked_label_names_its_powder_even_when_two_share_a_name(powders, office_client):
    """The label the picker fills in ends in the SKU, so twin names are told apart."""
    twin = PowderFactory(name="Signal Red", color_code="RAL 3001", sku="ALT-3001")
    job = job_at(JobStatus.APPROVED)
    url = coats_step(office_client, job)
    label = "Signal Red (RAL 3001) · ALT-3001"
    url = follow(
        step(
            office_client,
            url,
            **{"coats-0-powder_search": label, "coats-0-layer": CoatLayer.PRIMER},
        )
    )
    assert [(c.powder_id, c.layer) for c in _draft_coats(office_client, url)] == [
        (twin.pk, CoatLayer.PRIMER)
    ]
    back = url.replace("/prep/", "/coats/")
    assert f'value="{label}"' in office_client.get(back).content.decode()  # shown as picked


def test_a_chosen_powder_shows_its_swatch_beside_its_box(powders, office_client):
    """Coming back to the coats step, Signal Red's row carries its colour chip."""
    url = coats_step(office_client, job_at(JobStatus.APPROVED))
    follow(step(office_client, url, **{"coats-0-powder_search": "TIG-3001"}))
    html = office_client.get(url).content.decode()
    assert 'style="background: #A02128"' in html
    assert 'value="Signal Red (RAL 3001) · TIG-3001"' in html


def _draft_coats(client, url):
    """The coats of the wizard draft at `url`, as the session holds them."""
    from powdercoat.drafts import ItemDraft

    token = url.split("/")[-3]
    return ItemDraft.from_session(client.session["item_wizard"][token]["draft"]).coats


def test_text_that_fits_several_powders_asks_for_more(powders, office_client):
    """Typing "Prismatic" fits two powders: the row names both, and the step waits."""
    url = coats_step(office_client, job_at(JobStatus.APPROVED))
    html = errors_of(step(office_client, url, **{"coats-0-powder_search": "Prismatic"}))
    assert "“Prismatic” fits several powders" in html
    assert "Jet Black (RAL 9005) · PRS-9005" in html
    assert "Traffic White (RAL 9016) · PRS-9016" in html


def test_text_that_fits_no_powder_says_so(powders, office_client):
    """An unknown colour is named back with what to try instead."""
    url = coats_step(office_client, job_at(JobStatus.APPROVED))
    html = errors_of(step(office_client, url, **{"coats-0-powder_search": "Mauve"}))
    assert "No powder matches “Mauve”. Try part of its name, its colour code or SKU." in html


def test_clearing_a_coats_box_removes_that_coat(powders, office_client):
    """Emptying a row's box and going on leaves that coat out."""
    url = coats_step(office_client, job_at(JobStatus.APPROVED))
    prep = follow(
        step(
            office_client,
            url,
            **{"coats-0-powder_search": "TIG-3001", "coats-1-powder_search": "PRS-9005"},
        )
    )
    assert len(_draft_coats(office_client, prep)) == 2
    follow(step(office_client, url, **{"coats-0-powder_search": ""}))
    assert [c.powder_id for c in _draft_coats(office_client, url)] == [powders["black"].pk]


def test_a_script_in_a_powder_name_is_shown_as_text_on_the_coats_step(company, office_client):
    """A chosen powder called <script>… appears escaped in its box and in the estimate."""
    PowderFactory(name="<script>alert(1)</script> Red", sku="XSS-1", color_code="")
    url = coats_step(office_client, job_at(JobStatus.APPROVED))
    follow(step(office_client, url, button="_more_coats", **{"coats-0-powder_search": "XSS-1"}))
    html = office_client.get(url).content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Red · XSS-1" in html


@pytest.mark.parametrize("count", [10, 1000])
def test_coats_step_costs_the_same_queries_with_10_or_1000_powders(powders, office_client, count):
    """The page and a step sent with three coats read the same rows whatever the stock."""
    job = job_at(JobStatus.APPROVED)
    url = coats_step(office_client, job)
    many_powders(count)
    chosen = {
        "coats-0-powder_search": "Signal Red (RAL 3001) · TIG-3001",
        "coats-1-powder_search": "PRS-9005",
        "coats-2-powder_search": "RAL 9016",
    }
    # Once typed by hand (each searched), then the page shows the three as picked labels.
    assert step(office_client, url, button="_more_coats", **chosen).status_code == 302
    with CaptureQueriesContext(connection) as page:
        html = office_client.get(url).content.decode()
    assert html.count('style="background: ') >= 3  # the three swatches (and the estimate's)
    data = {**form_data(html, "item-wizard"), "_more_coats": "1"}
    with CaptureQueriesContext(connection) as sent:
        response = office_client.post(url, data)
    assert response.status_code == 302
    assert [c.powder_id for c in _draft_coats(office_client, url)] == [
        powders["red"].pk,
        powders["black"].pk,
        powders["white"].pk,
    ]
    # Pinned as measured; a query per powder in stock would multiply these by the stock.
    assert (len(page), len(sent)) == COATS_STEP_QUERIES


def test_a_posted_powder_id_still_works_for_clients_that_send_ids(powders, office_client):
    """Forms built by other code post the powder's id with an empty box; it is taken."""
    job = job_at(JobStatus.APPROVED)
    url = coats_step(office_client, job)
    prep = follow(
        office_client.post(
            url,
            {
                "coats-TOTAL_FORMS": "1",
                "coats-INITIAL_FORMS": "0",
                "coats-0-powder": str(powders["white"].pk),
                "coats-0-layer": CoatLayer.BASE,
                "_next": "1",
            },
        )
    )
    assert [c.powder_id for c in _draft_coats(office_client, prep)] == [powders["white"].pk]


def test_kind_labor_only_may_leave_every_box_empty(powders, office_client):
    """Labor Only needs no coat: empty boxes go on."""
    job = job_at(JobStatus.APPROVED)
    url = follow(
        step(office_client, start(office_client, job), kind=ItemKind.LABOR_ONLY, description="X")
    )
    url = follow(step(office_client, url, quantity="1", labor_hours="2"))
    assert follow(step(office_client, url)).endswith("/prep/")
