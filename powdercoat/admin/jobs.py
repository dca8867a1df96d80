"""Jobs in the admin: the list (SPEC J6) and the job page with items, timeline and buttons (J8)."""

import copy
import re
from types import SimpleNamespace

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import SEARCH_VAR
from django.db.models import (
    Case,
    Count,
    IntegerField,
    Prefetch,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import (
    AutocompleteSelectFilter,
    ChoicesDropdownFilter,
    RangeDateFilter,
    RelatedDropdownFilter,
)
from unfold.decorators import action, display
from unfold.views import ChangeList

from powdercoat import badges, formatting, selectors
from powdercoat.admin.filters import JOB_VIEW_PARAM, JobViewFilter, job_view_counts
from powdercoat.admin.history import ShopHistoryAdmin
from powdercoat.admin.items import JobItemsRoom
from powdercoat.admin.job_materials import JobMaterialsAdminMixin
from powdercoat.admin.job_moves import JobMovesAdminMixin, StatusTimelineInline
from powdercoat.admin.job_paperwork import JobPaperworkAdminMixin
from powdercoat.admin.job_records import JobRecordsAdminMixin
from powdercoat.admin.job_rooms import JOB_RECORD_ROOMS
from powdercoat.admin.job_status_link import JobCustomerPhotosAdminMixin, JobStatusLinkAdminMixin
from powdercoat.admin.mixins import HidesPricesMixin, can_see_prices
from powdercoat.admin.navigation import JOB_VIEW_COUNTS_ATTRIBUTE
from powdercoat.admin.once import AppliedOnceAddMixin
from powdercoat.admin.paging import LongListPaginator
from powdercoat.admin.spreadsheets import SpreadsheetExportMixin
from powdercoat.models import Job, Quote, Worker
from powdercoat.models.choices import WORKFLOW, JobStatus, Priority
from powdercoat.resources import JobExportResource
from powdercoat.services import invoices as invoice_services
from powdercoat.services import jobs as job_services
from powdercoat.services import quotes as quote_services
from powdercoat.templatetags.rooms import dialog_button_html

# What a person types to find a job by a number: its own ("JOB-2612-0042", or the start
# "job-2612"), its quote's ("QUO-2612-0007") or an invoice's ("INV-2612-0031").
DOCUMENT_NUMBER_START = re.compile(r"^(?P<prefix>[A-Z]+)-\d[\d-]*$")
# A search stops counting its matches here: more is "too many to read", not a figure to trust.
SEARCH_COUNT_AT_MOST = 10_000

# Sort statuses in shop order rather than alphabetically.
STATUS_ORDER = Case(
    *[When(status=stage, then=Value(index)) for index, stage in enumerate(WORKFLOW)],
    When(status=JobStatus.ON_HOLD, then=Value(len(WORKFLOW))),
    default=Value(len(WORKFLOW) + 1),
    output_field=IntegerField(),
)


# The add page's extra submit button, drawn by unfold's submit line like its own actions.
SAVE_AND_ADD_ITEMS = SimpleNamespace(
    action_name="_add_items", description=_("Save and add items"), icon="playlist_add", attrs={}
)


def _pk_or_none(object_id) -> int | None:
    """The job id in an address, or None for one that is not a number (the page says 404)."""
    try:
        return int(object_id)
    except (TypeError, ValueError):
        return None


def _clipped(text: str, kind: str):
    """Text cut to its column with an ellipsis, the whole of it on hover."""
    return format_html('<span class="pc-clip {}" title="{}">{}</span>', kind, text, text)


class JobChangeList(ChangeList):
    """The jobs list, which also keeps its searched and filtered jobs in every tab, so the tabs
    are counted without reading the filters (and their choices) a second time."""

    jobs_in_every_view: QuerySet[Job]

    def get_queryset(self, request, exclude_parameters=None):
        """The searched and filtered jobs, then the tab's view of them."""
        if exclude_parameters is not None:
            return super().get_queryset(request, exclude_parameters)
        self.jobs_in_every_view = super().get_queryset(request, [JOB_VIEW_PARAM])
        view = next(s for s in self.filter_specs if s.expected_parameters() == [JOB_VIEW_PARAM])
        return view.queryset(request, self.jobs_in_every_view)


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
    JobMovesAdminMixin,
    JobPaperworkAdminMixin,
    JobRecordsAdminMixin,
    JobMaterialsAdminMixin,
    JobStatusLinkAdminMixin,
    JobCustomerPhotosAdminMixin,
    HidesPricesMixin,
    ShopHistoryAdmin,
    ModelAdmin,
):
    paginator = LongListPaginator
    # List.
    list_display = (
        "display_number",
        "display_customer",
        "display_description",
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
    search_help_text = _("Job, quote or invoice number, customer, PO or description: every status")
    list_per_page = 50
    # One COUNT per page view instead of two: the unfiltered total adds nothing here.
    show_full_result_count = False
    ordering = ("-priority", "due_date", "number")
    price_fields = ("display_price", "discount_percent", "price_summary", "display_source_quote")
    # Exports: one row per line item, the list's filters applied (SPEC X1).
    resource_classes = [JobExportResource]

    # Form.
    form = JobForm
    change_form_outer_before_template = "admin/powdercoat/job/header.html"
    autocomplete_fields = ("customer",)
    filter_horizontal = ("assigned_workers",)
    readonly_fields = (
        "number",
        "display_status_field",
        "price_summary",
        "display_source_quote",
        "display_status_link",
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
                    "display_status_link",
                ),
                "classes": ["tab"],
            },
        ),
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
    # The job's records, each a tab of its own beside the details (job_rooms.py).
    inlines = (JobItemsRoom, *JOB_RECORD_ROOMS, StatusTimelineInline)

    # The list's own button: the form to fill in by hand at the counter (SPEC D2).
    actions_list = ("print_blank_work_order",)

    # Status buttons on the job page. The next move (Advance, or Resume for a held job) comes
    # first and is the one primary button; the bar keeps what people press every day, and the
    # rest waits under "More", so the bar never crushes the job's title at 1280 px.
    actions_detail = (
        "advance_job",
        "resume_job",
        "quick_change_job",
        "log_material",
        "print_work_order",
        {
            "title": _("More"),
            "icon": "more_horiz",
            "items": [
                "hold_job",
                "create_invoice",
                "open_invoice",
                "cancel_job",
                "reopen_job",
                "set_job_status",
                "change_customer",
                "clone_job",
                "save_as_template",
                "send_status_link",
                "revoke_status_link",
            ],
        },
        "record_intake",
        "add_photos",
        "customer_photos",
        "add_note",
        "log_time",
        "record_rework",
        "resolve_rework",
    )

    @action(description=_("Print blank work order"), url_path="blank-work-order", icon="print")
    def print_blank_work_order(self, request):
        """The list's button to the blank work order PDF (admin_views' documents)."""
        return HttpResponseRedirect(reverse("admin_views:work_order_blank"))

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """A search counts its matches up to SEARCH_COUNT_AT_MOST ("10,000+" jobs)."""
        searched = bool(request.GET.get(SEARCH_VAR, "").strip())
        return self.paginator(
            queryset,
            per_page,
            orphans,
            allow_empty_first_page,
            count_at_most=SEARCH_COUNT_AT_MOST if searched else None,
        )

    def get_search_results(self, request, queryset, search_term):
        """A job, quote or invoice number, or the start of one, is found through the number's
        index, in every status (`filters.job_view_of`).

        Anything else searches the number, customer, description and PO, every word
        (`selectors.jobs_matching`, which PostgreSQL answers from trigram indexes).
        """
        term = search_term.strip().upper()
        if not term:
            return queryset, False
        number = DOCUMENT_NUMBER_START.match(term)
        by_prefix = {
            job_services.JOB_NUMBER_PREFIX: selectors.jobs_numbered,
            quote_services.QUOTE_NUMBER_PREFIX: selectors.jobs_with_quote_numbered,
            invoice_services.INVOICE_NUMBER_PREFIX: selectors.jobs_with_invoice_numbered,
        }
        if number and number["prefix"] in by_prefix:
            return queryset.filter(by_prefix[number["prefix"]](term)), False
        return queryset.filter(selectors.jobs_matching(search_term)), False

    def changelist_view(self, request, extra_context=None):
        """The list, and how many jobs each tab holds under the same search and filters."""
        response = super().changelist_view(request, extra_context)
        changelist = getattr(response, "context_data", {}).get("cl")
        if isinstance(changelist, JobChangeList):
            jobs = changelist.jobs_in_every_view
            narrowed = bool(changelist.query.strip()) or any(
                spec.expected_parameters() != [JOB_VIEW_PARAM] and spec.used_parameters
                for spec in changelist.filter_specs
            )
            counts = job_view_counts(jobs, narrowed=narrowed)
            setattr(request, JOB_VIEW_COUNTS_ATTRIBUTE, counts)
        return response

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
        if obj.priority_alert is not None:
            reached = obj.priority_alert
            level = messages.INFO if reached.emailed else messages.WARNING
            messages.add_message(request, level, reached.words())

    # -- list columns -------------------------------------------------------------------------

    @display(description=_("job"), ordering="number")
    def display_number(self, job):
        """The job number, the link to the job page."""
        return format_html('<span class="pc-job-number">{}</span>', job.number)

    @display(description=_("scheduled"), ordering="scheduled_date")
    def display_scheduled(self, job):
        """Scheduled date, this year's without the year, on one line."""
        return format_html(
            '<span class="pc-date">{}</span>', badges.short_date_label(job.scheduled_date)
        )

    @display(description=_("customer"), ordering="customer__company_name")
    def display_customer(self, job):
        """The customer's short name (cut to the column in the list, whole on hover)."""
        if getattr(self, "list_request", None) is None:
            return job.customer.display_name
        return _clipped(job.customer.display_name, "pc-clip-customer")

    @display(description=_("description"), ordering="description")
    def display_description(self, job):
        """What the job is, cut to one line in the list and whole on hover."""
        return _clipped(job.description, "pc-clip-description")

    def add_view(self, request, form_url="", extra_context=None):
        """A new job, with a button that saves it and goes straight on to its first item."""
        extra_context = {**(extra_context or {}), "actions_submit_line": [SAVE_AND_ADD_ITEMS]}
        return super().add_view(request, form_url, extra_context)

    def response_add(self, request, obj, post_url_continue=None):
        """After *Save and add items*, the item wizard for the new job; else as usual."""
        response = super().response_add(request, obj, post_url_continue)
        if SAVE_AND_ADD_ITEMS.action_name in request.POST and response.status_code == 302:
            return HttpResponseRedirect(reverse("admin:powdercoat_job_item_add", args=[obj.pk]))
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """The job page, under a header that says which job this is (see job/header.html)."""
        extra_context = dict(extra_context or {})
        job = Job.objects.select_related("customer").filter(pk=_pk_or_none(object_id)).first()
        if job is not None:
            extra_context["job_header"] = self._header(request, job)
        return super().change_view(request, object_id, form_url, extra_context)

    def _header(self, request, job: Job) -> dict:
        """Number, customer, status, priority, due date and, for those who see prices, the
        total and what is still owed on its invoices."""
        header = {
            "job": job,
            "status": badges.status_badge(job.status),
            "priority": badges.priority_badge(job.priority),
            "due": badges.due_date_label(
                job.due_date, overdue=job.is_overdue, due_today=job.is_due_today
            ),
            "customer_url": (
                reverse("admin:powdercoat_customer_change", args=[job.customer_id])
                if self._sees_customers(request)
                else ""
            ),
            "is_rush": job.priority == Priority.RUSH,
        }
        if can_see_prices(request):
            invoiced = job.invoices.live().aggregate(owed=Sum("balance"), count=Count("pk"))
            header["total"] = formatting.money_text(job.total_price)
            header["balance"] = (
                formatting.money_text(invoiced["owed"]) if invoiced["count"] else None
            )
        return header

    def get_changelist(self, request, **kwargs):
        """The list keeps its jobs before the tab narrows them, for the tabs' counts."""
        return JobChangeList

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
        return dialog_button_html(
            f"{dialog_url}?{urlencode({'next': request.get_full_path()})}",
            _("Change status"),
            badge=badge,
            href=reverse("admin:powdercoat_job_change", args=[job.pk]),
        )

    @display(description=_("priority"), ordering="priority")
    def display_priority(self, job):
        """Priority badge; Rush rows are highlighted by the admin stylesheet."""
        return badges.priority_badge(job.priority)

    @display(description=_("due"), ordering="due_date")
    def display_due(self, job):
        """Due date, marked when overdue and when due today."""
        return badges.due_date_label(
            job.due_date, overdue=job.is_overdue, due_today=job.is_due_today, short=True
        )

    @display(description=_("workers"))
    def display_workers(self, job):
        """The first assigned worker by first name and how many more; every name on hover."""
        names = [worker.name for worker in job.assigned_workers.all()]
        if not names:
            return "—"
        first = names[0].split()[0] if names[0].split() else names[0]
        shown = names[0] if len(names) == 1 else f"{first} +{len(names) - 1}"
        return format_html(
            '<span class="pc-clip pc-clip-workers" title="{}">{}</span>', ", ".join(names), shown
        )

    @display(description=_("price"), ordering="total_price")
    def display_price(self, job):
        """The job's total price."""
        return format_html('<span class="pc-num">{}</span>', formatting.money_text(job.total_price))

    # -- job page fields ----------------------------------------------------------------------

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
        rows = [(_("Items total"), formatting.money_text(job.subtotal))]
        if job.discount_amount:
            rows.append(
                (
                    _("Discount %(p)s") % {"p": formatting.percent_text(job.discount_percent)},
                    f"−{formatting.money_text(job.discount_amount)}",
                )
            )
        if job.rush_surcharge_amount:
            rows.append(
                (
                    _("Rush surcharge %(p)s")
                    % {"p": formatting.percent_text(job.rush_surcharge_percent)},
                    formatting.money_text(job.rush_surcharge_amount),
                )
            )
        rows.append((_("Total"), formatting.money_text(job.total_price)))
        return format_html(
            '<table class="pc-price-lines">{}</table>',
            format_html_join("", "<tr><td>{}</td><td>{}</td></tr>", rows),
        )
