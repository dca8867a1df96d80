"""Customers in the admin: search, their jobs on the record, no deleting one who has jobs."""

import pytest
from django.urls import reverse

from powdercoat.models import Customer
from tests.factories import CustomerFactory, JobFactory
from tests.helpers import form_data

pytestmark = pytest.mark.django_db
LIST_URL = reverse("admin:powdercoat_customer_changelist")


def test_search_by_name_company_email_and_phone(company, office_client):
    """Search finds a customer by any of the ways the office looks people up."""
    wanted = CustomerFactory(
        company_name="Lakeside Rail",
        contact_name="Dana Ortiz",
        email="dana@lakeside.example",
        phone="555-0142",
    )
    # Every field of the other customer fixed, so no random name can match a search term.
    CustomerFactory(
        company_name="Other Co",
        contact_name="Sam Byrne",
        email="sam@other.example",
        phone="555-7788",
    )
    for term in ("lakeside rail", "ortiz", "dana@lakeside", "0142"):
        response = office_client.get(LIST_URL, {"q": term})
        assert [customer.pk for customer in response.context["cl"].result_list] == [wanted.pk], term


def test_customer_page_lists_their_jobs(company, office_client):
    """The customer record shows their jobs with status badges (SPEC C2)."""
    job = JobFactory(description="Porch railing")
    html = office_client.get(
        reverse("admin:powdercoat_customer_change", args=[job.customer.pk])
    ).content.decode()
    assert job.number in html
    assert "Porch railing" in html
    assert 'data-status="pending">Pending<' in html


def test_customer_with_jobs_cannot_be_deleted(company, office_client):
    """Deleting a customer who has jobs is refused and explained; they can be made inactive."""
    job = JobFactory()
    url = reverse("admin:powdercoat_customer_delete", args=[job.customer.pk])
    page = office_client.get(url)
    assert page.status_code == 200
    assert "would require deleting the following protected related objects" in page.content.decode()
    office_client.post(url, {"post": "yes"})
    assert Customer.objects.filter(pk=job.customer.pk).exists()


def test_commercial_customer_needs_a_company_name(company, office_client):
    """The add form refuses a commercial customer without a company, in words."""
    add_url = reverse("admin:powdercoat_customer_add")
    data = form_data(office_client.get(add_url).content.decode(), form_id="customer_form")
    data.update(customer_type="commercial", company_name="", contact_name="Sam Lee")
    response = office_client.post(add_url, data)
    assert response.status_code == 200
    assert "A commercial customer needs a company name." in response.content.decode()
    assert not Customer.objects.filter(contact_name="Sam Lee").exists()


def test_two_customers_cannot_share_an_email(company, office_client):
    """Email identifies a customer in imports, so a second one with it is refused."""
    CustomerFactory(email="shop@ridge.example")
    add_url = reverse("admin:powdercoat_customer_add")
    data = form_data(office_client.get(add_url).content.decode(), form_id="customer_form")
    data.update(customer_type="retail", contact_name="Ridge Again", email="SHOP@ridge.example")
    response = office_client.post(add_url, data)
    assert response.status_code == 200
    assert "Another customer already uses this email address." in response.content.decode()
