"""The blank work order (SPEC D2): a box to write down damage at drop-off, on one sheet."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from powdercoat.documents.work_order import blank_work_order_pdf
from tests.documents.pdf_pages import page_text, pages
from tests.factories import PrepServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(company, settings, tmp_path):
    """The demo shop: logo, header note and its five prep services to tick."""
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (600, 200), (40, 60, 120)).save(buffer, format="PNG")
    company.logo = SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")
    company.name = "Ironclad Powder Coating"
    company.address = "1840 Foundry Road, Unit C\nTulsa, OK 74107"
    company.work_order_header_note = (
        "Check the piece count with the customer at drop-off and note any damage before work "
        "starts."
    )
    company.save()
    for name in ("Sandblasting", "Masking / Taping", "Chemical Cleaning", "Outgassing"):
        PrepServiceFactory(name=name)
    PrepServiceFactory(name="Stripping")
    return company


def test_blank_form_has_a_box_to_note_damage_at_drop_off(shop):
    """The damage box has its heading, a tick for none seen, and the customer's initials."""
    text = page_text(blank_work_order_pdf(), 1)
    assert "Damage noted at drop-off" in text
    assert "[ ] none seen" in text
    assert "Customer's initials" in text
    assert "Special instructions" in text


def test_blank_form_still_fits_one_sheet_with_the_terms_and_signatures(shop):
    """Logo, header note, every prep service and the damage box: one page, signed at the foot."""
    pdf = blank_work_order_pdf()
    assert len(pages(pdf)) == 1
    text = page_text(pdf, 1)
    assert "Stripping" in text
    assert "Terms. Parts are coated as received." in text
    assert "Customer signature (drop-off) / date" in text
    assert "Parts received by / date" in text
