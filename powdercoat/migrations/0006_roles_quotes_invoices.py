"""Give Office and Supervisor the quote, invoice, payment and email-log permissions."""

from django.db import migrations

from powdercoat.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [("powdercoat", "0005_quotes_invoices_emails")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
