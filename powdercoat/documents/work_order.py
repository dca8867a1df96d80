"""Work order PDFs: a job's work order with its QR codes (SPEC D1), the blank form to fill in by
hand at drop-off (D2), and the sample the company settings page previews (D3).

The QR codes hold absolute addresses built from the SITE_URL setting, so a phone that scans the
printed sheet lands on this site: the job page, the status bump page (S4) and the material usage
page pre-filled with a powder and the job (S5).
"""

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import quote, urlencode

from django.conf import settings
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from powdercoat import pricing
from powdercoat.documents.pdf import local_file_path, render_pdf
from powdercoat.documents.qr import qr_data_uri
from powdercoat.documents.status_link import PrintedStatusLink, printed_status_link
from powdercoat.models import (
    CompanySettings,
    Customer,
    InventoryItem,
    Job,
    LineItem,
    LineItemCoat,
    LineItemPrep,
    PartIntake,
    PrepService,
)
from powdercoat.models.choices import CoatLayer, Finish, Priority

# Priorities printed in red capitals (the word is printed too: colour is never the only sign).
LOUD_PRIORITIES = (Priority.URGENT, Priority.RUSH)
POWDERS_PER_ROW = 3
BLANK_ITEM_ROWS = 9


# -- where the QR codes lead ------------------------------------------------------------------


def site_url(path: str) -> str:
    """`path` on this site as an absolute address (SITE_URL has no trailing slash)."""
    return f"{settings.SITE_URL}{path}"


def job_page_url(job: Job) -> str:
    """The job's page in the office admin."""
    return site_url(reverse("admin:powdercoat_job_change", args=[job.pk]))


def job_bump_url(job: Job) -> str:
    """The page that moves the job to its next stage (SPEC S4)."""
    return site_url(f"/jobs/{quote(job.number)}/bump/")


def material_usage_url(*, job: Job, powder: InventoryItem) -> str:
    """The material usage page with the powder and the job already chosen (SPEC S5)."""
    return site_url(f"/inventory/usage/?{urlencode({'item': powder.pk, 'job': job.number})}")


# -- what the template is given ---------------------------------------------------------------


@dataclass(frozen=True)
class QrCode:
    """A QR code printed with what it is for."""

    label: str
    url: str
    image: str  # PNG data URI


def _qr(label: str, url: str) -> QrCode:
    return QrCode(label=label, url=url, image=qr_data_uri(url))


@dataclass(frozen=True)
class WorkOrderItem:
    """One line of the work order: the item, its coats in spraying order, its prep services."""

    item: LineItem
    coats: list[LineItemCoat]
    prep: list[str]
    image_path: str  # the catalogue product's picture on disk, or ""

    @property
    def total_area(self) -> Decimal:
        """Square feet to coat over all the item's parts."""
        return self.item.surface_area_sqft * self.item.quantity


@dataclass(frozen=True)
class WorkOrderPowder:
    """A powder the job uses, what its coats need, and the QR code that logs its usage."""

    powder: InventoryItem
    estimated_lbs: Decimal
    qr: QrCode | None


def _powders(
    *, job: Job, items: list[WorkOrderItem], company: CompanySettings, with_qr: bool
) -> list[WorkOrderPowder]:
    """Each distinct powder once, in the order the items and coats list them.

    Pounds are estimated as the item wizard and the materials tab do: each coat rounded up on
    its own (SPEC I3).
    """
    needed: dict[int, Decimal] = {}
    powders: dict[int, InventoryItem] = {}
    for line in items:
        for coat in line.coats:
            powder = coat.powder
            powders.setdefault(powder.pk, powder)
            needed[powder.pk] = needed.get(powder.pk, Decimal("0")) + pricing.powder_needed_lbs(
                area_sqft_per_part=line.item.surface_area_sqft,
                quantity=line.item.quantity,
                coverage_sqft_per_lb=powder.coverage_sqft_per_lb(
                    company.default_coverage_sqft_per_lb
                ),
                transfer_efficiency_percent=powder.efficiency_percent(
                    company.default_transfer_efficiency
                ),
            )
    return [
        WorkOrderPowder(
            powder=powder,
            estimated_lbs=needed[pk],
            qr=_qr(str(powder), material_usage_url(job=job, powder=powder)) if with_qr else None,
        )
        for pk, powder in powders.items()
    ]


def _rows[T](entries: list[T], size: int) -> list[list[T | None]]:
    """`entries` in rows of `size`, the last one padded with None so every row has its cells."""
    rows: list[list[T | None]] = [
        [*entries[start : start + size]] for start in range(0, len(entries), size)
    ]
    if rows:
        rows[-1] = rows[-1] + [None] * (size - len(rows[-1]))
    return rows


def _context(
    *,
    job: Job,
    items: list[WorkOrderItem],
    company: CompanySettings,
    intake: PartIntake | None,
    workers: list[str],
    prices_allowed: bool,
    contact_allowed: bool,
    status_link: PrintedStatusLink | None = None,
    sample: bool = False,
) -> dict[str, Any]:
    with_qr = company.work_order_show_qr_codes
    powders = _powders(job=job, items=items, company=company, with_qr=with_qr)
    return {
        "company": company,
        "job": job,
        "customer": job.customer,
        "items": items,
        "powders": powders,
        "powder_rows": _rows(powders, POWDERS_PER_ROW),
        "intake": intake,
        "workers": workers,
        "opened_on": timezone.localtime(job.created_at, company.zone).date()
        if job.created_at
        else None,
        "loud_priority": job.priority in LOUD_PRIORITIES,
        # The template decides, the role may forbid: Shop Floor never sees prices (SPEC 0).
        "show_prices": company.work_order_show_prices and prices_allowed,
        "show_contact": contact_allowed,
        "job_qr": _qr(_("View job"), job_page_url(job)) if with_qr else None,
        "status_qr": _qr(_("Update status"), job_bump_url(job)) if with_qr else None,
        # The customer's part of the sheet: their own link to follow the job (SPEC U1).
        "customer_link": status_link,
        "sample": sample,
    }


# -- the documents ----------------------------------------------------------------------------


def work_order_items(job: Job) -> list[WorkOrderItem]:
    """The job's items with coats, powders, prep and catalogue product, in three queries."""
    items = (
        LineItem.objects.filter(job=job)
        .select_related("catalog_product")
        .prefetch_related(
            Prefetch(
                "coats",
                queryset=LineItemCoat.objects.select_related("powder").order_by("position", "id"),
            ),
            Prefetch(
                "prep_lines",
                queryset=LineItemPrep.objects.select_related("prep_service").order_by("id"),
            ),
        )
        .order_by("position", "id")
    )
    return [
        WorkOrderItem(
            item=item,
            coats=list(item.coats.all()),
            prep=[line.prep_service.name for line in item.prep_lines.all()],
            image_path=local_file_path(item.catalog_product.image) if item.catalog_product else "",
        )
        for item in items
    ]


def work_order_filename(job: Job) -> str:
    """JOB-2511-0001-work-order.pdf."""
    return f"{job.number}-work-order.pdf"


def work_order_pdf(
    *,
    job: Job,
    prices_allowed: bool,
    contact_allowed: bool,
    company: CompanySettings | None = None,
) -> bytes:
    """The job's work order as a PDF on the shop's letterhead (SPEC D1).

    Prices print only when the work order template shows them and `prices_allowed` (the
    reader may see prices); the customer's contact name and phone only when
    `contact_allowed`.
    """
    company = company or CompanySettings.load()
    job = Job.objects.select_related("customer").get(pk=job.pk)
    return render_pdf(
        "powdercoat/documents/work_order.html",
        _context(
            job=job,
            items=work_order_items(job),
            company=company,
            intake=PartIntake.objects.filter(job=job).first(),
            workers=list(job.assigned_workers.order_by("name").values_list("name", flat=True)),
            prices_allowed=prices_allowed,
            contact_allowed=contact_allowed,
            status_link=printed_status_link(job, with_qr=company.work_order_show_qr_codes),
        ),
        document=f"work order {job.number}",
    )


def blank_work_order_pdf(*, company: CompanySettings | None = None) -> bytes:
    """The work order form with empty fields, to fill in by hand at drop-off (SPEC D2)."""
    company = company or CompanySettings.load()
    return render_pdf(
        "powdercoat/documents/work_order_blank.html",
        {
            "company": company,
            "priorities": [label for _value, label in Priority.choices],
            "prep_services": list(
                PrepService.objects.filter(is_active=True)
                .order_by("name")
                .values_list("name", flat=True)
            ),
            # Nine lines for items: with the shop's header note, every prep service and the
            # damage box, that is what still leaves the terms and signatures on the one sheet.
            "item_rows": range(BLANK_ITEM_ROWS),
        },
        document="the blank work order",
    )


def sample_work_order_pdf(*, company: CompanySettings, logo_path: str = "") -> bytes:
    """A made-up job's work order printed with `company`'s settings, saved or not (SPEC D3).

    Nothing is written: the job, its customer, items and powders exist only in memory, so the
    settings page can show what its unsaved values would print like.
    """
    now = timezone.now()
    today = timezone.localtime(now, company.zone).date()
    customer = Customer(
        company_name="Sample Fabrication LLC", contact_name="Jordan Sample", phone="555-0134"
    )
    job = Job(
        id=0,
        number=f"JOB-{today:%y%m}-0000",
        customer=customer,
        description="Patio furniture set",
        project_name="Backyard refresh",
        po_number="PO-1001",
        scheduled_date=today,
        due_date=today + timedelta(days=7),
        priority=Priority.HIGH,
        special_instructions="Mask the threaded holes. Customer picks up Friday morning.",
        created_at=now,
    )
    black = InventoryItem(
        id=0,
        name="Jet Black",
        color_code="RAL 9005",
        finish=Finish.GLOSS,
        cure_temperature_f=400,
        cure_minutes=10,
        coverage_rate=Decimal("30"),
    )
    clear = InventoryItem(
        id=-1,
        name="Super Clear",
        finish=Finish.GLOSS,
        cure_temperature_f=375,
        cure_minutes=15,
        coverage_rate=Decimal("35"),
    )
    chair = LineItem(
        description="Dining chair frame",
        quantity=6,
        surface_area_sqft=Decimal("8.5"),
        unit_price=Decimal("65.00"),
    )
    table = LineItem(
        description="Table base",
        quantity=1,
        surface_area_sqft=Decimal("22"),
        unit_price=Decimal("180.00"),
    )
    items = [
        WorkOrderItem(
            item=chair,
            coats=[
                LineItemCoat(item=chair, powder=black, layer=CoatLayer.BASE, position=1),
                LineItemCoat(item=chair, powder=clear, layer=CoatLayer.CLEAR, position=2),
            ],
            prep=[_("Sandblasting"), _("Masking")],
            image_path="",
        ),
        WorkOrderItem(
            item=table,
            coats=[LineItemCoat(item=table, powder=black, layer=CoatLayer.BASE, position=1)],
            prep=[_("Sandblasting")],
            image_path="",
        ),
    ]
    job.subtotal = sum((line.item.line_total for line in items), Decimal("0"))
    job.total_price = job.subtotal
    context = _context(
        job=job,
        items=items,
        company=company,
        intake=PartIntake(
            expected_count=7,
            actual_count=7,
            received_at=now,
            condition_notes="Light surface rust on two chair legs; old paint flaking on the base.",
        ),
        workers=["Alex", "Sam"],
        prices_allowed=True,
        contact_allowed=True,
        # A made-up link: the sample job does not exist, so nothing is issued.
        status_link=PrintedStatusLink(
            url=site_url("/s/sample-link-for-the-preview/"),
            image=qr_data_uri(site_url("/s/sample-link-for-the-preview/"))
            if company.work_order_show_qr_codes
            else "",
        ),
        sample=True,
    )
    return render_pdf(
        "powdercoat/documents/work_order.html",
        {**context, "logo_path": logo_path},
        document="the sample work order",
    )
