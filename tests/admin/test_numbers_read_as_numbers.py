"""Rates print as people write them on the job, item and invoice pages: 10%, 12.5%, 100%,
never a Decimal's own "1E+1%"."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils.html import strip_tags

from powdercoat.models.choices import JobStatus
from tests.factories import LineItemFactory, PowderFactory, invoiced_job, job_at

pytestmark = pytest.mark.django_db
RATES = [("10", "10%"), ("12.5", "12.5%"), ("100", "100%")]


def _text(response) -> str:
    """The page as a person reads it: tags gone, spaces single."""
    assert response.status_code == 200
    return " ".join(strip_tags(response.content.decode()).split())


@pytest.mark.parametrize(("stored", "shown"), RATES)
def test_the_job_page_writes_its_discount_and_rush_rates(company, office_client, stored, shown):
    """The Price tab says "Discount 10%" and the rush surcharge the same way."""
    job = job_at(
        JobStatus.COATING,
        discount_percent=Decimal(stored),
        rush_surcharge_percent=Decimal(stored),
    )
    LineItemFactory(job=job, quantity=2, unit_price=Decimal("100"))
    job.refresh_from_db()
    assert job.discount_amount > 0
    text = _text(office_client.get(reverse("admin:powdercoat_job_change", args=[job.pk])))
    assert f"Discount {shown}" in text
    assert not re.search(r"\dE[+-]\d", text)


@pytest.mark.parametrize(("stored", "shown"), RATES)
def test_the_powder_page_writes_its_transfer_efficiency(company, office_client, stored, shown):
    """An item's coverage line says "70% transfer efficiency", not "7E+1%"."""
    powder = PowderFactory(transfer_efficiency=Decimal(stored))
    text = _text(
        office_client.get(reverse("admin:powdercoat_inventoryitem_change", args=[powder.pk]))
    )
    assert f"{shown} transfer efficiency" in text
    assert not re.search(r"\dE[+-]\d", text)


@pytest.mark.parametrize(("stored", "shown"), RATES)
def test_the_invoice_page_writes_its_discount(company, office_client, stored, shown):
    """The invoice's price lines say "Discount 10%"."""
    invoice = invoiced_job(discount_percent=Decimal(stored))
    text = _text(office_client.get(reverse("admin:powdercoat_invoice_change", args=[invoice.pk])))
    assert f"Discount {shown}" in text
    assert not re.search(r"\dE[+-]\d", text)
