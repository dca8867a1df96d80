"""Revenue invoiced and collected per month and customer, what is still owed, days to pay (R2)."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import (
    Count,
    DateField,
    DecimalField,
    DurationField,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, TruncMonth

from powdercoat import pricing
from powdercoat.models import Customer, Invoice, Payment
from powdercoat.models.choices import UNPAID_INVOICE_STATUSES, InvoiceStatus
from powdercoat.querysets import customer_display_name
from powdercoat.reports import Period

ZERO = Decimal("0.00")
TENTH = Decimal("0.1")
ONE_DAY = datetime.timedelta(days=1)
_MONEY = DecimalField(max_digits=15, decimal_places=2)


@dataclass(frozen=True)
class RevenueFigures:
    """Money of a month, a customer or the whole period.

    `invoiced`: totals of the live (not void) invoices dated in the period; `invoices_count`:
    how many. `collected`: payments dated in the period, on any invoice, reversals netted out.
    `outstanding`: what is still owed today on those invoices of the period. `paid_count` and
    `average_days_to_pay`: those invoices now Paid, and the days from their invoice date to
    their last payment, averaged to 0.1 (None when none is paid).
    """

    invoiced: Decimal
    invoices_count: int
    collected: Decimal
    outstanding: Decimal
    paid_count: int
    average_days_to_pay: Decimal | None


@dataclass(frozen=True)
class RevenueMonth(RevenueFigures):
    """One calendar month: invoices by their invoice date, payments by the date paid."""

    month: datetime.date


@dataclass(frozen=True)
class CustomerRevenue(RevenueFigures):
    """One customer's invoices and payments of the period."""

    customer_id: int
    customer: str


@dataclass(frozen=True)
class RevenueReport:
    """Revenue over `period`: every month it touches (empty ones too), the customers who were
    invoiced most (at most `customer_limit`, then those who only paid), how many other
    customers had invoices or payments, and the totals of the whole period."""

    period: Period
    months: tuple[RevenueMonth, ...]
    customers: tuple[CustomerRevenue, ...]
    other_customers_count: int
    totals: RevenueFigures


def revenue_report(*, period: Period, customer_limit: int = 50) -> RevenueReport:
    """Invoiced, collected, outstanding and days to pay per month and customer: 3 queries.

    Invoices count by invoice date, payments by the date they were paid (both DateFields, so
    the months are plain calendar months). Customers are ranked by invoiced, then collected,
    then name.
    """
    if customer_limit < 1:
        raise ValueError("customer_limit must be at least 1.")
    invoices = _invoices_of(period)
    payments = _payments_of(period)

    invoice_months = {
        row["month"]: row
        for row in invoices.annotate(month=TruncMonth("invoice_date", output_field=DateField()))
        .values("month")
        .annotate(**_invoice_sums())
    }
    collected_by_month = {
        row["month"]: row["collected"]
        for row in payments.annotate(month=TruncMonth("paid_on", output_field=DateField()))
        .values("month")
        .annotate(collected=Sum("amount"))
    }
    months = tuple(
        RevenueMonth(
            month=month,
            **_figures(invoice_months.get(month), collected_by_month.get(month)),
        )
        for month in period.months()
    )
    customers, customers_count = _top_customers(invoices, payments, customer_limit)
    return RevenueReport(
        period=period,
        months=months,
        customers=customers,
        other_customers_count=customers_count - len(customers),
        totals=_totals(list(invoice_months.values()), list(collected_by_month.values())),
    )


# -- the pieces --------------------------------------------------------------------------------


def _invoices_of(period: Period) -> QuerySet[Invoice]:
    """Live invoices dated in the period."""
    return (
        Invoice.objects.live()
        .filter(invoice_date__gte=period.first_day, invoice_date__lte=period.last_day)
        .order_by()
    )


def _payments_of(period: Period) -> QuerySet[Payment]:
    """Payments and reversals dated in the period."""
    return Payment.objects.filter(
        paid_on__gte=period.first_day, paid_on__lte=period.last_day
    ).order_by()


def _days_to_last_payment() -> ExpressionWrapper[Any]:
    """For an invoice: from its date to its last payment that still stands.

    A payment that was reversed, and the reversal row itself, are not the day it was paid:
    the money that settled the invoice came later (or is dated earlier, when re-entered).
    """
    last_paid_on = (
        # amount > 0 is "not a reversal row" (the table's check constraint), written so: on
        # `reverses IS NULL` SQLite read every payment through that column's index instead
        # of the invoice's few (170 s for a year at 100,000 jobs).
        Payment.objects.filter(invoice=OuterRef("pk"), amount__gt=0, reversal=None)
        .order_by()
        .values("invoice")
        .annotate(last=Max("paid_on"))
        .values("last")
    )
    return ExpressionWrapper(
        Subquery(last_paid_on, output_field=DateField()) - F("invoice_date"),
        output_field=DurationField(),
    )


def _invoice_sums() -> dict[str, Any]:
    """The aggregates of a group of invoices, named as `RevenueFigures` reads them."""
    paid = Q(status=InvoiceStatus.PAID)
    return {
        "invoiced": Sum("total"),
        "invoices_count": Count("pk"),
        "outstanding": Coalesce(
            Sum("balance", filter=Q(status__in=UNPAID_INVOICE_STATUSES)),
            Value(ZERO),
            output_field=_MONEY,
        ),
        "paid_count": Count("pk", filter=paid),
        "days_to_pay": Sum(_days_to_last_payment(), filter=paid),
    }


def _figures(invoices: Mapping[str, Any] | None, collected: Decimal | None) -> dict[str, Any]:
    """The fields of `RevenueFigures` from a group's invoice sums and payment sum."""
    invoices = invoices or {}
    paid_count = invoices.get("paid_count") or 0
    return {
        "invoiced": pricing.money(invoices.get("invoiced") or ZERO),
        "invoices_count": invoices.get("invoices_count") or 0,
        "collected": pricing.money(collected or ZERO),
        "outstanding": pricing.money(invoices.get("outstanding") or ZERO),
        "paid_count": paid_count,
        "average_days_to_pay": _average_days(invoices.get("days_to_pay"), paid_count),
    }


def _average_days(total: datetime.timedelta | None, count: int) -> Decimal | None:
    if not count or total is None:
        return None
    # Whole days summed exactly, then one division: the only rounding is the last one.
    return (Decimal(total // ONE_DAY) / count).quantize(TENTH, rounding=ROUND_HALF_UP)


def _totals(
    invoice_months: list[Mapping[str, Any]], collected_by_month: list[Decimal | None]
) -> RevenueFigures:
    """The period's figures, added up from its months' sums (each row is in exactly one)."""
    days = [row["days_to_pay"] for row in invoice_months if row["days_to_pay"] is not None]
    sums = {
        "invoiced": sum((row["invoiced"] or ZERO for row in invoice_months), ZERO),
        "invoices_count": sum(row["invoices_count"] for row in invoice_months),
        "outstanding": sum((row["outstanding"] or ZERO for row in invoice_months), ZERO),
        "paid_count": sum(row["paid_count"] for row in invoice_months),
        "days_to_pay": sum(days, datetime.timedelta()) if days else None,
    }
    collected = sum((amount or ZERO for amount in collected_by_month), ZERO)
    return RevenueFigures(**_figures(sums, collected))


def _top_customers(
    invoices: QuerySet[Invoice], payments: QuerySet[Payment], limit: int
) -> tuple[tuple[CustomerRevenue, ...], int]:
    """The `limit` customers invoiced most in the period, and how many had invoices or payments.

    At most four queries, each one pass over the period's rows: the invoices grouped by
    customer (the first `limit` by amount), the customers who only paid (only when fewer than
    `limit` were invoiced), the payments of the chosen customers, and the count of every
    customer with an invoice or a payment. (One query with a subquery per figure and customer
    read each customer's invoices six times: 8.2 s for a year at 1,000,000 jobs.)
    """
    named = {"name": customer_display_name("customer__"), "company": F("customer__company_name")}
    invoice_rows: dict[int, Mapping[str, Any]] = {
        row["customer_id"]: row
        for row in invoices.values("customer_id")
        .annotate(**_invoice_sums(), **named)
        .order_by(F("invoiced").desc(), "customer_id")[:limit]
    }
    # Payments name the customer through their invoice, which may be dated outside the period.
    payer_name = {
        "name": customer_display_name("invoice__customer__"),
        "company": F("invoice__customer__company_name"),
    }
    payers: dict[int, Mapping[str, Any]] = {}
    if len(invoice_rows) < limit:
        payers = {
            row["invoice__customer_id"]: row
            for row in payments.exclude(invoice__customer_id__in=list(invoice_rows))
            .values("invoice__customer_id")
            .annotate(collected=Sum("amount"), **payer_name)
            .order_by(F("collected").desc(), "invoice__customer_id")[: limit - len(invoice_rows)]
        }
    chosen = [*invoice_rows, *payers]
    collected: dict[int, Decimal] = dict(
        payments.filter(invoice__customer_id__in=chosen)
        .values("invoice__customer_id")
        .annotate(collected=Sum("amount"))
        .values_list("invoice__customer_id", "collected")
    )
    customers_count = Customer.objects.filter(
        Q(pk__in=invoices.values("customer_id")) | Q(pk__in=payments.values("invoice__customer_id"))
    ).count()

    def name_of(pk: int) -> Mapping[str, Any]:
        return invoice_rows.get(pk) or payers[pk]

    def order(pk: int) -> tuple[Decimal, Decimal, str, str, int]:
        invoiced: Decimal = (invoice_rows.get(pk) or {}).get("invoiced") or ZERO
        company = name_of(pk)["company"] or ""
        return (-invoiced, -(collected.get(pk) or ZERO), company, name_of(pk)["name"], pk)

    customers = tuple(
        CustomerRevenue(
            customer_id=pk,
            customer=name_of(pk)["name"],
            **_figures(invoice_rows.get(pk), collected.get(pk)),
        )
        for pk in sorted(chosen, key=order)
    )
    return customers, customers_count
