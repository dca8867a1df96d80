"""The work order as paper (SPEC D1): what stays on page 1, what later pages repeat, the intake
notes, and a footer that names the company once.

The pages are read with poppler's pdftotext, word by word with their positions, so the running
head and the footer are told apart from the body the way a reader's eye does.
"""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from powdercoat.documents.work_order import work_order_pdf
from powdercoat.models import Job, PartIntake
from tests.documents.pdf_pages import footer_text, page_text, pages, running_head_text
from tests.factories import (
    CustomerFactory,
    JobFactory,
    LineItemCoatFactory,
    LineItemFactory,
    LineItemPrepFactory,
    PowderFactory,
    PrepServiceFactory,
)

pytestmark = pytest.mark.django_db

LOGO_SIZE = (600, 200)
CONDITION = "Two wheels have curb rash on the rim lip.\nOne fender is bent at the rear mount."


def _logo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", LOGO_SIZE, (40, 60, 120)).save(buffer, format="PNG")
    return SimpleUploadedFile("logo.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def shop(company, settings, tmp_path):
    """The demo shop's letterhead, header note and footer, with a logo uploaded."""
    settings.MEDIA_ROOT = tmp_path
    settings.SITE_URL = "https://shop.example.com"
    company.name = "Ridge Powder Works"
    company.address = "1200 Foundry Rd, Unit C\nSpringfield, IL 62701"
    company.phone = "(217) 555-0199"
    company.email = "office@ridge.example"
    company.website = "https://www.ridge.example"
    company.work_order_header_note = (
        "Check the piece count with the customer at drop-off and note any damage first."
    )
    company.logo = _logo()
    company.save()
    return company


def _job(items: int, *, condition: str = CONDITION) -> Job:
    """`items` wheels, each with a base and a clear coat and sandblasting; intake 11 of 12."""
    job = JobFactory(
        customer=CustomerFactory(
            company_name="Harbor Marine", contact_name="Lee Park", phone="(217) 555-0142"
        ),
        description="Trailer parts, full refinish",
        po_number="PO-88231",
        special_instructions="Mask all threaded holes.",
    )
    black = PowderFactory(
        name="Jet Black", color_code="RAL 9005", cure_temperature_f=400, cure_minutes=10
    )
    red = PowderFactory(name="Signal Red", color_code="RAL 3001")
    blasting = PrepServiceFactory(name="Sandblasting")
    for number in range(1, items + 1):
        wheel = LineItemFactory(
            job=job,
            description=f"Trailer wheel {number}",
            quantity=4,
            surface_area_sqft=Decimal("3.2"),
        )
        LineItemCoatFactory(item=wheel, powder=black, position=1)
        LineItemCoatFactory(item=wheel, powder=red, position=2, layer="clear")
        LineItemPrepFactory(item=wheel, prep_service=blasting)
    PartIntake.objects.create(
        job=job, expected_count=12, actual_count=11, condition_notes=condition
    )
    return Job.objects.get(pk=job.pk)


def _pdf(job: Job, *, contact_allowed: bool = True) -> bytes:
    return work_order_pdf(job=job, prices_allowed=True, contact_allowed=contact_allowed)


@pytest.mark.parametrize("items", [1, 2])
def test_a_short_job_keeps_its_terms_and_signature_lines_on_page_one(shop, items):
    """With a logo, a header note and intake notes, 1 or 2 items still end on page 1."""
    pdf = _pdf(_job(items))
    logos = [
        image
        for image in PdfReader(io.BytesIO(pdf)).pages[0].images
        if image.image.size == LOGO_SIZE
    ]
    assert len(logos) == 1, "the logo is printed, so the page really carries it"
    first = page_text(pdf, 1)
    assert f"Trailer wheel {items}" in first
    assert "Terms. Parts are coated as received." in first
    for line in ("Parts received by / date", "Work completed by / date"):
        assert line in first, line
    assert "Picked up by (customer) / date" in first
    assert len(pages(pdf)) == 1


def test_every_later_page_of_a_long_job_names_the_job_and_customer_at_its_top(shop):
    """Twelve items run over; each later page is headed with the job number and customer."""
    job = _job(12)
    pdf = _pdf(job, contact_allowed=False)  # Shop Floor's copy still names the customer
    count = len(pages(pdf))
    assert count >= 2
    assert running_head_text(pdf, 1) == "", "page 1 has the letterhead, not a running head"
    for number in range(2, count + 1):
        head = running_head_text(pdf, number)
        assert job.number in head, (number, head)
        assert "Harbor Marine" in head, (number, head)
    last = page_text(pdf, count)
    assert "Picked up by (customer) / date" in last


def test_the_intake_condition_notes_are_printed(shop):
    """What the parts looked like at drop-off prints under its own heading, line by line."""
    text = page_text(_pdf(_job(2)), 1)
    assert "CONDITION AT DROP-OFF" in text
    assert "Two wheels have curb rash on the rim lip." in text
    assert "One fender is bent at the rear mount." in text


def test_intake_notes_print_as_typed_and_only_when_there_are_some(shop):
    """Markup in the notes prints as characters; an intake without notes prints no heading."""
    typed = '<b>dent</b> & <script>alert(1)</script> "left door"'
    assert typed in page_text(_pdf(_job(1, condition=typed)), 1)
    assert "CONDITION AT DROP-OFF" not in page_text(_pdf(_job(1, condition="")), 1)


@pytest.mark.parametrize(
    "note",
    [
        "",
        "Open Mon-Fri 7-4",
        "Ridge Powder Works · 1200 Foundry Rd · (217) 555-0199",
        "Thank you for choosing RIDGE POWDER WORKS",
    ],
    ids=["no note", "note", "note starting with the name", "note naming it in capitals"],
)
def test_the_footer_names_the_company_once_on_every_page(shop, note):
    """Whether or not the footer note repeats the shop's name, each page's footer says it once."""
    shop.work_order_footer = note
    shop.save()
    pdf = _pdf(_job(12))
    count = len(pages(pdf))
    assert count >= 2
    for number in range(1, count + 1):
        footer = footer_text(pdf, number)
        assert f"page {number} / {count}" in footer, footer
        assert footer.casefold().count("ridge powder works") == 1, footer
        if note:
            assert note in footer, footer
