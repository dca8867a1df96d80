"""Revenue report (SPEC R2): invoiced and collected per month and customer, days to pay."""

from datetime import date
from decimal import Decimal

import pytest

from powdercoat.models import Invoice, Payment
from powdercoat.reports import Period
from powdercoat.reports.revenue import RevenueFigures, revenue_report
from powdercoat.services.invoices import invoice_update, invoice_void, payment_reverse
from tests.factories import CustomerFactory, invoiced_job, paid

pytestmark = pytest.mark.django_db
D = Decimal

MARCH = Period(date(2025, 3, 1), date(2025, 3, 31))
SPRING = Period(date(2025, 3, 1), date(2025, 5, 31))


def _invoice(amount: str, dated: date, **job_fields) -> Invoice:
    """An invoice of one line worth `amount` (no tax, no discount), redated to `dated` as the
    office would on its page (due 30 days later)."""
    invoice = invoiced_job(items=((1, D(amount)),), **job_fields)
    invoice.invoice_date = dated
    invoice.due_date = date.fromordinal(dated.toordinal() + 30)
    return invoice_update(invoice=invoice, user=None)


def _reverse(payment: Payment, *, on: date) -> Payment:
    """Reverse `payment` through the service; the reversal is dated `on` (the service dates it
    today, which would fall outside the fixed periods of these tests)."""
    reversal = payment_reverse(payment=payment, reason="typed on the wrong invoice", user=None)
    Payment.objects.filter(pk=reversal.pk).update(paid_on=on)
    return reversal


def _march_example():
    """Two March invoices of 100 and 50 for one customer; the 100 paid 40 + 60 on 10 and 20
    days after its date."""
    customer = CustomerFactory(company_name="Acme Fab")
    hundred = _invoice("100", date(2025, 3, 3), customer=customer)
    fifty = _invoice("50", date(2025, 3, 12), customer=customer)
    paid(hundred, "40", paid_on=date(2025, 3, 13))
    paid(hundred, "60", paid_on=date(2025, 3, 23))
    return customer, hundred, fifty


def test_two_invoices_one_paid_in_two_payments(company):
    """Invoiced 100 + 50 = 150; collected 40 + 60 = 100; 50 still owed; the 100 was paid in
    full 20 days after its date (its last payment), so 20.0 days to pay."""
    customer, _hundred, _fifty = _march_example()

    report = revenue_report(period=MARCH)

    expected = RevenueFigures(
        invoiced=D("150.00"),
        invoices_count=2,
        collected=D("100.00"),
        outstanding=D("50.00"),
        paid_count=1,
        average_days_to_pay=D("20.0"),
    )
    assert report.totals == expected
    (march,) = report.months
    assert march.month == date(2025, 3, 1)
    assert RevenueFigures(**_figures_of(march)) == expected
    (row,) = report.customers
    assert (row.customer_id, row.customer) == (customer.pk, "Acme Fab")
    assert RevenueFigures(**_figures_of(row)) == expected
    assert report.other_customers_count == 0


def _figures_of(row) -> dict:
    """The `RevenueFigures` part of a month or customer row."""
    return {name: getattr(row, name) for name in RevenueFigures.__dataclass_fields__}


def test_a_reversed_payment_nets_out(company):
    """A 100 invoice: 30 paid on the 5th, reversed on the 8th (wrong invoice), then 100 paid on
    the 18th, 15 days after its date: collected 30 - 30 + 100 = 100, nothing owed, 15.0 days."""
    invoice = _invoice("100", date(2025, 3, 3))
    wrong = paid(invoice, "30", paid_on=date(2025, 3, 5))
    _reverse(wrong, on=date(2025, 3, 8))
    paid(invoice, "100", paid_on=date(2025, 3, 18))

    totals = revenue_report(period=MARCH).totals

    assert (totals.invoiced, totals.collected, totals.outstanding) == (
        D("100.00"),
        D("100.00"),
        D("0.00"),
    )
    assert (totals.paid_count, totals.average_days_to_pay) == (1, D("15.0"))


def test_days_to_pay_end_at_the_last_payment_that_stands(company):
    """A 100 invoice of 3 March paid on the 18th, that payment reversed on the 25th (wrong
    method) and entered again, dated the 18th: paid 15 days after its date, not 22 (the
    reversal's date). Collected: 100 - 100 + 100 = 100."""
    invoice = _invoice("100", date(2025, 3, 3))
    wrong = paid(invoice, "100", paid_on=date(2025, 3, 18), method="cash")
    _reverse(wrong, on=date(2025, 3, 25))
    paid(invoice, "100", paid_on=date(2025, 3, 18), method="check")

    totals = revenue_report(period=MARCH).totals

    assert (totals.collected, totals.paid_count, totals.average_days_to_pay) == (
        D("100.00"),
        1,
        D("15.0"),
    )


def test_a_void_invoice_is_not_counted(company):
    """A 70 invoice voided: nothing invoiced, nothing owed; the customer does not appear."""
    invoice = _invoice("70", date(2025, 3, 3))
    invoice_void(invoice=invoice, reason="wrong customer", user=None)

    report = revenue_report(period=MARCH)

    assert (report.totals.invoiced, report.totals.invoices_count) == (D("0.00"), 0)
    assert report.totals.outstanding == D("0.00")
    assert report.customers == ()
    assert report.totals.average_days_to_pay is None


def test_months_split_invoices_by_their_date_and_payments_by_theirs(company):
    """March: a 100 invoice; April: a 60 invoice and the 100's payment of 100 (dated 12 April,
    40 days); May: nothing. A February invoice and a June payment are outside. Totals: 160
    invoiced, 100 collected, 60 owed, 40.0 days."""
    customer = CustomerFactory()
    march = _invoice("100", date(2025, 3, 3), customer=customer)
    _invoice("60", date(2025, 4, 20), customer=customer)
    february = _invoice("25", date(2025, 2, 27), customer=customer)
    paid(march, "100", paid_on=date(2025, 4, 12))
    paid(february, "25", paid_on=date(2025, 6, 2))

    report = revenue_report(period=SPRING)

    assert [
        (m.month, m.invoiced, m.collected, m.outstanding, m.average_days_to_pay)
        for m in report.months
    ] == [
        (date(2025, 3, 1), D("100.00"), D("0.00"), D("0.00"), D("40.0")),
        (date(2025, 4, 1), D("60.00"), D("100.00"), D("60.00"), None),
        (date(2025, 5, 1), D("0.00"), D("0.00"), D("0.00"), None),
    ]
    assert (report.totals.invoiced, report.totals.collected, report.totals.outstanding) == (
        D("160.00"),
        D("100.00"),
        D("60.00"),
    )
    assert report.totals.average_days_to_pay == D("40.0")


def test_average_days_to_pay_is_rounded_once_at_the_end(company):
    """Three invoices paid 10, 11 and 11 days after their dates (two in March, one in April):
    32 / 3 = 10.67 -> 10.7 days over the period; March alone (10 and 11) 10.5."""
    for dated, days in ((date(2025, 3, 3), 10), (date(2025, 3, 5), 11), (date(2025, 4, 2), 11)):
        invoice = _invoice("10", dated)
        paid(invoice, "10", paid_on=date.fromordinal(dated.toordinal() + days))

    report = revenue_report(period=SPRING)

    assert [m.average_days_to_pay for m in report.months] == [D("10.5"), D("11.0"), None]
    assert report.totals.average_days_to_pay == D("10.7")


def test_customers_are_ranked_by_invoiced_with_a_count_of_the_rest(company):
    """Invoiced: Alpha 300, Beta 200, Gamma 100; Delta only paid an old February invoice (75 in
    March). With customer_limit=2: Alpha, Beta, and 2 others. Delta's row has 0 invoiced,
    75 collected, nothing owed (its February invoice is not of the period)."""
    names = {}
    for name, amount in (("Gamma", "100"), ("Alpha", "300"), ("Beta", "200")):
        names[name] = CustomerFactory(company_name=name)
        _invoice(amount, date(2025, 3, 10), customer=names[name])
    names["Delta"] = CustomerFactory(company_name="Delta")
    old = _invoice("75", date(2025, 2, 10), customer=names["Delta"])
    paid(old, "75", paid_on=date(2025, 3, 4))

    short = revenue_report(period=MARCH, customer_limit=2)
    full = revenue_report(period=MARCH)

    assert [row.customer for row in short.customers] == ["Alpha", "Beta"]
    assert short.other_customers_count == 2
    assert [(row.customer, row.invoiced, row.collected) for row in full.customers] == [
        ("Alpha", D("300.00"), D("0.00")),
        ("Beta", D("200.00"), D("0.00")),
        ("Gamma", D("100.00"), D("0.00")),
        ("Delta", D("0.00"), D("75.00")),
    ]
    delta = full.customers[-1]
    assert (delta.outstanding, delta.invoices_count, delta.average_days_to_pay) == (
        D("0.00"),
        0,
        None,
    )
    assert full.other_customers_count == 0
    assert (full.totals.invoiced, full.totals.collected, full.totals.outstanding) == (
        D("600.00"),
        D("75.00"),
        D("600.00"),
    )


def test_an_empty_period_gives_zeros_and_no_average(company):
    """Nothing invoiced or paid: every month listed with zeros, no average, no customers."""
    report = revenue_report(period=SPRING)

    assert [m.month for m in report.months] == [
        date(2025, 3, 1),
        date(2025, 4, 1),
        date(2025, 5, 1),
    ]
    assert report.totals == RevenueFigures(
        invoiced=D("0.00"),
        invoices_count=0,
        collected=D("0.00"),
        outstanding=D("0.00"),
        paid_count=0,
        average_days_to_pay=None,
    )
    assert (report.customers, report.other_customers_count) == ((), 0)


@pytest.mark.parametrize(("customers", "queries"), [(2, 6), (12, 5)])
def test_at_most_six_queries_whatever_the_number_of_invoices(
    company, django_assert_num_queries, customers, queries
):
    """Invoices by month, payments by month, then the customers (invoices grouped by customer,
    customers who only paid when fewer than the limit were invoiced, the chosen ones'
    payments, the count): six queries for 2 customers with 4 invoices, five for 12 with 24
    (more than the limit of 5 invoiced), paid, part paid and reversed."""
    for index in range(customers):
        customer = CustomerFactory()
        first = _invoice("100", date(2025, 3, 3 + index % 20), customer=customer)
        second = _invoice("40", date(2025, 4, 3 + index % 20), customer=customer)
        paid(first, "100", paid_on=date(2025, 4, 25))
        wrong = paid(second, "10", paid_on=date(2025, 4, 26))
        _reverse(wrong, on=date(2025, 4, 28))
        paid(second, "15", paid_on=date(2025, 5, 2))

    with django_assert_num_queries(queries):
        report = revenue_report(period=SPRING, customer_limit=5)

    assert len(report.customers) == min(customers, 5)
    assert report.other_customers_count == customers - min(customers, 5)
    assert report.totals.invoiced == D("140") * customers
    assert report.totals.collected == D("115") * customers
    assert report.totals.outstanding == D("25") * customers
