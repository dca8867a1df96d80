"""Job.finished_at and Job.ready_at, filled from each job's status timeline."""

from django.conf import settings
from django.db import migrations, models
from django.db.models import Exists, Min, OuterRef, Subquery

# The stage values as they stood when this migration was written (migrations stay frozen).
FINISHED_STAGES = ("completed", "ready_for_pickup", "delivered")
READY_STAGES = ("ready_for_pickup", "delivered")


def copy_milestones_from_timeline(apps, schema_editor):
    """Each job's first move into the finished and ready stages, both set by one update so
    every row is written once; jobs never moved there keep NULL. Every ready stage is also a
    finishing stage, so the jobs with a finishing move are all the jobs to touch."""
    Job = apps.get_model("powdercoat", "Job")
    StatusChange = apps.get_model("powdercoat", "StatusChange")

    def first_move_into(stages):
        moves = StatusChange.objects.filter(job=OuterRef("pk"), to_status__in=stages)
        return Subquery(
            moves.order_by().values("job").annotate(first=Min("created_at")).values("first")
        )

    finishing = StatusChange.objects.filter(job=OuterRef("pk"), to_status__in=FINISHED_STAGES)
    Job.objects.filter(Exists(finishing)).update(
        finished_at=first_move_into(FINISHED_STAGES), ready_at=first_move_into(READY_STAGES)
    )


class Migration(migrations.Migration):

    dependencies = [
        ('powdercoat', '0020_company_remit_to_and_payment_instructions'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='job',
            name='finished_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When the job first reached Completed, Ready for Pickup or Delivered.', null=True, verbose_name='finished'),
        ),
        migrations.AddField(
            model_name='job',
            name='ready_at',
            field=models.DateTimeField(blank=True, editable=False, help_text='When the job first reached Ready for Pickup or Delivered.', null=True, verbose_name='first ready'),
        ),
        migrations.RunPython(copy_milestones_from_timeline, migrations.RunPython.noop),
    ]
