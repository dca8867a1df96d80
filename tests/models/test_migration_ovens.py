"""Migration 0026 turns the one oven-capacity setting into the shop's first oven."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from powdercoat.models import Oven
from tests.helpers import migrated_back_to

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("powdercoat", "0025_status_link")]
AFTER = [("powdercoat", "0026_ovens")]


@pytest.fixture
def migrated_back_to_0025():
    """The database as it stood before 0026; brought back to the latest schema afterwards."""
    with migrated_back_to(BEFORE) as apps:
        yield apps


def test_the_shops_capacity_becomes_its_first_oven(migrated_back_to_0025):
    """A shop that had set 80 sq ft a cycle has one 80 sq ft oven after the upgrade."""
    old = migrated_back_to_0025
    old.get_model("powdercoat", "CompanySettings").objects.update_or_create(
        pk=1, defaults={"oven_capacity_sqft": Decimal("80")}
    )
    MigrationExecutor(connection).migrate(AFTER)
    assert list(Oven.objects.values_list("name", "capacity", "capacity_unit", "is_active")) == [
        ("Oven", Decimal("80"), "sqft", True)
    ]
