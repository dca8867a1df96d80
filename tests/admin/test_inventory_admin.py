"""Inventory pages: low-stock flags, opening stock through the ledger, adding stock changes."""

from decimal import Decimal

import pytest
from django.urls import reverse

from powdercoat.models import InventoryActivity, InventoryItem
from powdercoat.models.choices import ActivityKind
from tests.factories import PowderFactory
from tests.helpers import form_data

pytestmark = pytest.mark.django_db
ITEMS_URL = reverse("admin:powdercoat_inventoryitem_changelist")
ADD_ITEM_URL = reverse("admin:powdercoat_inventoryitem_add")
ADD_ACTIVITY_URL = reverse("admin:powdercoat_inventoryactivity_add")


def test_low_stock_items_are_flagged_and_filterable(company, office_client):
    """At or below the reorder point reads "Low stock"; the filter lists only those."""
    low = PowderFactory(name="Traffic Red", opening_stock=Decimal("4"), reorder_point=Decimal("5"))
    ok = PowderFactory(name="Signal White", opening_stock=Decimal("40"), reorder_point=Decimal("5"))
    html = office_client.get(ITEMS_URL).content.decode()
    assert html.count("▼ Low stock") == 1
    response = office_client.get(ITEMS_URL, {"stock": "low"})
    assert [item.pk for item in response.context["cl"].result_list] == [low.pk]
    assert ok.name not in response.content.decode()


def test_new_item_form_books_opening_stock_through_the_ledger(company, office_client, office_user):
    """Creating an item with 25 lb opening stock writes one Opening row by the user."""
    data = form_data(office_client.get(ADD_ITEM_URL).content.decode(), form_id="inventoryitem_form")
    data.update(
        name="Gloss Black",
        sku="TIG-9005",
        category="powder",
        unit="lb",
        unit_cost="11.40",
        reorder_point="10",
        opening_quantity="25",
        specific_gravity="1.6",
        film_thickness_mils="2",
    )
    response = office_client.post(ADD_ITEM_URL, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    item = InventoryItem.objects.get(sku="TIG-9005")
    assert item.quantity_on_hand == Decimal("25")
    row = InventoryActivity.objects.get(item=item)
    assert (row.kind, row.quantity, row.user) == (ActivityKind.OPENING, Decimal("25"), office_user)
    page = office_client.get(reverse("admin:powdercoat_inventoryitem_change", args=[item.pk]))
    assert "60.1 sq ft/lb (from SG 1.6 at 2 mils), 65% transfer efficiency" in page.content.decode()


def test_on_hand_cannot_be_typed_on_the_item_form(company, office_client):
    """Posting a quantity on hand with an edit changes nothing: stock moves only via the ledger."""
    item = PowderFactory(opening_stock=Decimal("10"))
    url = reverse("admin:powdercoat_inventoryitem_change", args=[item.pk])
    data = form_data(office_client.get(url).content.decode(), form_id="inventoryitem_form")
    data.update(quantity_on_hand="999", name="Renamed powder")
    assert office_client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert (item.name, item.quantity_on_hand) == ("Renamed powder", Decimal("10"))


def _post_activity(client, **fields):
    data = form_data(
        client.get(ADD_ACTIVITY_URL).content.decode(), form_id="inventoryactivity_form"
    )
    data.update({name: str(value) for name, value in fields.items()})
    return client.post(ADD_ACTIVITY_URL, data, follow=True)


def test_receipt_added_from_the_activity_page(company, office_client):
    """A receipt of 20 lb at $13.10 raises stock and sets the cost."""
    item = PowderFactory(opening_stock=Decimal("5"))
    response = _post_activity(
        office_client,
        item=item.pk,
        kind="receipt",
        quantity="20",
        unit_cost="13.10",
        note="PO 4471",
    )
    assert response.status_code == 200
    item.refresh_from_db()
    assert (item.quantity_on_hand, item.unit_cost) == (Decimal("25"), Decimal("13.10"))
    assert InventoryActivity.objects.filter(item=item, kind="receipt", note="PO 4471").exists()


def test_usage_below_zero_is_saved_with_a_warning(company, office_client):
    """Using more than is on the shelf is recorded, and the page says to check the count."""
    item = PowderFactory(name="Illusion Purple", opening_stock=Decimal("1"))
    response = _post_activity(office_client, item=item.pk, kind="usage", quantity="2.5")
    assert "Illusion Purple is now below zero (-1.5 lb)" in response.content.decode()
    item.refresh_from_db()
    assert item.quantity_on_hand == Decimal("-1.5")


def test_bad_amounts_get_a_message_and_change_nothing(company, office_client):
    """A zero or negative usage is refused on the form; stock and ledger stay as they were."""
    item = PowderFactory(opening_stock=Decimal("10"))
    for quantity in ("0", "-3", "abc"):
        response = _post_activity(office_client, item=item.pk, kind="usage", quantity=quantity)
        assert response.status_code == 200
        assert (
            "errorlist" in response.content.decode()
            or "Enter a number" in response.content.decode()
        )
    item.refresh_from_db()
    assert item.quantity_on_hand == Decimal("10")
    assert InventoryActivity.objects.filter(item=item).count() == 1


def test_ledger_rows_cannot_be_edited_or_deleted(company, office_client):
    """The ledger is read-only: changes come as new rows."""
    item = PowderFactory(opening_stock=Decimal("10"))
    row = InventoryActivity.objects.get(item=item)
    change_url = reverse("admin:powdercoat_inventoryactivity_change", args=[row.pk])
    delete_url = reverse("admin:powdercoat_inventoryactivity_delete", args=[row.pk])
    assert office_client.post(change_url, {"quantity": "500"}).status_code == 403
    assert office_client.post(delete_url, {"post": "yes"}).status_code == 403
    row.refresh_from_db()
    assert row.quantity == Decimal("10")
