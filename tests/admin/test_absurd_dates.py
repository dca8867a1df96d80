"""Dates in year 1 or 9999 and absurd payment terms are refused on their fields, never a 500."""

import pytest
from django.urls import reverse

from powdercoat.models import CompanySettings, Job, Payment
from powdercoat.models.choices import JobStatus
from tests.factories import invoiced_job, job_at
from tests.helpers import form_data

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_a_job_due_in_year_1_or_9999_is_refused_on_the_field(day, office_client, company):
    """The Details form says which years it takes; the job keeps its dates."""
    job = job_at(JobStatus.APPROVED)
    url = reverse("admin:powdercoat_job_change", args=[job.pk])
    data = form_data(office_client.get(url).content.decode(), form_id="job_form")
    data["due_date"] = day
    response = office_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["due_date"] == ["Enter a date between 2000 and 2099."]
    assert Job.objects.get(pk=job.pk).due_date is None


def test_a_payment_dated_in_year_1_is_refused_in_the_dialog(office_client, company):
    """The payment dialog refuses the date on its field; no money is recorded."""
    invoice = invoiced_job()
    url = reverse("admin:powdercoat_invoice_change", args=[invoice.pk]).removesuffix("change/")
    url += "add-payment/"
    data = form_data(office_client.get(url, **HTMX).content.decode())
    data.update(amount="10.00", paid_on="0001-01-01")
    response = office_client.post(url, data, **HTMX)
    assert "<strong>Date received:</strong> Enter a date between 2000 and 2099." in (
        response.content.decode()
    )
    assert not Payment.objects.exists()


def test_payment_terms_of_a_lifetime_are_refused(admin_user, client, company):
    """99,999,999,999 days: refused on the field, and Create invoice keeps working."""
    client.force_login(admin_user)
    url = reverse("admin:powdercoat_companysettings_change", args=[company.pk])
    data = form_data(client.get(url).content.decode(), form_id="companysettings_form")
    data["payment_terms_days"] = "99999999999"
    response = client.post(url, data)
    assert response.status_code == 200
    assert "payment_terms_days" in response.context["adminform"].form.errors
    assert CompanySettings.load().payment_terms_days == 30
