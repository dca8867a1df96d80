"""How long the shop-floor pages take with 500 active jobs (SPEC S: "well under a second").

    .venv/bin/python tests/benchmarks/bench_shop_pages.py            # the configured database
    .venv/bin/python tests/benchmarks/bench_shop_pages.py --scratch  # a throwaway SQLite database
    .venv/bin/python tests/benchmarks/bench_shop_pages.py --scratch --jobs 1000 --runs 10

Each page is requested through Django's test client, middleware and all, as a logged-in
supervisor (the TV page with its key). The jobs are made inside a transaction that is rolled
back, so the database is left as it was. Prints the median, fastest and slowest time of each
page and the number of SQL queries it ran.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JOBS = 500
RUNS = 5


class Rollback(Exception):
    """Raised to undo everything the benchmark wrote."""


def main() -> int:
    """Parse the options, set Django up, and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--scratch", action="store_true", help="use a new temporary SQLite database (migrated)"
    )
    parser.add_argument("--jobs", type=int, default=JOBS, help=f"active jobs (default {JOBS})")
    parser.add_argument("--runs", type=int, default=RUNS, help=f"requests per page ({RUNS})")
    options = parser.parse_args()

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    scratch = tempfile.TemporaryDirectory() if options.scratch else None
    if scratch is not None:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(scratch.name) / 'bench.sqlite3'}"

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    # The test client's host name, and no email leaving (not setup_test_environment(): its
    # template instrumentation would slow the pages down and skew the figures).
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    if scratch is not None:
        call_command("migrate", verbosity=0)
    elif "powdercoat_job" not in connection.introspection.table_names():
        print("The database has no tables yet: run `manage.py migrate` first, or use --scratch.")
        return 1

    print(f"{options.jobs} active jobs, {options.runs} requests per page, {connection.vendor}")
    for page, (timings, queries) in _bench(options.jobs, options.runs).items():
        print(
            f"{page:<26} median {statistics.median(timings):7.1f} ms  "
            f"(min {min(timings):6.1f}, max {max(timings):6.1f})  {queries:>2} queries"
        )
    if scratch is not None:
        scratch.cleanup()
    return 0


def _bench(jobs: int, runs: int) -> dict[str, tuple[list[float], int]]:
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    results: dict[str, tuple[list[float], int]] = {}
    try:
        with transaction.atomic():
            pages, user = _shop(jobs)
            client = Client()
            client.force_login(user)
            for name, url in pages.items():
                # secure=True: with DEBUG off the site redirects plain http to https.
                response = client.get(url, secure=True)  # warm up (templates, caches)
                if response.status_code != 200:
                    raise SystemExit(f"{name}: {url} answered {response.status_code}")
                timings = []
                for _ in range(runs):
                    with CaptureQueriesContext(connection) as queries:
                        start = time.perf_counter()
                        client.get(url, secure=True)
                        timings.append((time.perf_counter() - start) * 1000)
                results[name] = (timings, len(queries))
            raise Rollback
    except Rollback:
        pass
    return results


def _shop(count: int):
    """`count` active jobs with two items in two powders and two workers each; the page URLs."""
    from decimal import Decimal

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from powdercoat import roles
    from powdercoat.models import (
        CompanySettings,
        Customer,
        InventoryItem,
        Job,
        LineItem,
        LineItemCoat,
        Worker,
    )
    from powdercoat.models.choices import (
        ACTIVE_STAGES,
        CustomerType,
        InventoryCategory,
        Priority,
    )
    from powdercoat.services.inventory import inventory_item_create
    from powdercoat.services.jobs import job_create

    user = get_user_model().objects.create_user("bench-supervisor", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.SUPERVISOR))
    customers = Customer.objects.bulk_create(
        Customer(customer_type=CustomerType.COMMERCIAL, company_name=f"Bench Customer {n}")
        for n in range(60)
    )
    workers = Worker.objects.bulk_create(Worker(name=f"Bench Worker {n}") for n in range(8))
    powders = [
        inventory_item_create(
            item=InventoryItem(
                name=f"Bench Powder {n}",
                sku=f"BENCH-{n:03d}",
                category=InventoryCategory.POWDER,
                color_name=f"Colour {n}",
                swatch_hex=f"#{(n * 2654435761) % 0xFFFFFF:06x}",
            ),
            user=None,
            opening_quantity=Decimal("50"),
        )
        for n in range(12)
    ]
    priorities = Priority.values
    made = []
    for n in range(count):
        job = job_create(
            job=Job(
                customer=customers[n % len(customers)],
                description=f"Bench job {n}",
                priority=priorities[n % len(priorities)],
            ),
            user=None,
            alert_supervisors=False,
        )
        made.append(job)
    # Spread the jobs over the active stages (a bench shortcut: the status field directly).
    for n, job in enumerate(made):
        stage = ACTIVE_STAGES[n % len(ACTIVE_STAGES)]
        held_from = "coating" if stage == "on_hold" else ""
        Job.objects.filter(pk=job.pk).update(status=stage, held_from_status=held_from)
    Job.assigned_workers.through.objects.bulk_create(
        Job.assigned_workers.through(job=job, worker=workers[(n + k) % len(workers)])
        for n, job in enumerate(made)
        for k in (0, 1)
    )
    items = LineItem.objects.bulk_create(
        LineItem(job=job, position=p, description=f"Part {p}", quantity=4)
        for job in made
        for p in (1, 2)
    )
    LineItemCoat.objects.bulk_create(
        LineItemCoat(item=item, powder=powders[(n + k) % len(powders)], position=k + 1)
        for n, item in enumerate(items)
        for k in (0, 1)
    )
    key = CompanySettings.load().display_key
    some = made[0].number
    pages = {
        "shop display (TV)": f"/jobs/shop-display/?key={key}",
        "shop display refresh": f"/jobs/shop-display/board/?key={key}",
        "priority board": "/jobs/priority/",
        "phone view, all jobs": "/jobs/mobile/",
        "phone view, one worker": f"/jobs/mobile/?worker={workers[0].pk}",
        "phone view refresh": "/jobs/mobile/list/",
        "status bump page": f"/jobs/{some}/bump/",
        "material usage page": f"/inventory/usage/?item={powders[0].pk}&job={some}",
    }
    return pages, user


if __name__ == "__main__":
    sys.exit(main())
