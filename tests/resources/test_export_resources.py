"""Exports of jobs (items flattened), quotes, invoices and the stock ledger (SPEC X1)."""

from decimal import Decimal

import pytest

from powdercoat.models import InventoryActivity, Invoice, Job, Quote
from powdercoat.models.choices import CoatLayer
from powdercoat.resources import (
    InventoryActivityExportResource,
    InvoiceExportResource,
    JobExportResource,
    QuoteExportResource,
)
from powdercoat.services.inventory import inventory_activity_reverse, material_usage_log
from tests.factories import (
    JobFactory,
    LineItemCoatFactory,
    LineItemFactory,
    LineItemPrepFactory,
    PowderFactory,
    PrepServiceFactory,
    QuoteFactory,
    QuoteLineItemFactory,
    invoiced_job,
)

pytestmark = pytest.mark.django_db


def test_jobs_export_one_row_per_item_with_the_job_repeated(django_assert_max_num_queries):
    """Two items give two rows with coats and prep; a job without items still has its row."""
    job = JobFactory(po_number="PO-7")
    first = LineItemFactory(job=job, description="Gate", quantity=2, unit_price=Decimal("40"))
    LineItemCoatFactory(item=first, powder=PowderFactory(sku="BLK"), layer=CoatLayer.BASE)
    LineItemCoatFactory(
        item=first, powder=PowderFactory(sku="CLR"), layer=CoatLayer.CLEAR, position=2
    )
    LineItemPrepFactory(item=first, prep_service=PrepServiceFactory(name="Sandblasting"))
    LineItemFactory(job=job, description="Post", quantity=1, unit_price=Decimal("15"), position=2)
    empty = JobFactory()
    with django_assert_max_num_queries(8):
        dataset = JobExportResource().export(Job.objects.order_by("number"))
    rows = dataset.dict
    assert [row["Job"] for row in rows] == [job.number, job.number, empty.number]
    gate, post, nothing = rows
    assert (gate["Item"], gate["Quantity"], gate["Coats"], gate["Prep services"]) == (
        "Gate",
        "2",
        "BLK:base; CLR:clear",
        "Sandblasting",
    )
    assert (gate["Unit price"], gate["Line total"], gate["Job total"]) == (
        "40.00",
        "80.00",
        "95.00",
    )
    assert (post["Item"], post["PO number"], post["Status"]) == ("Post", "PO-7", "Pending")
    assert (nothing["Item"], nothing["Line total"]) == ("", "")


def test_quotes_export_their_totals_and_recipient():
    """A quote row carries its status, customer and money columns."""
    quote = QuoteFactory(description="Wheels")
    QuoteLineItemFactory(quote=quote, quantity=4, unit_price=Decimal("25"))
    (row,) = QuoteExportResource().export(Quote.objects.all()).dict
    assert (row["Quote"], row["Status"], row["Customer or prospect"]) == (
        quote.number,
        "Draft",
        quote.customer.display_name,
    )
    assert (row["Items total"], row["Total"]) == ("100.00", "100.00")


def test_invoices_export_what_is_paid_and_still_owed():
    """Balance and paid are exported figures (and no import can write them)."""
    invoice = invoiced_job(items=((3, Decimal("10.00")),))
    (row,) = InvoiceExportResource().export(Invoice.objects.all()).dict
    assert (row["Invoice"], row["Job"], row["Status"]) == (
        invoice.number,
        invoice.job.number,
        "Draft",
    )
    assert (row["Total"], row["Paid"], row["Balance"]) == ("30.00", "0.00", "30.00")


def test_inventory_activity_exports_the_ledger():
    """The opening row of a new powder, with its item, change and balance."""
    PowderFactory(sku="BLK", opening_stock=Decimal("12.5"))
    (row,) = InventoryActivityExportResource().export(InventoryActivity.objects.all()).dict
    assert (row["SKU"], row["Kind"], row["Change"], row["Balance"], row["Unit"]) == (
        "BLK",
        "Opening",
        "12.5",
        "12.5",
        "lb",
    )


def test_a_ledger_reversal_names_the_row_it_cancels_in_the_export():
    """The reversal's Reverses row is the usage row's Row; the usage row's is empty."""
    powder = PowderFactory(sku="BLK", opening_stock=Decimal("12.5"))
    usage = material_usage_log(job=JobFactory(), item=powder, lbs=Decimal("2"), user=None)
    inventory_activity_reverse(activity=usage, reason="Wrong job", user=None)
    rows = InventoryActivityExportResource().export(InventoryActivity.objects.all()).dict
    by_row = {row["Row"]: row for row in rows}
    reversal = next(row for row in rows if row["Reverses row"])
    assert reversal["Reverses row"] == str(usage.pk)
    assert (reversal["Kind"], reversal["Change"], reversal["Note"]) == ("Usage", "2", "Wrong job")
    assert by_row[str(usage.pk)]["Reverses row"] == ""
