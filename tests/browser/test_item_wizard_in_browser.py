"""The item wizard in a real browser: coats picked by search, prep, the catalogue, shapes."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from powdercoat.models import CatalogProduct, LineItem
from powdercoat.models.choices import JobStatus, PrepPricing
from tests.browser.conftest import SCREENSHOTS
from tests.browser.helpers import log_in
from tests.factories import CustomerFactory, PowderFactory, PrepServiceFactory, job_at

pytestmark = pytest.mark.django_db(transaction=True)


def test_calculated_item_with_live_estimate_saved_to_the_catalogue(
    live_server, page, screenshot, office_user, company
):
    """Walk the wizard: the estimate changes with the area, warns when short, and saves."""
    primer = PowderFactory(
        name="Zinc primer",
        sku="ZP-100",
        color_code="",
        coverage_rate=Decimal("30"),
        opening_stock=Decimal("40"),
        vendor="Tiger Drylac",
    )
    black = PowderFactory(
        name="Gloss black",
        color_code="RAL 9005",
        sku="PRS-9005-G",
        specific_gravity=Decimal("1.6"),
        film_thickness_mils=Decimal("2"),
        opening_stock=Decimal("5"),
        swatch_hex="#111111",
        vendor="Prismatic",
    )
    # Neighbours the search must tell apart from Gloss black, and a name with markup in it.
    for code, name, colour in (
        ("RAL 9004", "Signal black", "#2B2B2C"),
        ("RAL 9010", "Pure white", "#F1ECE1"),
        ("RAL 9016", "Traffic white", "#F1F0EA"),
    ):
        PowderFactory(name=name, color_code=code, swatch_hex=colour, vendor="Prismatic")
    PowderFactory(name="<img src=x onerror=alert(1)> Teal", sku="XSS-1", color_code="")
    blasting = PrepServiceFactory(
        name="Sandblasting", pricing_method=PrepPricing.PER_SQFT, rate=Decimal("1.50")
    )
    job = job_at(JobStatus.APPROVED, customer=CustomerFactory(company_name="Ridge Cycles"))

    log_in(page, live_server, office_user.username)
    page.goto(f"{live_server.url}/admin/powdercoat/job/{job.pk}/change/")
    page.get_by_text("Line items", exact=True).first.click()
    page.get_by_role("link", name="Add item").click()

    page.get_by_label("Calculated").check()
    page.locator("[name=description]").fill("17 in wheels")
    screenshot("wizard-1-kind")
    page.get_by_role("button", name="Next").click()

    page.locator("[name=quantity]").fill("12")
    page.locator("[name=surface_area_sqft]").fill("6.5")
    page.locator("[name=surface_area_sqft]").press("Enter")  # Enter is Next, not Cancel
    expect(page).to_have_url(re.compile("/coats/$"))

    # The first coat picked with the mouse from a search by name.
    first = page.locator("[name='coats-0-powder_search']")
    first.click()
    first.fill("zinc")
    choices = page.get_by_role("listbox")
    expect(choices.get_by_role("option")).to_have_count(1)
    choices.get_by_role("option", name=re.compile("Zinc primer")).click()
    expect(first).to_have_value("Zinc primer · ZP-100")
    page.locator("select[name='coats-0-layer']").select_option("primer")

    # Markup in a powder's name is listed as text, never as an element.
    third = page.locator("[name='coats-2-powder_search']")
    third.press_sequentially("XSS")
    expect(page.get_by_role("listbox")).to_contain_text("<img src=x onerror=alert(1)> Teal")
    expect(page.locator(".pc-picker-list img")).to_have_count(0)
    third.press("Escape")
    expect(page.get_by_role("listbox")).to_have_count(0)
    third.fill("")

    # The second found by its RAL code, typed, and picked with the keyboard.
    second = page.locator("[name='coats-1-powder_search']")
    second.press_sequentially("RAL 9005")
    expect(choices.get_by_role("option")).to_have_count(1)
    expect(choices).to_contain_text("Gloss black (RAL 9005)")
    expect(choices).to_contain_text("PRS-9005-G · 5.0 lb on hand · Prismatic")
    second.press("ArrowDown")
    expect(second).to_have_attribute("aria-activedescendant", re.compile("-options-0$"))
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(SCREENSHOTS / "wizard-3-powder-picker-1280x800.png"))
    second.press("Enter")
    expect(second).to_have_value("Gloss black (RAL 9005) · PRS-9005-G")
    expect(choices).to_have_count(0)
    estimate = page.locator("#pc-estimate")
    black_row = estimate.locator(f"tr[data-powder='{black.pk}'] .pc-needed")
    expect(black_row).to_have_text("2.0 lb")  # 78 sq ft / (60.09 x 65 %)
    expect(estimate.locator(f"tr[data-powder='{primer.pk}'] .pc-needed")).to_have_text("4.0 lb")
    expect(estimate).not_to_contain_text("Not enough")
    screenshot("wizard-3-coats")

    # Back to the size: a bigger area changes the estimate without reloading the page.
    page.get_by_role("button", name="Back").click()
    marker = page.evaluate("() => (window.__sameDocument = 'yes')")
    page.locator("[name=surface_area_sqft]").fill("20")
    expect(estimate.locator(f"tr[data-powder='{black.pk}'] .pc-needed")).to_have_text("6.2 lb")
    expect(estimate).to_contain_text("Not enough Gloss black")
    assert page.evaluate("() => window.__sameDocument") == marker, "the page reloaded"
    screenshot("wizard-2-size-short")
    page.locator("[name=surface_area_sqft]").fill("6.5")
    expect(estimate.locator(f"tr[data-powder='{black.pk}'] .pc-needed")).to_have_text("2.0 lb")
    page.get_by_role("button", name="Next").click()

    expect(page.locator("[name='coats-1-powder_search']")).to_have_value(
        "Gloss black (RAL 9005) · PRS-9005-G"
    )
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Sandblasting").check()
    page.get_by_role("button", name="Next").click()

    breakdown = page.locator(".pc-breakdown")
    expect(breakdown).to_contain_text("Prep: Sandblasting")
    expect(breakdown).to_contain_text("2 coats")
    screenshot("wizard-5-review")
    page.get_by_role("button", name="Next").click()

    expect(page.locator("[name=name]")).to_have_value("17 in wheels")
    page.locator("[name=name]").fill("17 in wheel set")
    screenshot("wizard-6-catalogue")
    page.get_by_role("button", name="Save to catalogue and finish").click()

    expect(page.locator("body")).to_contain_text("Saved to the catalogue as “17 in wheel set”")
    page.get_by_text("Line items", exact=True).first.click()
    expect(page.locator(".pc-items")).to_contain_text("Sandblasting")
    screenshot("wizard-7-job-items")

    item = LineItem.objects.get(job=job)
    assert [coat.powder_id for coat in item.coats.all()] == [primer.pk, black.pk]
    assert [line.prep_service_id for line in item.prep_lines.all()] == [blasting.pk]
    product = CatalogProduct.objects.get(name="17 in wheel set")
    assert product.unit_price == item.unit_price
    assert product.default_quantity == 12

    # Another job takes the product in one step from "Add from catalogue".
    other = job_at(JobStatus.APPROVED, customer=CustomerFactory(company_name="Hill Motors"))
    page.goto(f"{live_server.url}/admin/powdercoat/job/{other.pk}/change/")
    page.get_by_text("Line items", exact=True).first.click()
    page.get_by_role("link", name="Add from catalogue").click()
    page.locator("[name=catalog_product_id]").select_option(label="17 in wheel set")
    page.get_by_role("button", name=f"Add to {other.number} now").click()
    expect(page.locator("body")).to_contain_text("“17 in wheel set” added.")
    copied = LineItem.objects.get(job=other)
    assert (copied.quantity, copied.unit_price) == (12, product.unit_price)
    assert [coat.powder_id for coat in copied.coats.all()] == [primer.pk, black.pk]


def test_photo_quote_shows_the_fields_of_the_chosen_shape_and_its_area(
    live_server, page, screenshot, office_user, company
):
    """Switching the shape swaps the dimension fields; the area follows without a reload."""
    job = job_at(JobStatus.APPROVED)
    log_in(page, live_server, office_user.username)
    page.goto(f"{live_server.url}/admin/powdercoat/job/{job.pk}/items/add/")
    page.get_by_label("Photo Quote").check()
    page.locator("[name=description]").fill("Battery box")
    page.get_by_role("button", name="Next").click()

    page.locator("[name=shape]").select_option("box")
    expect(page.locator("[name=dim_height]")).to_be_visible()
    expect(page.locator("[name=dim_diameter]")).to_be_hidden()
    page.locator("[name=dim_length]").fill("12")
    page.locator("[name=dim_width]").fill("10")
    page.locator("[name=dim_height]").fill("8")
    # 2 x (120 + 96 + 80) = 592 sq in = 4.11 sq ft
    expect(page.locator("#pc-estimate")).to_contain_text("Area per part: 4.11 sq ft")

    page.locator("[name=shape]").select_option("wheel")
    expect(page.locator("[name=dim_diameter]")).to_be_visible()
    expect(page.locator("[name=dim_height]")).to_be_hidden()
    screenshot("wizard-photo-quote-shape")


def test_shape_calculator_fills_the_area_box_of_a_calculated_item(
    live_server, page, screenshot, office_user, company
):
    """Sizes fill the area box as they are typed; a typed figure holds until a size changes."""
    job = job_at(JobStatus.APPROVED)
    log_in(page, live_server, office_user.username)
    page.goto(f"{live_server.url}/admin/powdercoat/job/{job.pk}/items/add/")
    page.get_by_label("Calculated").check()
    page.locator("[name=description]").fill("Battery box")
    page.get_by_role("button", name="Next").click()

    area = page.locator("[name=surface_area_sqft]")
    expect(page.get_by_role("button", name="Work out the area now")).to_be_hidden()
    page.locator("[name=quantity]").fill("2")
    page.locator("[name=shape]").select_option("box")
    expect(page.locator("[name=dim_diameter]")).to_be_hidden()
    page.locator("[name=dim_length]").fill("12")
    page.locator("[name=dim_width]").fill("10")
    page.locator("[name=dim_height]").fill("8")
    expect(area).to_have_value("4.11")  # 2 x (120 + 96 + 80) = 592 sq in
    page.locator("[name=dim_height]").fill("20")
    expect(area).to_have_value("7.78")  # 2 x (120 + 240 + 200) = 1120 sq in
    screenshot("wizard-2-shape-calculator")

    area.fill("9")
    expect(page.locator("#pc-estimate")).to_contain_text("Area per part: 9 sq ft (typed in)")
    expect(area).to_have_value("9")
    page.locator("[name=dim_height]").fill("8")  # the last change wins: the shape again
    expect(area).to_have_value("4.11")
    expect(page.locator("#pc-estimate")).to_contain_text("Area per part: 4.11 sq ft (from the")

    # On a phone the step still fits: no sideways scrolling.
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, width
    page.get_by_role("button", name="Next").click()
    expect(page).to_have_url(re.compile("/coats/$"))
    screenshot("wizard-3-coats-phone")
