"""Documents with addresses of their own: a job's work order PDF (SPEC D1), the blank one (D2)."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from powdercoat.admin.mixins import can_see_prices
from powdercoat.documents.responses import pdf_response
from powdercoat.documents.work_order import (
    blank_work_order_pdf,
    work_order_filename,
    work_order_pdf,
)
from powdercoat.models import Job


@require_safe
@login_required
def job_work_order(request, number: str) -> HttpResponse:
    """The job's work order, for whoever may open the job.

    Shop Floor users get it too, without prices or customer contact details (SPEC 0).
    """
    if not request.user.has_perm("powdercoat.view_job"):
        raise PermissionDenied
    job = get_object_or_404(Job, number=number)
    pdf = work_order_pdf(
        job=job,
        prices_allowed=can_see_prices(request),
        contact_allowed=request.user.has_perm("powdercoat.view_customer"),
    )
    return pdf_response(pdf, work_order_filename(job))


@require_safe
@login_required
def blank_work_order(request) -> HttpResponse:
    """The work order form to fill in by hand at drop-off."""
    return pdf_response(blank_work_order_pdf(), "blank-work-order.pdf")
