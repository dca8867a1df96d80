"""Importing customers: email (in any capitals) as the key, names when there is no email."""

from decimal import Decimal

import pytest

from powdercoat.models import Customer
from powdercoat.resources import CustomerResource
from tests.factories import CustomerFactory, invoiced_job
from tests.spreadsheet_files import import_rows

pytestmark = pytest.mark.django_db

HEADERS = ["Email", "Type", "Company name", "Contact name", "Phone", "Discount %", "Notes"]


def _import(rows, **options):
    return import_rows(CustomerResource, [HEADERS, *rows], **options)


def test_email_finds_the_customer_whatever_its_capitals():
    """ORDERS@ACME matches orders@acme: the customer is updated, not duplicated."""
    customer = CustomerFactory(email="orders@acme.example", company_name="Acme")
    result = _import(
        [["ORDERS@Acme.example", "Commercial", "Acme Fabrication", "Jo", "555-0100", "5", ""]]
    )
    assert result.problems() == []
    assert (result.totals["new"], result.totals["update"]) == (0, 1)
    customer.refresh_from_db()
    assert (customer.company_name, customer.discount_percent) == ("Acme Fabrication", Decimal(5))
    assert Customer.objects.count() == 1


def test_an_update_is_written_with_its_history_and_only_the_files_columns(admin_user):
    """Changed rows are written together at the end: each gets a "changed" history record by
    the importing user and a new edit time; a column the file lacks keeps its value; the
    preview of the same file changes nothing."""
    customer = CustomerFactory(
        email="orders@acme.example", company_name="Acme", billing_address="1 Old Road"
    )
    other = CustomerFactory(email="bob@bolt.example", company_name="Bolt")
    before = customer.updated_at
    rows = [
        ["orders@acme.example", "Commercial", "Acme Fab", "Jo", "555-0100", "5", "north"],
        ["bob@bolt.example", "Commercial", "Bolt Works", "Bob", "555-0101", "0", ""],
    ]
    preview = _import(rows, dry_run=True, user=admin_user)
    assert preview.totals["update"] == 2
    customer.refresh_from_db()
    assert customer.company_name == "Acme"
    assert customer.history.count() == 1
    _import(rows, user=admin_user)
    customer.refresh_from_db()
    other.refresh_from_db()
    assert (customer.company_name, customer.notes, customer.billing_address) == (
        "Acme Fab",
        "north",
        "1 Old Road",
    )
    assert other.company_name == "Bolt Works"
    assert customer.updated_at > before
    latest = customer.history.first()
    assert (latest.history_type, latest.history_user, latest.company_name) == (
        "~",
        admin_user,
        "Acme Fab",
    )


def test_customers_without_email_are_found_again_by_their_names():
    """A retail customer with no email is matched on a second import by company and contact."""
    rows = [["", "Retail", "", "Pat Quinn", "555-0111", "0", "first"]]
    assert _import(rows).totals["new"] == 1
    again = _import([["", "Retail", "", "pat quinn", "555-0199", "0", "first"]])
    assert (again.totals["new"], again.totals["update"]) == (0, 1)
    assert Customer.objects.get().phone == "555-0199"


def test_two_rows_with_the_same_email_are_refused():
    """The same email in two rows (in any capitals) refuses the file, naming both rows."""
    result = _import(
        [
            ["a@b.example", "Retail", "", "Al", "", "0", ""],
            ["A@B.example", "Retail", "", "Al", "", "0", ""],
        ]
    )
    assert result.problems() == [
        "Rows 2 and 3 both have the email 'a@b.example'; a file may hold each one only once."
    ]


def test_customer_rules_are_explained_per_cell():
    """Company name for commercial, a real email and a discount from 0 to 100."""
    result = _import(
        [
            ["ok@b.example", "Commercial", "", "Jo", "", "0", ""],
            ["not-an-email", "Retail", "", "Al", "", "120", ""],
        ]
    )
    assert result.problems() == [
        "row 2, Company name: a commercial customer needs a company name",
        "row 3, Discount %: must be a number from 0 to 100, got '120'",
        "row 3, Email: must be an email address like name@example.com, got 'not-an-email'",
    ]
    assert not Customer.objects.exists()


def test_html_in_text_is_stored_as_plain_text():
    """Tags are kept as the characters typed; the pages escape them when they show them."""
    result = _import(
        [["x@y.example", "Retail", "", "<b>Bold</b>", "", "0", "<script>alert(1)</script>"]]
    )
    assert result.problems() == []
    customer = Customer.objects.get()
    assert (customer.contact_name, customer.notes) == ("<b>Bold</b>", "<script>alert(1)</script>")


def test_open_balance_is_exported_but_never_read():
    """The balance comes from invoices; a changed figure in the file changes nothing."""
    invoice = invoiced_job(items=((2, Decimal("50.00")),))
    customer = invoice.customer
    dataset = CustomerResource().export(Customer.objects.filter(pk=customer.pk))
    assert dataset.dict[0]["Open balance"] == "100.00"
    rows = [
        ["Email", "Company name", "Contact name", "Open balance"],
        [customer.email, customer.company_name, customer.contact_name, "0"],
    ]
    result = import_rows(CustomerResource, rows)
    assert result.problems() == []
    assert result.totals["skip"] == 1
