"""The command palette (⌘K) finds jobs, customers, quotes and invoices by number or name."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from powdercoat.admin.command_search import RESULTS_PER_KIND
from powdercoat.models.choices import JobStatus
from tests.factories import CustomerFactory, QuoteFactory, invoiced_job, job_at

pytestmark = pytest.mark.django_db
SEARCH_URL = reverse("admin:search")


@pytest.fixture(autouse=True)
def _fresh_palette_cache():
    """unfold keeps a person's results for a few minutes; each test starts without them."""
    cache.clear()
    yield
    cache.clear()


def _titles(client, term: str) -> str:
    """The palette's answer for `term`, as its text."""
    return client.get(SEARCH_URL, {"s": term}).content.decode()


def test_a_job_number_finds_the_job_wherever_it_is(company, office_client):
    """A delivered job is found by its number, with its customer and status beside it."""
    customer = CustomerFactory(company_name="Harbor Marine")
    job = job_at(JobStatus.DELIVERED, customer=customer)
    html = _titles(office_client, job.number.lower())
    assert job.number in html
    assert reverse("admin:powdercoat_job_change", args=[job.pk]) in html
    assert "Harbor Marine · Delivered" in html


def test_customers_quotes_and_invoices_are_found_by_name_or_number(company, office_client):
    """A customer by name, a quote by its number and an invoice by its number."""
    customer = CustomerFactory(company_name="Kestrel Dock Works")
    quote = QuoteFactory(customer=customer)
    invoice = invoiced_job(customer=customer)
    by_name = _titles(office_client, "kestrel dock")
    assert reverse("admin:powdercoat_customer_change", args=[customer.pk]) in by_name
    assert quote.number in _titles(office_client, quote.number)
    assert reverse("admin:powdercoat_quote_change", args=[quote.pk]) in _titles(
        office_client, quote.number
    )
    assert reverse("admin:powdercoat_invoice_change", args=[invoice.pk]) in _titles(
        office_client, invoice.number
    )


def test_shop_floor_finds_jobs_but_no_customer_quote_or_invoice(company, floor_client):
    """Shop Floor may open jobs only: the palette offers nothing else, and no money."""
    customer = CustomerFactory(company_name="Kestrel Dock Works")
    job = job_at(JobStatus.COATING, customer=customer)
    QuoteFactory(customer=customer)
    invoiced_job(customer=customer)
    html = _titles(floor_client, "kestrel")
    assert reverse("admin:powdercoat_job_change", args=[job.pk]) in html
    for kind in ("customer", "quote", "invoice"):
        assert f"/admin/powdercoat/{kind}/" not in html
    assert "$" not in html


def test_the_palette_lists_a_few_of_each_kind_in_a_fixed_number_of_queries(company, office_client):
    """Three or thirty matching jobs: at most RESULTS_PER_KIND listed, the same queries."""
    customer = CustomerFactory(company_name="Wren Fabrication")

    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            html = _titles(office_client, "wren")
        assert html.count("/admin/powdercoat/job/") <= RESULTS_PER_KIND
        return len(captured)

    for _ in range(3):
        job_at(JobStatus.COATING, customer=customer)
    few = queries()
    for _ in range(27):
        job_at(JobStatus.COATING, customer=customer)
    many = queries()
    assert few == many


def test_script_in_a_name_is_shown_as_text(company, office_client):
    """A customer named with markup appears escaped in the palette."""
    CustomerFactory(company_name="<script>alert(1)</script> Paint")
    html = _titles(office_client, "paint")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
