"""Saving, deleting and copying line items, and saving an item to the product catalogue.

Every function here writes an item together with its coats and prep lines in one transaction,
and brings the owning job's price up to date in the same transaction (SPEC L, K1, T).
"""

import posixpath
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max

from powdercoat import pricing
from powdercoat.drafts import ItemDraft, draft_price
from powdercoat.models import (
    CatalogProduct,
    CatalogProductCoat,
    CompanySettings,
    InventoryItem,
    Job,
    JobTemplate,
    LineItem,
    LineItemCoat,
    LineItemPrep,
    PrepService,
    Quote,
)
from powdercoat.models.base import history_by
from powdercoat.models.choices import COATING_CATEGORIES, ItemKind, JobStatus, QuoteStatus
from powdercoat.models.items import OWNER_FIELDS
from powdercoat.pictures import DOCUMENT_PICTURE_SIDE, picture_shrunk
from powdercoat.services.prices import price_refresh

# Uploads waiting for the wizard to finish live here; finishing moves them onto the item.
WIZARD_UPLOADS = "wizard"

# Jobs whose items are settled: the parts are gone or the job will never happen.
_ITEMS_LOCKED_AT = (JobStatus.DELIVERED, JobStatus.CANCELLED)

ItemOwner = Job | JobTemplate | Quote


@dataclass(frozen=True)
class CatalogEntry:
    """What the wizard's last step asks for when an item is also saved to the catalogue."""

    name: str
    description: str
    category: str
    unit_price: Decimal


def _owner_field(owner: ItemOwner) -> str:
    if isinstance(owner, Job):
        return "job"
    if isinstance(owner, JobTemplate):
        return "template"
    if isinstance(owner, Quote):
        return "quote"
    raise TypeError(f"Line items cannot belong to {type(owner).__name__}.")


def items_locked_reason(owner: ItemOwner) -> str:
    """Why the owner's items may not change now, in words; empty when they may."""
    if isinstance(owner, Job) and owner.status in _ITEMS_LOCKED_AT:
        label = JobStatus(owner.status).label
        return f"{owner.number} is {label}; its items can no longer be changed."
    if isinstance(owner, Quote) and owner.status != QuoteStatus.DRAFT:
        label = QuoteStatus(owner.status).label
        return f"{owner.number} is {label}; revise it back to Draft to change its items."
    return ""


def _lock_owner(owner: ItemOwner) -> ItemOwner:
    """Lock the owner's row so two people editing its items price it one after the other."""
    locked = type(owner).objects.select_for_update().get(pk=owner.pk)
    reason = items_locked_reason(locked)
    if reason:
        raise ValidationError(reason)
    return locked


def draft_lookups(
    draft: ItemDraft,
) -> tuple[dict[int, InventoryItem], dict[int, PrepService], CatalogProduct | None]:
    """The powders, prep services and catalogue product a draft names, fetched in bulk."""
    powders = InventoryItem.objects.in_bulk(draft.powder_ids)
    preps = PrepService.objects.in_bulk(draft.prep_service_ids)
    product = (
        CatalogProduct.objects.filter(pk=draft.catalog_product_id).first()
        if draft.catalog_product_id
        else None
    )
    return powders, preps, product


def draft_check(
    draft: ItemDraft,
    *,
    powders: dict[int, InventoryItem],
    preps: dict[int, PrepService],
    product: CatalogProduct | None,
) -> list[str]:
    """What is wrong with the draft, in words; an empty list when it can be saved."""
    problems = []
    if not draft.description.strip():
        problems.append("Give the item a description.")
    if draft.quantity < 1:
        problems.append("Quantity must be at least 1.")
    if draft.surface_area_sqft < 0:
        problems.append("Surface area cannot be negative.")
    if draft.kind == ItemKind.CATALOG and product is None:
        problems.append("Pick a catalogue product.")
    if draft.kind == ItemKind.FLAT_RATE and draft.flat_unit_price is None:
        problems.append("Type the flat price per part.")
    if draft.kind == ItemKind.LABOR_ONLY and not (draft.labor_hours and draft.labor_hours > 0):
        problems.append("Enter the labour hours (more than 0).")
    if draft.needs_coats and not draft.coats:
        problems.append("Add at least one coat; only Labor Only items have none.")
    for powder_id in draft.powder_ids:
        powder = powders.get(powder_id)
        if powder is None or powder.category not in COATING_CATEGORIES:
            problems.append("A coat names a powder that is no longer in the inventory.")
    for prep_id in draft.prep_service_ids:
        if prep_id not in preps:
            problems.append("A prep service on this item no longer exists.")
    if draft.price_override is not None and draft.price_override < 0:
        problems.append("The price cannot be negative.")
    return problems


def _keep_photo(item: LineItem, draft: ItemDraft) -> None:
    """Move a photo uploaded during the wizard onto the item."""
    if not draft.photo_name.startswith(f"{WIZARD_UPLOADS}/"):
        if draft.photo_name != (item.photo.name or ""):
            item.photo.name = draft.photo_name
        return
    with default_storage.open(draft.photo_name, "rb") as upload:
        content = upload.read()
    item.photo.save(posixpath.basename(draft.photo_name), ContentFile(content), save=False)
    transaction.on_commit(partial(default_storage.delete, draft.photo_name))


@transaction.atomic
def line_item_save(
    *,
    owner: ItemOwner,
    draft: ItemDraft,
    user: User | None,
    catalog_entry: CatalogEntry | None = None,
) -> LineItem:
    """Create the draft's item on the owner, or update the item it was opened from.

    The price comes from the draft's pricing basis (or the override); coats are written in
    the draft's order, and prep lines keep the rates they were first added at. With a
    `catalog_entry` the item is also saved as a catalogue product, in the same transaction.
    """
    owner = _lock_owner(owner)
    if catalog_entry is not None:
        saved = catalog_product_create_from_draft(draft=draft, entry=catalog_entry, user=user)
        draft.catalog_product_id = saved.pk
    company = CompanySettings.load()
    powders, preps, product = draft_lookups(draft)
    problems = draft_check(draft, powders=powders, preps=preps, product=product)
    if problems:
        raise ValidationError(problems)
    try:
        price = draft_price(draft, powders=powders, preps=preps, product=product, company=company)
    except pricing.PricingError as error:
        raise ValidationError(str(error)) from error

    owner_field = _owner_field(owner)
    if draft.item_id:
        item = LineItem.objects.select_for_update().filter(pk=draft.item_id).first()
        if item is None or getattr(item, f"{owner_field}_id") != owner.pk:
            raise ValidationError("This item was deleted by someone else; nothing was saved.")
    else:
        last = owner.items.aggregate(last=Max("position"))["last"] or 0
        item = LineItem(**{owner_field: owner}, position=last + 1)

    item.kind = draft.kind
    item.description = draft.description.strip()
    item.notes = draft.notes
    item.quantity = draft.quantity
    item.surface_area_sqft = draft.surface_area_sqft
    item.labor_hours = draft.labor_hours
    item.catalog_product = product
    item.calculated_unit_price = price.unit_price
    item.price_overridden = draft.price_override is not None
    item.unit_price = price.unit_price if draft.price_override is None else draft.price_override
    item.pricing_basis = {**draft.basis, "prep_rates": {}}
    if draft.flat_unit_price is not None:
        item.pricing_basis["flat_unit_price"] = str(draft.flat_unit_price)
    item.photo_estimated = draft.kind == ItemKind.PHOTO_QUOTE
    # The shape and sizes stay with every item measured by them, so the wizard reopens on them.
    item.shape = draft.shape if draft.kind != ItemKind.CATALOG else ""
    item.dimensions = draft.dimensions if draft.kind != ItemKind.CATALOG else {}
    item.estimate_note = draft.estimate_note if draft.kind == ItemKind.PHOTO_QUOTE else ""
    _keep_photo(item, draft)
    history_by(item, user)
    item.full_clean(exclude=["job", "template", "catalog_product", "photo"])
    item.save()

    item.coats.all().delete()
    for position, coat in enumerate(draft.coats, start=1):
        LineItemCoat.objects.create(
            item=item, powder_id=coat.powder_id, layer=coat.layer, position=position
        )
    item.prep_lines.exclude(prep_service_id__in=draft.prep_service_ids).delete()
    kept = set(item.prep_lines.values_list("prep_service_id", flat=True))
    for prep_id in draft.prep_service_ids:
        if prep_id in kept:
            continue
        method, rate = draft.basis["prep_rates"][str(prep_id)]
        LineItemPrep.objects.create(
            item=item, prep_service_id=prep_id, pricing_method=method, rate=Decimal(rate)
        )
    price_refresh(owner)
    return item


@transaction.atomic
def line_item_delete(*, item: LineItem, user: User | None) -> None:
    """Remove an item (its coats and prep lines go with it) and reprice its owner."""
    owner = _lock_owner(item.owner)
    history_by(item, user)
    item.delete()
    price_refresh(owner)


@transaction.atomic
def line_items_copy(
    *, items: Iterable[LineItem], owner: ItemOwner, user: User | None, reprice: bool = True
) -> list[LineItem]:
    """Copy items with their coats and prep lines onto another job or template.

    The copies keep their prices and pricing basis, so they do not change when the source is
    edited later (SPEC T2).
    """
    owner_field = _owner_field(owner)
    start = owner.items.aggregate(last=Max("position"))["last"] or 0
    copies = []
    for offset, source in enumerate(items, start=1):
        coats = list(source.coats.all())
        prep_lines = list(source.prep_lines.all())
        copy = LineItem.objects.get(pk=source.pk)
        copy.pk = None
        copy.id = None
        copy._state.adding = True
        for name in OWNER_FIELDS:
            setattr(copy, name, None)
        setattr(copy, owner_field, owner)
        copy.position = start + offset
        history_by(copy, user)
        copy.save()
        LineItemCoat.objects.bulk_create(
            LineItemCoat(item=copy, powder_id=c.powder_id, layer=c.layer, position=c.position)
            for c in coats
        )
        LineItemPrep.objects.bulk_create(
            LineItemPrep(
                item=copy,
                prep_service_id=line.prep_service_id,
                pricing_method=line.pricing_method,
                rate=line.rate,
            )
            for line in prep_lines
        )
        copies.append(copy)
    if reprice:
        price_refresh(owner)
    return copies


@transaction.atomic
def catalog_product_create_from_draft(
    *, draft: ItemDraft, entry: CatalogEntry, user: User | None
) -> CatalogProduct:
    """Save a calculated or photo-quoted item as a reusable catalogue product (SPEC L3 step 6)."""
    name, description, category, unit_price = (
        entry.name.strip(),
        entry.description,
        entry.category,
        entry.unit_price,
    )
    if not name:
        raise ValidationError("Give the product a name.")
    if CatalogProduct.objects.filter(name__iexact=name).exists():
        raise ValidationError(f"The catalogue already has a product named “{name}”.")
    if unit_price < 0:
        raise ValidationError("The price cannot be negative.")
    product = CatalogProduct(
        name=name,
        description=description,
        category=category.strip(),
        surface_area_sqft=draft.surface_area_sqft,
        default_quantity=max(draft.quantity, 1),
        unit_price=unit_price,
    )
    if draft.photo_name:
        # The catalogue picture is printed on work orders: kept small, whatever the photo was.
        with default_storage.open(draft.photo_name, "rb") as photo:
            picture = picture_shrunk(photo, longest_side=DOCUMENT_PICTURE_SIDE)
        product.image.save(
            posixpath.basename(picture.name or draft.photo_name), picture, save=False
        )
    history_by(product, user)
    product.full_clean(exclude=["image"])
    product.save()
    CatalogProductCoat.objects.bulk_create(
        CatalogProductCoat(product=product, powder_id=coat.powder_id, layer=coat.layer, position=i)
        for i, coat in enumerate(draft.coats, start=1)
    )
    product.prep_services.set(draft.prep_service_ids)
    return product
