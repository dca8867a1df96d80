"""Every admin list runs the same number of SQL queries for 2 rows or 20 (no N+1)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from powdercoat.models.choices import ActivityKind
from powdercoat.services.inventory import inventory_activity_record
from tests.factories import (
    CatalogProductFactory,
    JobFactory,
    PowderFactory,
    PrepServiceFactory,
    UserFactory,
    WorkerFactory,
)

pytestmark = pytest.mark.django_db


def _customer_with_jobs():
    job = JobFactory()
    JobFactory(customer=job.customer)


def _powder_with_activity():
    powder = PowderFactory(opening_stock=Decimal("10"))
    inventory_activity_record(
        item=powder, kind=ActivityKind.USAGE, quantity=Decimal("1"), user=None, job=JobFactory()
    )


def _product_with_coats():
    product = CatalogProductFactory()
    for position in (1, 2):
        product.coats.create(powder=PowderFactory(), position=position)
    product.prep_services.add(PrepServiceFactory())


def _worker_with_login():
    WorkerFactory(user=UserFactory())


LISTS = {
    "customer": _customer_with_jobs,
    "inventoryitem": _powder_with_activity,
    "inventoryactivity": _powder_with_activity,
    "catalogproduct": _product_with_coats,
    "prepservice": PrepServiceFactory,
    "worker": _worker_with_login,
}


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("model", LISTS)
def test_list_queries_do_not_grow_with_rows(company, office_client, model):
    """The count for 2 rows equals the count for 20 rows."""
    url = reverse(f"admin:powdercoat_{model}_changelist")
    make = LISTS[model]
    for _ in range(2):
        make()
    few = _queries(office_client, url)
    for _ in range(18):
        make()
    assert _queries(office_client, url) == few
