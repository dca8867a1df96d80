"""Customer text shown in dialogs is escaped: an e-mail or a name holding markup stays text."""

import pytest
from django.urls import reverse

from powdercoat.models import Customer
from powdercoat.models.choices import JobStatus
from tests.factories import CustomerFactory, job_at

pytestmark = pytest.mark.django_db

EMAIL = "\"<img/src='x'onerror=alert(1)>\"@example.com"
NAME = "<script>alert(2)</script>"


def _dialog(client, job, path: str) -> str:
    url = reverse("admin:powdercoat_job_change", args=[job.pk]).removesuffix("change/")
    return client.get(f"{url}{path}/", HTTP_HX_REQUEST="true").content.decode()


def test_an_email_with_markup_is_text_in_the_change_status_dialog(company, office_client):
    """Django accepts the quoted address; the dialog shows it escaped, never as an <img>."""
    customer = CustomerFactory(email=EMAIL)
    customer.full_clean()  # the address passes Django's own validation
    html = _dialog(office_client, job_at(JobStatus.COATING, customer=customer), "quick-change")
    assert "<img/src='x'onerror" not in html
    assert "&lt;img/src=&#x27;x&#x27;onerror=alert(1)&gt;" in html


def test_a_name_with_markup_is_text_in_the_change_customer_dialog(company, office_client):
    """The job's customer named <script>…: the dialog's help text shows the name as text."""
    job = job_at(JobStatus.COATING, customer=CustomerFactory(company_name=NAME))
    assert Customer.objects.filter(company_name=NAME).exists()
    html = _dialog(office_client, job, "change-customer")
    assert "<script>alert(2)</script>" not in html
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in html


def test_shop_floor_is_not_shown_the_customers_email_in_change_status(company, floor_client):
    """The floor may notify the customer, but the dialog does not tell them the address."""
    customer = CustomerFactory(email="parts@ridge.example")
    html = _dialog(floor_client, job_at(JobStatus.COATING, customer=customer), "quick-change")
    assert "Emails the customer the new status" in html
    assert "parts@ridge.example" not in html
