"""Ovens in the admin: who may set them up, and the capacities refused in words (SPEC O1)."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from powdercoat.models import Oven
from powdercoat.models.choices import OvenCapacityUnit
from tests.helpers import page_key

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:powdercoat_oven_changelist")
ADD = reverse("admin:powdercoat_oven_add")


def _add(client: Client, **fields) -> object:
    data = {
        "name": "Batch oven",
        "capacity": "24",
        "capacity_unit": OvenCapacityUnit.RACK_POSITIONS,
        "is_active": "on",
        "position": "2",
        "submission_key": page_key(client, ADD),
    }
    data.update(fields)
    return client.post(ADD, data)


def test_a_supervisor_adds_a_rack_oven_and_the_list_shows_its_capacity(supervisor_client):
    """Saved with its unit; the list reads "24 rack positions"."""
    response = _add(supervisor_client)
    assert response.status_code == 302
    oven = Oven.objects.get(name="Batch oven")
    assert (oven.capacity, oven.capacity_unit) == (Decimal("24"), OvenCapacityUnit.RACK_POSITIONS)
    assert "24 rack positions" in supervisor_client.get(CHANGELIST).content.decode()


def test_the_sidebar_offers_ovens_under_settings(supervisor_client):
    """The shop lead finds the ovens from any admin page."""
    html = supervisor_client.get(reverse("admin:index")).content.decode()
    assert f'href="{CHANGELIST}"' in html


@pytest.mark.parametrize(
    ("capacity", "unit", "words"),
    [
        ("24.5", OvenCapacityUnit.RACK_POSITIONS, "Rack positions are counted whole"),
        ("0", OvenCapacityUnit.SQ_FT, "greater than or equal to 0.1"),
        ("1e9", OvenCapacityUnit.SQ_FT, "no more than 7 digits"),
        ("<script>alert(1)</script>", OvenCapacityUnit.SQ_FT, "Enter a number"),
    ],
)
def test_a_capacity_no_oven_has_is_refused_in_words(supervisor_client, capacity, unit, words):
    """The form says what is wrong and saves nothing."""
    response = _add(supervisor_client, capacity=capacity, capacity_unit=unit)
    assert response.status_code == 200
    assert words in response.content.decode()
    assert not Oven.objects.filter(name="Batch oven").exists()


def test_office_sees_the_ovens_but_does_not_change_them(office_client):
    """The office reads the capacities it plans with; the floor's leads keep them right."""
    assert office_client.get(CHANGELIST).status_code == 200
    assert office_client.get(ADD).status_code == 403


def test_shop_floor_does_not_open_the_oven_list(floor_client):
    """The floor sees the ovens in the plan, not the admin's setup list."""
    assert floor_client.get(CHANGELIST).status_code == 403
