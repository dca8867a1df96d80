"""Reads that span aggregates: what a job's items need, what Advance would do next, demand."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils.text import smart_split, unescape_string_literal
from django.utils.translation import gettext

from powdercoat import oven_plan, pricing
from powdercoat.models import (
    CompanySettings,
    Customer,
    InventoryActivity,
    InventoryItem,
    Invoice,
    Job,
    JobNote,
    JobPhoto,
    LineItem,
    LineItemCoat,
    LineItemPrep,
    Oven,
    PartIntake,
    Quote,
    ReworkRecord,
    TimeEntry,
    Worker,
)
from powdercoat.models.choices import (
    ActivityKind,
    InventoryCategory,
    JobStatus,
    OvenCapacityUnit,
    PhotoKind,
    Priority,
)
from powdercoat.models.jobs import next_stage
from powdercoat.querysets import aggregate_per_outer


def job_needed_prep_stages(job: Job) -> set[str]:
    """The prep stages (Sandblasting, Masking / Taping, Cleaning) some item of the job needs."""
    return set(
        LineItemPrep.objects.filter(item__job=job)
        .exclude(prep_service__stage="")
        .values_list("prep_service__stage", flat=True)
        .distinct()
    )


def job_next_stage(job: Job, company: CompanySettings | None = None) -> str | None:
    """Where Advance would take the job now, or None when it cannot advance."""
    company = company or CompanySettings.load()
    return next_stage(
        job.status,
        needed_prep_stages=job_needed_prep_stages(job),
        skip_unneeded_prep=company.skip_unneeded_prep_stages,
    )


def items_with_details() -> QuerySet[LineItem]:
    """Line items in their order with coats (and powders) and prep lines: three queries."""
    return (
        LineItem.objects.select_related("catalog_product")
        .prefetch_related(
            Prefetch("coats", queryset=LineItemCoat.objects.select_related("powder")),
            Prefetch("prep_lines", queryset=LineItemPrep.objects.select_related("prep_service")),
        )
        .order_by("position", "id")
    )


def job_items_with_details(job: Job) -> QuerySet[LineItem]:
    """A job's items with their coats (and powders) and prep lines, in three queries."""
    return items_with_details().filter(job=job)


# -- powder demand (SPEC I6) ------------------------------------------------------------------

ZERO = Decimal("0")


# The powder columns its coverage and transfer-efficiency methods read.
_RATE_FIELDS = ("coverage_rate", "specific_gravity", "film_thickness_mils", "transfer_efficiency")


def _demand_by_job_and_powder(
    *, company: CompanySettings, exclude_job_id: int | None
) -> dict[tuple[int, int], Decimal]:
    """Lbs each active job still needs of each powder, after its logged usage; two queries."""
    jobs = Job.objects.active()
    if exclude_job_id is not None:
        jobs = jobs.exclude(pk=exclude_job_id)
    # Template items have no job, so filtering on the job leaves them out. Plain tuples, not
    # model instances: a thousand active jobs have thousands of coats.
    coats = LineItemCoat.objects.filter(item__job__in=jobs.values("pk")).values_list(
        "item__job_id",
        "item__quantity",
        "item__surface_area_sqft",
        "powder_id",
        *(f"powder__{name}" for name in _RATE_FIELDS),
    )
    needed: dict[tuple[int, int], Decimal] = defaultdict(lambda: ZERO)
    rates: dict[int, tuple[Decimal, Decimal]] = {}
    for job_id, quantity, area, powder_id, *rate_values in coats:
        if powder_id not in rates:
            # The powder's own methods work out its rates from these columns and the defaults.
            powder = InventoryItem(
                pk=powder_id, **dict(zip(_RATE_FIELDS, rate_values, strict=True))
            )
            rates[powder_id] = (
                powder.coverage_sqft_per_lb(company.default_coverage_sqft_per_lb),
                powder.efficiency_percent(company.default_transfer_efficiency),
            )
        coverage, efficiency = rates[powder_id]
        # Each coat is rounded up on its own, as the wizard and the work order show it (SPEC I3).
        needed[job_id, powder_id] += pricing.powder_needed_lbs(
            area_sqft_per_part=area,
            quantity=quantity,
            coverage_sqft_per_lb=coverage,
            transfer_efficiency_percent=efficiency,
        )
    usage = (
        InventoryActivity.objects.filter(kind=ActivityKind.USAGE, job__in=jobs.values("pk"))
        .values("job_id", "item_id")
        .annotate(total=Sum("quantity"))
    )
    for row in usage:
        key = (row["job_id"], row["item_id"])
        if key in needed:
            # Usage rows are signed negative; over-logging one job never eats another's demand.
            needed[key] = max(ZERO, needed[key] + row["total"])
    return dict(needed)


def powder_demand(
    *, exclude_job_id: int | None = None, company: CompanySettings | None = None
) -> dict[int, Decimal]:
    """Lbs of each powder (by inventory item id) that active jobs still need (SPEC I6).

    Per job and powder: the coats' powder needed, less the usage already logged against that
    job, never below zero. `exclude_job_id` leaves one job out (the item wizard shows what the
    *other* active jobs need). Three queries (two when `company` is given), whatever the size.
    """
    company = company or CompanySettings.load()
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for (_job_id, powder_id), lbs in _demand_by_job_and_powder(
        company=company, exclude_job_id=exclude_job_id
    ).items():
        totals[powder_id] += lbs
    return dict(totals)


@dataclass(frozen=True)
class PowderDemandRow:
    """One powder on the demand report: what active jobs need against what is on the shelf."""

    powder: InventoryItem
    needed_lbs: Decimal
    on_hand: Decimal
    shortfall: Decimal
    jobs_count: int

    @property
    def is_short(self) -> bool:
        """Not enough on the shelf for the active jobs."""
        return self.shortfall > 0


@dataclass(frozen=True)
class VendorGroup:
    """The demand rows of one vendor, with their totals; `vendor` is "" for no vendor."""

    vendor: str
    rows: tuple[PowderDemandRow, ...]
    needed_lbs: Decimal
    shortfall: Decimal

    @property
    def label(self) -> str:
        """The vendor's name, or "No vendor"."""
        return self.vendor or gettext("No vendor")


def powder_demand_report(*, company: CompanySettings | None = None) -> list[VendorGroup]:
    """Active coatings that active jobs still need, grouped by vendor (SPEC I6).

    Vendors alphabetically with "No vendor" last, powders by name within a vendor. Needed and
    shortfall (what the shelf lacks) are rounded up to 0.1 lb, as powder is weighed. Four
    queries (three when `company` is given), whatever the number of jobs.
    """
    company = company or CompanySettings.load()
    needed: dict[int, Decimal] = defaultdict(lambda: ZERO)
    jobs_count: dict[int, int] = defaultdict(int)
    for (_job_id, powder_id), lbs in _demand_by_job_and_powder(
        company=company, exclude_job_id=None
    ).items():
        if lbs > 0:
            needed[powder_id] += lbs
            jobs_count[powder_id] += 1
    if not needed:
        return []
    by_vendor: dict[str, list[PowderDemandRow]] = defaultdict(list)
    for powder in InventoryItem.objects.active().coatings().filter(pk__in=needed):
        lbs = pricing.round_up_to_tenth(needed[powder.pk])
        shortfall = max(ZERO, lbs - powder.quantity_on_hand)
        by_vendor[powder.vendor.strip()].append(
            PowderDemandRow(
                powder=powder,
                needed_lbs=lbs,
                on_hand=powder.quantity_on_hand,
                shortfall=pricing.round_up_to_tenth(shortfall),
                jobs_count=jobs_count[powder.pk],
            )
        )
    groups = []
    for vendor in sorted(by_vendor, key=lambda name: (name == "", name.casefold())):
        rows = tuple(
            sorted(by_vendor[vendor], key=lambda r: (r.powder.name.casefold(), r.powder.pk))
        )
        groups.append(
            VendorGroup(
                vendor=vendor,
                rows=rows,
                needed_lbs=sum((row.needed_lbs for row in rows), ZERO),
                shortfall=sum((row.shortfall for row in rows), ZERO),
            )
        )
    return groups


# -- materials used on a job (SPEC J16) -------------------------------------------------------


@dataclass(frozen=True)
class MaterialRow:
    """One item on a job's Materials tab: what the coats were estimated to need, what was logged.

    `estimated_lbs` is None for an item logged against the job that no coat of its items uses
    (a stray powder, masking tape): there is nothing to compare with.
    """

    item: InventoryItem
    estimated_lbs: Decimal | None
    logged_lbs: Decimal

    @property
    def on_job(self) -> bool:
        """A coat of one of the job's items uses this item."""
        return self.estimated_lbs is not None

    @property
    def difference(self) -> Decimal | None:
        """Logged less estimated: above 0 used more than planned, below 0 less (or not yet)."""
        if self.estimated_lbs is None:
            return None
        return self.logged_lbs - self.estimated_lbs


def job_materials(job: Job, *, company: CompanySettings | None = None) -> list[MaterialRow]:
    """The job's powders with estimated against logged pounds, then anything else logged on it.

    Estimated is the powder needed for every coat of the job's items, each coat rounded up to
    0.1 lb as the wizard and the demand report show it (SPEC I3). Logged is the job's Usage
    rows in the ledger, as a positive amount. The job's powders come first, in the order the
    items and coats are listed; other logged items follow by name. At most four queries
    (three when `company` is given), whatever the number of items, coats or ledger rows.
    """
    company = company or CompanySettings.load()
    coats = (
        LineItemCoat.objects.filter(item__job=job)
        .select_related("item", "powder")
        .order_by("item__position", "item__id", "position", "id")
    )
    estimated: dict[int, Decimal] = {}
    items: dict[int, InventoryItem] = {}
    for coat in coats:
        powder = coat.powder
        items.setdefault(powder.pk, powder)
        estimated[powder.pk] = estimated.get(powder.pk, ZERO) + pricing.powder_needed_lbs(
            area_sqft_per_part=coat.item.surface_area_sqft,
            quantity=coat.item.quantity,
            coverage_sqft_per_lb=powder.coverage_sqft_per_lb(company.default_coverage_sqft_per_lb),
            transfer_efficiency_percent=powder.efficiency_percent(
                company.default_transfer_efficiency
            ),
        )
    logged = {
        row["item_id"]: -row["total"]
        for row in InventoryActivity.objects.filter(job=job, kind=ActivityKind.USAGE)
        .values("item_id")
        .annotate(total=Sum("quantity"))
        .order_by()
    }
    rows = [
        MaterialRow(item=items[pk], estimated_lbs=lbs, logged_lbs=logged.get(pk, ZERO))
        for pk, lbs in estimated.items()
    ]
    others = [pk for pk in logged if pk not in items]
    if others:
        for item in sorted(
            InventoryItem.objects.filter(pk__in=others), key=lambda i: (i.name.casefold(), i.pk)
        ):
            rows.append(MaterialRow(item=item, estimated_lbs=None, logged_lbs=logged[item.pk]))
    return rows


# -- shop floor pages (SPEC S1-S4) ------------------------------------------------------------


def jobs_needed_prep_stages(jobs: QuerySet[Job]) -> dict[int, set[str]]:
    """The prep stages some item of each job needs, by job id, in one query for any number."""
    needed: dict[int, set[str]] = defaultdict(set)
    rows = (
        LineItemPrep.objects.filter(item__job__in=jobs.order_by().values("pk"))
        .exclude(prep_service__stage="")
        .values_list("item__job_id", "prep_service__stage")
        .distinct()
    )
    for job_id, stage in rows:
        needed[job_id].add(stage)
    return dict(needed)


def shop_floor_jobs(jobs: QuerySet[Job]) -> QuerySet[Job]:
    """Jobs with what a shop-floor card shows: customer, workers, items and their powders.

    Four queries whatever the number of jobs. The prefetched rows are lists on the objects
    (`job.floor_workers`, `job.floor_items`, `item.floor_coats`), which is much faster than
    related managers for hundreds of jobs. Only the item and powder columns a card uses are
    read; nothing about prices or costs.
    """
    coats = (
        LineItemCoat.objects.select_related("powder")
        .order_by("position", "id")
        .only(
            "id",
            "item",
            "position",
            "powder__id",
            "powder__name",
            "powder__color_name",
            "powder__color_code",
            "powder__swatch_hex",
        )
    )
    items = (
        LineItem.objects.order_by("position", "id")
        .only("id", "job", "position", "description", "quantity")
        .prefetch_related(Prefetch("coats", queryset=coats, to_attr="floor_coats"))
    )
    return jobs.select_related("customer").prefetch_related(
        Prefetch(
            "assigned_workers", queryset=Worker.objects.order_by("name"), to_attr="floor_workers"
        ),
        Prefetch("items", queryset=items, to_attr="floor_items"),
    )


# -- the oven plan (SPEC O1) -----------------------------------------------------------------


def oven_powder(powder: InventoryItem, company: CompanySettings) -> oven_plan.OvenPowder:
    """A powder as the oven planner takes it, its rates worked out against the shop's defaults."""
    # Named as the shop pages' swatches name it: the colour, then its code if not in the name.
    name = powder.color_name or powder.name
    label = name
    if powder.color_code and powder.color_code not in name:
        label = f"{name} ({powder.color_code})"
    return oven_plan.OvenPowder(
        pk=powder.pk,
        label=label,
        swatch_hex=powder.swatch_hex,
        is_clear=powder.category == InventoryCategory.CLEAR,
        is_primer=powder.category == InventoryCategory.PRIMER,
        cure_temperature_f=powder.cure_temperature_f,
        cure_minutes=powder.cure_minutes,
        on_hand_lbs=powder.quantity_on_hand,
        coverage_sqft_per_lb=powder.coverage_sqft_per_lb(company.default_coverage_sqft_per_lb),
        transfer_efficiency_percent=powder.efficiency_percent(company.default_transfer_efficiency),
    )


def jobs_ready_to_coat(company: CompanySettings) -> QuerySet[Job]:
    """The jobs the oven plan counts: those at the company's oven plan stages, except Approved
    jobs with an item that still needs sandblasting, masking or cleaning."""
    stages = company.oven_plan_stage_order
    needs_prep = LineItemPrep.objects.filter(item__job=OuterRef("pk")).exclude(
        prep_service__stage=""
    )
    jobs = Job.objects.filter(status__in=stages)
    if JobStatus.APPROVED in stages:
        jobs = jobs.exclude(Q(status=JobStatus.APPROVED) & Exists(needs_prep))
    return jobs


def oven_plan_jobs(company: CompanySettings) -> list[oven_plan.OvenJob]:
    """The jobs ready to coat as the oven planner takes them: two queries whatever their
    number (the jobs with their customers; their items' coats with items and powders)."""
    ready = jobs_ready_to_coat(company)
    jobs = list(ready.select_related("customer").order_by("number"))
    coats = (
        LineItemCoat.objects.filter(item__job__in=ready.values("pk"))
        .select_related("item", "powder")
        .order_by("item__position", "item__id", "position", "id")
    )
    powders: dict[int, oven_plan.OvenPowder] = {}
    items: dict[int, list[LineItemCoat]] = defaultdict(list)
    item_rows: dict[int, LineItem] = {}
    for coat in coats:
        items[coat.item_id].append(coat)
        item_rows[coat.item_id] = coat.item
        if coat.powder_id not in powders:
            powders[coat.powder_id] = oven_powder(coat.powder, company)
    by_job: dict[int, list[oven_plan.OvenItem]] = defaultdict(list)
    for item_id, item_coats in items.items():
        item = item_rows[item_id]
        if item.job_id is None:  # the filter is on the job; a quote's item never gets here
            continue
        by_job[item.job_id].append(
            oven_plan.OvenItem(
                description=item.description,
                quantity=item.quantity,
                area_sqft_per_part=item.surface_area_sqft,
                coats=tuple(powders[coat.powder_id] for coat in item_coats),
            )
        )
    return [
        oven_plan.OvenJob(
            pk=job.pk,
            number=job.number,
            customer=job.customer.display_name,
            status=job.status,
            items=tuple(by_job.get(job.pk, ())),
            is_rush=job.priority == Priority.RUSH,
            is_overdue=job.is_overdue,
            due_date=job.due_date,
        )
        for job in jobs
    ]


def oven_plan_ovens() -> list[oven_plan.OvenSpec]:
    """The ovens in use as the planner takes them, in the order it fills them (one query)."""
    return [
        oven_plan.OvenSpec(
            pk=oven.pk,
            name=oven.name,
            capacity=oven.capacity,
            counts_parts=oven.capacity_unit == OvenCapacityUnit.RACK_POSITIONS,
        )
        for oven in Oven.objects.in_use()
    ]


# -- what a job's page shows in its tabs (powdercoat/admin/job_rooms.py) ---------------------
# Each returns every job's rows; the page narrows them to its job. One query each.


def job_intakes() -> QuerySet[PartIntake]:
    """Part intakes with who received them."""
    return PartIntake.objects.select_related("received_by")


def job_intake_photos(job: Job) -> QuerySet[JobPhoto]:
    """The photos of the job's parts as they came in."""
    return JobPhoto.objects.filter(job=job, kind=PhotoKind.BEFORE).select_related("uploaded_by")


def job_photos() -> QuerySet[JobPhoto]:
    """Photos, newest first, with who took them."""
    return JobPhoto.objects.select_related("uploaded_by").order_by("-uploaded_at", "-id")


def job_notes() -> QuerySet[JobNote]:
    """Notes, newest first, with their authors."""
    return JobNote.objects.select_related("author").order_by("-created_at", "-id")


def job_time_entries() -> QuerySet[TimeEntry]:
    """Time entries, latest day first, with the worker and who logged them."""
    return TimeEntry.objects.select_related("worker", "created_by").order_by("-work_date", "-id")


def job_reworks() -> QuerySet[ReworkRecord]:
    """Rework records, newest first, with who recorded them."""
    return ReworkRecord.objects.select_related("created_by").order_by("-created_at", "-id")


def job_ledger() -> QuerySet[InventoryActivity]:
    """Stock movements booked against jobs: newest first, each reversal under its row."""
    return InventoryActivity.objects.select_related("item", "user", "reversal").order_by(
        Coalesce("reverses_id", "id").desc(), "id"
    )


def text_starts_with(field: str, prefix: str) -> Q:
    """`field` begins with `prefix`, in a form each database answers from the field's index.

    PostgreSQL reads LIKE 'prefix%' from the pattern index Django makes for unique text
    fields; SQLite's LIKE ignores case and so no index, but a range of the byte-ordered text
    is read from it.
    """
    if connection.vendor == "sqlite":
        return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + "\U0010ffff"})
    return Q(**{f"{field}__startswith": prefix})


def jobs_numbered(number_start: str) -> Q:
    """Jobs whose number begins with `number_start` ("JOB-2612" or a whole number)."""
    return text_starts_with("number", number_start)


def jobs_with_quote_numbered(number_start: str) -> Q:
    """Jobs converted from a quote whose number begins with `number_start`."""
    quotes = Quote.objects.filter(text_starts_with("number", number_start), job__isnull=False)
    return Q(pk__in=quotes.values("job_id"))


def jobs_with_invoice_numbered(number_start: str) -> Q:
    """Jobs billed on an invoice whose number begins with `number_start`."""
    invoices = Invoice.objects.filter(text_starts_with("number", number_start))
    return Q(pk__in=invoices.values("job_id"))


def search_words(term: str) -> list[str]:
    """The words of a search box, as the admin splits them ("quoted phrases" stay whole)."""
    words = []
    for bit in smart_split(term):
        if bit[0] in "\"'" and bit[0] == bit[-1] and len(bit) > 1:
            bit = unescape_string_literal(bit)
        if bit:
            words.append(bit)
    return words


def jobs_matching(term: str) -> Q:
    """Jobs whose number, description, PO or customer (company or contact) holds every word.

    Every condition is on the job's own columns, the customer's through `customer_id IN
    (matching customers)`, so PostgreSQL can answer each from its trigram index and combine
    them (migration 0014), instead of joining every job to its customer and reading both
    tables whole. On SQLite the same query scans, as before.

    With two words or more, the customers of each word are read first, in one query, and a
    word that names few of them gives their ids as a list: on PostgreSQL the planner then sees
    which word is rare (a customer number against "Harbor" and "Fab", each in an eighth of the
    names) and starts from it, instead of guessing the same size for every word and starting
    from a common one (1,000,000 jobs: 1,670 ms -> 36 ms for "Harbor Fab 3872").
    """
    words = search_words(term)
    known = _few_customers_per_word(words)
    condition = Q()
    for index, word in enumerate(words):
        customers = _customers_named(word).values("pk")
        if index in known:
            customer = Q(customer_id__in=known[index])
        elif len(words) > 1:
            # A common word among others: a hashed `IN (subquery)`, checked in constant time
            # per job, as it will not be the word the scan starts from (an `= ANY(ARRAY)` of
            # thousands of ids is read through element by element for every job).
            customer = Q(customer_id__in=customers)
        else:
            customer = _customer_among(customers)
        condition &= (
            Q(number__icontains=word)
            | Q(description__icontains=word)
            | Q(po_number__icontains=word)
            | customer
        )
    return condition


# A word naming at most this many customers is searched by their ids; one naming more is common
# enough that its customers stay a subquery.
FEW_CUSTOMERS = 200


def _customers_named(word: str) -> QuerySet[Customer, Customer]:
    return Customer.objects.filter(
        Q(company_name__icontains=word) | Q(contact_name__icontains=word)
    ).order_by()


def _few_customers_per_word(words: list[str]) -> dict[int, list[int]]:
    """{word's position: its customers' ids} for the words naming few customers, read in one
    query; only for two words or more, as one word leaves the planner nothing to choose between.
    (SQLite reads every job whatever it is told; it runs the same query, so a page runs the
    same number of queries on both databases.)"""
    if len(words) < 2:
        return {}
    per_word = [
        _customers_named(word).annotate(word=Value(index)).values_list("word", "pk")
        for index, word in enumerate(words)
    ]
    if connection.features.supports_slicing_ordering_in_compound:  # not SQLite
        per_word = [customers[: FEW_CUSTOMERS + 1] for customers in per_word]
    found: dict[int, list[int]] = {index: [] for index in range(len(words))}
    for index, pk in per_word[0].union(*per_word[1:], all=True).order_by():
        found[index].append(pk)
    return {index: pks for index, pks in found.items() if len(pks) <= FEW_CUSTOMERS}


def _customer_among(customers: QuerySet[Customer, Any]) -> Q:
    """`customer_id` is one of `customers`: on PostgreSQL as `= ANY(ARRAY(...))`, which the
    planner reads from the customer index and ORs with the trigram indexes (a plain `IN
    (subquery)` is a filter applied to every row); elsewhere as `IN (subquery)`."""
    if connection.vendor != "postgresql":
        return Q(customer_id__in=customers)
    return Q(_EqualsAnyOf(F("customer_id"), Subquery(customers)))


class _EqualsAnyOf(Func):
    """`column = ANY(ARRAY(subquery))`, a condition (PostgreSQL only)."""

    arg_joiner = " = ANY(ARRAY"
    template = "%(expressions)s)"
    output_field = BooleanField()
    conditional = True


def job_count_per_customer() -> Coalesce:
    """How many jobs the outer query's customer has had (an expression to annotate with)."""
    return Coalesce(aggregate_per_outer(Job.objects.all(), "customer", Count("pk")), Value(0))
