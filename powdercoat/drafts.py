"""The item wizard's draft: an unsaved line item carried from step to step (SPEC L3).

A draft is plain data (it lives in the user's session between steps), built empty, from an
existing item or from a catalogue product, priced with `pricing.py`, and written to the database
only by `services.items.line_item_save`. Its pricing basis holds the rates and costs the price
is worked out with, so reopening a saved item never reprices it with today's rates by accident.
"""

from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from powdercoat import pricing
from powdercoat.models import CatalogProduct, CompanySettings, InventoryItem, LineItem, PrepService
from powdercoat.models.choices import ItemKind

# Kinds whose price comes from the company rates, and which may be saved to the catalogue.
PRICED_FROM_RATES = (ItemKind.CALCULATED, ItemKind.PHOTO_QUOTE)


def _dec(value, default: Decimal | None = None) -> Decimal | None:
    if value in (None, ""):
        return default
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return default


@dataclass
class CoatDraft:
    powder_id: int
    layer: str


@dataclass
class ItemDraft:
    """Everything the wizard has gathered about one item so far."""

    kind: str = ItemKind.CALCULATED
    description: str = ""
    notes: str = ""
    quantity: int = 1
    surface_area_sqft: Decimal = Decimal("0")
    labor_hours: Decimal | None = None
    flat_unit_price: Decimal | None = None
    catalog_product_id: int | None = None
    coats: list[CoatDraft] = field(default_factory=list)
    prep_service_ids: list[int] = field(default_factory=list)
    price_override: Decimal | None = None
    shape: str = ""
    dimensions: dict[str, str] = field(default_factory=dict)
    photo_name: str = ""
    estimate_note: str = ""
    item_id: int | None = None
    # {"rates": {...}, "powder_costs": {id: cost}, "prep_rates": {id: [method, rate]}, "taken_on"}
    basis: dict = field(default_factory=dict)

    # -- session round trip --------------------------------------------------------------------

    def to_session(self) -> dict:
        """JSON-safe form of the draft (Decimals as strings)."""
        data = asdict(self)
        for key in ("surface_area_sqft", "labor_hours", "flat_unit_price", "price_override"):
            data[key] = None if data[key] is None else str(data[key])
        return data

    @classmethod
    def from_session(cls, data: dict) -> "ItemDraft":
        """Rebuild a draft saved with `to_session`."""
        data = dict(data)
        data["coats"] = [CoatDraft(**coat) for coat in data.get("coats", [])]
        data["surface_area_sqft"] = _dec(data.get("surface_area_sqft"), Decimal("0"))
        for key in ("labor_hours", "flat_unit_price", "price_override"):
            data[key] = _dec(data.get(key))
        return cls(**data)

    # -- facts ---------------------------------------------------------------------------------

    @property
    def is_priced_from_rates(self) -> bool:
        return self.kind in PRICED_FROM_RATES

    @property
    def needs_coats(self) -> bool:
        """Only Labor Only items may go without a coat (SPEC L2)."""
        return self.kind != ItemKind.LABOR_ONLY

    @property
    def area_typed_in(self) -> bool:
        """A photo quote whose area was typed over the one worked out from the shape."""
        return bool(self.dimensions.get("_area_override"))

    @property
    def powder_ids(self) -> list[int]:
        return [coat.powder_id for coat in self.coats]

    def basis_rates(self) -> pricing.Rates:
        rates = self.basis["rates"]
        return pricing.Rates(**{name: Decimal(value) for name, value in rates.items()})

    # -- pricing basis -------------------------------------------------------------------------

    def take_current_rates(self, company: CompanySettings) -> None:
        """Price with the shop's rates and costs as they are today."""
        self.basis = {
            "rates": {
                "labor_rate": str(company.labor_rate),
                "coating_rate_per_sqft": str(company.coating_rate_per_sqft),
                "extra_coat_percent": str(company.extra_coat_percent),
                "margin_percent": str(company.margin_percent),
            },
            "powder_costs": {},
            "prep_rates": {},
            "taken_on": timezone.localdate().isoformat(),
        }

    def fill_basis(self, powders: dict[int, InventoryItem], preps: dict[int, PrepService]):
        """Record today's cost of any powder or prep service the basis does not know yet."""
        for powder_id in self.powder_ids:
            if str(powder_id) not in self.basis["powder_costs"] and powder_id in powders:
                self.basis["powder_costs"][str(powder_id)] = str(powders[powder_id].unit_cost)
        for prep_id in self.prep_service_ids:
            if str(prep_id) not in self.basis["prep_rates"] and prep_id in preps:
                prep = preps[prep_id]
                self.basis["prep_rates"][str(prep_id)] = [prep.pricing_method, str(prep.rate)]


def draft_new(*, kind: str = ItemKind.CALCULATED, company: CompanySettings) -> ItemDraft:
    """An empty draft priced at today's rates."""
    draft = ItemDraft(kind=kind)
    draft.take_current_rates(company)
    return draft


def draft_from_item(item: LineItem, *, company: CompanySettings) -> ItemDraft:
    """A draft holding a saved item as it is, with the rates it was priced with."""
    draft = ItemDraft(
        kind=item.kind,
        description=item.description,
        notes=item.notes,
        quantity=item.quantity,
        surface_area_sqft=item.surface_area_sqft,
        labor_hours=item.labor_hours,
        catalog_product_id=item.catalog_product_id,
        coats=[CoatDraft(coat.powder_id, coat.layer) for coat in item.coats.all()],
        prep_service_ids=[line.prep_service_id for line in item.prep_lines.all()],
        shape=item.shape,
        dimensions=dict(item.dimensions or {}),
        photo_name=item.photo.name if item.photo else "",
        estimate_note=item.estimate_note,
        item_id=item.pk,
    )
    if item.kind in (ItemKind.FLAT_RATE, ItemKind.CATALOG):
        draft.flat_unit_price = _dec(item.pricing_basis.get("flat_unit_price"), item.unit_price)
    if item.price_overridden:
        draft.price_override = item.unit_price
    if item.pricing_basis.get("rates"):
        draft.basis = {
            "rates": dict(item.pricing_basis["rates"]),
            "powder_costs": dict(item.pricing_basis.get("powder_costs", {})),
            "prep_rates": {},
            "taken_on": item.pricing_basis.get("taken_on", ""),
        }
    else:
        draft.take_current_rates(company)
    # Prep lines carry their own copied rates; they are the truth for this item.
    for line in item.prep_lines.all():
        draft.basis["prep_rates"][str(line.prep_service_id)] = [line.pricing_method, str(line.rate)]
    return draft


def draft_apply_product(draft: ItemDraft, product: CatalogProduct) -> None:
    """Fill the draft from a catalogue product: its area, quantity, coats, prep and price."""
    draft.kind = ItemKind.CATALOG
    draft.catalog_product_id = product.pk
    draft.description = product.name
    draft.notes = draft.notes or product.description
    draft.quantity = product.default_quantity
    draft.surface_area_sqft = product.surface_area_sqft
    draft.coats = [CoatDraft(coat.powder_id, coat.layer) for coat in product.coats.all()]
    draft.prep_service_ids = [prep.pk for prep in product.prep_services.all()]
    draft.flat_unit_price = product.unit_price
    draft.price_override = None


def draft_price(
    draft: ItemDraft,
    *,
    powders: dict[int, InventoryItem],
    preps: dict[int, PrepService],
    product: CatalogProduct | None,
    company: CompanySettings,
) -> pricing.ItemPrice:
    """The draft's price with its breakdown, from its pricing basis (SPEC L5).

    Raises `pricing.PricingError` with a message for the user when the inputs make no sense.
    """
    draft.fill_basis(powders, preps)
    rates = draft.basis_rates()
    prep_inputs = [
        pricing.PrepInput(
            preps[prep_id].name if prep_id in preps else f"#{prep_id}",
            draft.basis["prep_rates"][str(prep_id)][0],
            Decimal(draft.basis["prep_rates"][str(prep_id)][1]),
        )
        for prep_id in draft.prep_service_ids
        if str(prep_id) in draft.basis["prep_rates"]
    ]
    if draft.kind == ItemKind.CATALOG:
        return pricing.catalog_price(
            quantity=draft.quantity,
            unit_price=draft.flat_unit_price or Decimal("0"),
            product_name=product.name if product else draft.description,
        )
    if draft.kind == ItemKind.FLAT_RATE:
        return pricing.flat_rate_price(
            quantity=draft.quantity,
            unit_price=draft.flat_unit_price or Decimal("0"),
            area_sqft_per_part=draft.surface_area_sqft,
            preps=prep_inputs,
        )
    if draft.kind == ItemKind.LABOR_ONLY:
        return pricing.labor_only_price(
            quantity=draft.quantity,
            labor_hours=draft.labor_hours or Decimal("0"),
            area_sqft_per_part=draft.surface_area_sqft,
            preps=prep_inputs,
            rates=rates,
        )
    coat_inputs = []
    for coat in draft.coats:
        powder = powders[coat.powder_id]
        coat_inputs.append(
            pricing.CoatInput(
                str(powder),
                powder.coverage_sqft_per_lb(company.default_coverage_sqft_per_lb),
                powder.efficiency_percent(company.default_transfer_efficiency),
                Decimal(draft.basis["powder_costs"].get(str(coat.powder_id), powder.unit_cost)),
            )
        )
    return pricing.calculated_price(
        quantity=draft.quantity,
        area_sqft_per_part=draft.surface_area_sqft,
        coats=coat_inputs,
        preps=prep_inputs,
        rates=rates,
        labor_hours=draft.labor_hours or Decimal("0"),
    )


@dataclass(frozen=True)
class PowderEstimate:
    """One powder of the item: what it needs against the shelf and other work (SPEC L4)."""

    powder: InventoryItem
    needed_lbs: Decimal
    on_hand: Decimal
    others_lbs: Decimal

    @property
    def left_after(self) -> Decimal:
        return self.on_hand - self.others_lbs - self.needed_lbs

    @property
    def is_short(self) -> bool:
        return self.left_after < 0

    @property
    def shortfall(self) -> Decimal:
        return max(Decimal("0"), -self.left_after)


def draft_powder_estimate(draft: ItemDraft, *, job=None) -> list[PowderEstimate]:
    """Each powder the draft uses: lbs for this item, on hand, and what other work needs.

    "Other work" is every other active job's remaining need (SPEC I6) plus this job's other
    items. The figures use the same `pricing.powder_needed_lbs` as the job and the work order.
    """
    from powdercoat.selectors import powder_demand  # selectors imports models, as does this

    if not draft.coats:
        return []
    company = CompanySettings.load()
    powders = InventoryItem.objects.in_bulk(draft.powder_ids)
    needed: dict[int, Decimal] = {}
    for coat in draft.coats:
        powder = powders.get(coat.powder_id)
        if powder is None:
            continue
        needed[powder.pk] = needed.get(powder.pk, Decimal("0")) + pricing.powder_needed_lbs(
            area_sqft_per_part=max(draft.surface_area_sqft, Decimal("0")),
            quantity=max(draft.quantity, 0),
            coverage_sqft_per_lb=powder.coverage_sqft_per_lb(company.default_coverage_sqft_per_lb),
            transfer_efficiency_percent=powder.efficiency_percent(
                company.default_transfer_efficiency
            ),
        )
    others = powder_demand(exclude_job_id=job.pk if job else None, company=company)
    if job is not None:
        for item in job.items.exclude(pk=draft.item_id).prefetch_related("coats"):
            for coat in item.coats.all():
                powder = powders.get(coat.powder_id)
                if powder is None:
                    continue
                others[powder.pk] = others.get(powder.pk, Decimal("0")) + (
                    pricing.powder_needed_lbs(
                        area_sqft_per_part=item.surface_area_sqft,
                        quantity=item.quantity,
                        coverage_sqft_per_lb=powder.coverage_sqft_per_lb(
                            company.default_coverage_sqft_per_lb
                        ),
                        transfer_efficiency_percent=powder.efficiency_percent(
                            company.default_transfer_efficiency
                        ),
                    )
                )
    return [
        PowderEstimate(
            powder=powders[powder_id],
            needed_lbs=lbs,
            on_hand=powders[powder_id].quantity_on_hand,
            others_lbs=others.get(powder_id, Decimal("0")),
        )
        for powder_id, lbs in needed.items()
    ]
