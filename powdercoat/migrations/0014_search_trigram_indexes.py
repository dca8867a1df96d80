"""Trigram indexes for the jobs search on PostgreSQL: a word anywhere in a number, description,
PO or customer name is found from an index instead of reading every job (SQLite has no such
index and is left as it is).

Each index is on `UPPER(column::text)`, the exact expression Django's `icontains` compares, so
the planner can use it. `pg_trgm` is a trusted extension (PostgreSQL 13 and newer): the
database's owner may create it without being a superuser.
"""

from django.db import migrations

# (index name, table, column)
TRIGRAM_INDEXES = (
    ("job_number_trgm", "powdercoat_job", "number"),
    ("job_description_trgm", "powdercoat_job", "description"),
    ("job_po_number_trgm", "powdercoat_job", "po_number"),
    ("customer_company_trgm", "powdercoat_customer", "company_name"),
    ("customer_contact_trgm", "powdercoat_customer", "contact_name"),
)


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in TRIGRAM_INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" '
            f'USING gin (UPPER("{column}"::text) gin_trgm_ops)'
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("powdercoat", "0013_list_orders_by_index"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
