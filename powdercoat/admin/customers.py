"""Customers in the admin: search, type badges, and on the customer page their open balance with
their jobs, quotes and invoices (SPEC C).
"""

from django.contrib import admin
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import ChoicesDropdownFilter
from unfold.decorators import display

from powdercoat import badges, formatting, selectors
from powdercoat.admin.history import ShopHistoryAdmin
from powdercoat.admin.mixins import HidesPricesMixin, can_see_prices
from powdercoat.admin.once import AppliedOnceAddMixin
from powdercoat.admin.paging import LongListPaginator
from powdercoat.admin.spreadsheets import SpreadsheetImportExportMixin
from powdercoat.models import Customer, Invoice, Job, Quote
from powdercoat.models.choices import CustomerType
from powdercoat.resources import CustomerResource
from powdercoat.services.invoices import customer_open_balance

# How many of a customer's jobs, quotes and invoices the customer page lists (newest first);
# the rest are one click away in the filtered list, so the page costs the same for any customer.
RECORDS_SHOWN = 20


def _records_table(*, records, headers, row, list_url: str | None, noun) -> str:
    """A small read-only table of the newest records, with a link to all of them if cut short."""
    shown = records[:RECORDS_SHOWN]
    if not shown:
        return format_html('<p class="text-base-500">{}</p>', _("None yet."))
    head = format_html_join("", "<th>{}</th>", ((header,) for header in headers))
    body = format_html_join(
        "",
        "<tr>{}</tr>",
        ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row(r))),) for r in shown),
    )
    more = ""
    if len(records) > RECORDS_SHOWN and list_url:
        more = format_html(
            '<p><a href="{}" class="text-link">{}</a></p>',
            list_url,
            _("Showing the newest %(count)s; see all the customer's %(noun)s →")
            % {"count": RECORDS_SHOWN, "noun": noun},
        )
    return format_html(
        '<link rel="stylesheet" href="{}">'
        '<table class="pc-items"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>{}',
        static("admin_views/wizard.css"),
        head,
        body,
        more,
    )


def _link(url_name: str, pk: int, text: str) -> str:
    try:
        return format_html(
            '<a href="{}" class="text-link">{}</a>', reverse(url_name, args=[pk]), text
        )
    except NoReverseMatch:
        return text


def _list_url(model: str, customer: Customer, **extra) -> str | None:
    try:
        url = reverse(f"admin:powdercoat_{model}_changelist")
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode({**extra, 'customer__id__exact': customer.pk})}"


@admin.register(Customer)
class CustomerAdmin(
    AppliedOnceAddMixin,
    SpreadsheetImportExportMixin,
    HidesPricesMixin,
    ShopHistoryAdmin,
    ModelAdmin,
):
    paginator = LongListPaginator
    list_display = (
        "display_name",
        "display_type",
        "contact_name",
        "email",
        "phone",
        "discount_percent",
        "job_count",
        "is_active",
    )
    list_display_links = ("display_name",)
    search_fields = ("company_name", "contact_name", "email", "phone", "mobile")
    list_filter = (
        ("customer_type", ChoicesDropdownFilter),
        "is_active",
        "tax_exempt",
        "email_notifications",
    )
    list_filter_submit = True
    ordering = ("company_name", "contact_name")
    price_fields = ("display_open_balance", "display_invoices")
    resource_classes = [CustomerResource]

    readonly_fields = ("display_open_balance", "display_jobs", "display_quotes", "display_invoices")
    fieldsets = (
        (
            _("Customer"),
            {
                "fields": (
                    "customer_type",
                    ("company_name", "contact_name"),
                    ("email", "email_notifications"),
                    ("phone", "mobile"),
                    "is_active",
                ),
                "classes": ["tab"],
            },
        ),
        (
            _("Addresses"),
            {"fields": ("billing_address", "shipping_address"), "classes": ["tab"]},
        ),
        (
            _("Pricing and notes"),
            {"fields": (("discount_percent", "tax_exempt"), "notes"), "classes": ["tab"]},
        ),
        (
            _("Jobs, quotes and invoices"),
            {
                "fields": (
                    "display_open_balance",
                    "display_jobs",
                    "display_quotes",
                    "display_invoices",
                ),
                "classes": ["tab"],
            },
        ),
    )

    def get_queryset(self, request):
        """Customers with their number of jobs, counted in the same query.

        A subquery per row rather than a join and GROUP BY: Django leaves it out of the page
        count, and the page counts only the 50 customers it shows (the join counted every job).
        """
        return super().get_queryset(request).annotate(job_count=selectors.job_count_per_customer())

    def get_object(self, request, object_id, from_field=None):
        """Remember who is looking, so the record lists show prices only to those allowed."""
        customer = super().get_object(request, object_id, from_field)
        if customer is not None:
            customer.viewer_sees_prices = can_see_prices(request)
        return customer

    def get_fieldsets(self, request, obj=None):
        """A new customer has no history yet: no jobs, quotes or invoices tab."""
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return [fs for fs in fieldsets if "display_jobs" not in fs[1]["fields"]]
        return fieldsets

    @display(description=_("name"), ordering="company_name")
    def display_name(self, customer):
        """Company name, or the person's name for retail customers."""
        return customer.display_name

    @display(
        description=_("type"),
        ordering="customer_type",
        label={CustomerType.COMMERCIAL.label: "info", CustomerType.RETAIL.label: "default"},
    )
    def display_type(self, customer):
        """Commercial or Retail, as a badge."""
        return customer.get_customer_type_display()

    @display(description=_("jobs"), ordering="job_count")
    def job_count(self, customer):
        """How many jobs the customer has had."""
        return customer.job_count

    # -- the customer's records (SPEC C2) -----------------------------------------------------

    @display(description=_("open balance"))
    def display_open_balance(self, customer):
        """What the customer owes on unpaid invoices."""
        if customer.pk is None:
            return "—"
        return format_html(
            '<strong data-testid="open-balance">{}</strong>',
            formatting.money_text(customer_open_balance(customer)),
        )

    @display(description=_("jobs"))
    def display_jobs(self, customer):
        """The customer's newest jobs with status, due date and (for price viewers) price."""
        if customer.pk is None:
            return "—"
        prices = getattr(customer, "viewer_sees_prices", False)
        jobs = list(
            Job.objects.filter(customer=customer).order_by("-created_at", "-id")[
                : RECORDS_SHOWN + 1
            ]
        )
        headers = [_("job"), _("description"), _("status"), _("due")]
        if prices:
            headers.append(_("price"))

        def row(job):
            cells = [
                _link("admin:powdercoat_job_change", job.pk, job.number),
                job.description,
                badges.status_badge(job.status),
                badges.due_date_label(job.due_date, overdue=job.is_overdue),
            ]
            if prices:
                cells.append(formatting.money_text(job.total_price))
            return cells

        return _records_table(
            records=jobs,
            headers=headers,
            row=row,
            list_url=_list_url("job", customer, view="all"),
            noun=_("jobs"),
        )

    @display(description=_("quotes"))
    def display_quotes(self, customer):
        """The customer's newest quotes with their status and (for price viewers) total."""
        if customer.pk is None:
            return "—"
        prices = getattr(customer, "viewer_sees_prices", False)
        quotes = list(
            Quote.objects.filter(customer=customer).order_by("-quote_date", "-id")[
                : RECORDS_SHOWN + 1
            ]
        )
        headers = [_("quote"), _("description"), _("status"), _("date")]
        if prices:
            headers.append(_("total"))

        def row(quote):
            cells = [
                _link("admin:powdercoat_quote_change", quote.pk, quote.number),
                quote.description,
                badges.quote_status_badge(quote.status),
                badges.date_label(quote.quote_date),
            ]
            if prices:
                cells.append(formatting.money_text(quote.total))
            return cells

        return _records_table(
            records=quotes,
            headers=headers,
            row=row,
            list_url=_list_url("quote", customer),
            noun=_("quotes"),
        )

    @display(description=_("invoices"))
    def display_invoices(self, customer):
        """The customer's newest invoices with status, due date, total and balance."""
        if customer.pk is None:
            return "—"
        invoices = list(
            Invoice.objects.filter(customer=customer)
            .select_related("job")
            .order_by("-invoice_date", "-id")[: RECORDS_SHOWN + 1]
        )

        def row(invoice):
            return [
                _link("admin:powdercoat_invoice_change", invoice.pk, invoice.number),
                invoice.job.number,
                badges.invoice_status_badge(invoice.status),
                badges.due_date_label(invoice.due_date, overdue=invoice.is_overdue),
                formatting.money_text(invoice.total),
                formatting.money_text(invoice.balance),
            ]

        return _records_table(
            records=invoices,
            headers=[_("invoice"), _("job"), _("status"), _("due"), _("total"), _("balance")],
            row=row,
            list_url=_list_url("invoice", customer),
            noun=_("invoices"),
        )
