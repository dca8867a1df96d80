"""`make bench`: build a shop of a given size, then time every page against a stock changelist.

    make bench                                  # 10,000 jobs on SQLite (var/bench/)
    make bench ARGS="--jobs 100000"             # 100,000 jobs on SQLite
    DATABASE_URL=postgres://... make bench ARGS="--jobs 1000000"
    .venv/bin/python tests/benchmarks/bench.py --jobs 100000 --runs 20 --only jobs

The shop has the shape of a real one whatever its size: about 1,000 active jobs (a floor does
not grow with its history) and years of finished ones, each with 1-4 items of 1-2 coats and
0-2 prep lines, 6-10 timeline rows, history rows, quotes, invoices with their lines and
payments, and usage rows in the stock ledger. It is written with bulk inserts, once: a SQLite
database is kept in var/bench/bench-<jobs>.sqlite3 for the next run (`--rebuild` makes it
again). On PostgreSQL the database named by DATABASE_URL is used; it must be empty or a bench
shop of the same size, and nothing else is ever touched.

Each page is requested `--runs` times after one warm-up, through Django's test client,
middleware and all, as a logged-in Supervisor (the TV with its key). The table gives p50 and
p95, the SQL queries and SQL time of a request, and p50 as a multiple of the stock Django
changelist of the same Job table measured in the same run. Benchmarks print figures; the test
suite never asserts timings.
"""

import argparse
import datetime
import itertools
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ACTIVE_JOBS = 1_000
JOBS_PER_DAY_AT_LEAST = 40
YEARS_AT_MOST = 10
BATCH = 5_000


def main() -> int:
    """Parse the options, set Django up, build the shop if needed, and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=10_000, help="jobs in the shop (10,000)")
    parser.add_argument("--runs", type=int, default=20, help="timed requests per page (20)")
    parser.add_argument("--rebuild", action="store_true", help="build the shop again")
    parser.add_argument(
        "--only", default="", help="time only pages whose name contains one of these (a,b)"
    )
    options = parser.parse_args()
    if options.jobs < ACTIVE_JOBS * 2:
        parser.error(f"--jobs must be at least {ACTIVE_JOBS * 2:,}")

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not os.environ.get("DATABASE_URL"):
        folder = ROOT / "var" / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        database = folder / f"bench-{options.jobs}.sqlite3"
        if options.rebuild and database.exists():
            database.unlink()
        os.environ["DATABASE_URL"] = f"sqlite:///{database}"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    # The test client's host name; no e-mail leaving; the stock admin beside the shop's own.
    # (Not setup_test_environment(): its template instrumentation would skew the figures.)
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.ROOT_URLCONF = "tests.benchmarks.bench_urls"
    # Plain static names, as in the tests: no collectstatic needed before a benchmark.
    from django.test.utils import override_settings

    plain = {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}).enable()

    call_command("migrate", verbosity=0)
    marker = f"Bench Shop, {options.jobs} jobs"
    from powdercoat.models import CompanySettings, Job

    company = CompanySettings.load()
    if company.name != marker or options.rebuild:
        if Job.objects.exists() and company.name != marker:
            print(
                f"This database already holds {Job.objects.count():,} jobs that are not a bench "
                f"shop of {options.jobs:,}; point DATABASE_URL at an empty database."
            )
            return 1
        if Job.objects.exists():
            call_command("flush", interactive=False, verbosity=0)
            call_command("migrate", verbosity=0)
        start = time.perf_counter()
        counts = build_shop(options.jobs, marker)
        print(f"Built in {time.perf_counter() - start:.0f} s: " + ", ".join(counts))
        if connection.vendor == "postgresql":
            # Statistics for the planner, and the visibility map and hint bits a fresh load
            # lacks: without them index-only scans read the table, and autovacuum would do
            # this work in the middle of the measurements.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")

    print(
        f"\n{options.jobs:,} jobs ({Job.objects.active().count():,} active), "
        f"{connection.vendor}, {options.runs} requests per page after one warm-up, "
        f"{datetime.date.today():%Y-%m-%d}, {os.cpu_count()} CPUs\n"
    )
    print_table(measure(options.runs, options.only))
    return 0


# -- building the shop ---------------------------------------------------------------------------


def build_shop(jobs: int, marker: str) -> list[str]:
    """Write the whole shop with bulk inserts, in one transaction; say how many of each."""
    from django.db import transaction

    with transaction.atomic(), _stamps_as_given():
        return _Builder(jobs, marker).build()


class _stamps_as_given:
    """Let bulk inserts keep the dates they are given (auto_now fields would write today)."""

    def __enter__(self):
        from django.apps import apps

        self.changed = []
        for model in apps.get_models():
            for field in model._meta.concrete_fields:
                if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                    self.changed.append((field, field.auto_now, field.auto_now_add))
                    field.auto_now = field.auto_now_add = False
        return self

    def __exit__(self, *exc):
        for field, auto_now, auto_now_add in self.changed:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def _chunks(rows, size=BATCH):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert(model, rows) -> int:
    """Bulk-insert an iterable of unsaved rows in batches; how many."""
    total = 0
    for chunk in _chunks(rows):
        model.objects.bulk_create(chunk, batch_size=BATCH)
        total += len(chunk)
    return total


WORDS = [
    "wheel",
    "rim",
    "frame",
    "bracket",
    "gate",
    "panel",
    "railing",
    "bumper",
    "hood",
    "valve",
    "cover",
    "chair",
    "table",
    "bike",
    "fork",
    "tank",
    "fender",
    "grille",
    "step",
    "bar",
    "rack",
    "post",
    "fence",
    "hinge",
    "lid",
    "door",
    "handle",
    "pipe",
    "manifold",
    "caliper",
]
COMPANIES = (
    "Harbor Fab",
    "Red River Welding",
    "Tulsa Custom",
    "Ozark Trailers",
    "Prairie Iron",
    "Route 66 Cycles",
    "Summit Rail",
    "Blue Stem Metal",
)


class _Builder:
    """One shop of `jobs` jobs; ids are read back from the database, so any engine works."""

    def __init__(self, jobs: int, marker: str):
        from django.utils import timezone

        self.jobs = jobs
        self.marker = marker
        self.random = random.Random(jobs)
        self.now = timezone.now()
        per_day = max(JOBS_PER_DAY_AT_LEAST, jobs / (365 * YEARS_AT_MOST))
        self.days = jobs / per_day
        self.counts: list[str] = []

    def note(self, what: str, count: int) -> None:
        self.counts.append(f"{count:,} {what}")

    def build(self) -> list[str]:
        self.settings_and_people()
        self.catalogue()
        self.customers()
        self.job_rows()
        self.items()
        self.timeline_and_history()
        self.quotes()
        self.invoices()
        self.ledger()
        self.numbering()
        return self.counts

    # -- who and what ---------------------------------------------------------------------

    def settings_and_people(self) -> None:
        from django.contrib.auth import get_user_model
        from django.contrib.auth.models import Group

        from powdercoat import roles
        from powdercoat.models import CompanySettings, Worker

        company = CompanySettings.load()
        company.name = self.marker
        company.save()
        self.company = company
        users = get_user_model().objects
        self.supervisor = users.create_user("bench-supervisor", is_staff=True)
        self.supervisor.groups.add(Group.objects.get(name=roles.SUPERVISOR))
        self.workers = Worker.objects.bulk_create(
            Worker(name=f"{first} {last}", created_at=self.now, updated_at=self.now)
            for first, last in zip(
                [
                    "Ana",
                    "Ben",
                    "Cal",
                    "Dee",
                    "Eli",
                    "Fay",
                    "Gus",
                    "Hal",
                    "Ivy",
                    "Jon",
                    "Kim",
                    "Lou",
                ],
                [
                    "Ortega",
                    "Sloan",
                    "Reyes",
                    "Nguyen",
                    "Brandt",
                    "Pickett",
                    "Raman",
                    "Holloway",
                    "Cole",
                    "Diaz",
                    "Park",
                    "Ward",
                ],
                strict=True,
            )
        )

    def catalogue(self) -> None:
        from powdercoat.models import InventoryActivity, InventoryItem, PrepService
        from powdercoat.models.choices import (
            ActivityKind,
            InventoryCategory,
            JobStatus,
            PrepPricing,
        )

        self.powders = InventoryItem.objects.bulk_create(
            InventoryItem(
                name=f"Bench powder {n}",
                sku=f"BENCH-{n:03d}",
                category=InventoryCategory.POWDER,
                color_name=f"Colour {n}",
                swatch_hex=f"#{(n * 2654435761) % 0xFFFFFF:06x}",
                unit_cost=Decimal("11.50"),
                quantity_on_hand=Decimal("100"),
                reorder_point=Decimal("10"),
                created_at=self.now,
                updated_at=self.now,
            )
            for n in range(40)
        )
        InventoryActivity.objects.bulk_create(
            InventoryActivity(
                item=powder,
                kind=ActivityKind.OPENING,
                quantity=Decimal("100"),
                balance_after=Decimal("100"),
                unit_cost=Decimal("11.50"),
                created_at=self.now - datetime.timedelta(days=self.days + 1),
            )
            for powder in self.powders
        )
        stages = (JobStatus.SANDBLASTING, JobStatus.MASKING, JobStatus.CLEANING)
        self.preps = [
            PrepService.objects.create(
                name=f"Bench {stage.label}",
                pricing_method=PrepPricing.PER_SQFT,
                rate=Decimal("1.50"),
                stage=stage,
                created_at=self.now,
                updated_at=self.now,
            )
            for stage in stages
        ]

    def customers(self) -> None:
        from powdercoat.models import Customer
        from powdercoat.models.choices import CustomerType

        count = min(30_000, max(50, self.jobs // 20))
        made = _insert(
            Customer,
            (
                Customer(
                    customer_type=CustomerType.COMMERCIAL,
                    company_name=f"{COMPANIES[n % len(COMPANIES)]} {n}",
                    contact_name=f"Contact {n}",
                    email=f"office{n}@customer{n}.example",
                    phone=f"555-{n % 10000:04d}",
                    created_at=self.now,
                    updated_at=self.now,
                )
                for n in range(count)
            ),
        )
        self.customer_ids = list(Customer.objects.order_by("pk").values_list("pk", flat=True))
        self.note("customers", made)

    # -- jobs -------------------------------------------------------------------------------

    def _created(self, index: int) -> datetime.datetime:
        """Job `index` of `jobs`, oldest first, spread evenly over the shop's years."""
        days_ago = self.days * (self.jobs - index) / self.jobs
        return self.now - datetime.timedelta(days=days_ago, minutes=self.random.randint(0, 600))

    def job_rows(self) -> None:
        from powdercoat.models import Job
        from powdercoat.models.choices import ACTIVE_STAGES, JobStatus, Priority

        active_from = self.jobs - ACTIVE_JOBS
        ready_from = active_from - 150
        sequences: dict[str, int] = {}
        self.job_plan = []  # (status, created, customer_id, item count) per job, in job order

        def rows():
            for index in range(self.jobs):
                created = self._created(index)
                if index >= active_from:
                    status = ACTIVE_STAGES[index % len(ACTIVE_STAGES)]
                elif index >= ready_from:
                    status = JobStatus.READY_FOR_PICKUP
                elif self.random.random() < 0.05:
                    status = JobStatus.CANCELLED
                else:
                    status = JobStatus.DELIVERED
                period = f"{created:%y%m}"
                sequences[period] = sequences.get(period, 0) + 1
                customer_id = self.random.choice(self.customer_ids)
                items = self.random.randint(1, 4)
                self.job_plan.append((status, created, customer_id, items))
                due = (created + datetime.timedelta(days=self.random.randint(5, 21))).date()
                yield Job(
                    number=f"JOB-{period}-{sequences[period]:04d}",
                    customer_id=customer_id,
                    description=" ".join(self.random.sample(WORDS, 3)).capitalize(),
                    po_number=f"PO-{index}" if index % 3 == 0 else "",
                    priority=self.random.choice(Priority.values),
                    status=status,
                    held_from_status=JobStatus.COATING if status == JobStatus.ON_HOLD else "",
                    scheduled_date=created.date(),
                    due_date=due,
                    estimated_hours=Decimal(self.random.randint(1, 16)) / 2,
                    discount_percent=Decimal("0"),
                    rush_surcharge_percent=Decimal("0"),
                    created_at=created,
                    updated_at=created,
                )

        self.sequences = sequences
        made = _insert(Job, rows())
        self.job_ids = list(Job.objects.order_by("pk").values_list("pk", flat=True))
        self.note("jobs", made)

    def items(self) -> None:
        from powdercoat.models import Job, LineItem, LineItemCoat, LineItemPrep
        from powdercoat.models.choices import CoatLayer, ItemKind

        totals = {}

        def item_rows():
            for job_id, (_status, _created, _customer, count) in zip(
                self.job_ids, self.job_plan, strict=True
            ):
                total = Decimal("0")
                for position in range(1, count + 1):
                    quantity = self.random.randint(1, 20)
                    price = Decimal(self.random.randint(500, 20000)) / 100
                    total += quantity * price
                    yield LineItem(
                        job_id=job_id,
                        position=position,
                        kind=ItemKind.FLAT_RATE,
                        description=" ".join(self.random.sample(WORDS, 2)).capitalize(),
                        quantity=quantity,
                        surface_area_sqft=Decimal(self.random.randint(5, 120)) / 10,
                        unit_price=price,
                    )
                totals[job_id] = total

        made = _insert(LineItem, item_rows())
        self.note("line items", made)
        item_ids = LineItem.objects.filter(job__isnull=False).order_by("pk")
        item_ids = list(item_ids.values_list("pk", flat=True))

        def coat_rows():
            for item_id in item_ids:
                layers = (
                    (CoatLayer.BASE,)
                    if self.random.random() < 0.6
                    else (
                        CoatLayer.BASE,
                        CoatLayer.CLEAR,
                    )
                )
                for position, layer in enumerate(layers, start=1):
                    yield LineItemCoat(
                        item_id=item_id,
                        powder=self.random.choice(self.powders),
                        layer=layer,
                        position=position,
                    )

        self.note("coats", _insert(LineItemCoat, coat_rows()))

        def prep_rows():
            for item_id in item_ids:
                for prep in self.random.sample(self.preps, self.random.randint(0, 2)):
                    yield LineItemPrep(
                        item_id=item_id,
                        prep_service=prep,
                        pricing_method=prep.pricing_method,
                        rate=prep.rate,
                    )

        self.note("prep lines", _insert(LineItemPrep, prep_rows()))
        # Totals without discount or rush: a sum per job, written in batches.
        for chunk in _chunks(list(totals.items()), 2_000):
            jobs = [Job(pk=pk, subtotal=total, total_price=total) for pk, total in chunk]
            Job.objects.bulk_update(jobs, ["subtotal", "total_price"], batch_size=2_000)
        self.totals = totals

    def timeline_and_history(self) -> None:
        from powdercoat.models import Job, StatusChange
        from powdercoat.models.choices import WORKFLOW, JobStatus

        def change_rows():
            for job_id, (status, created, _customer, _items) in zip(
                self.job_ids, self.job_plan, strict=True
            ):
                if status in WORKFLOW:
                    end = WORKFLOW.index(status)
                else:  # On Hold after Coating; Cancelled after a few stages
                    end = WORKFLOW.index(JobStatus.COATING)
                path = list(WORKFLOW[: end + 1])
                # 6-10 rows: the stages walked, prep stages skipped where the path is long.
                while len(path) > self.random.randint(7, 11):
                    path.pop(self.random.randint(1, len(path) - 2))
                if status in (JobStatus.ON_HOLD, JobStatus.CANCELLED):
                    path.append(status)
                moments, moment = [], created
                for _step in range(len(path) - 1):
                    moment += datetime.timedelta(hours=self.random.randint(1, 30))
                    moments.append(moment)
                if moments and moments[-1] > self.now:
                    # A recent job's moves squeezed in before now: none may lie in the future
                    # (the load test counts the moves made after it starts).
                    scale = (self.now - created) / (moments[-1] - created)
                    moments = [created + (moment - created) * scale for moment in moments]
                for (before, after), moment in zip(itertools.pairwise(path), moments, strict=True):
                    yield StatusChange(
                        job_id=job_id,
                        from_status=before,
                        to_status=after,
                        transition="advance",
                        created_at=moment,
                    )

        self.note("timeline rows", _insert(StatusChange, change_rows()))
        Job.objects.all().restamp_milestones()
        self.note("finished jobs", Job.objects.filter(finished_at__isnull=False).count())

        history = Job.history.model
        fields = [f.attname for f in history._meta.concrete_fields if f.attname in _JOB_FIELDS]

        def history_rows():
            for chunk in _chunks(self.job_ids, 2_000):
                for job in Job.objects.filter(pk__in=chunk).values(*fields):
                    created = job["created_at"]
                    yield history(
                        **job, history_date=created, history_type="+", history_change_reason=""
                    )
                    if job["status"] != JobStatus.PENDING:
                        yield history(
                            **job,
                            history_date=min(created + datetime.timedelta(days=1), self.now),
                            history_type="~",
                            history_change_reason="",
                        )

        self.note("job history rows", _insert(history, history_rows()))

    def quotes(self) -> None:
        from powdercoat.models import Quote
        from powdercoat.models.choices import QuoteStatus

        count = self.jobs // 5
        sequences: dict[str, int] = {}
        open_statuses = (QuoteStatus.DRAFT, QuoteStatus.SENT, QuoteStatus.APPROVED)

        def rows():
            for index in range(count):
                created = self._created(index * 5)
                period = f"{created:%y%m}"
                sequences[period] = sequences.get(period, 0) + 1
                recent = index > count - 200
                status = (
                    self.random.choice(open_statuses)
                    if recent
                    else self.random.choice((QuoteStatus.REJECTED, QuoteStatus.EXPIRED))
                )
                total = Decimal(self.random.randint(5000, 300000)) / 100
                yield Quote(
                    number=f"QUO-{period}-{sequences[period]:04d}",
                    customer_id=self.random.choice(self.customer_ids),
                    description=" ".join(self.random.sample(WORDS, 3)).capitalize(),
                    quote_date=created.date(),
                    valid_until=created.date() + datetime.timedelta(days=30),
                    status=status,
                    subtotal=total,
                    total=total,
                    created_at=created,
                    updated_at=created,
                )

        self.quote_sequences = sequences
        self.note("quotes", _insert(Quote, rows()))

    def invoices(self) -> None:
        from powdercoat.models import Invoice, InvoiceLine, LineItem, Payment
        from powdercoat.models.choices import InvoiceStatus, JobStatus, PaymentMethod

        sequences: dict[str, int] = {}
        invoiced = []

        def rows():
            for job_id, (status, created, customer_id, _items) in zip(
                self.job_ids, self.job_plan, strict=True
            ):
                if status not in (JobStatus.DELIVERED, JobStatus.READY_FOR_PICKUP):
                    continue
                day = (created + datetime.timedelta(days=10)).date()
                period = f"{day:%y%m}"
                sequences[period] = sequences.get(period, 0) + 1
                total = self.totals[job_id]
                paid = status == JobStatus.DELIVERED
                invoiced.append((job_id, day, total, paid))
                yield Invoice(
                    number=f"INV-{period}-{sequences[period]:04d}",
                    job_id=job_id,
                    customer_id=customer_id,
                    invoice_date=day,
                    due_date=day + datetime.timedelta(days=30),
                    status=InvoiceStatus.PAID if paid else InvoiceStatus.SENT,
                    subtotal=total,
                    total=total,
                    amount_paid=total if paid else Decimal("0"),
                    balance=Decimal("0") if paid else total,
                    created_at=created,
                    updated_at=created,
                )

        self.invoice_sequences = sequences
        self.note("invoices", _insert(Invoice, rows()))
        invoice_of = dict(Invoice.objects.values_list("job_id", "pk"))

        def line_rows():
            for chunk in _chunks(list(invoice_of), 2_000):
                items = LineItem.objects.filter(job_id__in=chunk).values_list(
                    "job_id", "position", "description", "quantity", "unit_price"
                )
                for job_id, position, description, quantity, price in items:
                    yield InvoiceLine(
                        invoice_id=invoice_of[job_id],
                        position=position,
                        description=description,
                        quantity=quantity,
                        unit_price=price,
                        line_total=quantity * price,
                    )

        self.note("invoice lines", _insert(InvoiceLine, line_rows()))
        self.note(
            "payments",
            _insert(
                Payment,
                (
                    Payment(
                        invoice_id=invoice_of[job_id],
                        paid_on=day + datetime.timedelta(days=self.random.randint(0, 25)),
                        amount=total,
                        method=self.random.choice(PaymentMethod.values),
                        created_at=self.now,
                    )
                    for job_id, day, total, paid in invoiced
                    if paid and total > 0
                ),
            ),
        )

    def ledger(self) -> None:
        """A usage row per finished or coated job, with receipts that keep the shelf stocked."""
        from powdercoat.models import InventoryActivity, InventoryItem
        from powdercoat.models.choices import ActivityKind, JobStatus

        on_hand = {powder.pk: Decimal("100") for powder in self.powders}
        used = (JobStatus.DELIVERED, JobStatus.READY_FOR_PICKUP, JobStatus.CURING)

        def rows():
            for job_id, (status, created, _customer, _items) in zip(
                self.job_ids, self.job_plan, strict=True
            ):
                if status not in used:
                    continue
                powder = self.random.choice(self.powders)
                lbs = Decimal(self.random.randint(5, 60)) / 10
                moment = created + datetime.timedelta(days=2)
                if on_hand[powder.pk] < lbs:
                    on_hand[powder.pk] += Decimal("100")
                    yield InventoryActivity(
                        item_id=powder.pk,
                        kind=ActivityKind.RECEIPT,
                        quantity=Decimal("100"),
                        balance_after=on_hand[powder.pk],
                        unit_cost=Decimal("11.50"),
                        created_at=moment,
                    )
                on_hand[powder.pk] -= lbs
                yield InventoryActivity(
                    item_id=powder.pk,
                    kind=ActivityKind.USAGE,
                    quantity=-lbs,
                    balance_after=on_hand[powder.pk],
                    unit_cost=Decimal("11.50"),
                    job_id=job_id,
                    created_at=moment,
                )

        self.note("ledger rows", _insert(InventoryActivity, rows()))
        for pk, quantity in on_hand.items():
            InventoryItem.objects.filter(pk=pk).update(quantity_on_hand=quantity)

    def numbering(self) -> None:
        """The numbers' sequences continue after the bench's own, as the app's would."""
        from powdercoat.models import NumberSequence

        NumberSequence.objects.bulk_create(
            NumberSequence(prefix=prefix, period=period, last_value=last)
            for prefix, sequences in (
                ("JOB", self.sequences),
                ("QUO", self.quote_sequences),
                ("INV", self.invoice_sequences),
            )
            for period, last in sequences.items()
        )


_JOB_FIELDS = {
    "id",
    "created_at",
    "number",
    "customer_id",
    "description",
    "project_name",
    "po_number",
    "scheduled_date",
    "due_date",
    "priority",
    "status",
    "held_from_status",
    "special_instructions",
    "estimated_hours",
    "discount_percent",
    "rush_surcharge_percent",
    "subtotal",
    "discount_amount",
    "rush_surcharge_amount",
    "total_price",
}


# -- measuring -----------------------------------------------------------------------------------


def pages() -> dict[str, str]:
    """Every page the benchmark times, by name: its address on the bench shop."""
    from django.db.models import Count
    from django.urls import reverse

    from powdercoat.models import CompanySettings, Customer, Job

    key = CompanySettings.load().display_key
    active = Job.objects.active().order_by("pk").first()
    three = (
        Job.objects.active()
        .annotate(n=Count("items"))
        .filter(n=3)
        .order_by("pk")
        .values_list("number", flat=True)
        .first()
    )
    newest = Job.objects.order_by("-pk").values_list("number", flat=True).first()
    customer = Customer.objects.annotate(n=Count("jobs")).order_by("-n").first()
    jobs = reverse("admin:powdercoat_job_changelist")
    deep = max(1, min(500, Job.objects.count() // 50))
    return {
        "stock admin changelist (anchor)": "/stock-admin/powdercoat/job/",
        "jobs list, default tab": jobs,
        "jobs list, All": f"{jobs}?view=all",
        "jobs list, search number": f"{jobs}?view=all&q={newest}",
        "jobs list, search customer": f"{jobs}?view=all&q={customer.company_name}",
        "jobs list, search word": f"{jobs}?view=all&q=bracket",
        "jobs list, sort by price": f"{jobs}?view=all&o=-9",
        f"jobs list, page {deep}": f"{jobs}?view=all&p={deep}",
        "jobs list, Overdue": f"{jobs}?view=overdue",
        "job page": reverse("admin:powdercoat_job_change", args=[active.pk]),
        "job history page": reverse("admin:powdercoat_job_history", args=[active.pk]),
        "customers list": reverse("admin:powdercoat_customer_changelist"),
        "customer page (most jobs)": reverse(
            "admin:powdercoat_customer_change", args=[customer.pk]
        ),
        "quotes list": reverse("admin:powdercoat_quote_changelist"),
        "invoices list": reverse("admin:powdercoat_invoice_changelist"),
        "stock ledger list": reverse("admin:powdercoat_inventoryactivity_changelist"),
        "dashboard": reverse("admin:index"),
        "rework list": reverse("admin:powdercoat_reworkrecord_changelist"),
        "report: time in each stage": reverse("admin:report_stage-times"),
        "report: on-time delivery": reverse("admin:report_on-time"),
        "report: rework": reverse("admin:report_rework"),
        "report: hours": reverse("admin:report_hours"),
        "report: powder": reverse("admin:report_powder"),
        "report: revenue": reverse("admin:report_revenue"),
        "powder demand": reverse("admin:powdercoat_inventoryitem_demand"),
        "shop display (TV)": f"{reverse('admin_views:shop_display')}?key={key}",
        "shop display refresh": f"{reverse('admin_views:shop_display_board')}?key={key}",
        "priority board": reverse("admin_views:priority_board"),
        "priority board, one lane": f"{reverse('admin_views:priority_board')}?lane=2",
        "phone view": reverse("admin_views:shop_mobile"),
        "phone view refresh": reverse("admin_views:shop_mobile_list"),
        "phone view, one stage": f"{reverse('admin_views:shop_mobile')}?stage=coating",
        "oven plan": reverse("admin_views:oven_plan"),
        "customer status page": _status_link(active),
        "work order PDF, 3 items": reverse("admin_views:job_work_order", args=[three]),
        "wizard live estimate": _wizard_estimate(Job.objects.get(number=three)),
    }


def _status_link(job) -> str:
    """The job's customer status link (issued on the first run, the same on later ones)."""
    from powdercoat.services.status_links import job_status_link_issue, status_link_path

    job_status_link_issue(job=job)
    return status_link_path(str(job.status_token))


def _wizard_estimate(job):
    """The item wizard's live estimate as a person typing a size sees it: open the wizard on
    the job's first item (a draft in the session), then post the size step's values. Returns a
    function of the logged-in client giving (address, form data)."""
    from django.urls import reverse

    item = job.items.order_by("position", "pk").first()

    def prepare(client):
        start = client.get(
            reverse("admin:powdercoat_job_item_edit", args=[job.pk, item.pk]), secure=True
        )
        token = start["Location"].rstrip("/").split("/")[-2]
        url = reverse("admin:powdercoat_job_item_estimate", args=[job.pk, token])
        return url, {"_step": "size", "quantity": "12", "surface_area_sqft": "6.5"}

    return prepare


class _SQLTimer:
    """Counts and times every query through a database execute wrapper (no debug cursor)."""

    def __init__(self):
        self.queries = 0
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start
            self.queries += 1


def measure(runs: int, only: str) -> list[tuple[str, list[float], int, float]]:
    """(page, timings in ms, queries, median SQL ms) for each page, the anchor first."""
    from django.contrib.auth import get_user_model
    from django.test import Client

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-supervisor"))
    results = []
    wanted = [part for part in only.split(",") if part]
    for name, page in pages().items():
        if wanted and not any(part in name for part in wanted) and "anchor" not in name:
            continue
        url, data = page(client) if callable(page) else (page, None)

        # secure=True: with DEBUG off the site redirects plain http to https.
        def request(url=url, data=data):
            if data is None:
                return client.get(url, secure=True)
            return client.post(url, data, secure=True)

        response = request()
        if response.status_code != 200:
            raise SystemExit(f"{name}: {url} answered {response.status_code}")
        results.append((name, *_timed(runs, request)))
    if not wanted or any(part in "import 10,000 customers" for part in wanted):
        results += measure_import(client, max(1, runs // 5))
    return results


def _timed(runs: int, work) -> tuple[list[float], int, float]:
    """(timings in ms, queries of the last run, median SQL ms) of `runs` calls of work()."""
    from django.db import connection

    timings, sql = [], []
    for _ in range(runs):
        timer = _SQLTimer()
        with connection.execute_wrapper(timer):
            start = time.perf_counter()
            work()
            timings.append((time.perf_counter() - start) * 1000)
        sql.append(timer.seconds * 1000)
    return timings, timer.queries, statistics.median(sql)


IMPORT_ROWS = 10_000


def measure_import(client, runs: int) -> list[tuple[str, list[float], int, float]]:
    """A 10,000-row customer file, half of them known customers with a new phone number: the
    upload through the import page (a file this big goes to the task worker, so the request
    only stores it), then the check the worker runs (the preview's dry run; nothing is saved).
    The benchmark's database is left as it was."""
    import tempfile

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.utils import override_settings
    from django.urls import reverse

    from powdercoat.models import Customer, SpreadsheetImport
    from powdercoat.services.import_runs import spreadsheet_import_check
    from tests.spreadsheet_files import csv_bytes

    emails = Customer.objects.order_by("pk").values_list("email", flat=True)
    known = list(emails[: IMPORT_ROWS // 2])
    rows = [["Email", "Contact name", "Phone"]]
    rows += [[email, f"Buyer {n}", f"(555) 020-{n:04d}"] for n, email in enumerate(known)]
    rows += [
        [f"new{n}@bench-import.example", f"New buyer {n}", ""]
        for n in range(IMPORT_ROWS - len(known))
    ]
    data = csv_bytes(rows)
    url = reverse("admin:powdercoat_customer_import")
    queued: list[int] = []

    def upload():
        response = client.post(
            url,
            {"resource": "0", "format": "", "import_file": SimpleUploadedFile("c.csv", data)},
            secure=True,
        )
        if response.status_code != 302:
            raise SystemExit(f"import upload answered {response.status_code}")
        queued.append(SpreadsheetImport.objects.latest("pk").pk)

    def check():
        spreadsheet_import_check(import_id=queued.pop())

    results = []
    with (
        tempfile.TemporaryDirectory() as folder,
        override_settings(
            SPREADSHEET_PREVIEW_DIR=folder, TASKS=_NO_TASKS, SPREADSHEET_BACKGROUND_ROWS=2_000
        ),
    ):
        client.force_login(_importer())
        label = f"import {IMPORT_ROWS:,} customers"
        results.append((f"{label}: upload", *_timed(runs, upload)))
        results.append((f"{label}: check (worker)", *_timed(runs, check)))
        SpreadsheetImport.objects.all().delete()
    return results


# The upload's task is run by measure_import itself, timed on its own.
_NO_TASKS = {"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}


def _importer():
    """The bench shop's office user, who may import customers."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from powdercoat import roles

    user, created = get_user_model().objects.get_or_create(
        username="bench-office", defaults={"is_staff": True}
    )
    if created:
        user.groups.add(Group.objects.get(name=roles.OFFICE))
    return user


def _p95(timings: list[float]) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def print_table(results) -> None:
    """One Markdown table: the README keeps the latest one."""
    anchor = statistics.median(results[0][1])
    print("| page | p50 ms | p95 ms | × stock | queries | SQL ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, timings, queries, sql in results:
        p50 = statistics.median(timings)
        print(
            f"| {name} | {p50:,.0f} | {_p95(timings):,.0f} | {p50 / anchor:.1f} "
            f"| {queries} | {sql:,.0f} |"
        )


if __name__ == "__main__":
    sys.exit(main())
