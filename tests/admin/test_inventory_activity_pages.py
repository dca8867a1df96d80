"""The stock ledger's own pages answer every role, and bad input stays on the form."""

from decimal import Decimal

import pytest
from django.urls import reverse

from powdercoat.models import InventoryActivity, InventoryItem
from powdercoat.models.choices import ActivityKind
from tests.factories import PowderFactory
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["office_client", "floor_client"])
def test_a_ledger_rows_page_opens_read_only(role, request, company):
    """A row's page (linked from the list) shows the row; it was a KeyError for every role."""
    client = request.getfixturevalue(role)
    powder = PowderFactory(name="Gloss black", opening_stock=Decimal("12"))
    row = InventoryActivity.objects.get(item=powder)
    page = client.get(reverse("admin:powdercoat_inventoryactivity_change", args=[row.pk]))
    assert page.status_code == 200
    assert "Gloss black" in page.content.decode()


def test_shop_floor_adds_a_return_without_any_cost_field(company, floor_client):
    """The floor's Add form has no cost (no prices for them) and still books the row."""
    powder = PowderFactory(opening_stock=Decimal("10"))
    url = reverse("admin:powdercoat_inventoryactivity_add")
    page = floor_client.get(url)
    assert page.status_code == 200
    data = form_data(page.content.decode(), form_id="inventoryactivity_form")
    assert "unit_cost" not in data
    data.update(item=str(powder.pk), kind=ActivityKind.RETURN, quantity="1.5")
    response = floor_client.post(url, data)
    assert response.status_code == 302
    assert InventoryItem.objects.get(pk=powder.pk).quantity_on_hand == Decimal("11.5")


def test_a_negative_unit_cost_is_refused_on_its_field(company, office_client):
    """A receipt at -$3 a pound: the form says so on the cost; nothing is booked."""
    powder = PowderFactory(opening_stock=Decimal("10"))
    url = reverse("admin:powdercoat_inventoryactivity_add")
    data = form_data(office_client.get(url).content.decode(), form_id="inventoryactivity_form")
    data.update(item=str(powder.pk), kind=ActivityKind.RECEIPT, quantity="5", unit_cost="-3")
    response = office_client.post(url, data)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["unit_cost"] == ["A unit cost cannot be negative."]
    assert InventoryItem.objects.get(pk=powder.pk).quantity_on_hand == Decimal("10")


def test_the_date_filter_keeps_the_whole_last_day(company, office_client):
    """A ledger row at 17:00 on the last day chosen is listed; one the next morning is not."""
    import datetime

    from django.utils import timezone

    powder = PowderFactory()
    rows = list(InventoryActivity.objects.filter(item=powder))
    opening = rows[0]
    late = timezone.make_aware(datetime.datetime(2025, 3, 31, 17, 0))
    InventoryActivity.objects.filter(pk=opening.pk).update(created_at=late)
    response = office_client.get(
        reverse("admin:powdercoat_inventoryactivity_changelist"),
        {"created_at_from": "2025-03-31", "created_at_to": "2025-03-31"},
    )
    assert response.context["cl"].result_count == 1
    response = office_client.get(
        reverse("admin:powdercoat_inventoryactivity_changelist"),
        {"created_at_from": "2025-04-01", "created_at_to": "2025-04-01"},
    )
    assert response.context["cl"].result_count == 0
