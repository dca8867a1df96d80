"""The job's paperwork buttons: save as template, invoice, work order (SPEC T1, J10, D1)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action
from unfold.enums import ActionVariant

from powdercoat import badges, formatting
from powdercoat.admin import forms as dialogs
from powdercoat.admin.invoice_forms import CreateInvoiceForm
from powdercoat.admin.job_moves import JobActionsBase
from powdercoat.admin.once import Done, applied_once
from powdercoat.admin.rooms import allowed_by
from powdercoat.models import Invoice
from powdercoat.models.choices import JobStatus
from powdercoat.services.invoices import invoice_create_for_job
from powdercoat.services.templates import template_create_from_job


class JobPaperworkAdminMixin(JobActionsBase):
    """Buttons that turn the job into other documents."""

    def get_actions_detail(self, request, object_id):
        """One invoice per job (SPEC J10): Create until it exists, then a link to it."""
        job = self._job(request, object_id)
        offered = []
        for unfold_action in super().get_actions_detail(request, object_id):
            name = unfold_action.action_name.removeprefix("powdercoat_job_")
            if name not in ("create_invoice", "open_invoice"):
                offered.append(unfold_action)
                continue
            invoice = self._live_invoice(request, object_id)
            if name == "open_invoice" and invoice is not None:
                unfold_action.description = _("Invoice %(number)s") % {"number": invoice.number}
                offered.append(unfold_action)
            elif (
                name == "create_invoice"
                and invoice is None
                and job.status != JobStatus.CANCELLED
                and job.items.exists()
            ):
                offered.append(unfold_action)
        return offered

    # -- job templates (SPEC T1) --------------------------------------------------------------

    # Saving a job as a template needs the right to add templates.
    has_save_as_template_permission = allowed_by("powdercoat.add_jobtemplate")

    @action(
        description=_("Save as template"),
        url_path="save-as-template",
        icon="content_copy",
        permissions=["save_as_template"],
        dialog={
            "title": _("Save the job's items as a template"),
            "description": _("The template gets copies of the items, so later changes stay apart."),
            "form_class": dialogs.SaveAsTemplateForm,
            "form_submit_text": _("Save template"),
        },
    )
    @applied_once
    def save_as_template(self, request, form, object_id):
        """Copy the job's items into a new template, and open it."""
        job = self._job(request, object_id)
        template = template_create_from_job(
            job=job, name=form.cleaned_data["name"], user=request.user
        )
        return Done(
            reverse("admin:powdercoat_jobtemplate_change", args=[template.pk]),
            _("%(number)s saved as the template “%(name)s”.")
            % {"number": job.number, "name": template.name},
        )

    # -- the job's invoice (SPEC J10) ---------------------------------------------------------

    # Invoicing a job needs the right to add invoices (Office and up).
    has_create_invoice_permission = allowed_by("powdercoat.add_invoice")

    # The link to the invoice: whoever may look at invoices (never Shop Floor).
    has_open_invoice_permission = allowed_by("powdercoat.view_invoice")

    def _live_invoice(self, request, object_id) -> Invoice | None:
        """The job's invoice that is not void, if it has one (looked up once per request)."""
        cache = request.__dict__.setdefault("_pc_job_invoices", {})
        if object_id not in cache:
            job = self._job(request, object_id)
            cache[object_id] = Invoice.objects.live().filter(job=job).first()
        return cache[object_id]

    def _invoice_url(self, invoice: Invoice) -> str:
        return reverse("admin:powdercoat_invoice_change", args=[invoice.pk])

    @action(
        description=_("Create invoice"),
        url_path="create-invoice",
        icon="receipt_long",
        variant=ActionVariant.PRIMARY,
        permissions=["create_invoice"],
        dialog={
            "title": _("Create the invoice for this job"),
            "form_class": CreateInvoiceForm,
            "form_submit_text": _("Create invoice"),
        },
    )
    @applied_once
    def create_invoice(self, request, form, object_id):
        """Invoice the job and open the invoice; if someone else just did, open theirs."""
        job = self._job(request, object_id)
        existing = Invoice.objects.live().filter(job=job).first()
        if existing is not None:
            return Done(
                self._invoice_url(existing),
                _("%(job)s already has invoice %(invoice)s; here it is.")
                % {"job": job.number, "invoice": existing.number},
                level=messages.WARNING,
            )
        invoice = invoice_create_for_job(job=job, user=request.user)
        return Done(
            self._invoice_url(invoice),
            _("%(invoice)s created for %(job)s: %(total)s, due %(due)s.")
            % {
                "invoice": invoice.number,
                "job": job.number,
                "total": formatting.money_text(invoice.total),
                "due": badges.date_label(invoice.due_date),
            },
        )

    @action(
        description=_("Invoice"),
        url_path="invoice",
        icon="receipt_long",
        permissions=["open_invoice"],
    )
    def open_invoice(self, request, object_id):
        """Go to the job's invoice."""
        invoice = self._live_invoice(request, object_id)
        if invoice is None:
            messages.info(request, _("This job has no invoice yet."))
            return redirect(reverse("admin:powdercoat_job_change", args=[object_id]))
        return redirect(self._invoice_url(invoice))

    # -- the work order (SPEC D1) -------------------------------------------------------------

    # Whoever may open the job; Shop Floor's copy prints no prices or customer contacts.
    has_print_work_order_permission = allowed_by("powdercoat.view_job")

    @action(
        description=_("Print work order"),
        url_path="work-order",
        icon="print",
        permissions=["print_work_order"],
        attrs={"target": "_blank"},
    )
    def print_work_order(self, request, object_id):
        """Open the job's work order PDF (it has an address of its own) in a new tab."""
        job = self._job(request, object_id)
        return redirect(reverse("admin_views:job_work_order", args=[job.number]))
