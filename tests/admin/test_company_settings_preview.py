"""Company settings' work order template (SPEC D3): Administrator only, Save, and a Preview that
prints the values on the form without saving them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from powdercoat.models import CompanySettings
from tests.helpers import form_data

pytestmark = pytest.mark.django_db

FORM_ID = "companysettings_form"


def _change_url(company) -> str:
    return reverse("admin:powdercoat_companysettings_change", args=[company.pk])


def _preview_url(company) -> str:
    return reverse("admin:powdercoat_companysettings_preview_work_order", args=[company.pk])


def _text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def shop(company):
    """Saved settings with a title and terms the tests then change on the form."""
    company.name = "Ridge Powder Works"
    company.work_order_title = "Shop Ticket"
    company.work_order_terms = "Old terms: pay on pickup."
    company.save()
    return company


def _form(admin_client, company) -> dict:
    """What the settings page would post as it stands."""
    return form_data(admin_client.get(_change_url(company)).content.decode(), FORM_ID)


def test_office_and_shop_floor_cannot_open_settings_or_preview(shop, office_client, floor_client):
    """Only the Administrator may see or preview the company settings."""
    for session in (office_client, floor_client):
        assert session.get(_change_url(shop)).status_code == 403
        assert session.get(_preview_url(shop)).status_code == 403
        response = session.post(_preview_url(shop), {"work_order_title": "Hacked"})
        assert response.status_code == 403


def test_settings_page_shows_every_work_order_field_and_the_preview_button(shop, admin_client):
    """The PDF template fields are on the page; Preview posts the form to a new tab."""
    html = admin_client.get(_change_url(shop)).content.decode()
    for name in (
        "work_order_title",
        "work_order_header_note",
        "work_order_terms",
        "work_order_footer",
        "work_order_accent_color",
        "work_order_show_prices",
        "work_order_show_qr_codes",
    ):
        assert f'name="{name}"' in html, name
    assert "Preview work order" in html
    assert f'formaction="{_preview_url(shop)}"' in html
    assert 'formtarget="_blank"' in html


def test_preview_prints_the_unsaved_values_and_saves_nothing(shop, admin_client):
    """A changed title and terms show in the sample PDF while the database keeps the old ones."""
    data = _form(admin_client, shop)
    data.update(
        {
            "work_order_title": "Job Traveller",
            "work_order_terms": "New terms: half up front.",
            "work_order_footer": "Open Mon-Fri",
            "work_order_show_prices": "on",
        }
    )
    response = admin_client.post(_preview_url(shop), data)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response)
    assert "JOB TRAVELLER" in text
    assert "New terms: half up front." in text
    assert "Open Mon-Fri" in text
    assert "SAMPLE" in text
    assert "$" in text  # the unsaved "show prices" box is honoured too
    saved = CompanySettings.objects.get()
    assert saved.work_order_title == "Shop Ticket"
    assert saved.work_order_terms == "Old terms: pay on pickup."
    assert saved.work_order_show_prices is False


def test_preview_without_a_form_shows_the_saved_template(shop, admin_client):
    """Opening the preview address directly prints the saved settings."""
    text = _text(admin_client.get(_preview_url(shop)))
    assert "SHOP TICKET" in text
    assert "Old terms: pay on pickup." in text


def test_preview_with_a_bad_value_explains_and_saves_nothing(shop, admin_client):
    """An accent colour that is not a colour is named in words; no PDF, nothing saved."""
    data = _form(admin_client, shop)
    data.update({"work_order_accent_color": "purple", "work_order_title": "Changed"})
    response = admin_client.post(_preview_url(shop), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Use a colour like #1A2B3C." in html
    assert "accent colour" in html.lower()
    assert CompanySettings.objects.get().work_order_title == "Shop Ticket"


def test_preview_shows_a_newly_chosen_logo_without_keeping_it(
    shop, admin_client, settings, tmp_path
):
    """A logo picked on the form is in the preview, and no file or setting is stored."""
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (80, 40), (200, 40, 40)).save(buffer, format="PNG")
    data = _form(admin_client, shop)
    data.pop("work_order_show_qr_codes", None)  # unticked: the logo is the only picture
    data["logo"] = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    response = admin_client.post(_preview_url(shop), data)
    assert response.status_code == 200
    assert len(PdfReader(io.BytesIO(response.content)).pages[0].images) == 1
    assert not CompanySettings.objects.get().logo
    assert not any(tmp_path.rglob("*.png"))


def test_save_still_saves(shop, admin_client):
    """The ordinary Save button keeps working next to Preview."""
    data = _form(admin_client, shop)
    data["work_order_title"] = "Job Traveller"
    response = admin_client.post(_change_url(shop), data)
    assert response.status_code == 302
    assert CompanySettings.objects.get().work_order_title == "Job Traveller"
