"""The job work order PDF (SPEC D1): what it prints, when prices show, and QR codes that decode.

The QR test rasterises page 1 with poppler's pdftoppm and reads it with zbar's zbarimg, the
way a phone would read the printed sheet. Without those tools the test is skipped with a
visible reason; with REQUIRE_TOOLS=1 (set by .ci/run, which installs them) it fails instead.
The page-1 picture is kept in test-output/documents/ for people to look at.
"""

import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from pypdf import PdfReader

from powdercoat.documents.work_order import work_order_pdf
from powdercoat.models import Job, PartIntake
from powdercoat.models.choices import Priority
from powdercoat.templatetags.shop import breakable
from tests.documents.pdf_pages import tool
from tests.factories import (
    CatalogProductFactory,
    CustomerFactory,
    JobFactory,
    LineItemCoatFactory,
    LineItemFactory,
    LineItemPrepFactory,
    PowderFactory,
    PrepServiceFactory,
)

pytestmark = pytest.mark.django_db

SITE = "https://shop.example.com"
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "documents"


def _pdf(job: Job, *, prices_allowed: bool = True, contact_allowed: bool = True) -> bytes:
    return work_order_pdf(
        job=Job.objects.get(pk=job.pk),
        prices_allowed=prices_allowed,
        contact_allowed=contact_allowed,
    )


def _text(pdf: bytes) -> str:
    """The PDF's text with runs of spaces and line breaks made single spaces."""
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def _page1_png(pdf: bytes, tmp_path: Path) -> Path:
    """Page 1 as a 200 dpi PNG, drawn by pdftoppm (-singlefile: the first page only)."""
    pdftoppm = tool("pdftoppm")
    source = tmp_path / "work-order.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        [pdftoppm, "-r", "200", "-png", "-singlefile", source, tmp_path / "p1"],
        check=True,
        capture_output=True,
    )
    return tmp_path / "p1.png"


def _decoded_qr_codes(png: Path) -> set[str]:
    """What zbarimg reads from every QR code in the picture."""
    zbarimg = tool("zbarimg", "zbar-tools")
    result = subprocess.run(
        [zbarimg, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", png],
        capture_output=True,
        text=True,
    )
    # Exit status 4 means "no code found": an empty set, which the assertions then report.
    assert result.returncode in (0, 4), result.stderr
    return {line for line in result.stdout.splitlines() if line}


@pytest.fixture
def shop(company, settings):
    """A named shop whose site lives at https://shop.example.com."""
    settings.SITE_URL = SITE
    company.name = "Ridge Powder Works"
    company.address = "1200 Foundry Rd\nSpringfield, IL 62701"
    company.phone = "(217) 555-0199"
    company.save()
    return company


def _trailer_job(**fields) -> tuple[Job, list]:
    """Three items, two powders (black on two items, red on one), prep, intake 11 of 12."""
    job = JobFactory(
        customer=CustomerFactory(
            company_name="Harbor Marine", contact_name="Lee Park", phone="(217) 555-0142"
        ),
        description="Trailer parts, full refinish",
        po_number="PO-88231",
        priority=Priority.RUSH,
        special_instructions="Mask all threaded holes.",
        **fields,
    )
    black = PowderFactory(
        name="Jet Black",
        color_code="RAL 9005",
        finish="gloss",
        cure_temperature_f=400,
        cure_minutes=10,
    )
    red = PowderFactory(name="Signal Red", color_code="RAL 3001", finish="satin")
    wheel = LineItemFactory(
        job=job, description="Trailer wheel", quantity=4, surface_area_sqft=Decimal("3.2")
    )
    LineItemCoatFactory(item=wheel, powder=black, position=1)
    LineItemCoatFactory(item=wheel, powder=red, position=2, layer="clear")
    LineItemPrepFactory(item=wheel, prep_service=PrepServiceFactory(name="Media blasting"))
    fender = LineItemFactory(job=job, description="Fender pair", quantity=2)
    LineItemCoatFactory(item=fender, powder=black, position=1)
    LineItemPrepFactory(item=fender, prep_service=PrepServiceFactory(name="Masking"))
    LineItemFactory(job=job, description="Tongue jack bracket", quantity=1)
    PartIntake.objects.create(job=job, expected_count=12, actual_count=11)
    return job, [black, red]


def test_pdf_shows_the_job_items_coats_prep_instructions_and_intake(shop):
    """Number, customer and contact, PO, priority, each item with its coats and prep, the count."""
    job, _powders = _trailer_job()
    text = _text(_pdf(job))
    for expected in (
        "WORK ORDER",
        "Ridge Powder Works",
        job.number,
        "Harbor Marine",
        "Lee Park",
        "(217) 555-0142",
        "PO-88231",
        "RUSH",
        "Trailer wheel",
        "Fender pair",
        "Tongue jack bracket",
        "Jet Black · RAL 9005",
        "Signal Red · RAL 3001",
        "Gloss · cure 400 °F / 10 min",
        "Satin",
        "Media blasting",
        "Masking",
        "Mask all threaded holes.",
        "11 of 12 received",
        "count differs",
        "Parts received by",
    ):
        assert expected in text, expected


def test_prices_only_when_the_template_shows_them(shop):
    """No money by default; with Show prices on, unit prices and the job total appear."""
    job, _powders = _trailer_job()
    assert "$" not in _text(_pdf(job))
    shop.work_order_show_prices = True
    shop.save()
    text = _text(_pdf(job))
    assert "$20.00" in text  # the factory's unit price
    assert f"Job total ${Job.objects.get(pk=job.pk).total_price:,.2f}" in text
    # The role still wins over the template: no prices for someone who may not see them.
    assert "$" not in _text(_pdf(job, prices_allowed=False))


def test_contact_details_only_for_those_allowed(shop):
    """Shop Floor's copy names the customer but not the contact person or phone."""
    job, _powders = _trailer_job()
    text = _text(_pdf(job, contact_allowed=False))
    assert "Harbor Marine" in text
    assert "Lee Park" not in text
    assert "555-0142" not in text


def test_customer_markup_prints_literally(shop):
    """A customer named <b>Acme</b> & Sons and markup in notes print as typed."""
    job = JobFactory(
        customer=CustomerFactory(company_name="<b>Acme</b> & Sons"),
        description="<i>rush</i> job",
        special_instructions="<script>alert(1)</script> & mask holes",
    )
    LineItemFactory(job=job, description="<u>Bracket</u>")
    text = _text(_pdf(job))
    assert "<b>Acme</b> & Sons" in text
    assert "<i>rush</i> job" in text
    assert "<script>alert(1)</script> & mask holes" in text
    assert "<u>Bracket</u>" in text


def test_qr_codes_decode_to_the_job_its_bump_page_and_each_powder(shop, tmp_path):
    """A QR reader finds the job page, the bump page and one usage page per distinct powder."""
    job, (black, red) = _trailer_job()
    png = _page1_png(_pdf(job), tmp_path)
    OUTPUT.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(png, OUTPUT / "work-order-page1.png")
    assert _decoded_qr_codes(png) == {
        f"{SITE}/admin/powdercoat/job/{job.pk}/change/",
        f"{SITE}/jobs/{job.number}/bump/",
        f"{SITE}/inventory/usage/?item={black.pk}&job={job.number}",
        f"{SITE}/inventory/usage/?item={red.pk}&job={job.number}",
        # The customer's status link, in the customer's box (SPEC U1).
        f"{SITE}/s/{Job.objects.get(pk=job.pk).status_token}/",
    }


def test_no_qr_codes_when_the_template_turns_them_off(shop, tmp_path):
    """With Show QR codes off, the page carries no code at all."""
    shop.work_order_show_qr_codes = False
    shop.save()
    job, _powders = _trailer_job()
    pdf = _pdf(job)
    assert _decoded_qr_codes(_page1_png(pdf, tmp_path)) == set()
    assert "Scan" not in _text(pdf)


def test_forty_items_run_onto_more_pages_with_the_column_names_repeated(shop):
    """Every item is printed, and each page of items starts with the column names."""
    job = JobFactory()
    powder = PowderFactory(name="Jet Black", color_code="RAL 9005")
    for number in range(1, 41):
        item = LineItemFactory(job=job, description=f"Gate panel {number:02d}")
        LineItemCoatFactory(item=item, powder=powder)
    reader = PdfReader(io.BytesIO(_pdf(job)))
    assert len(reader.pages) > 1
    text = _text(_pdf(job))
    for number in range(1, 41):
        assert f"Gate panel {number:02d}" in text
    item_pages = [
        page.extract_text() for page in reader.pages if "Gate panel" in page.extract_text()
    ]
    assert len(item_pages) > 1
    for page_text in item_pages:
        assert "Coats, in order" in page_text
        assert job.number in page_text


@pytest.mark.parametrize("items", [3, 7, 40])
def test_every_page_says_its_number_of_the_true_count(shop, items):
    """3 items: one page, laid out once; 7 items: the one-page guess fails and the count is
    redone; 40 items: straight to xhtml2pdf's count. Every page's footer is right."""
    job = JobFactory()
    powder = PowderFactory(name="Jet Black", color_code="RAL 9005")
    for number in range(1, items + 1):
        item = LineItemFactory(job=job, description=f"Gate panel {number:02d}")
        LineItemCoatFactory(item=item, powder=powder)
    pages = PdfReader(io.BytesIO(_pdf(job))).pages
    assert (len(pages) == 1) == (items == 3)
    for number, page in enumerate(pages, start=1):
        footer = " ".join(page.extract_text().split())
        assert f"page {number} / {len(pages)}" in footer


def _png(name: str, colour: tuple[int, int, int]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (60, 40), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_logo_and_catalogue_image_are_printed(shop, settings, tmp_path):
    """The shop's logo heads the page; an item made from a catalogue product shows its picture.

    Uploads live outside the working directory here, as they do on a server.
    """
    settings.MEDIA_ROOT = tmp_path
    shop.work_order_show_qr_codes = False  # so the only pictures are the logo and the item's
    shop.logo = _png("logo.png", (120, 30, 200))
    shop.save()
    product = CatalogProductFactory(name="Wheel 15in", image=_png("wheel.png", (30, 90, 200)))
    job = JobFactory()
    LineItemFactory(job=job, description="Wheel", catalog_product=product)
    LineItemFactory(job=job, description="Loose bracket")
    page = PdfReader(io.BytesIO(_pdf(job))).pages[0]
    assert len(page.images) == 2
    assert "Catalogue: Wheel 15in" in page.extract_text()


def test_queries_do_not_grow_with_items(shop, django_assert_max_num_queries):
    """One item or twenty, with coats, prep and catalogue products: the same number of queries."""

    def job_with(count: int) -> Job:
        job = JobFactory()
        powder = PowderFactory()
        product = CatalogProductFactory()
        prep = PrepServiceFactory(name="Media blasting")
        for _ in range(count):
            item = LineItemFactory(job=job, catalog_product=product)
            LineItemCoatFactory(item=item, powder=powder)
            LineItemPrepFactory(item=item, prep_service=prep)
        return Job.objects.get(pk=job.pk)

    small, large = job_with(1), job_with(20)
    # 8, and one UPDATE: the first printing gives the job its customer status link.
    with django_assert_max_num_queries(9) as captured:
        work_order_pdf(job=small, prices_allowed=True, contact_allowed=True, company=shop)
    with django_assert_max_num_queries(len(captured)):
        work_order_pdf(job=large, prices_allowed=True, contact_allowed=True, company=shop)


def test_a_very_long_company_name_wraps_instead_of_running_over_the_title(company, caplog):
    """A 100-letter name with no spaces is broken into lines, and the footer still fits."""
    company.name = "IroncladPowderCoatingAndIndustrialFinishingCompanyOfGreaterOklahomaCity" * 2
    company.save()
    assert all(len(word) <= 24 for word in breakable(company.name).split(" "))
    job = JobFactory()
    with caplog.at_level("WARNING"):
        pdf = work_order_pdf(job=job, prices_allowed=False, contact_allowed=False)
    assert pdf.startswith(b"%PDF")
    assert not [r for r in caplog.records if "Give the @frame more height" in r.getMessage()]
