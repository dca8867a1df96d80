"""Named, chainable read filters: `Job.objects.on_floor().overdue()` and friends."""

import datetime
import operator
from collections.abc import Mapping, Sequence
from functools import reduce
from typing import TYPE_CHECKING, Any, Self

from django.db import models
from django.db.models import Count, F, Min, OrderBy, OuterRef, Q, Subquery, Value, Window
from django.db.models.functions import Coalesce, NullIf, RowNumber
from django.utils import timezone

from powdercoat.models.choices import (
    ACTIVE_STAGES,
    COATING_CATEGORIES,
    FINISHED_STAGES,
    ON_FLOOR_STAGES,
    OPEN_QUOTE_STATUSES,
    OPEN_STAGES,
    READY_STAGES,
    UNPAID_INVOICE_STATUSES,
    InvoiceStatus,
    JobStatus,
)

if TYPE_CHECKING:
    from powdercoat.models import (
        CatalogProduct,
        Customer,
        InventoryItem,
        Invoice,
        Job,
        Oven,
        PrepService,
        Quote,
        Worker,
    )


class CustomerQuerySet(models.QuerySet["Customer"]):
    def active(self) -> Self:
        """Customers the office still works with."""
        return self.filter(is_active=True)


class WorkerQuerySet(models.QuerySet["Worker"]):
    def active(self) -> Self:
        """People currently working in the shop."""
        return self.filter(is_active=True)


class OvenQuerySet(models.QuerySet["Oven"]):
    def in_use(self) -> Self:
        """Ovens the plan may load, in the order it fills them when they are equally free."""
        return self.filter(is_active=True).order_by("position", "name", "pk")


class InventoryItemQuerySet(models.QuerySet["InventoryItem"]):
    def active(self) -> Self:
        """Items still stocked."""
        return self.filter(is_active=True)

    def coatings(self) -> Self:
        """Powders, primers and clears: what can be a coat on a part."""
        return self.filter(category__in=COATING_CATEGORIES)

    def low_stock(self) -> Self:
        """At or below the reorder point (SPEC I5)."""
        return self.filter(quantity_on_hand__lte=F("reorder_point"))


class PrepServiceQuerySet(models.QuerySet["PrepService"]):
    def active(self) -> Self:
        """Services the shop still offers."""
        return self.filter(is_active=True)


class CatalogProductQuerySet(models.QuerySet["CatalogProduct"]):
    def active(self) -> Self:
        """Products that can be picked on new items."""
        return self.filter(is_active=True)


def job_is_open() -> Q:
    """Work not finished and not cancelled."""
    return Q(status__in=OPEN_STAGES)


def job_is_on_floor() -> Q:
    """Approved through Quality Check, plus jobs on hold: what is in the shop now."""
    return Q(status__in=ON_FLOOR_STAGES)


def job_is_due_on(day: datetime.date) -> Q:
    """Open work due on `day`."""
    return job_is_open() & Q(due_date=day)


def job_is_overdue(today: datetime.date | None = None) -> Q:
    """Open work whose due date has passed in the shop's calendar."""
    return job_is_open() & Q(due_date__lt=today or timezone.localdate())


def job_is_ready_for_pickup() -> Q:
    """Finished and waiting for the customer."""
    return Q(status=JobStatus.READY_FOR_PICKUP)


def job_is_finished() -> Q:
    """Completed or already delivered."""
    return Q(status__in=(JobStatus.COMPLETED, JobStatus.DELIVERED))


# The conditions above are also counted side by side (the jobs list's tabs, in one query), so
# each named filter below is one of them and the two can never disagree.
class JobQuerySet(models.QuerySet["Job"]):
    def active(self) -> Self:
        """Work still to do: everything before Completed, and jobs on hold."""
        return self.filter(status__in=ACTIVE_STAGES)

    def on_floor(self) -> Self:
        """Approved through Quality Check, plus jobs on hold: what is in the shop now."""
        return self.filter(job_is_on_floor())

    def open(self) -> Self:
        """Jobs whose work is not finished and not cancelled."""
        return self.filter(job_is_open())

    def overdue(self, today: datetime.date | None = None) -> Self:
        """Open jobs whose due date has passed in the shop's calendar."""
        return self.filter(job_is_overdue(today))

    def ready_for_pickup(self) -> Self:
        """Finished and waiting for the customer."""
        return self.filter(job_is_ready_for_pickup())

    def finished(self) -> Self:
        """Completed or already delivered."""
        return self.filter(job_is_finished())

    def finished_between(
        self, starts_at: datetime.datetime, ends_before: datetime.datetime
    ) -> Self:
        """Jobs whose first move into Completed, Ready for Pickup or Delivered was in
        [starts_at, ends_before): read from the finished_at index."""
        return self.filter(finished_at__gte=starts_at, finished_at__lt=ends_before)

    def ready_between(self, starts_at: datetime.datetime, ends_before: datetime.datetime) -> Self:
        """Jobs whose first move into Ready for Pickup or Delivered was in
        [starts_at, ends_before): read from the ready_at index."""
        return self.filter(ready_at__gte=starts_at, ready_at__lt=ends_before)

    def restamp_milestones(self) -> int:
        """Copy finished_at and ready_at from these jobs' timelines again, for a timeline dated
        around the services (demo data, benchmark shops, tests that date moves in the past);
        the services stamp them as they move a job. One update; the number of jobs."""
        timeline = self.model._meta.get_field("status_changes").related_model

        def first_move_into(stages: tuple[str, ...]) -> Subquery:
            moves = timeline.objects.filter(job=OuterRef("pk"), to_status__in=stages)
            return Subquery(
                moves.order_by().values("job").annotate(first=Min("created_at")).values("first")
            )

        return self.update(
            finished_at=first_move_into(FINISHED_STAGES), ready_at=first_move_into(READY_STAGES)
        )

    def first_of_each(self, field: str, order_by: Sequence[OrderBy], limit: int) -> Self:
        """At most `limit` jobs for each value of `field` (each stage, each priority), the
        first by `order_by`: one query with a window function, so a stage holding 900 jobs
        reads only the few a screen shows."""
        return (
            self.annotate(
                rank_in_group=Window(RowNumber(), partition_by=F(field), order_by=list(order_by))
            )
            .filter(rank_in_group__lte=limit)
            .order_by(*order_by)
        )

    def slice_of_each(
        self, field: str, order_by: Sequence[OrderBy], slices: Mapping[Any, tuple[int, int]]
    ) -> Self:
        """For each value of `field` in `slices`, its jobs from position `start` up to `stop`
        (counted from 0, `stop` left out, like a Python slice) by `order_by`: one query with a
        window function, so showing page 7 of a crowded stage reads only that page's jobs."""
        wanted = [
            Q(**{field: value}, rank_in_group__gt=start, rank_in_group__lte=stop)
            for value, (start, stop) in slices.items()
            if stop > start
        ]
        if not wanted:
            return self.none()
        return (
            self.filter(**{f"{field}__in": list(slices)})
            .annotate(
                rank_in_group=Window(RowNumber(), partition_by=F(field), order_by=list(order_by))
            )
            .filter(reduce(operator.or_, wanted))
            .order_by(*order_by)
        )

    def count_by(self, field: str) -> dict[Any, int]:
        """How many jobs hold each value of `field`, in one grouped query."""
        rows = self.order_by().values_list(field).annotate(jobs=Count("pk"))
        return dict(rows)


class QuoteQuerySet(models.QuerySet["Quote"]):
    def open(self) -> Self:
        """Waiting for the customer's answer (Draft or Sent)."""
        return self.filter(status__in=OPEN_QUOTE_STATUSES)

    def past_validity(self) -> Self:
        """Open quotes whose valid-until date has gone by: they should be Expired."""
        return self.open().filter(valid_until__lt=timezone.localdate())


class InvoiceQuerySet(models.QuerySet["Invoice"]):
    def unpaid(self) -> Self:
        """Invoices with money still owed (not Paid, not Void)."""
        return self.filter(status__in=UNPAID_INVOICE_STATUSES)

    def live(self) -> Self:
        """Every invoice but the voided ones."""
        return self.exclude(status=InvoiceStatus.VOID)


# -- expressions shared by reads that annotate ------------------------------------------------


def customer_display_name(path: str = "") -> Coalesce:
    """`Customer.display_name` in SQL (the company, else the person), reached through `path`
    ("" on a customer query, "customer__" on a job's, "job__customer__" on a timeline's)."""
    return Coalesce(NullIf(F(f"{path}company_name"), Value("")), F(f"{path}contact_name"))


def aggregate_per_outer(queryset: models.QuerySet[Any], link: str, aggregate: Any) -> Subquery:
    """One aggregate over the rows of `queryset` whose `link` is the outer query's row: a
    correlated subquery to annotate with (NULL when there are none)."""
    return Subquery(
        queryset.filter(**{link: OuterRef("pk")})
        .order_by()
        .values(link)
        .annotate(value=aggregate)
        .values("value")
    )
