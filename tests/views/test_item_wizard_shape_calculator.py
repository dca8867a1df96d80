"""The shape calculator on the size step of every kind of item that has an area (SPEC L6)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from powdercoat.models import LineItem
from powdercoat.models.choices import CoatLayer, ItemKind, JobStatus
from tests.factories import PowderFactory, job_at
from tests.helpers import form_data
from tests.views.test_item_wizard import coats, errors_of, follow, start, step

pytestmark = pytest.mark.django_db

# 12 x 10 x 8 in: 2·(120 + 96 + 80) = 592 in² / 144 = 4.111 → 4.11 sq ft.
BOX = {"shape": "box", "dim_length": "12", "dim_width": "10", "dim_height": "8"}
# The same box 20 in high: 2·(120 + 240 + 200) = 1120 in² / 144 = 7.777 → 7.78 sq ft.
TALL_BOX = {**BOX, "dim_height": "20"}


def size_step(client, job, kind) -> str:
    """The size step of a new item of this kind."""
    return follow(step(client, start(client, job), kind=kind, description="Battery box"))


def draft_of(client, url):
    """The wizard draft at `url`, as the session holds it."""
    from powdercoat.drafts import ItemDraft

    token = url.split("/")[-3]
    return ItemDraft.from_session(client.session["item_wizard"][token]["draft"])


@pytest.fixture
def black(company):
    """A powder for the coats step."""
    return PowderFactory(name="Gloss black", coverage_rate=Decimal("40"))


@pytest.mark.parametrize(
    "kind", [ItemKind.CALCULATED, ItemKind.FLAT_RATE, ItemKind.LABOR_ONLY, ItemKind.PHOTO_QUOTE]
)
def test_every_kind_with_an_area_offers_the_shape_calculator(office_client, company, kind):
    """Calculated, Flat Rate, Labor Only and Photo Quote ask for the shape and its sizes."""
    html = office_client.get(size_step(office_client, job_at(JobStatus.APPROVED), kind))
    html = html.content.decode()
    assert 'name="shape"' in html
    for size in ("dim_length", "dim_width", "dim_height", "dim_diameter", "dim_tube_diameter"):
        assert html.count(f'name="{size}"') == 1, size
    for shape in ("Flat panel", "Box", "Cylinder", "Wheel", "Frame / tube"):
        assert f">{shape}</option>" in html, shape


def test_a_catalogue_product_brings_its_own_area_and_has_no_calculator(office_client, company):
    """Picking a catalogue product asks for no shape: the product knows its area."""
    pick = start(office_client, job_at(JobStatus.APPROVED), kind=ItemKind.CATALOG)
    html = office_client.get(pick).content.decode()
    assert 'name="shape"' not in html
    assert 'name="dim_length"' not in html
    assert "Work out the area from the shape" not in html


def test_a_box_works_out_its_area_and_the_item_is_priced_with_it(office_client, black):
    """12 x 10 x 8 in with the area box left empty: 4.11 sq ft, saved on the item."""
    job = job_at(JobStatus.APPROVED)
    url = size_step(office_client, job, ItemKind.CALCULATED)
    coats_url = follow(step(office_client, url, quantity="3", surface_area_sqft="", **BOX))
    page = office_client.get(coats_url).content.decode()
    assert "Area per part: <strong>4.11 sq ft</strong> (from the shape)" in page
    size_again = office_client.get(url).content.decode()
    assert 'name="surface_area_sqft" value="4.11"' in size_again  # the box shows the figure
    url = follow(step(office_client, coats_url, **coats((black, CoatLayer.BASE))))
    url = follow(step(office_client, follow(step(office_client, url))))
    follow(step(office_client, url, button="_finish"))
    item = LineItem.objects.get(job=job)
    assert (item.surface_area_sqft, item.quantity) == (Decimal("4.110"), 3)
    # The shape stays with the item, so editing it later opens on the same box.
    assert (item.shape, item.dimensions) == ("box", {"length": "12", "width": "10", "height": "8"})


def test_the_live_estimate_hands_the_page_the_shapes_figure(office_client, company):
    """While sizes are typed the estimate carries the box's 4.11 sq ft for the area box."""
    job = job_at(JobStatus.APPROVED)
    url = size_step(office_client, job, ItemKind.FLAT_RATE)
    token = url.split("/")[-3]
    estimate = reverse("admin:powdercoat_job_item_estimate", args=[job.pk, token])
    fields = {"_step": "size", "quantity": "1", "flat_unit_price": "20", "surface_area_sqft": ""}
    html = office_client.post(estimate, {**fields, **BOX}).content.decode()
    assert 'data-area-from-shape="4.11"' in html
    assert "Area per part: <strong>4.11 sq ft</strong> (from the shape)" in html
    half_typed = office_client.post(estimate, {**fields, **BOX, "dim_height": ""})
    assert "Height (in) is required." in half_typed.content.decode()
    assert "data-area-from-shape" not in half_typed.content.decode()


def test_new_sizes_replace_the_shapes_figure_without_javascript(office_client, company):
    """Back on the step, the box still holds the shape's 4.11; a taller box makes it 7.78."""
    job = job_at(JobStatus.APPROVED)
    url = size_step(office_client, job, ItemKind.CALCULATED)
    follow(step(office_client, url, quantity="1", surface_area_sqft="", **BOX))
    follow(step(office_client, url, dim_height="20"))  # the page's 4.11 and its marker sent back
    assert draft_of(office_client, url).surface_area_sqft == Decimal("7.78")


def test_a_typed_area_wins_over_the_shape_and_is_marked_typed(office_client, black):
    """A figure typed over the shape's is kept, and the estimate says it was typed in."""
    job = job_at(JobStatus.APPROVED)
    url = size_step(office_client, job, ItemKind.CALCULATED)
    follow(step(office_client, url, quantity="1", surface_area_sqft="", **BOX))
    coats_url = follow(step(office_client, url, surface_area_sqft="5", dim_height="20"))
    draft = draft_of(office_client, url)
    assert (draft.surface_area_sqft, draft.area_typed_in) == (Decimal("5"), True)
    html = office_client.get(coats_url).content.decode()
    assert "Area per part: <strong>5 sq ft</strong> (typed in)" in html


def test_work_out_the_area_button_stays_on_the_step_with_the_box_filled(office_client, company):
    """Without JavaScript, "Work out the area now" shows the figure before moving on."""
    job = job_at(JobStatus.APPROVED)
    url = size_step(office_client, job, ItemKind.LABOR_ONLY)
    again = follow(
        step(
            office_client,
            url,
            button="_shape_area",
            quantity="2",
            labor_hours="1.5",
            surface_area_sqft="",
            shape="cylinder",
            dim_diameter="4",
            dim_length="36",
        )
    )
    assert again == url
    data = form_data(office_client.get(url).content.decode(), "item-wizard")
    # 4 in x 36 in: π·4·36 + 2·π·2² = 152π in² / 144 = 3.32 sq ft.
    assert (data["surface_area_sqft"], data["area_from_shape"]) == ("3.32", "3.32")
    assert (data["shape"], data["dim_diameter"], data["dim_length"]) == ("cylinder", "4", "36")


def test_a_missing_size_is_named_on_the_step(office_client, company):
    """A box without its height stays on the step and says which size is missing."""
    url = size_step(office_client, job_at(JobStatus.APPROVED), ItemKind.CALCULATED)
    html = errors_of(
        step(office_client, url, quantity="1", surface_area_sqft="", **{**BOX, "dim_height": ""})
    )
    assert "Height (in) is required." in html


def test_a_calculated_item_needs_an_area_or_a_shape(office_client, company):
    """Neither a typed area nor a shape: the step asks for one of them."""
    url = size_step(office_client, job_at(JobStatus.APPROVED), ItemKind.CALCULATED)
    html = errors_of(step(office_client, url, quantity="1", surface_area_sqft="", shape=""))
    assert "Enter the area of one part (more than 0 sq ft), or pick its shape" in html


def test_flat_rate_keeps_its_typed_price_with_an_area_from_the_shape(office_client, black):
    """A frame of 1.5 in tube, 240 in long: 7.85 sq ft for the powder; still $20 a part."""
    job = job_at(JobStatus.APPROVED)
    url = size_step(office_client, job, ItemKind.FLAT_RATE)
    fields = {"shape": "frame_tube", "dim_tube_diameter": "1.5", "dim_total_length": "240"}
    url = follow(
        step(
            office_client,
            url,
            quantity="2",
            flat_unit_price="20.00",
            surface_area_sqft="",
            **fields,
        )
    )
    url = follow(step(office_client, url, **coats((black, CoatLayer.BASE))))
    url = follow(step(office_client, url))
    follow(step(office_client, url, button="_finish"))
    item = LineItem.objects.get(job=job)
    assert (item.surface_area_sqft, item.unit_price) == (Decimal("7.850"), Decimal("20.00"))


def test_the_sizes_of_another_shape_are_left_behind(office_client, company):
    """Sizes typed for a wheel, then a box chosen: only the box's sizes are kept."""
    url = size_step(office_client, job_at(JobStatus.APPROVED), ItemKind.CALCULATED)
    follow(step(office_client, url, quantity="1", surface_area_sqft="", dim_diameter="17", **BOX))
    draft = draft_of(office_client, url)
    assert draft.dimensions == {"length": "12", "width": "10", "height": "8"}
    assert draft.shape == "box"
