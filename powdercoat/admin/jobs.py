"""Jobs in the admin: the list (SPEC J6) and the job page with items, timeline and buttons (J8)."""

import copy

from django import forms
from django.contrib import admin, messages
from django.db.models import Case, IntegerField, Prefetch, Q, Value, When
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.contrib.filters.admin import (
    AutocompleteSelectFilter,
    ChoicesDropdownFilter,
    RangeDateFilter,
    RelatedDropdownFilter,
)
from unfold.decorators import action, display
from unfold.enums import ActionVariant

from admin_views.views.wizard import ItemWizardAdminMixin
from powdercoat import badges
from powdercoat.admin import forms as dialogs
from powdercoat.admin.filters import JobViewFilter
from powdercoat.admin.history import ShopHistoryAdmin
from powdercoat.admin.invoices import CreateInvoiceForm
from powdercoat.admin.items import items_table
from powdercoat.admin.job_materials import JobMaterialsAdminMixin
from powdercoat.admin.job_records import JobRecordsAdminMixin
from powdercoat.admin.mixins import HidesPricesMixin, can_see_prices
from powdercoat.admin.once import AppliedOnceAddMixin, Done, applied_once
from powdercoat.admin.spreadsheets import SpreadsheetExportMixin
from powdercoat.models import EmailLog, Invoice, Job, Quote, StatusChange, Worker
from powdercoat.models.choices import WORKFLOW, EmailOutcome, JobStatus, Priority
from powdercoat.resources import JobExportResource
from powdercoat.services import jobs as job_services
from powdercoat.services.invoices import invoice_create_for_job
from powdercoat.services.notifications import customer_email_refusal, status_email_outcome
from powdercoat.services.templates import template_create_from_job

# Sort statuses in shop order rather than alphabetically.
STATUS_ORDER = Case(
    *[When(status=stage, then=Value(index)) for index, stage in enumerate(WORKFLOW)],
    When(status=JobStatus.ON_HOLD, then=Value(len(WORKFLOW))),
    default=Value(len(WORKFLOW) + 1),
    output_field=IntegerField(),
)


class StatusTimelineInline(TabularInline):
    """The job's status changes, newest first: who moved it, when, and why (SPEC J3)."""

    model = StatusChange
    fields = ("created_at", "display_move", "user", "note", "display_email")
    readonly_fields = fields
    can_delete = False
    extra = 0
    max_num = 0
    tab = True
    show_title = False  # the Change column already says from → to
    verbose_name_plural = _("status timeline")

    def has_add_permission(self, request, obj=None):
        """Timeline rows are written by the status buttons only."""
        return False

    def has_change_permission(self, request, obj=None):
        """The timeline is a record; it is never edited."""
        return False

    def get_queryset(self, request):
        """Newest first, with the user in one query and the customer emails in one more."""
        return (
            super()
            .get_queryset(request)
            .select_related("user")
            .prefetch_related(
                Prefetch("emails", queryset=EmailLog.objects.for_display().order_by("-pk"))
            )
            .order_by("-created_at", "-id")
        )

    @display(description=_("change"))
    def display_move(self, change):
        """From-status → to-status as badges."""
        return format_html(
            "{} → {}",
            badges.status_badge(change.from_status),
            badges.status_badge(change.to_status),
        )

    @display(description=_("customer emailed"))
    def display_email(self, change):
        """The email about this move: queued, sent, or failed and why; — when none was asked."""
        email = next(iter(change.emails.all()), None)
        if email is None:
            # Moves from before the outbox kept only the flag.
            return _("Yes") if change.customer_notified else "—"
        return render_to_string("admin/powdercoat/emails/state.html", {"email": email})


# -- the job admin ---------------------------------------------------------------------------


class JobForm(forms.ModelForm):
    class Meta:
        model = Job
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose the fields)
        help_texts = {
            "discount_percent": _("Leave empty to use the customer's discount."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "discount_percent" in self.fields:
            self.fields["discount_percent"].required = False
            if self.instance.pk is None:
                self.fields["discount_percent"].initial = None
        if "assigned_workers" in self.fields:
            # Offer active workers, and keep anyone already on the job even if they have left,
            # so an old job can still be saved.
            offered = Q(is_active=True)
            if self.instance.pk:
                offered |= Q(pk__in=self.instance.assigned_workers.values("pk"))
            self.fields["assigned_workers"].queryset = Worker.objects.filter(offered)

    def clean(self):
        """A job with a live invoice keeps its customer (said on the field, by the service)."""
        cleaned = super().clean()
        customer = cleaned.get("customer")
        if self.instance.pk and customer is not None and "customer" in self.changed_data:
            refusal = job_services.job_customer_change_refusal(self.instance, customer)
            if refusal is not None:
                self.add_error(None, refusal)
        return cleaned


@admin.register(Job)
class JobAdmin(
    AppliedOnceAddMixin,
    SpreadsheetExportMixin,
    JobRecordsAdminMixin,
    JobMaterialsAdminMixin,
    ItemWizardAdminMixin,
    HidesPricesMixin,
    ShopHistoryAdmin,
    ModelAdmin,
):
    # List.
    list_display = (
        "display_number",
        "display_customer",
        "description",
        "display_status",
        "display_priority",
        "display_scheduled",
        "display_due",
        "display_workers",
        "display_price",
    )
    list_display_links = ("display_number",)
    search_fields = (
        "number",
        "customer__company_name",
        "customer__contact_name",
        "description",
        "po_number",
    )
    list_filter = (
        JobViewFilter,
        ("status", ChoicesDropdownFilter),
        ("priority", ChoicesDropdownFilter),
        ("customer", AutocompleteSelectFilter),
        ("assigned_workers", RelatedDropdownFilter),
        ("due_date", RangeDateFilter),
    )
    list_filter_submit = True
    list_per_page = 50
    # One COUNT per page view instead of two: the unfiltered total adds nothing here.
    show_full_result_count = False
    ordering = ("-priority", "due_date", "number")
    price_fields = ("display_price", "discount_percent", "price_summary", "display_source_quote")
    # Exports: one row per line item, the list's filters applied (SPEC X1).
    resource_classes = [JobExportResource]

    # Form.
    form = JobForm
    autocomplete_fields = ("customer",)
    filter_horizontal = ("assigned_workers",)
    readonly_fields = (
        "number",
        "display_items",
        "display_materials",
        "display_intake",
        "display_photos",
        "display_notes",
        "display_time",
        "display_reworks",
        "display_status_field",
        "price_summary",
        "display_source_quote",
        "created_at",
        "created_by",
        "updated_at",
        "updated_by",
    )
    fieldsets = (
        (
            _("Details"),
            {
                "fields": (
                    ("number", "display_status_field"),
                    "customer",
                    "description",
                    ("project_name", "po_number"),
                    "display_source_quote",
                    ("priority", "estimated_hours"),
                    ("scheduled_date", "due_date"),
                    "assigned_workers",
                    "special_instructions",
                ),
                "classes": ["tab"],
            },
        ),
        (
            _("Line items"),
            {"fields": ("display_items",), "classes": ["tab"]},
        ),
        (_("Intake"), {"fields": ("display_intake",), "classes": ["tab"]}),
        (
            _("Materials"),
            {"fields": ("display_materials",), "classes": ["tab"]},
        ),
        (_("Photos"), {"fields": ("display_photos",), "classes": ["tab"]}),
        (_("Notes"), {"fields": ("display_notes",), "classes": ["tab"]}),
        (_("Time"), {"fields": ("display_time",), "classes": ["tab"]}),
        (_("Rework"), {"fields": ("display_reworks",), "classes": ["tab"]}),
        (
            _("Price"),
            {"fields": ("discount_percent", "price_summary"), "classes": ["tab"]},
        ),
        (
            _("Record"),
            {
                "fields": (("created_at", "created_by"), ("updated_at", "updated_by")),
                "classes": ["tab"],
            },
        ),
    )
    inlines = (StatusTimelineInline,)

    # Status buttons on the job page.
    # The bar keeps what people press every day; rarer moves wait under "More" so the bar
    # fits the screen.
    actions_detail = (
        "quick_change_job",
        "advance_job",
        "hold_job",
        "resume_job",
        "log_material",
        "create_invoice",
        "open_invoice",
        "print_work_order",
        {
            "title": _("More"),
            "icon": "more_horiz",
            "items": [
                "cancel_job",
                "reopen_job",
                "set_job_status",
                "change_customer",
                "clone_job",
                "save_as_template",
            ],
        },
        "record_intake",
        "add_photos",
        "add_note",
        "log_time",
        "record_rework",
        "resolve_rework",
    )

    def get_queryset(self, request):
        """Customer joined and workers prefetched: the list runs a fixed number of queries."""
        return (
            super()
            .get_queryset(request)
            .select_related("customer")
            .prefetch_related(
                Prefetch("assigned_workers", queryset=Worker.objects.order_by("name"))
            )
        )

    # Shop Floor may not open customer records (SPEC 0): they see the name only, unlinked.
    def _sees_customers(self, request) -> bool:
        return request.user.has_perm("powdercoat.view_customer")

    def get_list_filter(self, request):
        """No customer filter for roles that may not look customers up."""
        filters = super().get_list_filter(request)
        if self._sees_customers(request):
            return filters
        return tuple(f for f in filters if not (isinstance(f, tuple) and f[0] == "customer"))

    def get_fieldsets(self, request, obj=None):
        """Roles without customer access see the customer's name instead of a link."""
        fieldsets = super().get_fieldsets(request, obj)
        if self._sees_customers(request) or obj is None:
            return fieldsets
        return [
            (
                title,
                {
                    **options,
                    "fields": [
                        "display_customer" if name == "customer" else name
                        for name in options["fields"]
                    ],
                },
            )
            for title, options in fieldsets
        ]

    def get_readonly_fields(self, request, obj=None):
        """The plain customer name is a read-only field where it replaces the link."""
        fields = list(super().get_readonly_fields(request, obj))
        if not self._sees_customers(request):
            fields.append("display_customer")
        return fields

    def save_model(self, request, obj, form, change):
        """Create through numbering; edits never touch the status. Say what Rush did to the
        price (SPEC J5)."""
        previous = form.initial.get("priority", Priority.NORMAL) if change else Priority.NORMAL
        if change:
            job_services.job_update(job=obj, user=request.user)
        else:
            job_services.job_create(job=obj, user=request.user)
        rush = badges.rush_surcharge_change_text(
            previous_priority=int(previous),
            priority=obj.priority,
            percent=obj.rush_surcharge_percent,
            amount=obj.rush_surcharge_amount,
            with_money=can_see_prices(request),
        )
        if rush:
            messages.info(request, rush)

    # -- list columns -------------------------------------------------------------------------

    @display(description=_("job"), ordering="number")
    def display_number(self, job):
        """The job number, the link to the job page."""
        return format_html('<span class="pc-job-number">{}</span>', job.number)

    @display(description=_("scheduled"), ordering="scheduled_date")
    def display_scheduled(self, job):
        """Scheduled date, written like every other date in the lists."""
        return badges.date_label(job.scheduled_date)

    @display(description=_("customer"), ordering="customer__company_name")
    def display_customer(self, job):
        """The customer's short name."""
        return job.customer.display_name

    def get_changelist_instance(self, request):
        """The list is drawn by a copy of this admin that knows the request, for the badges."""
        viewer = copy.copy(self)
        viewer.list_request = request
        return super(JobAdmin, viewer).get_changelist_instance(request)

    @display(description=_("status"), ordering=STATUS_ORDER)
    def display_status(self, job):
        """Status badge; for those who may move the job, it opens the quick-change dialog (J6)."""
        badge = badges.status_badge(job.status)
        request = getattr(self, "list_request", None)
        if request is None or not job_services.job_can_move(job, request.user):
            return badge
        dialog_url = reverse("admin:powdercoat_job_quick_change_job", args=[job.pk])
        return format_html(
            '<a href="{}" class="pc-status-link" title="{}" hx-get="{}?{}" '
            'hx-target="#modal-content" hx-select="#dialog" '
            'x-on:htmx:after-on-load="openModal = true">{}</a>',
            reverse("admin:powdercoat_job_change", args=[job.pk]),
            _("Change status"),
            dialog_url,
            urlencode({"next": request.get_full_path()}),
            badge,
        )

    @display(description=_("priority"), ordering="priority")
    def display_priority(self, job):
        """Priority badge; Rush rows are highlighted by the admin stylesheet."""
        return badges.priority_badge(job.priority)

    @display(description=_("due"), ordering="due_date")
    def display_due(self, job):
        """Due date, marked when overdue."""
        return badges.due_date_label(job.due_date, overdue=job.is_overdue)

    @display(description=_("workers"))
    def display_workers(self, job):
        """Names of the assigned workers."""
        return ", ".join(worker.name for worker in job.assigned_workers.all()) or "—"

    @display(description=_("price"), ordering="total_price")
    def display_price(self, job):
        """The job's total price."""
        return badges.money_label(job.total_price)

    # -- job page fields ----------------------------------------------------------------------

    @display(description=_("line items"))
    def display_items(self, job):
        """The items with their coats and prep sub-lines; changed through the item wizard."""
        return items_table(self, job)

    @display(description=_("status"))
    def display_status_field(self, job):
        """Status badge, with where a job on hold will resume."""
        if job.pk is None:
            return badges.status_badge(JobStatus.PENDING)
        if job.status == JobStatus.ON_HOLD and job.held_from_status:
            return format_html(
                "{} <span class='text-base-500'>{}</span>",
                badges.status_badge(job.status),
                _("held at %(stage)s") % {"stage": JobStatus(job.held_from_status).label},
            )
        return badges.status_badge(job.status)

    @display(description=_("from quote"))
    def display_source_quote(self, job):
        """The quote the job was converted from, linked, or a dash."""
        try:
            quote = job.source_quote
        except (Quote.DoesNotExist, AttributeError):
            return "—"
        try:
            url = reverse("admin:powdercoat_quote_change", args=[quote.pk])
        except NoReverseMatch:
            return quote.number
        return format_html('<a href="{}" class="text-link">{}</a>', url, quote.number)

    @display(description=_("price"))
    def price_summary(self, job):
        """Items total, discount, rush surcharge and total, one line each."""
        if job.pk is None:
            return _("Worked out from the items when the job is saved.")
        rows = [(_("Items total"), badges.money_label(job.subtotal))]
        if job.discount_amount:
            rows.append(
                (
                    _("Discount %(p)s%%") % {"p": job.discount_percent.normalize()},
                    f"−{badges.money_label(job.discount_amount)}",
                )
            )
        if job.rush_surcharge_amount:
            rows.append(
                (
                    _("Rush surcharge %(p)s%%") % {"p": job.rush_surcharge_percent.normalize()},
                    badges.money_label(job.rush_surcharge_amount),
                )
            )
        rows.append((_("Total"), badges.money_label(job.total_price)))
        return format_html(
            '<table class="pc-price-lines">{}</table>',
            format_html_join("", "<tr><td>{}</td><td>{}</td></tr>", rows),
        )

    # -- status buttons -----------------------------------------------------------------------

    # Role checks of the status buttons (unfold calls has_<name>_permission).
    def has_advance_permission(self, request, object_id=None):
        """Advance, hold and resume: every role, Shop Floor included."""
        return request.user.has_perm("powdercoat.advance_job")

    def has_cancel_permission(self, request, object_id=None):
        """Cancel: office staff and supervisors."""
        return request.user.has_perm("powdercoat.cancel_job")

    def has_reopen_permission(self, request, object_id=None):
        """Reopen: supervisors and administrators."""
        return request.user.has_perm("powdercoat.reopen_job")

    def has_set_status_permission(self, request, object_id=None):
        """Set any stage: office staff and supervisors."""
        return request.user.has_perm("powdercoat.set_job_status")

    def has_quick_change_permission(self, request, object_id=None):
        """The quick-change dialog: whoever may make any status move (SPEC J7)."""
        return any(
            request.user.has_perm(f"powdercoat.{name}")
            for name in ("advance_job", "cancel_job", "reopen_job", "set_job_status")
        )

    def _job(self, request, object_id) -> Job:
        """The job behind a detail action, loaded once per request."""
        cache = request.__dict__.setdefault("_pc_jobs", {})
        if object_id not in cache:
            cache[object_id] = dialogs.get_job_or_404(object_id)
        return cache[object_id]

    # The status buttons and the transition each one makes.
    STATUS_ACTIONS = {
        "advance_job": "advance",
        "hold_job": "hold",
        "resume_job": "resume",
        "cancel_job": "cancel",
        "reopen_job": "reopen",
        "set_job_status": "set_status",
    }

    def get_actions_detail(self, request, object_id):
        """Offer only the moves django-fsm-2 says this user may make now, labelled by them."""
        job = self._job(request, object_id)
        moves = {
            move.name: move
            for move in job_services.job_moves_offered(job, request.user, company=request.company)
        }
        offered = []
        for unfold_action in super().get_actions_detail(request, object_id):
            name = unfold_action.action_name.removeprefix("powdercoat_job_")
            if name == "quick_change_job":
                if moves:
                    offered.append(unfold_action)
                continue
            if name in ("create_invoice", "open_invoice"):
                # One invoice per job (SPEC J10): Create until it exists, then a link to it.
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
                continue
            transition = self.STATUS_ACTIONS.get(name)
            if transition is None:
                offered.append(unfold_action)
            elif transition in moves:
                unfold_action.description = moves[transition].label
                offered.append(unfold_action)
        return offered

    def _after_move(self, request, object_id, move, *, return_to=None, **kwargs) -> Done:
        """Make the move `move` (a transition's name) and say what happened; back to the job
        page afterwards, or to `return_to` (the jobs list)."""
        job = self._job(request, object_id)
        change = job_services.job_move(job=job, user=request.user, move=move, **kwargs)
        after = None
        if kwargs.get("notify_customer"):
            # The email leaves when the move commits; its outcome is known after that.
            def after():
                self._tell_how_the_email_went(request, change)

        return Done(
            return_to or reverse("admin:powdercoat_job_change", args=[job.pk]),
            _("%(number)s: %(from)s → %(to)s.")
            % {
                "number": job.number,
                "from": change.get_from_status_display(),
                "to": change.get_to_status_display(),
            },
            after=after,
        )

    def _tell_how_the_email_went(self, request, change):
        outcome = status_email_outcome(change)
        if outcome == EmailOutcome.SENT:
            messages.info(request, _("The customer was emailed the new status."))
        elif outcome == EmailOutcome.QUEUED:
            messages.info(
                request,
                _("The email to the customer is queued; the timeline shows when it has gone."),
            )
        elif (refusal := customer_email_refusal(change.job.customer)) is not None:
            messages.warning(request, refusal)
        else:
            messages.warning(
                request,
                _("The email to the customer could not be sent; the job's email log says why."),
            )

    def _return_url(self, request) -> str | None:
        """The page a dialog was opened from (its ?next=), if it is a page of this site."""
        url = request.GET.get("next", "")
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return url
        return None

    @action(
        description=_("Change status"),
        url_path="quick-change",
        icon="swap_horiz",
        permissions=["quick_change"],
        dialog={
            "title": _("Change status"),
            "form_class": dialogs.QuickChangeForm,
            "form_submit_text": _("Change status"),
        },
    )
    @applied_once
    def quick_change_job(self, request, form, object_id):
        """Move the job to the chosen status through the move that leads there (SPEC J7)."""
        move = form.chosen_move()
        return self._after_move(
            request,
            object_id,
            move.name,
            target=move.target,
            note=form.cleaned_data["note"],
            return_to=self._return_url(request),
            notify_customer=form.cleaned_data["notify_customer"],
        )

    @action(
        description=_("Advance"),
        url_path="advance",
        icon="arrow_forward",
        variant=ActionVariant.PRIMARY,
        permissions=["advance"],
        dialog={
            "title": _("Advance to the next stage"),
            "form_class": dialogs.AdvanceForm,
            "form_submit_text": _("Advance"),
        },
    )
    @applied_once
    def advance_job(self, request, form, object_id):
        """Move the job one stage on."""
        return self._after_move(request, object_id, "advance", note=form.cleaned_data["note"])

    @action(
        description=_("Hold"),
        url_path="hold",
        icon="pause_circle",
        variant=ActionVariant.WARNING,
        permissions=["advance"],
        dialog={
            "title": _("Put the job on hold"),
            "description": _("The job keeps its place; Resume brings it back to this stage."),
            "form_class": dialogs.HoldForm,
            "form_submit_text": _("Put on hold"),
        },
    )
    @applied_once
    def hold_job(self, request, form, object_id):
        """Pause the job with a reason."""
        return self._after_move(request, object_id, "hold", note=form.cleaned_data["note"])

    @action(
        description=_("Resume"),
        url_path="resume",
        icon="play_circle",
        variant=ActionVariant.SUCCESS,
        permissions=["advance"],
        dialog={
            "title": _("Resume the job"),
            "form_class": dialogs.ResumeForm,
            "form_submit_text": _("Resume"),
        },
    )
    @applied_once
    def resume_job(self, request, form, object_id):
        """Take the job off hold."""
        return self._after_move(request, object_id, "resume", note=form.cleaned_data["note"])

    @action(
        description=_("Cancel job"),
        url_path="cancel",
        icon="cancel",
        variant=ActionVariant.DANGER,
        permissions=["cancel"],
        dialog={
            "title": _("Cancel the job"),
            "description": _(
                "A cancelled job leaves every list of work; a supervisor can reopen it."
            ),
            "form_class": dialogs.CancelForm,
            "form_submit_text": _("Cancel job"),
        },
    )
    @applied_once
    def cancel_job(self, request, form, object_id):
        """Cancel the job with a reason."""
        return self._after_move(request, object_id, "cancel", note=form.cleaned_data["note"])

    @action(
        description=_("Reopen"),
        url_path="reopen",
        icon="restart_alt",
        permissions=["reopen"],
        dialog={
            "title": _("Reopen the job"),
            "form_class": dialogs.ReopenForm,
            "form_submit_text": _("Reopen"),
        },
    )
    @applied_once
    def reopen_job(self, request, form, object_id):
        """Bring a cancelled job back to Pending."""
        return self._after_move(request, object_id, "reopen", note=form.cleaned_data["note"])

    @action(
        description=_("Set status"),
        url_path="set-status",
        icon="edit_note",
        permissions=["set_status"],
        dialog={
            "title": _("Move the job to another stage"),
            "description": _("For corrections, e.g. back to Coating after a failed quality check."),
            "form_class": dialogs.SetStatusForm,
            "form_submit_text": _("Move"),
        },
    )
    @applied_once
    def set_job_status(self, request, form, object_id):
        """Move the job to any stage."""
        return self._after_move(
            request,
            object_id,
            "set_status",
            target=form.cleaned_data["status"],
            note=form.cleaned_data["note"],
        )

    # -- job templates (SPEC T1) --------------------------------------------------------------

    def has_save_as_template_permission(self, request, object_id=None):
        """Saving a job as a template needs the right to add templates."""
        return request.user.has_perm("powdercoat.add_jobtemplate")

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

    def has_create_invoice_permission(self, request, object_id=None):
        """Invoicing a job needs the right to add invoices (Office and up)."""
        return request.user.has_perm("powdercoat.add_invoice")

    def has_open_invoice_permission(self, request, object_id=None):
        """The link to the invoice: whoever may look at invoices (never Shop Floor)."""
        return request.user.has_perm("powdercoat.view_invoice")

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
                "total": badges.money_label(invoice.total),
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

    def has_print_work_order_permission(self, request, object_id=None):
        """Whoever may open the job; Shop Floor's copy prints no prices or customer contacts."""
        return request.user.has_perm("powdercoat.view_job")

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
