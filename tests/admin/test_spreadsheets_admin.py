"""Spreadsheets in the admin: export, change, import back through the preview; bad files (X)."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from powdercoat.models import Customer, InventoryActivity, InventoryItem
from powdercoat.models.choices import ActivityKind, InventoryCategory
from powdercoat.resources import CustomerResource, InventoryItemResource
from tests.factories import CustomerFactory, JobFactory, PowderFactory
from tests.spreadsheet_files import csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db

ITEMS = "admin:powdercoat_inventoryitem"
CUSTOMERS = "admin:powdercoat_customer"


def _url(prefix: str, view: str) -> str:
    return reverse(f"{prefix}_{view}")


def export_file(client, prefix: str, resource_class, *, kind: str = "Excel (.xlsx)", query=""):
    """Export from a list page's Export button: open the form, tick every column, submit."""
    url = _url(prefix, "export") + query
    page = client.get(url)
    assert page.status_code == 200
    choices = {str(label): value for value, label in page.context["form"].fields["format"].choices}
    data = {"format": choices[kind], "resource": "0"}
    for name in resource_class().get_export_order():
        data[f"{resource_class.__name__.lower()}_{name}"] = "on"
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:2000]
    return response


def upload(client, prefix: str, name: str, data: bytes):
    """Send a file to a list's import page, as the Import button's form does."""
    return client.post(
        _url(prefix, "import"),
        {"resource": "0", "format": "", "import_file": SimpleUploadedFile(name, data)},
    )


def confirm(client, prefix: str, preview):
    """Press Confirm import on a preview page."""
    form = preview.context["confirm_form"]
    assert form is not None, preview.content.decode()[-3000:]
    return client.post(_url(prefix, "process_import"), form.initial, follow=True)


def problems_of(response) -> list[str]:
    """The problems the import page lists (empty when there is a preview instead)."""
    result = response.context.get("result")
    return result.problems() if result is not None else []


def _sheet(data: bytes):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return book, book.worksheets[0]


# -- the new user's round trip -------------------------------------------------------------------


def test_export_change_two_prices_add_a_colour_and_import_back(company, office_client, office_user):
    """Exactly the two price changes and the new powder (with its opening stock) are saved."""
    for sku, name in [("BLK", "Gloss Black"), ("WHT", "Signal White"), ("RED", "Traffic Red")]:
        PowderFactory(sku=sku, name=name, unit_cost=Decimal("11.50"))
    PowderFactory(sku="GRY", name="Anthracite", unit_cost=Decimal("12.00"), notes="Keep dry")
    before = {item.sku: item for item in InventoryItem.objects.all()}
    history_before = InventoryItem.history.count()

    response = export_file(
        office_client, ITEMS, InventoryItemResource, query="?category__exact=powder"
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="inventory-items-' in response["Content-Disposition"]
    book, sheet = _sheet(response.content)
    headers = [cell.value for cell in sheet[1]]
    cost, sku = headers.index("Unit cost") + 1, headers.index("SKU") + 1
    for row in sheet.iter_rows(min_row=2):
        if row[sku - 1].value == "BLK":
            row[cost - 1].value = 12.95
        if row[sku - 1].value == "RED":
            row[cost - 1].value = 14.1
    new_row = dict.fromkeys(headers)
    new_row.update(
        {
            "SKU": "GRN",
            "Name": "Moss Green",
            "Category": "Powder",
            "Unit": "lb",
            "Unit cost": 13.25,
            "On hand": 30,
            "Finish": "Satin",
        }
    )
    sheet.append([new_row[header] for header in headers])
    edited = io.BytesIO()
    book.save(edited)

    preview = upload(office_client, ITEMS, "powders.xlsx", edited.getvalue())
    assert preview.status_code == 200
    assert problems_of(preview) == []
    page = preview.content.decode()
    assert "This file has 5 rows: 1 new, 2 to update, 2 already up to date" in page
    assert "Moss Green" in page
    assert "Anthracite" not in page
    assert InventoryItem.objects.count() == 4  # nothing saved by the preview

    done = confirm(office_client, ITEMS, preview)
    assert done.redirect_chain[-1][0] == _url(ITEMS, "changelist")
    assert "Imported 1 new and 2 updated inventory items; 2 rows were already up to date." in (
        done.content.decode()
    )
    after = {item.sku: item for item in InventoryItem.objects.all()}
    assert set(after) == {"BLK", "WHT", "RED", "GRY", "GRN"}
    assert (after["BLK"].unit_cost, after["RED"].unit_cost) == (Decimal("12.95"), Decimal("14.1"))
    for sku in ("WHT", "GRY"):
        assert after[sku].unit_cost == before[sku].unit_cost
        assert after[sku].updated_at == before[sku].updated_at
    for sku in before:
        assert after[sku].quantity_on_hand == before[sku].quantity_on_hand
    green = after["GRN"]
    assert (green.quantity_on_hand, green.finish) == (Decimal("30"), "satin")
    opening = InventoryActivity.objects.get(item=green)
    assert (opening.kind, opening.quantity, opening.user) == (
        ActivityKind.OPENING,
        Decimal("30"),
        office_user,
    )
    assert InventoryActivity.objects.count() == 5
    assert InventoryItem.history.count() == history_before + 3
    assert InventoryItem.history.filter(sku="BLK").latest().history_user == office_user
    logged = LogEntry.objects.filter(user=office_user).values_list("action_flag", "object_repr")
    assert sorted(logged) == sorted(
        [(ADDITION, str(green)), (CHANGE, str(after["BLK"])), (CHANGE, str(after["RED"]))]
    )


# -- exports -------------------------------------------------------------------------------------


def test_export_takes_the_lists_filters_and_search(company, office_client):
    """?category__exact=powder&q=black exports the black powders only."""
    PowderFactory(sku="P-BLK", name="Gloss Black")
    PowderFactory(sku="P-WHT", name="Signal White")
    PowderFactory(
        sku="S-BLK", name="Black tape", category=InventoryCategory.CONSUMABLE, unit="roll"
    )
    response = export_file(
        office_client,
        ITEMS,
        InventoryItemResource,
        kind="CSV",
        query="?category__exact=powder&q=black",
    )
    text = response.content.decode("utf-8-sig")
    assert response["Content-Type"].startswith("text/csv")
    skus = [line.split(",")[0] for line in text.splitlines()[1:]]
    assert skus == ["P-BLK"]


def test_list_pages_offer_import_and_export_to_the_office(company, office_client):
    """The inventory list has both buttons; the jobs list (export only) has Export."""
    page = office_client.get(_url(ITEMS, "changelist")).content.decode()
    assert _url(ITEMS, "import") in page
    assert _url(ITEMS, "export") in page
    jobs = office_client.get(reverse("admin:powdercoat_job_changelist")).content.decode()
    assert reverse("admin:powdercoat_job_export") in jobs
    assert "powdercoat/job/import/" not in jobs


@pytest.mark.parametrize(
    "model", ["job", "inventoryitem", "inventoryactivity", "prepservice", "worker"]
)
def test_shop_floor_gets_no_export_and_no_import(company, floor_client, model):
    """Shop Floor may see these lists but exports carry prices and costs: no button, 403."""
    listing = floor_client.get(reverse(f"admin:powdercoat_{model}_changelist"))
    assert listing.status_code == 200
    page = listing.content.decode()
    assert f"/{model}/export/" not in page
    assert f"/{model}/import/" not in page
    assert floor_client.get(reverse(f"admin:powdercoat_{model}_export")).status_code == 403
    if model not in {"job", "inventoryactivity"}:
        assert floor_client.get(reverse(f"admin:powdercoat_{model}_import")).status_code == 403


def test_jobs_export_as_a_spreadsheet_with_items_flattened(company, office_client):
    """The jobs list's Export button gives one row per job (items flattened) in Excel."""
    from powdercoat.resources import JobExportResource

    job = JobFactory()
    response = export_file(
        office_client, "admin:powdercoat_job", JobExportResource, query="?view=all"
    )
    _book, sheet = _sheet(response.content)
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Job", "Status", "Priority")
    assert rows[1][0] == job.number


# -- the preview and what a file may contain -----------------------------------------------------


def test_preview_shows_tags_as_text(company, office_client):
    """HTML and script tags in a cell are shown as characters on the preview, never run."""
    data = csv_bytes(
        [
            ["Email", "Contact name", "Notes"],
            ["x@y.example", "<b>Bo</b>", "<script>alert('x')</script>"],
        ]
    )
    preview = upload(office_client, CUSTOMERS, "customers.csv", data)
    page = preview.content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page or (
        "&lt;script&gt;alert('x')&lt;/script&gt;" in page
    )
    assert "<script>alert" not in page
    assert "<b>Bo</b>" not in page
    confirm(office_client, CUSTOMERS, preview)
    customer = Customer.objects.get()
    assert customer.notes == "<script>alert('x')</script>"
    change_page = office_client.get(reverse("admin:powdercoat_customer_change", args=[customer.pk]))
    assert "<script>alert('x')</script>" not in change_page.content.decode()


def test_preview_warns_about_a_row_named_like_a_stored_powder_and_confirm_still_adds_it(
    company, office_client
):
    """The warning, escaped, is listed above the preview and under its row (only that row);
    Confirm import adds the second powder, as a warning does not refuse the file."""
    PowderFactory(sku="P-1001", name="Gloss <b>Black</b>", color_code="RAL 9005")
    data = csv_bytes(
        [
            ["SKU", "Name", "Category", "Unit", "Unit cost"],
            ["P-2001", "gloss <b>black</b>", "Powder", "lb", "11.75"],
            ["P-2002", "Traffic Yellow RAL 1023", "Powder", "lb", "14.60"],
        ]
    )
    preview = upload(office_client, ITEMS, "powders.csv", data)
    page = preview.content.decode()
    warning = escape(
        "row 2, Name: a powder named 'gloss <b>black</b>' already exists (SKU 'P-1001'); this "
        "row would make a second one. If they are the same, give this row SKU 'P-1001' to "
        "update it instead."
    )
    assert "Check these rows before you confirm" in page
    assert page.count(warning) == 2
    assert page.count('data-testid="row-warning"') == 1
    assert "<b>black</b>" not in page
    assert preview.context["confirm_form"] is not None

    done = confirm(office_client, ITEMS, preview)
    assert "Imported 2 new and 0 updated inventory items" in done.content.decode()
    names = InventoryItem.objects.values_list("name", flat=True)
    assert sorted(name.casefold() for name in names if "black" in name.casefold()) == [
        "gloss <b>black</b>",
        "gloss <b>black</b>",
    ]


def test_preview_of_new_rows_shows_no_look_alike_warning(company, office_client):
    """Rows unlike anything stored get the preview without the warning box."""
    PowderFactory(sku="P-1001", name="Gloss Black RAL 9005", color_code="RAL 9005")
    data = csv_bytes(
        [
            ["SKU", "Name", "Category", "Unit", "Unit cost", "Colour code"],
            ["P-2002", "Traffic Yellow RAL 1023", "Powder", "lb", "14.60", "RAL 1023"],
        ]
    )
    preview = upload(office_client, ITEMS, "powders.csv", data)
    page = preview.content.decode()
    assert "This file has 1 row: 1 new" in page
    assert "Check these rows before you confirm" not in page
    assert 'data-testid="row-warning"' not in page


def _customers_csv(*rows) -> bytes:
    return csv_bytes([["Email", "Company name", "Contact name", "Discount %"], *rows])


BIG = 50 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.csv", b"", "This file is empty: there is nothing in it to import."),
        ("empty.xlsx", xlsx_bytes([]), "This file is empty: there is nothing in it to import."),
        (
            "wrong.csv",
            csv_bytes([["SKU", "Name"], ["BLK", "Gloss Black"]]),
            "This file has no &#x27;Email&#x27; column; the first row must hold the column names",
        ),
        (
            "report.xlsx",
            b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\n",
            "This file is not an Excel (.xlsx) file we can read.",
        ),
        (
            "report.pdf",
            b"%PDF-1.7\n",
            "&#x27;report.pdf&#x27; is not an Excel (.xlsx) or CSV file.",
        ),
        (
            "formula.xlsx",
            xlsx_bytes([["Email", "Discount %"], ["a@b.example", "=1/0"]]),
            "row 2, Discount %: must be a number from 0 to 100, got &#x27;=1/0&#x27;",
        ),
        (
            "locale.csv",
            _customers_csv(["a@b.example", "Acme", "Jo", "7,5"]),
            "row 2, Discount %: must be a number from 0 to 100 written with a point for decimals",
        ),
        (
            "dates.xlsx",
            xlsx_bytes(
                [["Email", "Contact name", "Discount %"], ["a@b.example", "Jo", "25.11.2026"]]
            ),
            "row 2, Discount %: must be a number from 0 to 100, got &#x27;25.11.2026&#x27;",
        ),
        (
            "twice.csv",
            _customers_csv(["a@b.example", "Acme", "Jo", "0"], ["A@b.example", "Acme", "Jo", "0"]),
            "Rows 2 and 3 both have the email &#x27;a@b.example&#x27;",
        ),
    ],
)
def test_bad_files_get_a_clear_message_and_import_nothing(
    company, office_client, name, data, message
):
    """Each bad file comes back to the import page with its message; nothing is saved."""
    response = upload(office_client, CUSTOMERS, name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert response.context.get("confirm_form") is None
    assert not Customer.objects.exists()


def test_a_50_mb_file_is_refused_by_its_size_before_it_is_read(company, office_client):
    """A 50 MB upload is refused by size with the limit named; it is never parsed."""
    response = upload(office_client, CUSTOMERS, "huge.xlsx", b"\0" * BIG)
    assert response.status_code == 200
    assert response.context["form"].errors["import_file"] == [
        "This file is 50.0 MB; the limit is 10 MB. Split it into smaller files, or delete "
        "columns and rows you do not need."
    ]
    assert response.context.get("result") is None


def test_a_file_with_one_bad_row_offers_no_confirm(company, office_client):
    """Two good rows and one bad: the page lists the problem and there is nothing to confirm."""
    data = _customers_csv(
        ["a@b.example", "Acme", "Jo", "0"],
        ["c@d.example", "Beta", "Al", "150"],
        ["e@f.example", "Gamma", "Cy", "5"],
    )
    response = upload(office_client, CUSTOMERS, "customers.csv", data)
    assert problems_of(response) == ["row 3, Discount %: must be a number from 0 to 100, got '150'"]
    assert "Nothing was imported. Fix this problem in your file" in response.content.decode()
    assert response.context.get("confirm_form") is None
    assert not Customer.objects.exists()


def test_confirming_after_the_data_changed_imports_nothing(company, office_client):
    """A row that became ambiguous between preview and confirm rolls every row back."""
    known = CustomerFactory(email="old@x.example", contact_name="Old Name")
    data = csv_bytes(
        [
            ["Email", "Contact name"],
            ["old@x.example", "New Name"],
            ["", "Pat Quinn"],
            ["new@x.example", "New Person"],
        ]
    )
    preview = upload(office_client, CUSTOMERS, "customers.csv", data)
    assert problems_of(preview) == []
    CustomerFactory(email="", company_name="", contact_name="Pat Quinn", customer_type="retail")
    CustomerFactory(email="", company_name="", contact_name="Pat Quinn", customer_type="retail")
    done = confirm(office_client, CUSTOMERS, preview)
    page = done.content.decode()
    assert "Nothing was imported. row 3: the name &#x27;pat quinn&#x27; and no email matches 2" in (
        page
    )
    known.refresh_from_db()
    assert known.contact_name == "Old Name"
    assert not Customer.objects.filter(email="new@x.example").exists()


@pytest.mark.parametrize(("field", "value"), [("import_file_name", "gone"), ("format", "9")])
def test_a_stale_or_tampered_confirm_asks_for_the_file_again(company, office_client, field, value):
    """A confirm whose file is gone (or whose format is nonsense) gets a message, not a 500."""
    data = _customers_csv(["a@b.example", "Acme", "Jo", "0"])
    preview = upload(office_client, CUSTOMERS, "customers.csv", data)
    form = dict(preview.context["confirm_form"].initial)
    form[field] = value
    response = office_client.post(_url(CUSTOMERS, "process_import"), form, follow=True)
    assert response.status_code == 200
    assert "The uploaded file is no longer on the server." in response.content.decode()
    assert not Customer.objects.exists()


def test_customer_export_reimports_without_changes(company, office_client):
    """Exported to CSV and uploaded again, every customer is already up to date."""
    CustomerFactory.create_batch(3)
    response = export_file(office_client, CUSTOMERS, CustomerResource, kind="CSV")
    preview = upload(office_client, CUSTOMERS, "customers.csv", response.content)
    assert problems_of(preview) == []
    assert "This file has 3 rows: 0 new, 0 to update, 3 already up to date" in (
        preview.content.decode()
    )
