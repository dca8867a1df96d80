"""Company settings' invoice fields: the remit-to address and the payment instructions are on
the settings page, are saved, and come back escaped."""

import pytest
from django.urls import reverse

from powdercoat.models import CompanySettings
from tests.helpers import form_data

pytestmark = pytest.mark.django_db

FORM_ID = "companysettings_form"
SCRIPT = "<script>alert(1)</script>"


def _change_url(company) -> str:
    return reverse("admin:powdercoat_companysettings_change", args=[company.pk])


def test_settings_page_offers_remit_to_and_payment_instructions(company, admin_client):
    """Both fields are on the page, on an Invoice PDF tab, with their help in words."""
    html = admin_client.get(_change_url(company)).content.decode()
    assert 'name="remit_to"' in html
    assert 'name="payment_instructions"' in html
    assert "Invoice PDF" in html
    assert "Leave it empty and invoices print the company address." in html


def test_saving_keeps_the_typed_text_and_shows_it_back_escaped(company, admin_client):
    """A script typed into either field is stored as typed and never put into the page raw."""
    data = form_data(admin_client.get(_change_url(company)).content.decode(), FORM_ID)
    data["remit_to"] = f"PO Box 4410\nTulsa, OK 74159 {SCRIPT}"
    data["payment_instructions"] = f"Bank transfer to account 1234567 {SCRIPT}"
    response = admin_client.post(_change_url(company), data)
    assert response.status_code == 302
    saved = CompanySettings.objects.get()
    assert saved.remit_to == f"PO Box 4410\nTulsa, OK 74159 {SCRIPT}"
    assert saved.payment_instructions == f"Bank transfer to account 1234567 {SCRIPT}"
    html = admin_client.get(_change_url(company)).content.decode()
    assert SCRIPT not in html
    assert "Tulsa, OK 74159 &lt;script&gt;alert(1)&lt;/script&gt;" in html
