"""History pages are for reading: no edit or revert through them, no money for Shop Floor."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from powdercoat.admin.history import ShopHistoryAdmin
from powdercoat.models import InventoryItem, Job
from powdercoat.models.choices import JobStatus
from powdercoat.services.jobs import job_update
from tests.factories import LineItemFactory, PowderFactory, WorkerFactory, job_at
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


def _version_url(job: Job, version) -> str:
    return reverse("admin:powdercoat_job_simple_history", args=[job.pk, version.history_id])


def _job_with_a_price_change(user) -> Job:
    job = job_at(JobStatus.COATING, description="Gate")
    LineItemFactory(job=job, unit_price=Decimal("1156.71"), quantity=1)
    job = Job.objects.get(pk=job.pk)
    job.discount_percent = Decimal("7.50")
    job_update(job=job, user=user)
    return Job.objects.get(pk=job.pk)


@pytest.mark.parametrize("role", ["floor_client", "office_client"])
def test_a_version_page_cannot_change_the_job(role, request, company, office_user):
    """The version page's form posted back (edit or revert): 405, the job stays as it is."""
    client = request.getfixturevalue(role)
    job = _job_with_a_price_change(office_user)
    version = job.history.earliest()
    url = _version_url(job, version)
    page = client.get(url)
    assert page.status_code == 200
    data = form_data(page.content.decode(), form_id="job_form")
    data.update(description="Changed through history", priority="5", _change_history="1")
    assert client.post(url, data).status_code == 405
    after = Job.objects.get(pk=job.pk)
    assert (after.description, after.priority, after.updated_by) == (
        "Gate",
        job.priority,
        office_user,
    )


def test_an_inventory_items_version_page_cannot_change_it(company, floor_client):
    """The same hole on inventory items is closed: a posted version changes nothing."""
    powder = PowderFactory(name="Gloss black", unit_cost=Decimal("11.75"))
    version = powder.history.earliest()
    url = reverse(
        "admin:powdercoat_inventoryitem_simple_history", args=[powder.pk, version.history_id]
    )
    response = floor_client.post(url, {"name": "Renamed", "sku": powder.sku})
    assert response.status_code == 405
    assert InventoryItem.objects.get(pk=powder.pk).name == "Gloss black"


@pytest.mark.parametrize("bad", ["abc", "1.5", "99999999999999999999", "-1"])
def test_malformed_ids_in_history_addresses_are_not_found(bad, company, office_client):
    """Non-numeric or huge job and version ids are a 404, never a server error."""
    job = job_at(JobStatus.COATING)
    version = job.history.earliest().history_id
    base = reverse("admin:powdercoat_job_changelist")
    assert office_client.get(f"{base}{bad}/history/").status_code == 404
    assert office_client.get(f"{base}{job.pk}/history/{bad}/").status_code == 404
    assert office_client.get(f"{base}{bad}/history/{version}/").status_code == 404


def test_shop_floor_sees_no_price_changes_in_the_history(company, floor_client, office_client):
    """Discount 0 → 7.50 and the totals are listed for the office, not for the floor."""
    job = _job_with_a_price_change(None)
    url = reverse("admin:powdercoat_job_history", args=[job.pk])
    office = office_client.get(url).content.decode()
    floor = floor_client.get(url).content.decode()
    assert "7.50" in office
    for leak in ("7.50", "1156.71", "1,156.71", "Discount", "Items total", "Total price"):
        assert leak not in floor, leak


def test_shop_floor_sees_no_cost_changes_in_an_items_history(company, floor_client):
    """Unit cost 11.75 → 12.34 is not in the floor's view of the powder's history."""
    powder = PowderFactory(name="Gloss black", unit_cost=Decimal("11.75"))
    powder.unit_cost = Decimal("12.34")
    powder.save()
    page = floor_client.get(reverse("admin:powdercoat_inventoryitem_history", args=[powder.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "11.75" not in html
    assert "12.34" not in html


@pytest.mark.parametrize(
    ("changelist", "lookup"),
    [
        ("job", "total_price__lte"),
        ("job", "subtotal__gt"),
        ("job", "discount_percent__gte"),
        ("inventoryitem", "unit_cost__lte"),
        ("inventoryactivity", "unit_cost__gte"),
        ("job", "items__unit_price__lt"),
    ],
)
def test_shop_floor_cannot_filter_lists_by_money(changelist, lookup, company, floor_client):
    """A price or cost filter in the address is refused for Shop Floor (no halving its way in)."""
    job_at(JobStatus.COATING)
    url = reverse(f"admin:powdercoat_{changelist}_changelist")
    assert floor_client.get(url).status_code == 200
    assert floor_client.get(f"{url}?{lookup}=1000").status_code == 400


def test_the_office_still_filters_by_price(company, office_client):
    """Office staff may narrow the jobs list by price."""
    job_at(JobStatus.COATING)
    url = reverse("admin:powdercoat_job_changelist")
    assert office_client.get(f"{url}?total_price__lte=1000").status_code == 200


def _job_with_versions(count: int, worker: str = "Maria Lopez") -> Job:
    """A job saved `count` times, its description changed each time, `worker` on and off."""
    job = job_at(JobStatus.COATING)
    maria = WorkerFactory(name=worker)
    for n in range(count):
        job.description = f"Gate panels, version {n}"
        job.save()
        if n % 2:
            job.assigned_workers.add(maria)
        else:
            job.assigned_workers.remove(maria)
    return job


def _page(client, job) -> tuple[str, int]:
    """The job's History page without its per-request tokens, and how many queries it ran."""
    url = reverse("admin:powdercoat_job_history", args=[job.pk])
    client.get(url)  # sessions and caches settle first
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return re.sub(r'value="[^"]{32,}"', "", response.content.decode()), len(queries)


def test_the_history_page_runs_the_same_queries_for_3_or_30_versions(company, office_client):
    """Each version's workers are read once for the page, not twice per version."""
    _html, few = _page(office_client, _job_with_versions(3))
    _html, many = _page(office_client, _job_with_versions(30, worker="Dee Ortega"))
    assert few == many


def test_the_history_page_says_what_simple_history_itself_would(
    company, office_client, monkeypatch
):
    """The changes listed, workers included, are word for word simple-history's own."""
    job = _job_with_versions(6)
    ours, _queries = _page(office_client, job)
    assert "Maria Lopez" in ours
    assert "Gate panels, version 5" in ours
    monkeypatch.setattr(
        ShopHistoryAdmin,
        "set_history_delta_changes",
        SimpleHistoryAdmin.set_history_delta_changes,
    )
    theirs, _queries = _page(office_client, job)
    assert ours == theirs
