"""Give the Administrator the permissions to read failed logins and unlock them (django-axes)."""

from django.db import migrations

from powdercoat.roles import sync_roles


class Migration(migrations.Migration):
    dependencies = [
        ("powdercoat", "0009_submissions_and_reversals"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [migrations.RunPython(sync_roles, migrations.RunPython.noop)]
