"""Money and stock are put right, never edited away: reversal rows that name the original.

A payment entered by mistake is taken back by a negative payment; a wrong ledger row by an
opposite row of the same kind. Both say why, who and when; a row is reversed once.
"""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from powdercoat.models import InventoryActivity, InventoryItem, Payment
from powdercoat.models.choices import ActivityKind, InvoiceStatus
from powdercoat.selectors import job_materials, powder_demand
from powdercoat.services.checks import ConfirmationNeeded
from powdercoat.services.inventory import (
    inventory_activity_record,
    inventory_activity_reverse,
    material_usage_log,
)
from powdercoat.services.invoices import (
    invoice_payments_in_order,
    invoice_void,
    payment_reverse,
)
from tests.factories import (
    JobFactory,
    LineItemCoatFactory,
    LineItemFactory,
    PowderFactory,
    invoiced_job,
    paid,
)

pytestmark = pytest.mark.django_db
D = Decimal


# -- payments --------------------------------------------------------------------------------


def test_reversing_a_part_payment_puts_paid_balance_and_status_back(company, office_user):
    """$80 invoice, $30 and $20 paid, the $20 reversed: paid $30, balance $50, Partially Paid."""
    invoice = invoiced_job(items=[(4, D("20.00"))])  # $80.00, no tax by default
    total = invoice.total
    paid(invoice, "30.00")
    wrong = paid(invoice, "20.00")
    reversal = payment_reverse(payment=wrong, reason="Cheque bounced", user=office_user)
    invoice.refresh_from_db()
    assert (reversal.amount, reversal.reverses, reversal.reason) == (
        D("-20.00"),
        wrong,
        "Cheque bounced",
    )
    assert reversal.recorded_by == office_user
    assert invoice.amount_paid == D("30.00")
    assert invoice.balance == total - D("30.00")
    assert invoice.status == InvoiceStatus.PARTIALLY_PAID


def test_reversing_the_only_payment_of_a_paid_invoice_leaves_it_sent(company):
    """Paid in full by one payment, then reversed: nothing paid, the whole total owed, Sent."""
    invoice = invoiced_job()
    payment = paid(invoice, str(invoice.total))
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    payment_reverse(payment=payment, reason="Card charge disputed", user=None)
    invoice.refresh_from_db()
    assert (invoice.amount_paid, invoice.balance) == (D("0"), invoice.total)
    assert invoice.status == InvoiceStatus.SENT


def test_a_payment_is_reversed_once_and_a_reversal_not_at_all(company):
    """The second reversal of the same payment, and a reversal of a reversal, are refused."""
    invoice = invoiced_job()
    payment = paid(invoice, "10.00")
    reversal = payment_reverse(payment=payment, reason="Typed twice", user=None)
    with pytest.raises(ValidationError, match="was already reversed on"):
        payment_reverse(payment=payment, reason="Again", user=None)
    with pytest.raises(ValidationError, match="itself a reversal"):
        payment_reverse(payment=reversal, reason="Undo the undo", user=None)
    assert Payment.objects.filter(invoice=invoice).count() == 2


def test_a_reversal_needs_a_reason(company):
    """No reason, nothing written."""
    invoice = invoiced_job()
    payment = paid(invoice, "10.00")
    with pytest.raises(ValidationError, match="Say why"):
        payment_reverse(payment=payment, reason="  ", user=None)
    assert not Payment.objects.filter(reverses=payment).exists()


def test_payments_are_listed_with_each_reversal_under_its_payment(company):
    """Oldest first; a reversal comes straight after the payment it cancels."""
    invoice = invoiced_job(items=[(10, D("20.00"))])
    first = paid(invoice, "10.00")
    second = paid(invoice, "20.00")
    third = paid(invoice, "30.00")
    undo = payment_reverse(payment=first, reason="Wrong invoice", user=None)
    listed = invoice_payments_in_order(invoice)
    assert listed == [first, undo, second, third]
    assert listed[0].reversed_by == undo
    assert listed[2].reversed_by is None


def test_an_invoice_whose_payments_were_all_reversed_can_be_voided(company):
    """Money back out to zero: the invoice may be voided again."""
    invoice = invoiced_job()
    payment_reverse(payment=paid(invoice, "10.00"), reason="Paid the wrong shop", user=None)
    invoice_void(invoice=invoice, reason="Job cancelled", user=None)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.VOID


def test_the_same_payment_twice_within_half_an_hour_asks_first(company):
    """$40 recorded, then $40 again: a question with both figures; confirmed, it is recorded."""
    invoice = invoiced_job()
    paid(invoice, "40.00", reference="Check 77")
    with pytest.raises(ConfirmationNeeded) as asked:
        paid(invoice, "40.00")
    assert asked.value.prompt == "Yes, record a second $40.00"
    figures = [f.value for f in asked.value.figures]
    assert "$40.00" in figures[0]
    assert "Check 77" in figures[1]
    assert Payment.objects.filter(invoice=invoice).count() == 1
    paid(invoice, "40.00", confirmed=True)
    assert Payment.objects.filter(invoice=invoice).count() == 2


def test_a_different_amount_or_an_older_one_is_not_asked_about(company):
    """$40 then $5 is fine; so is $40 again once the first is over half an hour old."""
    invoice = invoiced_job(items=[(10, D("20.00"))])
    first = paid(invoice, "40.00")
    paid(invoice, "5.00")
    Payment.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - timezone.timedelta(minutes=31)
    )
    paid(invoice, "40.00")
    assert Payment.objects.filter(invoice=invoice).count() == 3


def test_a_reversed_payment_does_not_count_as_the_earlier_one(company):
    """$40 recorded and reversed as a mistake: entering the right $40 is not questioned."""
    invoice = invoiced_job()
    payment_reverse(payment=paid(invoice, "40.00"), reason="Wrong invoice", user=None)
    paid(invoice, "40.00")
    assert Payment.objects.filter(invoice=invoice, amount=D("40.00")).count() == 2


# -- stock -----------------------------------------------------------------------------------


def test_reversing_a_usage_row_returns_the_stock_and_the_jobs_logged_amount(company, office_user):
    """20 lb, 5 lb logged by mistake then reversed: 20 lb again; the job shows 0 lb logged."""
    job = JobFactory()
    powder = PowderFactory(opening_stock=D("20"))
    LineItemCoatFactory(item=LineItemFactory(job=job, quantity=10), powder=powder)
    usage = material_usage_log(job=job, item=powder, lbs=D("5"), user=None, confirmed=True)
    demand_before = powder_demand()[powder.pk]
    reversal = inventory_activity_reverse(
        activity=usage, reason="Logged on the wrong job", user=office_user
    )
    assert (reversal.kind, reversal.quantity, reversal.reverses, reversal.job) == (
        ActivityKind.USAGE,
        D("5"),
        usage,
        job,
    )
    assert (reversal.balance_after, reversal.note, reversal.user) == (
        D("20"),
        "Logged on the wrong job",
        office_user,
    )
    assert InventoryItem.objects.get(pk=powder.pk).quantity_on_hand == D("20")
    row = next(row for row in job_materials(job) if row.item == powder)
    assert row.logged_lbs == 0
    assert powder_demand()[powder.pk] > demand_before  # the job needs its powder again


def test_reversing_a_receipt_takes_the_stock_back_and_restores_the_cost(company):
    """A receipt of 10 lb at $99/lb typed by mistake: stock and the $12 cost come back."""
    powder = PowderFactory(opening_stock=D("20"), unit_cost=D("12.00"))
    receipt = inventory_activity_record(
        item=powder, kind=ActivityKind.RECEIPT, quantity=D("10"), unit_cost=D("99"), user=None
    )
    assert InventoryItem.objects.get(pk=powder.pk).unit_cost == D("99")
    inventory_activity_reverse(activity=receipt, reason="Price typed wrong", user=None)
    item = InventoryItem.objects.get(pk=powder.pk)
    assert (item.quantity_on_hand, item.unit_cost) == (D("20"), D("12.00"))


def test_a_ledger_row_is_reversed_once(company):
    """The second reversal of the same row is refused; an opening is not reversed."""
    powder = PowderFactory(opening_stock=D("20"))
    adjustment = inventory_activity_record(
        item=powder, kind=ActivityKind.ADJUSTMENT, quantity=D("-3"), user=None
    )
    reversal = inventory_activity_reverse(activity=adjustment, reason="Miscounted", user=None)
    with pytest.raises(ValidationError, match="was already reversed on"):
        inventory_activity_reverse(activity=adjustment, reason="Again", user=None)
    with pytest.raises(ValidationError, match="itself a reversal"):
        inventory_activity_reverse(activity=reversal, reason="Undo", user=None)
    opening = InventoryActivity.objects.get(item=powder, kind=ActivityKind.OPENING)
    with pytest.raises(ValidationError, match="Opening stock is not reversed"):
        inventory_activity_reverse(activity=opening, reason="Wrong count", user=None)
    assert InventoryItem.objects.get(pk=powder.pk).quantity_on_hand == D("20")
    assert InventoryActivity.objects.filter(item=powder).count() == 3


def test_a_ledger_reversal_needs_a_reason(company):
    """No reason, no row, no stock change."""
    powder = PowderFactory(opening_stock=D("20"))
    usage = material_usage_log(job=JobFactory(), item=powder, lbs=D("1"), user=None)
    with pytest.raises(ValidationError, match="Say why"):
        inventory_activity_reverse(activity=usage, reason="", user=None)
    assert InventoryItem.objects.get(pk=powder.pk).quantity_on_hand == D("19")
