"""Indexes on Job.finished_at and Job.ready_at, built once 0021 has filled them."""

from django.db import migrations, models


class Migration(migrations.Migration):
    """A migration of its own: PostgreSQL refuses to build an index on a table that the same
    transaction has just updated while foreign-key checks are still pending, and building it
    after the fill saves maintaining it row by row."""

    dependencies = [
        ("powdercoat", "0021_job_finished_and_ready_milestones"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="job",
            index=models.Index(fields=["finished_at"], name="job_finished_at"),
        ),
        migrations.AddIndex(
            model_name="job",
            index=models.Index(fields=["ready_at"], name="job_ready_at"),
        ),
    ]
