"""Roles (SPEC 0): groups from the migration, and what each role may open or see."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from powdercoat import roles
from powdercoat.models.choices import JobStatus
from powdercoat.services.jobs import job_set_status
from tests.factories import CatalogProductFactory, JobFactory, LineItemFactory, PowderFactory

pytestmark = pytest.mark.django_db


def test_migration_created_the_four_roles():
    """A fresh database has the Administrator, Office, Supervisor and Shop Floor groups."""
    assert set(Group.objects.values_list("name", flat=True)) >= {
        "Administrator",
        "Office",
        "Supervisor",
        "Shop Floor",
    }


def test_every_permission_a_role_names_exists():
    """No role refers to a permission that is not there (a typo would silently drop it)."""
    existing = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }
    for role, wanted in roles.ROLE_PERMISSIONS.items():
        missing = {name for name in wanted if name != "*"} - existing
        assert not missing, f"{role}: {missing}"
        group_perms = {
            f"{app}.{codename}"
            for app, codename in Group.objects.get(name=role).permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        if wanted != {"*"}:
            assert group_perms == wanted


def test_only_supervisors_and_up_may_reopen(office_user, supervisor_user, admin_user):
    """Reopening a cancelled job is for Supervisor and Administrator."""
    assert not office_user.has_perm("powdercoat.reopen_job")
    assert supervisor_user.has_perm("powdercoat.reopen_job")
    assert (
        Group.objects.get(name="Administrator").permissions.filter(codename="reopen_job").exists()
    )


@pytest.mark.parametrize(
    "url_name",
    [
        "admin:powdercoat_customer_changelist",
        "admin:powdercoat_customer_add",
        "admin:powdercoat_companysettings_changelist",
        "admin:powdercoat_catalogproduct_changelist",
        "admin:auth_user_changelist",
    ],
)
def test_shop_floor_cannot_open_customers_prices_or_settings(company, floor_client, url_name):
    """Customer records, the price catalogue, settings and users are closed to Shop Floor."""
    assert floor_client.get(reverse(url_name)).status_code == 403


def test_shop_floor_cannot_open_a_customer_record(company, floor_client):
    """Even a known customer address is refused."""
    job = JobFactory()
    url = reverse("admin:powdercoat_customer_change", args=[job.customer.pk])
    assert floor_client.get(url).status_code == 403


def test_office_cannot_open_company_settings(company, office_client):
    """Company settings are for the Administrator only."""
    url = reverse("admin:powdercoat_companysettings_change", args=[company.pk])
    assert office_client.get(url).status_code == 403


def test_administrator_opens_settings_from_the_sidebar_link(company, client, admin_user):
    """The sidebar link goes straight to the single settings record."""
    client.force_login(admin_user)
    response = client.get(reverse("admin:powdercoat_companysettings_changelist"), follow=True)
    assert response.status_code == 200
    assert "Work order PDF" in response.content.decode()


def _priced_job():
    job = JobFactory()
    LineItemFactory(job=job, quantity=3, unit_price=Decimal("123.45"))
    job_set_status(job=job, user=None, status=JobStatus.COATING)
    return job


def test_shop_floor_sees_jobs_without_prices(company, floor_client, office_client):
    """The jobs list and job page show no price to Shop Floor; office staff see $370.35."""
    job = _priced_job()
    list_url = reverse("admin:powdercoat_job_changelist")
    page_url = reverse("admin:powdercoat_job_change", args=[job.pk])
    for url in (list_url, page_url):
        floor_html = floor_client.get(url).content.decode()
        assert job.number in floor_html
        assert "370.35" not in floor_html
        assert "123.45" not in floor_html
        assert not re.search(r"\$\s?\d", floor_html), "a money amount is shown"
    assert "$370.35" in office_client.get(list_url).content.decode()


def test_shop_floor_sees_stock_but_not_costs(company, floor_client):
    """Inventory shows quantities to Shop Floor, never unit costs."""
    powder = PowderFactory(name="Bronze Metallic", unit_cost=Decimal("27.85"))
    for url in (
        reverse("admin:powdercoat_inventoryitem_changelist"),
        reverse("admin:powdercoat_inventoryitem_change", args=[powder.pk]),
        reverse("admin:powdercoat_inventoryactivity_changelist"),
    ):
        html = floor_client.get(url).content.decode()
        assert "Bronze Metallic" in html
        assert "27.85" not in html


def test_sidebar_shows_each_role_only_what_it_may_open(company, floor_client, office_client):
    """Shop Floor's sidebar has Jobs and Inventory but no Customers, Catalog or Settings."""
    floor_html = floor_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:powdercoat_job_changelist") in floor_html
    assert reverse("admin:powdercoat_inventoryitem_changelist") in floor_html
    for hidden in ("customer", "catalogproduct", "companysettings"):
        assert reverse(f"admin:powdercoat_{hidden}_changelist") not in floor_html
    office_html = office_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:powdercoat_customer_changelist") in office_html
    assert reverse("admin:powdercoat_companysettings_changelist") not in office_html


def test_shop_floor_cannot_edit_a_job(company, floor_client):
    """Shop Floor sees the job page read-only: posting the form changes nothing."""
    job = _priced_job()
    url = reverse("admin:powdercoat_job_change", args=[job.pk])
    response = floor_client.post(url, {"description": "Changed by floor"})
    assert response.status_code == 403
    job.refresh_from_db()
    assert job.description != "Changed by floor"


def test_catalogue_prices_are_visible_to_office(company, office_client):
    """Office staff see catalogue prices."""
    CatalogProductFactory(name="17in Wheel", unit_price=Decimal("95.00"))
    html = office_client.get(reverse("admin:powdercoat_catalogproduct_changelist")).content.decode()
    assert "17in Wheel" in html
    assert "95.00" in html


def test_shop_floor_sees_the_customer_name_without_a_link(company, floor_client):
    """The job page names the customer for Shop Floor but does not link to the record."""
    job = _priced_job()
    html = floor_client.get(reverse("admin:powdercoat_job_change", args=[job.pk])).content.decode()
    assert job.customer.display_name in html
    assert reverse("admin:powdercoat_customer_change", args=[job.customer.pk]) not in html
    assert job.customer.email not in html
    list_html = floor_client.get(reverse("admin:powdercoat_job_changelist")).content.decode()
    assert "customer__id__exact" not in list_html


def test_shop_floor_sees_items_and_coats_but_no_item_buttons(company, floor_client, office_client):
    """The Line items tab shows Shop Floor what to coat, without prices or Add/Edit/Remove."""
    job = _priced_job()
    page_url = reverse("admin:powdercoat_job_change", args=[job.pk])
    item = job.items.get()
    floor_html = floor_client.get(page_url).content.decode()
    assert item.description in floor_html
    for hidden in ("Add item", "Add from catalogue", "/items/add/", "Unit price"):
        assert hidden not in floor_html, hidden
    office_html = office_client.get(page_url).content.decode()
    assert "Add item" in office_html
    assert "$123.45" in office_html
