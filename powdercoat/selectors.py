"""Reads that span aggregates: what a job's items need, what Advance would do next."""

from django.db.models import Prefetch, QuerySet

from powdercoat.models import CompanySettings, Job, LineItem, LineItemCoat, LineItemPrep
from powdercoat.models.jobs import next_stage


def job_needed_prep_stages(job: Job) -> set[str]:
    """The prep stages (Sandblasting, Masking / Taping, Cleaning) some item of the job needs."""
    return set(
        LineItemPrep.objects.filter(item__job=job)
        .exclude(prep_service__stage="")
        .values_list("prep_service__stage", flat=True)
        .distinct()
    )


def job_next_stage(job: Job, company: CompanySettings | None = None) -> str | None:
    """Where Advance would take the job now, or None when it cannot advance."""
    company = company or CompanySettings.load()
    return next_stage(
        job.status,
        needed_prep_stages=job_needed_prep_stages(job),
        skip_unneeded_prep=company.skip_unneeded_prep_stages,
    )


def job_items_with_details(job: Job) -> QuerySet[LineItem]:
    """A job's items with their coats (and powders) and prep lines, in three queries."""
    return (
        LineItem.objects.filter(job=job)
        .select_related("catalog_product")
        .prefetch_related(
            Prefetch("coats", queryset=LineItemCoat.objects.select_related("powder")),
            Prefetch("prep_lines", queryset=LineItemPrep.objects.select_related("prep_service")),
        )
    )
