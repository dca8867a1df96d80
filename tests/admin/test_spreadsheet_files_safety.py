"""Import files cannot reach outside their own folder or unpack to gigabytes."""

import io
import os
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from powdercoat.models import Customer
from powdercoat.spreadsheets import SpreadsheetPreviewStorage
from tests.spreadsheet_files import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

ROWS = [
    ["Type", "Company name", "Contact name", "Email"],
    ["Commercial", "Ridge Fab", "Al", "al@ridge.example"],
]


@pytest.fixture(autouse=True)
def previews(settings, tmp_path):
    """Previews go to a folder of this test's own."""
    settings.SPREADSHEET_PREVIEW_DIR = tmp_path / "previews"
    return tmp_path / "previews"


def _preview(client, name: str, data: bytes):
    return client.post(
        reverse("admin:powdercoat_customer_import"),
        {"resource": "0", "format": "", "import_file": SimpleUploadedFile(name, data)},
    )


def test_confirm_opens_only_its_own_preview_file(office_client, tmp_path, company):
    """A Confirm naming any other file (here a file beside the previews) reads and deletes
    nothing; it asks for a new upload."""
    preview = _preview(office_client, "customers.csv", csv_bytes(ROWS))
    confirm = dict(preview.context["confirm_form"].initial)
    assert confirm["import_file_name"].startswith("preview-")
    bystander = tmp_path / "bystander.csv"
    bystander.write_bytes(csv_bytes(ROWS))
    for name in ("../bystander.csv", str(bystander), "bystander.csv"):
        response = office_client.post(
            reverse("admin:powdercoat_customer_process_import"),
            {**confirm, "import_file_name": name},
            follow=True,
        )
        assert "Upload it again" in response.content.decode()
    assert bystander.exists()
    assert not Customer.objects.exists()


def test_previews_nobody_confirmed_are_deleted_after_a_day(office_client, previews, company):
    """An old preview file is removed when the next upload is previewed."""
    _preview(office_client, "customers.csv", csv_bytes(ROWS))
    (old,) = previews.iterdir()
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(old, (two_days_ago, two_days_ago))
    _preview(office_client, "customers.csv", csv_bytes(ROWS))
    remaining = list(previews.iterdir())
    assert old not in remaining
    assert len(remaining) == 1
    assert remaining[0].name.startswith(SpreadsheetPreviewStorage.PREFIX)


def test_an_xlsx_that_unpacks_past_the_limit_is_refused_unread(office_client, settings, company):
    """A small .xlsx holding a huge cell is refused by what it unpacks to, with the sizes."""
    settings.SPREADSHEET_MAX_UNPACKED_MB = 1
    packed = io.BytesIO(xlsx_bytes(ROWS))
    with zipfile.ZipFile(packed, "a", compression=zipfile.ZIP_DEFLATED) as book:
        book.writestr("xl/sharedStrings2.xml", "x" * 3_000_000)  # one huge string
    data = packed.getvalue()
    assert len(data) < 200_000  # packed, it is far under the upload limit
    response = _preview(office_client, "customers.xlsx", data)
    assert "unpacks to 3 MB, more than the 1 MB the import reads" in response.content.decode()
    assert not Customer.objects.exists()


@pytest.mark.parametrize("model", ["job", "customer", "inventoryitem", "invoice"])
def test_an_export_address_with_an_unknown_parameter_goes_back_to_the_list(model, office_client):
    """?utm_source=x on an export page: back to the list with a message, not a server error."""
    url = reverse(f"admin:powdercoat_{model}_export")
    response = office_client.get(url, {"utm_source": "newsletter"}, follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(f"admin:powdercoat_{model}_changelist")
    assert "cannot filter by (utm_source)" in response.content.decode()
