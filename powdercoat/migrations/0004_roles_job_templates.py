"""Give Office and Supervisor the job-template permissions (the groups are re-synced)."""

from django.db import migrations

from powdercoat.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [("powdercoat", "0003_templates_and_item_pricing")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
