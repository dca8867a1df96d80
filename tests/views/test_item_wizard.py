"""The item wizard through the test client: every kind of item, Back/Next, editing, refusals."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from PIL import Image

from powdercoat.models import CatalogProduct, Job, LineItem
from powdercoat.models.choices import CoatLayer, ItemKind, JobStatus, PrepPricing
from tests.factories import (
    CatalogProductFactory,
    LineItemFactory,
    PowderFactory,
    PrepServiceFactory,
    job_at,
)
from tests.helpers import form_data, page_actions, page_key

pytestmark = pytest.mark.django_db


# -- walking the wizard ---------------------------------------------------------------------


def start(client, job, kind=None) -> str:
    """Open the wizard on the job; the address of the first step."""
    url = reverse("admin:powdercoat_job_item_add", args=[job.pk])
    response = client.get(url + (f"?kind={kind}" if kind else ""))
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def step(client, url, button="_next", files=None, **changes):
    """Post the step at `url` as a browser would: its current fields, changed, and a button."""
    page = client.get(url)
    assert page.status_code == 200, page.content[:500]
    data = form_data(page.content.decode(), "item-wizard")
    data.update({key: value for key, value in changes.items()})
    data[button] = "1"
    if files:
        data.update(files)
    return client.post(url, data)


def coats(*powders_and_layers) -> dict:
    """Coat rows for the coats step (the page shows at least three rows)."""
    rows = max(3, len(powders_and_layers))
    data = {"coats-TOTAL_FORMS": str(rows), "coats-INITIAL_FORMS": "0"}
    for index in range(rows):
        powder, layer = (
            powders_and_layers[index] if index < len(powders_and_layers) else ("", "base")
        )
        data[f"coats-{index}-powder"] = str(powder.pk) if powder else ""
        data[f"coats-{index}-layer"] = layer
    return data


def follow(response) -> str:
    """Where a step sent the browser (it must have moved on)."""
    assert response.status_code == 302, response.content.decode()[:3000]
    return response["Location"]


def errors_of(response) -> str:
    """The page of a step that refused its input (it stays, with messages)."""
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.fixture
def shop(company):
    """The shop's rates as in the hand-worked example, and its powders and sandblasting."""
    company.labor_rate = Decimal("65.00")
    company.coating_rate_per_sqft = Decimal("3.50")
    company.extra_coat_percent = Decimal("50")
    company.margin_percent = Decimal("25")
    company.save()
    return {
        "primer": PowderFactory(
            name="Zinc primer", unit_cost=Decimal("12.00"), coverage_rate=Decimal("30")
        ),
        "black": PowderFactory(
            name="Gloss black",
            unit_cost=Decimal("10.00"),
            specific_gravity=Decimal("1.6"),
            film_thickness_mils=Decimal("2"),
        ),
        "blast": PrepServiceFactory(
            name="Sandblasting",
            pricing_method=PrepPricing.PER_SQFT,
            rate=Decimal("1.50"),
            stage=JobStatus.SANDBLASTING,
        ),
    }


def walk_calculated(client, job, shop, *, area="6.5"):
    """Kind → size → coats → prep → review; the address of the step after review."""
    url = start(client, job)
    url = follow(step(client, url, kind=ItemKind.CALCULATED, description="17 in wheels"))
    assert url.endswith("/size/")
    url = follow(step(client, url, quantity="12", surface_area_sqft=area))
    assert url.endswith("/coats/")
    url = follow(
        step(
            client,
            url,
            **coats((shop["primer"], CoatLayer.PRIMER), (shop["black"], CoatLayer.BASE)),
        )
    )
    assert url.endswith("/prep/")
    url = follow(step(client, url, prep_service_ids=[str(shop["blast"].pk)]))
    assert url.endswith("/review/")
    return url


# -- every kind -----------------------------------------------------------------------------


def test_calculated_item_end_to_end_with_the_hand_worked_price(shop, office_client):
    """12 x 6.5 sq ft, primer + black, sandblasting: $743.13, $61.93 a part (SPEC L5).

    Powder 4.0 lb x $12 + 2.0 lb x $10 = $68; coating labour 78 sq ft x $3.50 x 1.5 = $409.50;
    sandblasting 78 x $1.50 = $117; cost $594.50; margin 25 % = $148.63; total $743.13.
    """
    job = job_at(JobStatus.APPROVED)
    review = walk_calculated(office_client, job, shop)
    html = office_client.get(review).content.decode()
    for text in ("4.0 lb × $12.00", "2.0 lb × $10.00", "$409.50", "$117.00", "$148.63", "$743.13"):
        assert text in html, text
    catalog_step = follow(step(office_client, review))
    assert catalog_step.endswith("/catalog/")
    follow(step(office_client, catalog_step, button="_finish"))

    item = LineItem.objects.get(job=job)
    assert (item.kind, item.quantity, item.surface_area_sqft) == (
        ItemKind.CALCULATED,
        12,
        Decimal("6.500"),
    )
    assert item.unit_price == Decimal("61.93")
    assert not item.price_overridden
    assert [(c.position, c.powder, c.layer) for c in item.coats.all()] == [
        (1, shop["primer"], CoatLayer.PRIMER),
        (2, shop["black"], CoatLayer.BASE),
    ]
    assert [p.prep_service for p in item.prep_lines.all()] == [shop["blast"]]
    job.refresh_from_db()
    assert job.subtotal == Decimal("743.16")  # 12 x $61.93, what the invoice will bill
    assert not CatalogProduct.objects.exists()


def test_calculated_item_saved_to_the_catalogue_then_added_to_another_job_in_one_step(
    shop, office_client
):
    """Step 6 saves the product; another job picks it and gets its area, coats, prep and price."""
    first_job = job_at(JobStatus.APPROVED)
    catalog_step = follow(step(office_client, walk_calculated(office_client, first_job, shop)))
    page = office_client.get(catalog_step).content.decode()
    assert 'value="17 in wheels"' in page  # pre-filled name
    assert 'value="61.93"' in page  # pre-filled price
    follow(
        step(
            office_client,
            catalog_step,
            button="_finish_catalog",
            name="17 in wheel set",
            category="Wheels",
        )
    )
    product = CatalogProduct.objects.get(name="17 in wheel set")
    assert (product.surface_area_sqft, product.default_quantity, product.unit_price) == (
        Decimal("6.500"),
        12,
        Decimal("61.93"),
    )
    assert [c.powder for c in product.coats.all()] == [shop["primer"], shop["black"]]
    assert list(product.prep_services.all()) == [shop["blast"]]
    assert LineItem.objects.get(job=first_job).catalog_product == product

    second_job = job_at(JobStatus.APPROVED)
    pick = start(office_client, second_job, kind=ItemKind.CATALOG)
    assert pick.endswith("/size/")
    follow(step(office_client, pick, button="_add_now", catalog_product_id=str(product.pk)))
    item = LineItem.objects.get(job=second_job)
    assert (item.kind, item.description, item.quantity, item.unit_price) == (
        ItemKind.CATALOG,
        "17 in wheel set",
        12,
        Decimal("61.93"),
    )
    assert [c.powder for c in item.coats.all()] == [shop["primer"], shop["black"]]
    assert [p.prep_service for p in item.prep_lines.all()] == [shop["blast"]]
    second_job.refresh_from_db()
    assert second_job.subtotal == Decimal("743.16")


def test_catalog_item_through_every_step_with_a_different_quantity(shop, office_client):
    """Picking a product then Next walks the remaining steps; the quantity can be changed."""
    product = CatalogProductFactory(name="Bar stool", unit_price=Decimal("40.00"))
    product.coats.create(powder=shop["black"], position=1)
    job = job_at(JobStatus.PENDING)
    url = start(office_client, job)
    url = follow(step(office_client, url, kind=ItemKind.CATALOG, description=""))
    url = follow(step(office_client, url, catalog_product_id=str(product.pk), quantity="4"))
    url = follow(step(office_client, url))  # coats, as copied
    url = follow(step(office_client, url))  # prep
    html = office_client.get(url).content.decode()
    assert "Catalog: Bar stool" in html
    assert "$160.00" in html
    follow(step(office_client, url, button="_finish"))
    item = LineItem.objects.get(job=job)
    assert (item.description, item.quantity, item.unit_price) == ("Bar stool", 4, Decimal("40"))


def test_flat_rate_item_adds_prep_at_its_rate(shop, office_client):
    """A typed price of $25 a part for 10 brackets plus $2 a part flat prep: $270."""
    flat_prep = PrepServiceFactory(
        name="Masking", pricing_method=PrepPricing.FLAT_PER_PART, rate=Decimal("2.00")
    )
    job = job_at(JobStatus.APPROVED)
    url = start(office_client, job)
    url = follow(step(office_client, url, kind=ItemKind.FLAT_RATE, description="Brackets"))
    url = follow(
        step(office_client, url, quantity="10", flat_unit_price="25.00", surface_area_sqft="")
    )
    url = follow(step(office_client, url, **coats((shop["black"], CoatLayer.BASE))))
    url = follow(step(office_client, url, prep_service_ids=[str(flat_prep.pk)]))
    assert "$270.00" in office_client.get(url).content.decode()
    follow(step(office_client, url, button="_finish"))
    item = LineItem.objects.get(job=job)
    assert (item.unit_price, item.line_total, item.surface_area_sqft) == (
        Decimal("27.00"),
        Decimal("270.00"),
        Decimal("0"),
    )


def test_an_item_too_big_for_the_records_is_refused_in_words(shop, office_client):
    """100,000 parts at $9,999,999,999.99: the review says so, Finish saves nothing (no 500)."""
    job = job_at(JobStatus.APPROVED)
    url = start(office_client, job)
    url = follow(step(office_client, url, kind=ItemKind.FLAT_RATE, description="Absurd"))
    url = follow(
        step(
            office_client,
            url,
            quantity="100000",
            flat_unit_price="9999999999.99",
            surface_area_sqft="",
        )
    )
    url = follow(step(office_client, url, **coats((shop["black"], CoatLayer.BASE))))
    url = follow(step(office_client, url))
    review = office_client.get(url)
    assert review.status_code == 200
    assert "more than the largest amount the shop records" in review.content.decode()
    finish = step(office_client, url, button="_finish")
    assert finish.status_code == 200
    assert "more than the largest amount the shop records" in finish.content.decode()
    assert not LineItem.objects.filter(job=job).exists()
    assert (
        office_client.get(reverse("admin:powdercoat_job_change", args=[job.pk])).status_code == 200
    )


def test_labor_only_item_needs_no_coat(shop, office_client):
    """3 hours at $65 with no powder: $195, saved without a coat (SPEC L1, L2)."""
    job = job_at(JobStatus.APPROVED)
    url = start(office_client, job)
    url = follow(step(office_client, url, kind=ItemKind.LABOR_ONLY, description="Strip old paint"))
    url = follow(step(office_client, url, quantity="1", labor_hours="3"))
    url = follow(step(office_client, url, **coats()))
    url = follow(step(office_client, url))
    assert "3 h × $65.00" in office_client.get(url).content.decode()
    follow(step(office_client, url, button="_finish"))
    item = LineItem.objects.get(job=job)
    assert (item.kind, item.unit_price, item.coats.count()) == (
        ItemKind.LABOR_ONLY,
        Decimal("195.00"),
        0,
    )


def _png(size=(40, 30)) -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", size, (20, 20, 20)).save(buffer, "PNG")
    buffer.seek(0)
    buffer.name = "wheel.png"
    return buffer


def test_photo_quote_area_from_the_shape_and_the_photo_kept(
    shop, office_client, settings, tmp_path
):
    """A 17 x 8 in wheel is 6.12 sq ft; the item keeps the photo and is marked photo-estimated."""
    settings.MEDIA_ROOT = tmp_path
    job = job_at(JobStatus.APPROVED)
    url = start(office_client, job)
    url = follow(step(office_client, url, kind=ItemKind.PHOTO_QUOTE, description="Odd wheel"))
    page = office_client.get(url).content.decode()
    for shared in ("dim_length", "dim_diameter", "dim_width"):  # used by several shapes
        assert page.count(f'name="{shared}"') == 1, shared
    url = follow(
        step(
            office_client,
            url,
            files={"photo": _png()},
            shape="wheel",
            dim_diameter="17",
            dim_width="8",
            quantity="4",
        )
    )
    url = follow(step(office_client, url, **coats((shop["black"], CoatLayer.BASE))))
    url = follow(step(office_client, url))
    catalog_step = follow(step(office_client, url))
    follow(step(office_client, catalog_step, button="_finish"))
    item = LineItem.objects.get(job=job)
    assert item.surface_area_sqft == Decimal("6.120")
    assert item.photo_estimated
    assert item.shape == "wheel"
    assert item.dimensions == {"diameter": "17", "width": "8"}
    assert item.photo.name.startswith("items/")
    assert (tmp_path / item.photo.name).exists()
    assert not (tmp_path / "wizard").exists() or not any((tmp_path / "wizard").rglob("*.png"))


def test_photo_quote_refuses_a_text_file_named_like_a_photo(
    shop, office_client, settings, tmp_path
):
    """A renamed text file is not an image: a message on the step, nothing stored."""
    settings.MEDIA_ROOT = tmp_path
    job = job_at(JobStatus.APPROVED)
    url = start(office_client, job)
    url = follow(step(office_client, url, kind=ItemKind.PHOTO_QUOTE, description="Odd wheel"))
    fake = io.BytesIO(b"not a picture at all")
    fake.name = "wheel.jpg"
    html = errors_of(
        step(
            office_client,
            url,
            files={"photo": fake},
            shape="wheel",
            dim_diameter="17",
            dim_width="8",
        )
    )
    assert "Upload a valid image" in html
    assert not any(tmp_path.rglob("*.jpg"))


# -- Back, Next, Cancel, editing ------------------------------------------------------------


def test_back_keeps_what_was_typed_even_half_done(shop, office_client):
    """Back from a half-filled step and Next again: the values are still there."""
    job = job_at(JobStatus.APPROVED)
    url = start(office_client, job)
    size = follow(step(office_client, url, kind=ItemKind.CALCULATED, description="Gate"))
    kind = follow(step(office_client, size, button="_back", quantity="7", surface_area_sqft=""))
    assert kind.endswith("/kind/")
    assert 'value="Gate"' in office_client.get(kind).content.decode()
    size_again = follow(step(office_client, kind))
    assert 'value="7"' in office_client.get(size_again).content.decode()


def test_cancel_leaves_the_job_untouched(shop, office_client):
    """Cancelling on the review step writes nothing and the draft is gone."""
    job = job_at(JobStatus.APPROVED)
    review = walk_calculated(office_client, job, shop)
    response = step(office_client, review, button="_cancel")
    assert (
        response["Location"] == reverse("admin:powdercoat_job_change", args=[job.pk]) + "?tab=items"
    )
    assert not LineItem.objects.filter(job=job).exists()
    assert Job.objects.get(pk=job.pk).total_price == 0
    assert office_client.get(review).status_code == 302  # the draft has gone


def test_editing_reopens_the_wizard_prefilled_and_saves_changes(shop, office_client):
    """Edit shows the saved values; changing the quantity reprices the same item."""
    job = job_at(JobStatus.APPROVED)
    catalog_step = follow(step(office_client, walk_calculated(office_client, job, shop)))
    follow(step(office_client, catalog_step, button="_finish"))
    item = LineItem.objects.get(job=job)

    edit = office_client.get(reverse("admin:powdercoat_job_item_edit", args=[job.pk, item.pk]))
    kind = follow(edit)
    assert 'value="17 in wheels"' in office_client.get(kind).content.decode()
    size = follow(step(office_client, kind))
    assert 'value="12"' in office_client.get(size).content.decode()
    url = follow(step(office_client, size, quantity="6"))
    url = follow(step(office_client, url))
    url = follow(step(office_client, url))
    url = follow(step(office_client, url))
    follow(step(office_client, url, button="_finish"))
    assert LineItem.objects.filter(job=job).count() == 1
    item.refresh_from_db()
    assert item.quantity == 6
    assert [c.powder for c in item.coats.all()] == [
        shop["primer"],
        shop["black"],
    ]


def test_price_override_is_kept_visible(shop, office_client):
    """An override is charged, flagged, and the worked-out price stays beside it."""
    job = job_at(JobStatus.APPROVED)
    review = walk_calculated(office_client, job, shop)
    review_again = follow(step(office_client, review, button="_reprice", price_override="55.00"))
    assert "Override" in office_client.get(review_again).content.decode()
    catalog_step = follow(step(office_client, review_again))
    follow(step(office_client, catalog_step, button="_finish"))
    item = LineItem.objects.get(job=job)
    assert (item.unit_price, item.price_overridden, item.calculated_unit_price) == (
        Decimal("55.00"),
        True,
        Decimal("61.93"),
    )
    page = office_client.get(reverse("admin:powdercoat_job_change", args=[job.pk])).content.decode()
    assert "Override" in page
    assert "$61.93" in page


def test_later_rate_changes_never_reprice_saved_items(shop, office_client, company):
    """Doubling the shop's rates changes neither the item, the job, nor a reopened item."""
    job = job_at(JobStatus.APPROVED)
    catalog_step = follow(step(office_client, walk_calculated(office_client, job, shop)))
    follow(step(office_client, catalog_step, button="_finish"))
    company.coating_rate_per_sqft = Decimal("7.00")
    company.margin_percent = Decimal("50")
    company.save()
    shop["black"].unit_cost = Decimal("99")
    shop["black"].save()

    item = LineItem.objects.get(job=job)
    job.refresh_from_db()
    assert (item.unit_price, job.subtotal) == (Decimal("61.93"), Decimal("743.16"))
    kind = follow(
        office_client.get(reverse("admin:powdercoat_job_item_edit", args=[job.pk, item.pk]))
    )
    url = kind
    for _ in range(4):
        url = follow(step(office_client, url))
    assert "$743.13" in office_client.get(url).content.decode()  # still the old rates
    follow(step(office_client, url, button="_reprice"))
    assert "$743.13" not in office_client.get(url).content.decode()  # today's rates on request


# -- refusals ---------------------------------------------------------------------------------


def test_negative_area_and_zero_quantity_are_refused_on_the_step(shop, office_client):
    """Bad numbers get a message on the step, and the wizard stays there."""
    job = job_at(JobStatus.APPROVED)
    size = follow(step(office_client, start(office_client, job), description="Rail"))
    html = errors_of(step(office_client, size, quantity="0", surface_area_sqft="-2"))
    assert "Quantity must be at least 1." in html
    assert "Surface area cannot be negative." in html
    html = errors_of(step(office_client, size, quantity="2", surface_area_sqft="abc"))
    assert "Enter a number." in html


def test_no_coat_is_refused_for_powder_coated_items(shop, office_client):
    """A Calculated item with every coat row empty stays on the Coatings step."""
    job = job_at(JobStatus.APPROVED)
    url = follow(step(office_client, start(office_client, job), description="Rail"))
    url = follow(step(office_client, url, quantity="2", surface_area_sqft="3"))
    html = errors_of(step(office_client, url, **coats()))
    assert "Add at least one coat; only Labor Only items can go without powder." in html


def test_missing_description_and_missing_product_are_refused(shop, office_client):
    """Kind step needs a description; catalogue step needs a product."""
    job = job_at(JobStatus.APPROVED)
    html = errors_of(step(office_client, start(office_client, job), description=""))
    assert "Give the item a description." in html
    pick = start(office_client, job, kind=ItemKind.CATALOG)
    html = errors_of(step(office_client, pick, button="_add_now", catalog_product_id=""))
    assert "Pick a catalogue product." in html
    assert not LineItem.objects.exists()


def test_tampered_step_name_and_unknown_draft_do_not_crash(shop, office_client):
    """A made-up step goes to the first step; a forgotten draft goes back to the job."""
    job = job_at(JobStatus.APPROVED)
    url = start(office_client, job)
    bad = url.replace("/kind/", "/nonsense/")
    assert office_client.get(bad)["Location"].endswith("/kind/")
    gone = url.replace(url.split("/")[-3], "not-a-token")
    response = office_client.post(gone, {"_next": "1"})
    assert (
        response["Location"] == reverse("admin:powdercoat_job_change", args=[job.pk]) + "?tab=items"
    )


def test_closed_jobs_refuse_item_changes(shop, office_client):
    """A Delivered job's items cannot be changed; the message says why."""
    job = job_at(JobStatus.APPROVED)
    review = walk_calculated(office_client, job, shop)
    Job.objects.filter(pk=job.pk).update(status=JobStatus.DELIVERED)
    catalog_step = follow(step(office_client, review))
    html = errors_of(step(office_client, catalog_step, button="_finish"))
    assert "is Delivered; its items can no longer be changed." in html
    assert not LineItem.objects.filter(job=job).exists()


def test_shop_floor_cannot_open_the_wizard(shop, floor_client):
    """Shop Floor users (no prices, no job edits) are refused the wizard's pages."""
    job = job_at(JobStatus.APPROVED)
    response = floor_client.get(reverse("admin:powdercoat_job_item_add", args=[job.pk]))
    assert response.status_code == 403


def test_removing_an_item_reprices_the_job(shop, office_client):
    """Remove asks first, then deletes the item and its coats and reprices the job."""
    job = job_at(JobStatus.APPROVED)
    catalog_step = follow(step(office_client, walk_calculated(office_client, job, shop)))
    follow(step(office_client, catalog_step, button="_finish"))
    item = LineItem.objects.get(job=job)
    url = reverse("admin:powdercoat_job_item_delete", args=[job.pk, item.pk])
    assert "Remove “17 in wheels”?" in office_client.get(url).content.decode()
    follow(office_client.post(url, {"submission_key": page_key(office_client, url)}))
    assert not LineItem.objects.filter(pk=item.pk).exists()
    assert Job.objects.get(pk=job.pk).total_price == 0


# -- the live estimate (SPEC L4) --------------------------------------------------------------


def test_live_estimate_follows_the_area_and_warns_when_stock_is_short(shop, office_client):
    """The estimate answers typed values without saving them, counting other active jobs.

    Gloss black covers 192.3 / (1.6 x 2) = 60.09 sq ft/lb at 65 %: 12 x 6.5 sq ft needs 2.0 lb,
    12 x 20 sq ft needs 6.2 lb. With 8 lb on hand and another job needing 2.0 lb, 6.2 is short.
    """
    black = PowderFactory(
        name="Jet black",
        unit_cost=Decimal("10"),
        specific_gravity=Decimal("1.6"),
        film_thickness_mils=Decimal("2"),
        opening_stock=Decimal("8"),
    )
    other = job_at(JobStatus.COATING)
    other_item = LineItemFactory(job=other, quantity=12, surface_area_sqft=Decimal("6.5"))
    other_item.coats.create(powder=black, position=1)

    job = job_at(JobStatus.APPROVED)
    url = follow(step(office_client, start(office_client, job), description="Rails"))
    url = follow(step(office_client, url, quantity="12", surface_area_sqft="6.5"))
    office_client.post(url, {**coats((black, CoatLayer.BASE)), "_back": "1"})
    size = url.replace("/coats/", "/size/")
    token = url.split("/")[-3]
    estimate_url = reverse("admin:powdercoat_job_item_estimate", args=[job.pk, token])

    calm = office_client.post(
        estimate_url, {"_step": "size", "quantity": "12", "surface_area_sqft": "6.5"}
    ).content.decode()
    assert "2.0 lb" in calm
    assert "Not enough" not in calm

    short = office_client.post(
        estimate_url, {"_step": "size", "quantity": "12", "surface_area_sqft": "20"}
    ).content.decode()
    assert "6.2 lb" in short
    assert "Not enough Jet black" in short
    assert "0.2 lb more than is on hand" in short

    bad = office_client.post(
        estimate_url, {"_step": "size", "quantity": "12", "surface_area_sqft": "-1"}
    ).content.decode()
    assert "Surface area cannot be negative." in bad
    assert 'value="6.5"' in office_client.get(size).content.decode()  # nothing was saved


def test_estimate_of_an_expired_draft_says_so(shop, office_client):
    """An old tab asking for an estimate gets a sentence, not an error."""
    job = job_at(JobStatus.APPROVED)
    url = reverse("admin:powdercoat_job_item_estimate", args=[job.pk, "gone"])
    response = office_client.post(url, {"_step": "size"})
    assert response.status_code == 200
    assert "has expired" in response.content.decode()


def test_a_powder_whose_coverage_works_out_to_zero_is_refused_on_the_coats_step(
    shop, office_client, monkeypatch
):
    """The database refuses a zero coverage rate; should one ever reach the wizard anyway
    (say a broken default), the coat row says so and the estimate panel does not crash."""
    from powdercoat.models import InventoryItem

    job = job_at(JobStatus.APPROVED)
    url = follow(step(office_client, start(office_client, job), description="Rail"))
    url = follow(step(office_client, url, quantity="2", surface_area_sqft="3"))
    monkeypatch.setattr(InventoryItem, "coverage_sqft_per_lb", lambda self, default: Decimal("0"))
    html = errors_of(step(office_client, url, **coats((shop["black"], CoatLayer.BASE))))
    assert "has no usable coverage rate (0 sq ft/lb)" in html
    token = url.split("/")[-3]
    estimate_url = reverse("admin:powdercoat_job_item_estimate", args=[job.pk, token])
    panel = office_client.post(
        estimate_url, {"_step": "coats", **coats((shop["black"], CoatLayer.BASE))}
    )
    assert panel.status_code == 200
    assert "has no usable coverage rate" in panel.content.decode()


def test_photo_estimator_suggestion_is_shown_beside_the_shape_area(
    shop, office_client, settings, tmp_path, stand_in
):
    """Asking the stand-in estimator shows its figure as a suggestion; the shape's area stays."""
    settings.MEDIA_ROOT = tmp_path
    job = job_at(JobStatus.APPROVED)
    url = start(office_client, job)
    url = follow(step(office_client, url, kind=ItemKind.PHOTO_QUOTE, description="Odd wheel"))
    assert "Ask the photo estimator" in office_client.get(url).content.decode()
    fields = {"shape": "wheel", "dim_diameter": "17", "dim_width": "8", "quantity": "4"}
    again = follow(step(office_client, url, button="_vision", files={"photo": _png()}, **fields))
    assert again == url  # stays on the photo step
    html = office_client.get(url).content.decode()
    assert "Photo estimator suggests 6.50 sq ft per part, about 0.75 h of labour." in html
    assert "Area per part: <strong>6.12 sq ft</strong>" in html
    [request] = stand_in.received
    assert request["body"]["shape"] == "wheel"
    assert request["body"]["dimensions_in"] == {"diameter": "17", "width": "8"}

    url = follow(step(office_client, url))
    url = follow(step(office_client, url, **coats((shop["black"], CoatLayer.BASE))))
    url = follow(step(office_client, url))
    follow(step(office_client, follow(step(office_client, url)), button="_finish"))
    item = LineItem.objects.get(job=job)
    assert item.surface_area_sqft == Decimal("6.120")  # the suggestion is not applied
    assert item.estimate_note.startswith("Photo estimator suggests 6.50 sq ft")


def test_photo_estimator_failure_is_a_message_not_an_error(
    shop, office_client, settings, tmp_path, stand_in
):
    """An estimator answering HTTP 500 gives a warning on the step; the wizard goes on."""
    settings.MEDIA_ROOT = tmp_path
    stand_in.status = 500
    job = job_at(JobStatus.APPROVED)
    url = start(office_client, job)
    url = follow(step(office_client, url, kind=ItemKind.PHOTO_QUOTE, description="Odd wheel"))
    fields = {"shape": "wheel", "dim_diameter": "17", "dim_width": "8", "quantity": "4"}
    follow(step(office_client, url, button="_vision", files={"photo": _png()}, **fields))
    html = office_client.get(url).content.decode()
    assert "HTTP 500" in html
    assert "Photo estimator suggests" not in html


def test_prep_added_through_the_wizard_decides_where_advance_goes(shop, office_client):
    """With sandblasting on an item Advance goes to Sandblasting; without items it skips it."""
    job = job_at(JobStatus.IN_PREPARATION)
    page = reverse("admin:powdercoat_job_change", args=[job.pk])

    def advance_label() -> str:
        actions = page_actions(office_client.get(page))
        return next(str(a["title"]) for a in actions if str(a["title"]).startswith("Advance"))

    assert advance_label() == "Advance to In Oven"
    follow(
        step(
            office_client,
            follow(step(office_client, walk_calculated(office_client, job, shop))),
            button="_finish",
        )
    )
    assert advance_label() == "Advance to Sandblasting"
    item = LineItem.objects.get(job=job)
    remove = reverse("admin:powdercoat_job_item_delete", args=[job.pk, item.pk])
    follow(office_client.post(remove, {"submission_key": page_key(office_client, remove)}))
    assert advance_label() == "Advance to In Oven"


def test_photo_quote_refuses_a_photo_over_10_mb(shop, office_client, settings, tmp_path):
    """A real but huge photo gets a message on the step and is not stored."""
    import os

    settings.MEDIA_ROOT = tmp_path
    job = job_at(JobStatus.APPROVED)
    url = start(office_client, job)
    url = follow(step(office_client, url, kind=ItemKind.PHOTO_QUOTE, description="Odd wheel"))
    big = io.BytesIO()
    Image.frombytes("RGB", (2000, 2000), os.urandom(2000 * 2000 * 3)).save(big, "PNG")
    assert big.tell() > 10 * 1024 * 1024
    big.seek(0)
    big.name = "huge.png"
    html = errors_of(
        step(
            office_client,
            url,
            files={"photo": big},
            shape="wheel",
            dim_diameter="17",
            dim_width="8",
        )
    )
    assert "The photo is larger than 10 MB" in html
    assert not any(tmp_path.rglob("*.png"))


def test_finish_without_saving_ignores_the_product_fields(shop, office_client):
    """A product name already in the catalogue does not block finishing without saving."""
    CatalogProductFactory(name="17 in wheels")
    job = job_at(JobStatus.APPROVED)
    catalog_step = follow(step(office_client, walk_calculated(office_client, job, shop)))
    html = errors_of(step(office_client, catalog_step, button="_finish_catalog"))
    assert "The catalogue already has a product with this name." in html
    follow(step(office_client, catalog_step, button="_finish"))
    assert LineItem.objects.filter(job=job).count() == 1
    assert CatalogProduct.objects.count() == 1
