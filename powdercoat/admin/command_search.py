"""The command palette's search (⌘K): jobs, customers, quotes and invoices by number or name.

unfold's own model search reads every match of every model and names them by `str()`; this one
asks each admin's own search (so the palette finds what the lists find), keeps the first few of
each kind, and offers only what the person may open. It says no money: Shop Floor uses it too.
"""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from unfold.dataclasses import SearchResult

from powdercoat.models import Customer, Invoice, Job, Quote

# The first few of each kind: the palette is for finding one thing, not for browsing.
RESULTS_PER_KIND = 6


def _job_line(job: Job) -> str:
    return _("Job · %(customer)s · %(status)s") % {
        "customer": job.customer.display_name,
        "status": job.get_status_display(),
    }


def _customer_line(customer: Customer) -> str:
    contact = customer.phone or customer.email or customer.contact_name
    return _("Customer · %(contact)s") % {"contact": contact} if contact else _("Customer")


def _quote_line(quote: Quote) -> str:
    return _("Quote · %(recipient)s · %(status)s") % {
        "recipient": quote.recipient_name,
        "status": quote.get_status_display(),
    }


def _invoice_line(invoice: Invoice) -> str:
    return _("Invoice · %(customer)s · %(status)s") % {
        "customer": invoice.customer.display_name,
        "status": invoice.get_status_display(),
    }


# Each kind: its model, the rows joined for its line, the line, and its icon.
SEARCHED_KINDS = (
    (Job, ("customer",), _job_line, "work"),
    (Customer, (), _customer_line, "person"),
    (Quote, ("customer",), _quote_line, "request_quote"),
    (Invoice, ("customer",), _invoice_line, "receipt_long"),
)


def command_search(request: HttpRequest, search_term: str) -> list[SearchResult]:
    """What the palette lists for `search_term`: one query per kind the person may view."""
    term = search_term.strip()
    if not term:
        return []
    results = []
    for model, joined, line, icon in SEARCHED_KINDS:
        model_admin = admin.site._registry.get(model)
        if model_admin is None or not model_admin.has_view_permission(request):
            continue
        rows = model._default_manager.all()
        if joined:
            rows = rows.select_related(*joined)
        found, may_have_duplicates = model_admin.get_search_results(request, rows, term)
        if may_have_duplicates:
            found = found.distinct()
        for row in found.order_by("-pk")[:RESULTS_PER_KIND]:
            results.append(
                SearchResult(title=str(row), description=line(row), link=_link(row), icon=icon)
            )
    return results


def _link(row: Model) -> str:
    meta = row._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[row.pk])
