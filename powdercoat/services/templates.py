"""Saving a job as a template and starting a new job from a template (SPEC T1, T2)."""

from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from powdercoat.models import Customer, Job, JobTemplate
from powdercoat.models.base import history_by
from powdercoat.services.items import line_items_copy
from powdercoat.services.jobs import job_create


@transaction.atomic
def template_create_from_job(*, job: Job, name: str, user: User | None) -> JobTemplate:
    """A new template holding copies of the job's items, coats, prep lines and prices.

    The job's description and special instructions become the template's, so jobs made from
    it start out described the same way.
    """
    name = name.strip()
    if not name:
        raise ValidationError("Give the template a name.")
    if JobTemplate.objects.filter(name__iexact=name).exists():
        raise ValidationError(f"A template named “{name}” already exists.")
    template = JobTemplate(
        name=name,
        description=job.description,
        special_instructions=job.special_instructions,
        created_by=user,
    )
    template.full_clean()
    history_by(template, user)
    template.save()
    line_items_copy(
        items=job.items.order_by("position", "id"), owner=template, user=user, reprice=False
    )
    return template


@transaction.atomic
def job_create_from_template(
    *,
    template: JobTemplate,
    customer: Customer,
    user: User | None,
    due_date: date | None = None,
) -> Job:
    """A new Pending job for the customer with copies of the template's items, priced.

    The items are copied, not shared: editing the template later leaves this job alone.
    """
    template = JobTemplate.objects.select_for_update().get(pk=template.pk)
    if not template.is_active:
        raise ValidationError(
            f"The template “{template.name}” is inactive; make it active again to start jobs "
            "from it."
        )
    if not customer.is_active:
        raise ValidationError(
            f"{customer.display_name} is an inactive customer; make the customer active first."
        )
    job = job_create(
        job=Job(
            customer=customer,
            description=template.description or template.name,
            special_instructions=template.special_instructions,
            due_date=due_date,
            source_template=template,
            discount_percent=customer.discount_percent,
        ),
        user=user,
    )
    line_items_copy(items=template.items.order_by("position", "id"), owner=job, user=user)
    job.refresh_from_db()
    return job
