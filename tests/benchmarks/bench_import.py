"""Time spreadsheet imports of 10,000 inventory items and 10,000 customers (SPEC X3: < 30 s each).

Run from the project root:  .venv/bin/python tests/benchmarks/bench_import.py [--rows N] [--xlsx]

It writes the files to a temporary folder and imports them into a throwaway SQLite database
made for the run (your own database is never touched), the way the admin does: a dry run for
the preview, then the real import, then the same file again (every row found, nothing changed),
then a copy with one cell changed in every row (every row an update).
The times are printed; nothing is asserted.
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _setup(workdir: Path) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _inventory_rows(count: int) -> tuple[list[str], list[list]]:
    headers = [
        "SKU",
        "Name",
        "Category",
        "Unit",
        "Unit cost",
        "Reorder point",
        "Opening stock",
        "Vendor",
        "Manufacturer",
        "Colour name",
        "Colour code",
        "Finish",
        "Specific gravity",
        "Film thickness (mils)",
        "Cure temperature (F)",
        "Cure time (min)",
        "Active",
    ]
    rows = [
        [
            f"BENCH-{n:05d}",
            f"Bench powder {n}",
            "Powder",
            "lb",
            f"{10 + n % 7}.{n % 100:02d}",
            "10",
            str(n % 60),
            f"Vendor {n % 12}",
            "Bench Coatings",
            f"Colour {n}",
            f"RAL {1000 + n % 9000}",
            "Gloss",
            "1.5",
            "2.5",
            "400",
            "10",
            "yes",
        ]
        for n in range(count)
    ]
    return headers, rows


def _customer_rows(count: int) -> tuple[list[str], list[list]]:
    headers = [
        "Email",
        "Type",
        "Company name",
        "Contact name",
        "Phone",
        "Billing address",
        "Discount %",
        "Tax exempt",
        "Active",
    ]
    rows = [
        [
            f"buyer{n}@bench.example",
            "Commercial" if n % 3 else "Retail",
            f"Bench Fabrication {n}" if n % 3 else "",
            f"Buyer {n}",
            f"(555) 010-{n % 10000:04d}",
            f"{n} Main St\nTulsa, OK",
            str(n % 15),
            "no",
            "yes",
        ]
        for n in range(count)
    ]
    return headers, rows


def _write(path: Path, headers, rows, xlsx: bool) -> None:
    import tablib

    from powdercoat.spreadsheets import CSV, XLSX

    dataset = tablib.Dataset(*rows, headers=headers)
    data = (XLSX() if xlsx else CSV()).export_data(dataset)
    path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))


def _bench(label: str, path: Path, changed: Path, resource_class, xlsx: bool) -> None:
    from powdercoat.spreadsheets import CSV, XLSX

    file_format = XLSX() if xlsx else CSV()
    size = path.stat().st_size / (1024 * 1024)
    print(f"\n{label}: {path.name}, {size:.1f} MB")

    def run(step: str, dry_run: bool, source: Path = path):
        started = time.perf_counter()
        dataset = file_format.create_dataset(source.read_bytes())
        read = time.perf_counter() - started
        result = resource_class().import_data(dataset, dry_run=dry_run)
        total = time.perf_counter() - started
        problems = result.problems()
        totals = dict(result.totals)
        print(
            f"  {step:<28} {total:6.1f} s  (reading the file {read:4.1f} s)  "
            f"new {totals['new']}, updated {totals['update']}, unchanged {totals['skip']}"
            + (f", PROBLEMS: {problems[:3]}" if problems else "")
        )

    run("preview (dry run)", dry_run=True)
    run("import", dry_run=False)
    run("same file again (no change)", dry_run=False)
    run("every row changed, preview", dry_run=True, source=changed)
    run("every row changed, import", dry_run=False, source=changed)


def main() -> None:
    """Generate the files, import each one three ways, print the times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--xlsx", action="store_true", help="use Excel files instead of CSV")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-import-") as folder:
        workdir = Path(folder)
        _setup(workdir)
        from powdercoat.models import InventoryActivity
        from powdercoat.resources import CustomerResource, InventoryItemResource

        extension = "xlsx" if options.xlsx else "csv"
        files = {}
        for name, make_rows, column in (
            ("inventory", _inventory_rows, "Unit cost"),
            ("customers", _customer_rows, "Phone"),
        ):
            headers, rows = make_rows(options.rows)
            files[name] = workdir / f"{name}.{extension}"
            _write(files[name], headers, rows, xlsx=options.xlsx)
            # The same rows with one cell changed in each: every row becomes an update.
            index = headers.index(column)
            for row in rows:
                row[index] = f"{row[index]}1"
            files[f"{name}-changed"] = workdir / f"{name}-changed.{extension}"
            _write(files[f"{name}-changed"], headers, rows, xlsx=options.xlsx)
        print(f"{options.rows:,} rows per file; SQLite database in a temporary folder")
        _bench(
            "Inventory items",
            files["inventory"],
            files["inventory-changed"],
            InventoryItemResource,
            options.xlsx,
        )
        print(f"  opening-stock ledger rows written: {InventoryActivity.objects.count():,}")
        _bench(
            "Customers",
            files["customers"],
            files["customers-changed"],
            CustomerResource,
            options.xlsx,
        )


if __name__ == "__main__":
    main()
