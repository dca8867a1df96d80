"""The scan page: a phone's camera reads a work-order QR code and opens its page (issue 18).

The camera and the decoding live in the browser (static/admin_views/shop/scan.js); this view
gives the script the list of addresses a work order prints, and takes a typed job number for
when there is no camera or no permission to use it.
"""

from django import forms
from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from admin_views.views.shop_common import job_url, shop_login_required
from powdercoat.addresses import site_origin
from powdercoat.models import Job

# Stands for the job number (or id) in an address the script may follow; scan.js reads "*" as
# "one path segment".
ANY_SEGMENT = "*"
_SLOT = "SCAN-SEGMENT-SLOT"


def work_order_paths() -> list[str]:
    """The paths a work order's QR codes lead to (powdercoat/documents/work_order.py): the job
    page, the status bump page and the material usage page."""
    return [
        reverse("admin:powdercoat_job_change", args=[_SLOT]).replace(_SLOT, ANY_SEGMENT),
        reverse("admin_views:job_bump", args=[_SLOT]).replace(_SLOT, ANY_SEGMENT),
        reverse("admin_views:material_usage"),
    ]


class JobNumberForm(forms.Form):
    """A job number typed from the sheet, in any case."""

    number = forms.CharField(
        label=gettext_lazy("Or type the job number"),
        max_length=Job._meta.get_field("number").max_length,
        error_messages={"required": gettext_lazy("Type the job number printed on the sheet.")},
        widget=forms.TextInput(
            attrs={
                "autocapitalize": "characters",
                "autocomplete": "off",
                "spellcheck": "false",
                "placeholder": "JOB-2503-0042",
            }
        ),
    )

    def clean_number(self) -> Job:
        """The job with that number."""
        number = self.cleaned_data["number"].strip().upper()
        job = Job.objects.filter(number=number).only("pk", "number").first()
        if job is None:
            raise forms.ValidationError(
                _("No job has the number %(number)s. Check it on the work order.")
                % {"number": number}
            )
        return job


@require_GET
@shop_login_required
@permission_required("powdercoat.view_job", raise_exception=True)
def shop_scan(request):
    """The camera view; `?number=` (the typed fallback) goes to that job's bump page."""
    form = JobNumberForm(request.GET if "number" in request.GET else None)
    if form.is_valid():
        job = form.cleaned_data["number"]
        return redirect(job_url("admin_views:job_bump", job.number))
    return render(
        request,
        "admin_views/shop/scan.html",
        {
            "form": form,
            # The script adds the page's own origin: the phone may reach the shop by another
            # name than SITE_URL (a local address), and a code of either is one of ours.
            "scan_targets": {"origins": [site_origin()], "paths": work_order_paths()},
        },
    )
