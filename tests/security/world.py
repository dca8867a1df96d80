"""One of everything, carrying sentinel values that must never reach a Shop Floor user."""

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.apps import apps as django_apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from powdercoat import roles
from powdercoat.models import (
    CatalogProduct,
    CompanySettings,
    Customer,
    InventoryActivity,
    InventoryItem,
    Invoice,
    Job,
    JobNote,
    JobPhoto,
    JobTemplate,
    LineItem,
    PartIntake,
    Payment,
    PrepService,
    Quote,
    ReworkRecord,
    TimeEntry,
    Worker,
)
from powdercoat.models.choices import (
    ActivityKind,
    CustomerType,
    JobStatus,
    PhotoKind,
    PrepPricing,
    ReworkKind,
    ReworkReason,
    WorkerRole,
)
from powdercoat.models.imports import ImportState, SpreadsheetImport
from powdercoat.services.inventory import inventory_activity_record, material_usage_log
from powdercoat.services.invoices import invoice_create_for_job
from powdercoat.services.job_records import (
    job_note_add,
    job_photos_add,
    part_intake_save,
    rework_record_add,
    time_entry_add,
)
from powdercoat.services.jobs import job_advance, job_cancel, job_set_status, job_update
from powdercoat.services.quotes import quote_update
from powdercoat.services.status_links import job_status_link_issue
from tests.factories import (
    CatalogProductFactory,
    CustomerFactory,
    JobTemplateFactory,
    LineItemCoatFactory,
    LineItemFactory,
    LineItemPrepFactory,
    PowderFactory,
    PrepServiceFactory,
    QuoteFactory,
    QuoteLineItemFactory,
    TemplateLineItemFactory,
    UserFactory,
    WorkerFactory,
    job_at,
    paid,
)

# -- the sentinels ------------------------------------------------------------------------------

PRICE = Decimal("7777.77")
UNIT_COST = Decimal("3333.3333")
OLD_UNIT_COST = Decimal("11.75")
NEW_UNIT_COST = Decimal("12.34")
# A discount (a price, hidden from Shop Floor) that no other figure in the world could make.
NEW_DISCOUNT = Decimal("17.17")
EMAIL = "sentinel.customer@example.com"
PHONE = "555-0142"
MOBILE = "555-0143"
ADDRESS = "77 Sentinel Parkway"
DISPLAY_KEY = "sentinel-display-key-0123456789"

# What a Shop Floor user must never see, as it would be written on a page, in a PDF or a file.
# (The invoice number is added per world: it is only known once the invoice exists.)
MONEY_SENTINELS = (
    "7777.77",
    "7,777.77",
    "3333.33",
    "3,333.33",
    "11.75",
    "12.34",
    "17.17",
)
CONTACT_SENTINELS = (EMAIL, PHONE, MOBILE, ADDRESS)

ROLE_USERNAMES = {
    roles.ADMINISTRATOR: "owner",
    roles.OFFICE: "office",
    roles.SUPERVISOR: "supervisor",
    roles.SHOP_FLOOR: "floor",
}


def png_bytes(colour: str = "red") -> bytes:
    """A small, real PNG picture."""
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return buffer.getvalue()


@dataclass
class World:
    """Everything `build_world` made, so tests know the ids."""

    users: dict[str, object]
    company: CompanySettings
    customer: Customer
    jobs: dict[str, Job]
    item: LineItem
    prep: PrepService
    powder: InventoryItem
    history_powder: InventoryItem
    usage: InventoryActivity
    quote: Quote
    quote_item: LineItem
    invoice: Invoice
    payment: Payment
    photo: JobPhoto
    note: JobNote
    time_entry: TimeEntry
    rework: ReworkRecord
    intake: PartIntake
    template: JobTemplate
    template_item: LineItem
    product: CatalogProduct
    worker: Worker
    # A checked background import per importable list, uploaded by the office user.
    imports: dict[str, SpreadsheetImport] = field(default_factory=dict)
    sentinels: tuple[str, ...] = field(default=())

    @property
    def job(self) -> Job:
        """The job at Coating that has every kind of record."""
        return self.jobs["coating"]

    def user(self, role: str):
        return self.users[role]


def _role_user(role: str):
    if not Group.objects.filter(name=role).exists():
        roles.sync_roles(django_apps)
    user = UserFactory(
        username=ROLE_USERNAMES[role],
        is_staff=True,
        is_superuser=role == roles.ADMINISTRATOR,
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def _derived_money(*documents) -> list[str]:
    """The totals the sentinel price leads to (after discount, tax, a payment), as written."""
    figures = set()
    for document in documents:
        for name in ("total_price", "total", "discount_amount", "balance", "tax_amount"):
            value = getattr(document, name, None)
            # Only figures distinctive enough not to turn up by chance on an honest page.
            if value is not None and value >= 1000 and value not in (PRICE,):
                figures |= {f"{value:.2f}", f"{value:,.2f}"}
    return sorted(figures)


def build_world() -> World:
    """Make one of everything through the factories and services (MEDIA_ROOT must be a tmp dir)."""
    users = {role: _role_user(role) for role in ROLE_USERNAMES}
    office, floor = users[roles.OFFICE], users[roles.SHOP_FLOOR]

    company = CompanySettings.load()
    company.display_key = DISPLAY_KEY
    company.save()

    customer = CustomerFactory(
        customer_type=CustomerType.COMMERCIAL,
        company_name="Harbor Fabrication",
        contact_name="Dana Harbor",
        email=EMAIL,
        phone=PHONE,
        mobile=MOBILE,
        billing_address=f"{ADDRESS}\nSpringfield",
        shipping_address=f"{ADDRESS}\nDock 4",
        discount_percent=Decimal("0"),
    )
    worker = WorkerFactory(name="Casey Coater", role=WorkerRole.COATER, user=floor)
    prep = PrepServiceFactory(
        name="Sandblasting",
        pricing_method=PrepPricing.PER_SQFT,
        rate=PRICE,
        stage=JobStatus.SANDBLASTING,
    )
    powder = PowderFactory(
        name="Signal Red",
        color_name="Signal Red",
        swatch_hex="#A02128",
        unit_cost=UNIT_COST,
        vendor="Tiger Drylac",
        user=office,
    )
    # The unit cost changes 11.75 -> 12.34 through a receipt, so history holds both.
    history_powder = PowderFactory(
        name="Jet Black", color_name="Jet Black", unit_cost=OLD_UNIT_COST, user=office
    )
    inventory_activity_record(
        item=history_powder,
        kind=ActivityKind.RECEIPT,
        quantity=Decimal("10"),
        unit_cost=NEW_UNIT_COST,
        user=office,
        note="Delivery",
    )

    jobs = {}
    for name, status in (
        ("coating", JobStatus.COATING),
        ("on_hold", JobStatus.ON_HOLD),
        ("cancelled", JobStatus.CANCELLED),
        ("completed", JobStatus.COMPLETED),
        ("invoiced", JobStatus.COMPLETED),
    ):
        job = job_at(
            JobStatus.COATING if status == JobStatus.CANCELLED else status,
            customer=customer,
            description=f"Gate panels ({name})",
            po_number=f"PO-{name}",
            special_instructions="Mask the hinges",
            discount_percent=Decimal("0"),
            assigned_workers=[worker],
        )
        item = LineItemFactory(job=job, quantity=1, unit_price=PRICE, description="Gate panel")
        LineItemCoatFactory(item=item, powder=powder, position=1)
        LineItemPrepFactory(item=item, prep_service=prep)
        if status == JobStatus.CANCELLED:
            job_cancel(job=Job.objects.get(pk=job.pk), user=office, reason="Customer withdrew")
        jobs[name] = Job.objects.get(pk=job.pk)

    job = jobs["coating"]
    # The discount changes 0 -> 7.50 through the service, so the job's history has both.
    job.discount_percent = NEW_DISCOUNT
    job_update(job=job, user=office)
    job_advance(job=Job.objects.get(pk=job.pk), user=floor, note="First coat on")
    # Back to Coating (a correction by the office) so the job is at the stage its name says.
    job_set_status(job=Job.objects.get(pk=job.pk), user=office, status=JobStatus.COATING, note="")
    job = jobs["coating"] = Job.objects.get(pk=job.pk)
    item = job.items.get()

    usage = material_usage_log(
        job=job, item=powder, lbs=Decimal("1.5"), user=floor, note="First coat", confirmed=True
    )
    (photo,) = job_photos_add(
        job=job,
        files=[SimpleUploadedFile("parts.png", png_bytes(), content_type="image/png")],
        kind=PhotoKind.BEFORE,
        caption="Parts as received",
        user=floor,
    )
    # The customer sees this photo on the job's status page (its link is issued below).
    JobPhoto.objects.filter(pk=photo.pk).update(customer_visible=True)
    photo.refresh_from_db()
    job_status_link_issue(job=job)
    note = job_note_add(job=job, text="Handle the gates with care", user=floor)
    time_entry = time_entry_add(
        job=job,
        worker=worker,
        work_date=timezone.localdate(),
        hours=Decimal("2.5"),
        stage=JobStatus.COATING,
        note="Second coat",
        user=floor,
    )
    rework = rework_record_add(
        job=job,
        kind=ReworkKind.RECOAT,
        reason=ReworkReason.ADHESION_FAILURE,
        description="Peeling corner",
        cost=PRICE,
        user=floor,
    )
    intake = part_intake_save(
        job=job, expected_count=12, actual_count=11, condition_notes="One bent", user=floor
    )

    invoice = invoice_create_for_job(job=jobs["invoiced"], user=office)
    payment = paid(invoice, "100.00", user=office, reference="Check 7001")
    invoice.refresh_from_db()

    quote = QuoteFactory(customer=customer, description="Railings", discount_percent=Decimal("0"))
    quote_item = QuoteLineItemFactory(
        quote=quote, quantity=1, unit_price=PRICE, description="Railing"
    )
    LineItemCoatFactory(item=quote_item, powder=powder, position=1)
    quote = Quote.objects.get(pk=quote.pk)
    quote.discount_percent = NEW_DISCOUNT
    quote_update(quote=quote, user=office)

    template = JobTemplateFactory(name="Standard gate")
    template_item = TemplateLineItemFactory(
        template=template, quantity=1, unit_price=PRICE, description="Gate"
    )
    product = CatalogProductFactory(name="Gate panel kit", unit_price=PRICE)

    sentinels = (
        *MONEY_SENTINELS,
        *_derived_money(Job.objects.get(pk=job.pk), invoice, Quote.objects.get(pk=quote.pk)),
        *CONTACT_SENTINELS,
        invoice.number,
    )
    return World(
        users=users,
        company=CompanySettings.load(),
        customer=customer,
        jobs={name: Job.objects.get(pk=j.pk) for name, j in jobs.items()},
        item=item,
        prep=prep,
        powder=InventoryItem.objects.get(pk=powder.pk),
        history_powder=InventoryItem.objects.get(pk=history_powder.pk),
        usage=usage,
        quote=Quote.objects.get(pk=quote.pk),
        quote_item=quote_item,
        invoice=invoice,
        payment=payment,
        photo=photo,
        note=note,
        time_entry=time_entry,
        rework=rework,
        intake=intake,
        template=template,
        template_item=template_item,
        product=product,
        worker=worker,
        imports=_background_imports(office),
        sentinels=sentinels,
    )


def _background_imports(office) -> dict[str, SpreadsheetImport]:
    """One file checked by the worker and waiting for Confirm import, in every importable list."""
    imports = {}
    for model, model_admin in admin.site._registry.items():
        if not hasattr(model_admin, "background_import_view"):
            continue
        resource = model_admin.resource_classes[0]
        imports[model._meta.label_lower] = SpreadsheetImport.objects.create(
            user=office,
            model_label=model._meta.label_lower,
            resource_path=f"{resource.__module__}.{resource.__qualname__}",
            file_name="big.csv",
            stored_name=f"preview-world{model._meta.model_name:0<24}",
            file_format="csv",
            rows=5000,
            state=ImportState.CHECKED,
            outcome={"total_rows": 5000, "totals": {"new": 5000, "update": 0, "skip": 0}},
        )
    return imports
