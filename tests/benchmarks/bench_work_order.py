"""How long the job work order PDF takes: a 3-item and a 40-item job, ten renders each.

    .venv/bin/python tests/benchmarks/bench_work_order.py            # the configured database
    .venv/bin/python tests/benchmarks/bench_work_order.py --scratch  # a throwaway SQLite database

The jobs are made inside a transaction that is rolled back, so the database is left as it was.
Targets (SPEC D1 and the work order issue): 3 items under 200 ms, 40 items under 1 s.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RUNS = 10


class Rollback(Exception):
    """Raised to undo everything the benchmark wrote."""


def main() -> int:
    """Parse the options, set Django up, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scratch", action="store_true", help="use a new temporary SQLite database (migrated)"
    )
    parser.add_argument("--runs", type=int, default=RUNS, help=f"renders per job (default {RUNS})")
    options = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    scratch = tempfile.TemporaryDirectory() if options.scratch else None
    if scratch is not None:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(scratch.name) / 'bench.sqlite3'}"

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if scratch is not None:
        call_command("migrate", verbosity=0)
    elif "powdercoat_job" not in connection.introspection.table_names():
        print("The database has no tables yet: run `manage.py migrate` first, or use --scratch.")
        return 1

    results = _bench(options.runs)
    for items, timings in results.items():
        print(
            f"{items:>2} items: median {statistics.median(timings):6.1f} ms  "
            f"(min {min(timings):.1f}, max {max(timings):.1f}, {len(timings)} renders)"
        )
    if scratch is not None:
        scratch.cleanup()
    return 0


def _bench(runs: int) -> dict[int, list[float]]:
    from django.db import transaction

    from powdercoat.documents.work_order import work_order_pdf

    results: dict[int, list[float]] = {}
    try:
        with transaction.atomic():
            for items in (3, 40):
                job = _job_with(items)
                work_order_pdf(job=job, prices_allowed=True, contact_allowed=True)  # warm up
                timings = []
                for _ in range(runs):
                    start = time.perf_counter()
                    work_order_pdf(job=job, prices_allowed=True, contact_allowed=True)
                    timings.append((time.perf_counter() - start) * 1000)
                results[items] = timings
            raise Rollback
    except Rollback:
        pass
    return results


def _job_with(count: int):
    """A job with `count` items, two powders and a prep service, made through the services."""
    from powdercoat.models import (
        Customer,
        InventoryItem,
        Job,
        LineItem,
        LineItemCoat,
        LineItemPrep,
        PartIntake,
        PrepService,
    )
    from powdercoat.models.choices import InventoryCategory, PrepPricing, Priority
    from powdercoat.services.inventory import inventory_item_create
    from powdercoat.services.jobs import job_create
    from powdercoat.services.prices import job_refresh_price

    customer = Customer.objects.create(
        company_name=f"Benchmark Fabrication {count}", contact_name="Pat Bench", phone="555-0100"
    )
    job = job_create(
        job=Job(
            customer=customer,
            description="Benchmark job",
            po_number="PO-BENCH",
            priority=Priority.HIGH,
            special_instructions="Mask the threads.",
        ),
        user=None,
        alert_supervisors=False,
    )
    powders = [
        inventory_item_create(
            item=InventoryItem(
                name=name,
                sku=f"BENCH-{count}-{code}",
                category=InventoryCategory.POWDER,
                unit="lb",
                color_code=code,
                cure_temperature_f=400,
                cure_minutes=10,
            ),
            user=None,
            opening_quantity=Decimal("50"),
        )
        for name, code in (("Jet Black", "RAL 9005"), ("Signal Red", "RAL 3001"))
    ]
    blasting, _ = PrepService.objects.get_or_create(
        name="Benchmark blasting",
        defaults={"pricing_method": PrepPricing.PER_SQFT, "rate": Decimal("1")},
    )
    for position in range(1, count + 1):
        item = LineItem.objects.create(
            job=job,
            position=position,
            description=f"Bracket {position}",
            quantity=4,
            surface_area_sqft=Decimal("2.5"),
            unit_price=Decimal("20"),
        )
        LineItemCoat.objects.create(item=item, powder=powders[position % 2], position=1)
        LineItemPrep.objects.create(item=item, prep_service=blasting)
    PartIntake.objects.create(job=job, expected_count=4 * count, actual_count=4 * count)
    return job_refresh_price(job=job)


if __name__ == "__main__":
    sys.exit(main())
