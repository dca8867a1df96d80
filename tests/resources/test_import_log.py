"""A confirmed spreadsheet import is logged: which list, how many rows of each kind, and who."""

import logging

import pytest

from powdercoat.models.choices import CustomerType
from powdercoat.resources import CustomerResource
from tests.factories import CustomerFactory, UserFactory
from tests.spreadsheet_files import import_rows

pytestmark = pytest.mark.django_db

HEADERS = ["Email", "Type", "Company name", "Contact name", "Phone", "Discount %", "Notes"]
ROWS = [
    HEADERS,
    ["new@shop.example", "Retail", "", "Nia", "", "0", ""],
    ["kept@shop.example", "Retail", "", "Kai", "", "0", ""],
    ["moved@shop.example", "Retail", "", "Mo", "555-0199", "0", ""],
]


@pytest.fixture
def customers():
    """One customer the file leaves as it is, one whose phone it changes."""
    for email, name in [("kept@shop.example", "Kai"), ("moved@shop.example", "Mo")]:
        CustomerFactory(
            customer_type=CustomerType.RETAIL, email=email, contact_name=name, company_name=""
        )


def test_an_import_logs_its_rows_and_importer(
    customers, caplog, django_capture_on_commit_callbacks
):
    """'CustomerResource by ines: 1 new, 1 updated, 1 unchanged' reaches the log at INFO."""
    ines = UserFactory(username="ines")
    with (
        caplog.at_level(logging.INFO, logger="powdercoat"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        result = import_rows(CustomerResource, ROWS, user=ines)
    assert result.problems() == []
    [record] = [r for r in caplog.records if r.name == "powdercoat.resources"]
    assert record.levelno == logging.INFO
    assert record.getMessage() == (
        "Spreadsheet import CustomerResource by ines: 1 new, 1 updated, 1 unchanged."
    )


def test_a_preview_and_a_refused_file_log_nothing(
    customers, caplog, django_capture_on_commit_callbacks
):
    """Only a committed import is logged: the preview and a file with a bad row are not."""
    bad = [*ROWS, ["not an email", "Retail", "", "Bo", "", "0", ""]]
    with (
        caplog.at_level(logging.INFO, logger="powdercoat"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        import_rows(CustomerResource, ROWS, dry_run=True)
        refused = import_rows(CustomerResource, bad)
    assert refused.problems()
    assert [r for r in caplog.records if r.name == "powdercoat.resources"] == []
