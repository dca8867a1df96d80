"""The job page's Materials tab and its Log material, Change customer and Clone job dialogs."""

import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from powdercoat.models import InventoryActivity, InventoryItem, Job
from powdercoat.models.choices import ActivityKind, InventoryCategory, JobStatus
from powdercoat.services.inventory import material_usage_log
from powdercoat.services.invoices import invoice_create_for_job
from powdercoat.services.jobs import job_cancel
from tests.factories import (
    CustomerFactory,
    LineItemCoatFactory,
    LineItemFactory,
    PowderFactory,
    job_at,
)
from tests.helpers import form_data, page_actions

pytestmark = pytest.mark.django_db
D = Decimal


def _change_url(job):
    return reverse("admin:powdercoat_job_change", args=[job.pk])


def _action_url(job, path):
    return f"{_change_url(job).removesuffix('change/')}{path}/"


def _titles(client, job) -> list[str]:
    """Titles of every button the job page offers."""
    return [str(a["title"]) for a in page_actions(client.get(_change_url(job)))]


def _coated_job(status=JobStatus.COATING, **powder_fields):
    """A job of 12 parts x 6.5 sq ft in one powder at 30 sq ft/lb and 65 %: 4.0 lb estimated."""
    powder_fields = {"coverage_rate": D("30"), "transfer_efficiency": D("65"), **powder_fields}
    job = job_at(status)
    powder = PowderFactory(**powder_fields)
    item = LineItemFactory(job=job, quantity=12, surface_area_sqft=D("6.5"))
    LineItemCoatFactory(item=item, powder=powder)
    return job, powder


class _SelectReader(HTMLParser):
    """The option groups of the <select name="item">: [(group label, [option texts])]."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.groups: list[tuple[str, list[str]]] = []
        self._inside = self._in_option = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select" and attrs.get("name") == "item":
            self._inside = True
        elif self._inside and tag == "optgroup":
            self.groups.append((attrs["label"], []))
        elif self._inside and tag == "option" and attrs.get("value"):
            self._in_option = True

    def handle_endtag(self, tag):
        if tag == "select":
            self._inside = False
        elif tag == "option":
            self._in_option = False

    def handle_data(self, data):
        if self._in_option and self.groups:
            self.groups[-1][1].append(data.strip())


def _item_groups(html: str) -> list[tuple[str, list[str]]]:
    reader = _SelectReader()
    reader.feed(html)
    return reader.groups


def _log(client, job, **values):
    """Open the Log material dialog as htmx does, fill it in and submit it."""
    data = form_data(
        client.get(_action_url(job, "log-material"), HTTP_HX_REQUEST="true").content.decode()
    )
    data.update({name: str(value) for name, value in values.items()})
    return client.post(_action_url(job, "log-material"), data, HTTP_HX_REQUEST="true")


# -- Log material --------------------------------------------------------------------------------


def test_shop_floor_logs_material_through_the_dialog(company, floor_client, floor_user):
    """Floor picks the powder and 1.25 lb: stock 50 → 48.75, one row by them, message says so."""
    job, powder = _coated_job(name="Gloss Black", opening_stock=D("50"))
    assert "Log material" in _titles(floor_client, job)
    response = _log(floor_client, job, item=powder.pk, lbs="1.25", note="Booth 2")
    assert response.headers["HX-Redirect"] == f"{_change_url(job)}?tab=materials"
    assert InventoryItem.objects.get(pk=powder.pk).quantity_on_hand == D("48.75")
    row = InventoryActivity.objects.get(job=job)
    assert (row.kind, row.quantity, row.user, row.note) == (
        ActivityKind.USAGE,
        D("-1.25"),
        floor_user,
        "Booth 2",
    )
    page = floor_client.get(_change_url(job)).content.decode()
    assert f"Logged 1.25 lb of Gloss Black on {job.number}; 48.75 lb left on the shelf." in page


def test_logging_below_zero_asks_first_then_books_with_a_warning(company, floor_client):
    """2 lb on the shelf, 3.5 lb typed: the dialog asks with the figures; once ticked, booked."""
    job, powder = _coated_job(name="Gloss black", opening_stock=D("2"))
    asked = _log(floor_client, job, item=powder.pk, lbs="3.5")
    html = asked.content.decode()
    assert asked.status_code == 200
    assert "3.5 lb of Gloss black is more than the 2.0 lb on the shelf" in html
    assert "Yes, log 3.5 lb" in html
    assert "On the shelf afterwards" in html
    assert "-1.5 lb" in html
    assert InventoryItem.objects.get(pk=powder.pk).quantity_on_hand == D("2")

    data = form_data(html)
    data["confirm"] = "on"
    floor_client.post(_action_url(job, "log-material"), data, HTTP_HX_REQUEST="true")
    assert InventoryItem.objects.get(pk=powder.pk).quantity_on_hand == D("-1.5")
    page = floor_client.get(_change_url(job)).content.decode()
    assert "Gloss black is now at -1.5 lb; the ledger keeps the real figure — count the shelf." in (
        page
    )


def test_a_tick_given_for_one_figure_does_not_cover_another(company, floor_client):
    """Ticked for 3.5 lb, then changed to 30 lb: asked again about 30 lb, nothing booked."""
    job, powder = _coated_job(name="Gloss black", opening_stock=D("2"))
    data = form_data(_log(floor_client, job, item=powder.pk, lbs="3.5").content.decode())
    data.update(confirm="on", lbs="30")
    again = floor_client.post(_action_url(job, "log-material"), data, HTTP_HX_REQUEST="true")
    assert "Yes, log 30.0 lb" in again.content.decode()
    assert not InventoryActivity.objects.filter(job=job).exists()


def test_item_select_lists_the_jobs_powders_first(company, floor_client):
    """The job's powders head the list under their own heading; other items follow by kind."""
    job, _on_job = _coated_job(name="Zinc Yellow")
    PowderFactory(name="Anvil Grey")
    PowderFactory(name="Tape", category=InventoryCategory.CONSUMABLE, unit="roll", color_code="")
    PowderFactory(name="Retired Bronze", is_active=False)
    html = floor_client.get(_action_url(job, "log-material"), HTTP_HX_REQUEST="true").content
    groups = _item_groups(html.decode())
    assert groups[0][0] == "Powders on this job"
    assert [text.split(" (")[0] for text in groups[0][1]] == ["Zinc Yellow"]
    labels = dict(groups)
    assert [text.split(" (")[0] for text in labels["Other powders"]] == ["Anvil Grey"]
    assert labels["Consumables"] == ["Tape · roll"]
    assert "Retired Bronze" not in html.decode()


def test_a_zero_amount_stays_in_the_dialog_with_an_error(company, floor_client):
    """Nothing is booked; the dialog says what is wrong."""
    job, powder = _coated_job(opening_stock=D("5"))
    response = _log(floor_client, job, item=powder.pk, lbs="0")
    assert response.status_code == 200
    assert "Ensure this value is greater than or equal to 0.001." in response.content.decode()
    assert not InventoryActivity.objects.filter(job=job).exists()


def test_cancelled_job_offers_no_log_material_and_refuses_a_typed_post(company, floor_client):
    """No button on a cancelled job; a post sent anyway gets the service's message."""
    job, powder = _coated_job(opening_stock=D("5"))
    job_cancel(job=job, user=None, reason="Called off")
    assert "Log material" not in _titles(floor_client, job)
    data = form_data(floor_client.get(_action_url(job, "log-material")).content.decode())
    data.update(item=str(powder.pk), lbs="1")
    response = floor_client.post(_action_url(job, "log-material"), data, follow=True)
    assert "is Cancelled; reopen it before logging material" in response.content.decode()
    assert not InventoryActivity.objects.filter(job=job).exists()


# -- the Materials tab ---------------------------------------------------------------------------


def _materials_tab(client, job) -> str:
    """The Materials tab's HTML: from its table up to the next room."""
    html = client.get(_change_url(job)).content.decode()
    start = html.index('data-testid="job-materials"')
    end = html.find("data-room=", start)
    return html[start : end if end > 0 else None]


def test_materials_tab_shows_estimated_against_logged(company, floor_client, floor_user):
    """4.0 lb estimated, 1.5 + 2 lb logged: 3.5 logged, -0.5, "Under by 0.5 lb"; rows below."""
    job, powder = _coated_job(name="Candy Red", swatch_hex="#B01020", opening_stock=D("20"))
    material_usage_log(job=job, item=powder, lbs=D("1.5"), user=floor_user, note="first coat")
    material_usage_log(job=job, item=powder, lbs=D("2"), user=floor_user)
    tab = _materials_tab(floor_client, job)
    summary = tab.split('data-testid="materials-summary"')[1].split("</table>")[0]
    cells = [re.sub(r"\s+", " ", c).strip() for c in re.findall(r">([^<>]+)</td>", summary)]
    assert cells[:3] == ["4.0 lb", "3.5 lb", "-0.5 lb"]
    assert "Under by 0.5 lb" in summary
    assert "background:#B01020" in summary
    ledger = tab.split('data-testid="materials-ledger"')[1]
    assert ledger.count("Usage") == 2
    assert "-1.5 lb" in ledger
    assert "-2.0 lb" in ledger
    assert "first coat" in ledger
    assert "floor" in ledger


def test_materials_tab_shows_no_money_to_anyone(company, office_client, floor_user):
    """Unit costs stay on the inventory pages: nothing priced on the Materials tab."""
    job, powder = _coated_job(opening_stock=D("20"), unit_cost=D("17.35"))
    material_usage_log(job=job, item=powder, lbs=D("1"), user=floor_user)
    tab = _materials_tab(office_client, job)
    assert "$" not in tab
    assert "17.35" not in tab


def test_over_and_nothing_logged_are_said_in_words(company, office_client, floor_user):
    """Colour is not the only signal: over the estimate and not yet logged carry text."""
    job, powder = _coated_job(opening_stock=D("20"))
    assert "Nothing logged yet" in _materials_tab(office_client, job)
    material_usage_log(job=job, item=powder, lbs=D("4.5"), user=floor_user)
    assert "Over by 0.5 lb" in _materials_tab(office_client, job)


# -- Change customer -----------------------------------------------------------------------------


def test_office_changes_the_customer_and_history_shows_it(company, office_client, office_user):
    """The dialog offers other active customers; the change lands in the job's history."""
    old = CustomerFactory(company_name="Old Works")
    new = CustomerFactory(company_name="New Fab")
    CustomerFactory(company_name="Gone Ltd", is_active=False)
    job = job_at(JobStatus.COATING, customer=old)
    dialog = office_client.get(_action_url(job, "change-customer"), HTTP_HX_REQUEST="true")
    html = dialog.content.decode()
    assert "Now: Old Works." in html
    assert "New Fab" in html
    assert "Gone Ltd" not in html
    assert f'<option value="{old.pk}"' not in html
    data = form_data(html)
    data["customer"] = str(new.pk)
    response = office_client.post(_action_url(job, "change-customer"), data, HTTP_HX_REQUEST="true")
    assert response.headers["HX-Redirect"] == _change_url(job)
    assert Job.objects.get(pk=job.pk).customer == new
    latest = job.history.first()
    assert (latest.customer, latest.history_user) == (new, office_user)
    page = office_client.get(_change_url(job)).content.decode()
    assert f"{job.number} is now for New Fab (was Old Works)." in page
    history = office_client.get(reverse("admin:powdercoat_job_history", args=[job.pk]))
    assert "Customer changed from Old Works to New Fab" in history.content.decode()


def test_change_customer_is_not_offered_while_an_invoice_is_live(company, office_client):
    """With an invoice made out, the button is gone (the service refuses too)."""
    job = job_at(JobStatus.COMPLETED)
    LineItemFactory(job=job)
    assert "Change customer" in _titles(office_client, job)
    invoice_create_for_job(job=Job.objects.get(pk=job.pk), user=None)
    assert "Change customer" not in _titles(office_client, job)


# -- Clone job -----------------------------------------------------------------------------------


def test_office_clones_a_job_and_lands_on_the_copy(company, office_client, office_user):
    """Submitting the dialog makes a Pending copy with the items and opens it."""
    job, powder = _coated_job()
    dialog = office_client.get(_action_url(job, "clone"), HTTP_HX_REQUEST="true")
    response = office_client.post(
        _action_url(job, "clone"), form_data(dialog.content.decode()), HTTP_HX_REQUEST="true"
    )
    clone = Job.objects.exclude(pk=job.pk).get()
    assert response.headers["HX-Redirect"] == _change_url(clone)
    assert clone.status == JobStatus.PENDING
    assert clone.customer == job.customer
    assert [c.powder for c in clone.items.get().coats.all()] == [powder]
    page = office_client.get(_change_url(clone)).content.decode()
    assert f"{clone.number} is a copy of {job.number}, at Pending." in page
    assert clone.history.get().history_user == office_user


# -- roles ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["change-customer", "clone"])
def test_shop_floor_gets_403_on_change_customer_and_clone(company, floor_client, path):
    """The server refuses what the role may not do, opened or posted; nothing changes."""
    job = job_at(JobStatus.COATING)
    assert floor_client.get(_action_url(job, path)).status_code == 403
    response = floor_client.post(
        _action_url(job, path),
        {"customer": CustomerFactory().pk, "_form_submitted": "True"},
    )
    assert response.status_code == 403
    assert Job.objects.count() == 1
    assert Job.objects.get(pk=job.pk).customer == job.customer


def test_shop_floor_sees_log_material_but_not_the_office_buttons(company, floor_client):
    """Floor: Log material yes; Change customer and Clone job no."""
    job, _powder = _coated_job()
    titles = _titles(floor_client, job)
    assert "Log material" in titles
    assert "Change customer" not in titles
    assert "Clone job" not in titles


def test_office_sees_all_three_buttons(company, office_client):
    """Office staff get Log material, Change customer and Clone job."""
    job, _powder = _coated_job()
    titles = _titles(office_client, job)
    assert {"Log material", "Change customer", "Clone job"} <= set(titles)


def test_job_page_does_not_fail_for_a_cancelled_job_with_usage(company, office_client):
    """A cancelled job with usage logged before it was cancelled shows its tab and rows."""
    job, powder = _coated_job(opening_stock=D("5"))
    material_usage_log(job=job, item=powder, lbs=D("1"), user=None)
    job_cancel(job=Job.objects.get(pk=job.pk), user=None, reason="Called off")
    tab = _materials_tab(office_client, job)
    assert "no more material can be logged" in tab
    assert "1.0 lb" in tab
