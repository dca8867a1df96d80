"""Give every role the permissions for photos, notes, time, rework and intake on jobs."""

from django.db import migrations

from powdercoat.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [("powdercoat", "0007_job_records")]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
