"""Forms of the item wizard's steps (SPEC L3); each reads into and out of an ItemDraft."""

import re
from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.db.models import Case, Q, QuerySet, Value, When
from django.db.models.functions import Replace, Upper
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminCheckboxSelectMultipleWidget,
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminImageFieldWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminRadioSelectWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
    UnfoldAdminTextInputWidget,
)

from powdercoat import pricing
from powdercoat.drafts import CoatDraft, ItemDraft
from powdercoat.models import CatalogProduct, CompanySettings, InventoryItem, PrepService
from powdercoat.models.choices import CoatLayer, ItemKind, Shape

MAX_COATS = 6
MAX_PHOTO_BYTES = 10 * 1024 * 1024


def _quantity_field() -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        max_value=100000,
        error_messages={"min_value": _("Quantity must be at least 1.")},
        widget=UnfoldAdminIntegerFieldWidget(attrs={"data-estimate": "1"}),
    )


def _area_field(*, required: bool) -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Surface area per part (sq ft)"),
        required=required,
        max_digits=10,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0"), _("Surface area cannot be negative."))],
        widget=UnfoldAdminDecimalFieldWidget(attrs={"step": "0.001", "data-estimate": "1"}),
    )


def _money_field(label, *, required: bool, help_text="") -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=required,
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"), _("A price cannot be negative."))],
        help_text=help_text,
        widget=UnfoldAdminDecimalFieldWidget(attrs={"step": "0.01"}),
    )


def _hours_field(*, required: bool, help_text="") -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Labour hours"),
        required=required,
        max_digits=7,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"), _("Hours cannot be negative."))],
        help_text=help_text,
        widget=UnfoldAdminDecimalFieldWidget(attrs={"step": "0.25"}),
    )


class StepForm(forms.Form):
    """A wizard step: filled from the draft, and writes its fields back into it."""

    # Whether the step asks for the part's shape (the template shows the calculator).
    offers_shape = False

    def __init__(self, *args, draft: ItemDraft, **kwargs):
        self.draft = draft
        kwargs.setdefault("initial", self.initial_from(draft))
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_from(cls, draft: ItemDraft) -> dict:
        return {name: getattr(draft, name, None) for name in cls.base_fields}

    def apply(self, draft: ItemDraft) -> None:
        for name, value in self.cleaned_data.items():
            setattr(draft, name, value)


class KindForm(StepForm):
    kind = forms.ChoiceField(
        label=_("Kind of item"),
        choices=ItemKind.choices,
        widget=UnfoldAdminRadioSelectWidget,
        help_text=_(
            "Catalog: a saved product at its fixed price. Calculated: priced from area, coats "
            "and the shop's rates. Flat Rate: you type the price. Labor Only: hours of work, no "
            "powder needed. Photo Quote: area worked out from a photo and the part's shape."
        ),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=300,
        widget=UnfoldAdminTextInputWidget,
        help_text=_("What the customer and the shop call these parts, e.g. “17 in alloy wheels”."),
    )
    notes = forms.CharField(
        label=_("Notes"),
        required=False,
        max_length=4000,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
    )

    def clean(self):
        """A description is needed unless a catalogue product will give one."""
        data = super().clean()
        if data.get("kind") != ItemKind.CATALOG and not data.get("description", "").strip():
            self.add_error("description", _("Give the item a description."))
        return data

    def apply(self, draft: ItemDraft) -> None:
        if self.cleaned_data["kind"] != draft.kind:
            draft.price_override = None
        super().apply(draft)


def _dimension_fields() -> dict[str, forms.DecimalField]:
    fields = {}
    for dimensions in pricing.SHAPE_DIMENSIONS.values():
        for key, label in dimensions:
            if f"dim_{key}" in fields:
                continue
            fields[f"dim_{key}"] = forms.DecimalField(
                label=label,
                required=False,
                max_digits=9,
                decimal_places=3,
                widget=UnfoldAdminDecimalFieldWidget(
                    attrs={"step": "0.125", "data-estimate": "1", "data-shape-dim": key}
                ),
            )
    return fields


class ShapeStepForm(StepForm):
    """A size step with the shape fields: the part's closest shape and its sizes in inches."""

    offers_shape = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_dimension_fields())
        for key, value in self.draft.dimensions.items():
            if not key.startswith("_"):
                self.initial.setdefault(f"dim_{key}", value)

    def dimension_rows(self) -> list[tuple[forms.BoundField, str]]:
        """Each dimension field once, with the shapes that use it (the page hides the rest)."""
        shapes_of: dict[str, list[str]] = {}
        for shape, dimensions in pricing.SHAPE_DIMENSIONS.items():
            for key, _label in dimensions:
                shapes_of.setdefault(key, []).append(shape)
        return [(self[f"dim_{key}"], " ".join(shapes)) for key, shapes in shapes_of.items()]

    def dimension_values(self) -> dict[str, str]:
        """The sizes typed for the chosen shape; those of other shapes are left behind."""
        shape = self.cleaned_data.get("shape")
        return {
            key: str(self.cleaned_data.get(f"dim_{key}"))
            for key, _label in pricing.SHAPE_DIMENSIONS.get(shape, ())
            if self.cleaned_data.get(f"dim_{key}") is not None
        }


class ShapeAreaForm(ShapeStepForm):
    """A size step whose area is typed, or worked out from the part's shape (SPEC L6).

    The area box is what counts. A hidden marker holds the figure the shape last put in the
    box: while the box still shows that figure, new sizes replace it; a figure typed over it is
    kept. With JavaScript (wizard.js) the last edit wins: changing a size afterwards hands the
    box back to the shape. Without it the order of edits is unknown, so the typed figure stays.
    """

    # The step's own fields; the rest are the calculator's.
    own_fields: tuple[str, ...] = ()
    area_required = False

    shape = forms.ChoiceField(
        label=_("Shape of the part"),
        required=False,
        choices=[("", _("No shape: I'll type the area")), *Shape.choices],
        widget=UnfoldAdminSelectWidget(attrs={"data-estimate": "1"}),
    )
    area_from_shape = forms.DecimalField(
        required=False,
        max_digits=10,
        decimal_places=3,
        widget=forms.HiddenInput(attrs={"data-area-marker": "1"}),
    )

    area_help = _("Type it, or pick the part's shape below and type its sizes to work it out.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["surface_area_sqft"].help_text = self.area_help
        self.geometric_area: Decimal | None = None
        self.area = Decimal("0")
        self.area_is_from_shape = False

    @classmethod
    def initial_from(cls, draft: ItemDraft) -> dict:
        initial = {name: getattr(draft, name, None) for name in cls.own_fields}
        # An empty box reads better than 0, and a shape may still fill it.
        initial["surface_area_sqft"] = draft.surface_area_sqft or None
        initial["shape"] = draft.shape
        if draft.shape and not draft.area_typed_in:
            initial["area_from_shape"] = draft.surface_area_sqft
        return initial

    def visible_own_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in (*self.own_fields, "surface_area_sqft")]

    def clean(self):
        """Work out the area from the shape when its sizes are given; name a wrong size here."""
        data = super().clean()
        if self.errors:
            return data
        shape = data.get("shape")
        if shape and self.dimension_values():
            try:
                self.geometric_area = pricing.shape_area_sqft(shape, self.dimension_values())
            except pricing.PricingError as error:
                raise forms.ValidationError(str(error)) from error
        typed = data.get("surface_area_sqft")
        self.area_is_from_shape = self.geometric_area is not None and (
            typed is None or typed == data.get("area_from_shape")
        )
        area = self.geometric_area if self.area_is_from_shape else typed
        if self.area_required and not (area and area > 0):
            self.add_error(
                "surface_area_sqft",
                _(
                    "Enter the area of one part (more than 0 sq ft), or pick its shape and "
                    "type its sizes."
                ),
            )
        self.area = area or Decimal("0")
        return data

    def apply(self, draft: ItemDraft) -> None:
        for name in self.own_fields:
            setattr(draft, name, self.cleaned_data[name])
        draft.surface_area_sqft = self.area
        # A shape without sizes measured nothing, so the draft keeps no shape.
        draft.shape = self.cleaned_data["shape"] if self.geometric_area is not None else ""
        draft.dimensions = self.dimension_values() if draft.shape else {}
        if draft.shape and not self.area_is_from_shape:
            draft.dimensions["_area_override"] = str(self.area)


class CalculatedSizeForm(ShapeAreaForm):
    own_fields = ("quantity",)
    area_required = True

    quantity = _quantity_field()
    surface_area_sqft = _area_field(required=False)


class FlatRateSizeForm(ShapeAreaForm):
    own_fields = ("quantity", "flat_unit_price")
    area_help = _(
        "Optional: lets the shop see how much powder the parts need. Type it, or pick the "
        "part's shape below and type its sizes."
    )

    quantity = _quantity_field()
    flat_unit_price = _money_field(_("Price per part"), required=True)
    surface_area_sqft = _area_field(required=False)


class LaborSizeForm(ShapeAreaForm):
    own_fields = ("quantity", "labor_hours")
    area_help = _(
        "Optional: labour-only parts may need no powder. Type it, or pick the part's shape "
        "below and type its sizes."
    )

    quantity = _quantity_field()
    labor_hours = _hours_field(required=True, help_text=_("For the whole line, not per part."))
    surface_area_sqft = _area_field(required=False)

    def clean_labor_hours(self):
        """Labour-only work needs some labour."""
        hours = self.cleaned_data["labor_hours"]
        if hours is not None and hours <= 0:
            raise forms.ValidationError(_("Enter the labour hours, more than 0."))
        return hours


class CatalogPickForm(StepForm):
    catalog_product_id = forms.ModelChoiceField(
        label=_("Catalogue product"),
        queryset=CatalogProduct.objects.active(),
        empty_label=_("Choose a product…"),
        widget=UnfoldAdminSelectWidget,
        error_messages={"required": _("Pick a catalogue product.")},
    )
    quantity = forms.IntegerField(
        label=_("Quantity"),
        required=False,
        min_value=1,
        error_messages={"min_value": _("Quantity must be at least 1.")},
        widget=UnfoldAdminIntegerFieldWidget,
        help_text=_("Leave empty for the product's usual quantity."),
    )

    @classmethod
    def initial_from(cls, draft):
        # Until a product is picked the quantity stays empty, meaning "the product's usual".
        quantity = draft.quantity if draft.catalog_product_id else None
        return {"catalog_product_id": draft.catalog_product_id, "quantity": quantity}

    def apply(self, draft: ItemDraft) -> None:
        from powdercoat.drafts import draft_apply_product

        product = self.cleaned_data["catalog_product_id"]
        quantity = self.cleaned_data["quantity"]
        if product.pk != draft.catalog_product_id or draft.kind != ItemKind.CATALOG:
            draft_apply_product(draft, product)
        if quantity:
            draft.quantity = quantity


class PhotoSizeForm(ShapeStepForm):
    # The live estimate checks the numbers before any photo is sent; finishing needs one.
    require_photo = True

    photo = forms.ImageField(
        label=_("Photo of the part"),
        required=False,
        widget=UnfoldAdminImageFieldWidget,
        help_text=_("JPEG, PNG or WebP up to 10 MB."),
    )
    shape = forms.ChoiceField(
        label=_("Closest shape"),
        choices=Shape.choices,
        widget=UnfoldAdminSelectWidget(attrs={"data-estimate": "1"}),
    )
    quantity = _quantity_field()
    labor_hours = _hours_field(
        required=False, help_text=_("Handling the photo can't show: masking odd spots, racking.")
    )
    area_override = _area_field(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area_override"].label = _("Use this area instead (sq ft)")
        self.fields["area_override"].help_text = _(
            "Leave empty to use the area worked out from the shape."
        )
        if self.draft.dimensions.get("_area_override"):
            self.initial["area_override"] = self.draft.dimensions["_area_override"]

    @classmethod
    def initial_from(cls, draft):
        return {
            "shape": draft.shape or Shape.WHEEL,
            "quantity": draft.quantity,
            "labor_hours": draft.labor_hours,
        }

    def clean_photo(self):
        """A real image of sensible size; the file is checked by Pillow, not by its name."""
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("The photo is larger than 10 MB; send a smaller one."))
        return photo

    def clean(self):
        """Work out the area from the shape, so a wrong dimension is named on this step."""
        data = super().clean()
        shape = data.get("shape")
        if not shape or self.errors:
            return data
        try:
            self.geometric_area = pricing.shape_area_sqft(shape, self.dimension_values())
        except pricing.PricingError as error:
            raise forms.ValidationError(str(error)) from error
        if self.require_photo and not self.draft.photo_name and not data.get("photo"):
            self.add_error("photo", _("Attach a photo of the part."))
        return data

    def apply(self, draft: ItemDraft) -> None:
        data = self.cleaned_data
        draft.shape = data["shape"]
        draft.quantity = data["quantity"]
        draft.labor_hours = data["labor_hours"]
        draft.dimensions = self.dimension_values()
        override = data.get("area_override")
        if override is not None:
            draft.dimensions["_area_override"] = str(override)
        draft.surface_area_sqft = override if override is not None else self.geometric_area


# -- the powder picker ------------------------------------------------------------------------

# Between a powder's name and its SKU in the picker's box; the SKU after it finds the powder.
LABEL_SKU_SEPARATOR = " · "
# Words of a search that are looked at; a longer text is someone pasting, not searching.
MAX_SEARCH_WORDS = 6
MAX_SEARCH_LENGTH = 100
# Powders a "fits several" message names before "…".
NAMED_IN_MESSAGE = 4
# A swatch colour goes into a style attribute, so only a plain #RRGGBB is ever used.
HEX_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


def powder_label(powder: InventoryItem) -> str:
    """What the picker's box shows for a chosen powder: its name and colour code, then its SKU."""
    return f"{powder}{LABEL_SKU_SEPARATOR}{powder.sku}"


def powder_matches(term: str, *, among: QuerySet[InventoryItem] | None = None):
    """Coatings that match every word typed, in name, colour, colour code, SKU, vendor or maker.

    "RAL 9005" and "ral9005" find the same powder. Exact SKUs, codes and names come first, then
    names that start with the first word, then the rest by name. Active coatings unless `among`
    says which powders to look in.
    """
    powders = among if among is not None else InventoryItem.objects.coatings().active()
    # A colour code without its spaces, so "RAL9005" finds "RAL 9005".
    powders = powders.annotate(code_compact=Replace(Upper("color_code"), Value(" "), Value("")))
    words = term[:MAX_SEARCH_LENGTH].split()[:MAX_SEARCH_WORDS]
    for word in words:
        powders = powders.filter(
            Q(name__icontains=word)
            | Q(color_name__icontains=word)
            | Q(color_code__icontains=word)
            | Q(code_compact__contains=word.upper())
            | Q(sku__icontains=word)
            | Q(vendor__icontains=word)
            | Q(manufacturer__icontains=word)
        )
    if not words:
        return powders.order_by("name", "pk")
    whole = " ".join(words)
    rank = Case(
        When(
            Q(sku__iexact=whole)
            | Q(code_compact="".join(words).upper())
            | Q(name__iexact=whole)
            | Q(color_name__iexact=whole),
            then=Value(0),
        ),
        When(name__istartswith=words[0], then=Value(1)),
        default=Value(2),
    )
    return powders.annotate(rank=rank).order_by("rank", "name", "pk")


class PowderPicker:
    """The powders a coat row may name, and which one a row's text or id means.

    Offered: active powders, primers and clears, plus any the draft already uses (a retired
    powder stays on the item it is on). The powders named on the page, by id or by the SKU at
    the end of a picked label, are read in one query, so the coats step costs the same with ten
    powders in stock or a thousand; only text typed by hand is searched, one row at a time.
    """

    def __init__(self, draft: ItemDraft, data=None, prefix: str = "coats"):
        self.offered = InventoryItem.objects.coatings().active() | InventoryItem.objects.filter(
            pk__in=draft.powder_ids
        )
        ids, skus = set(draft.powder_ids), set()
        for index in range(self._rows_posted(data, prefix)):
            posted_id = str(data.get(f"{prefix}-{index}-powder") or "")
            if posted_id.isdigit():
                ids.add(int(posted_id))
            text = str(data.get(f"{prefix}-{index}-powder_search") or "").strip()
            if text:
                skus.update(self._sku_candidates(text))
        self.by_pk: dict[int, InventoryItem] = {}
        self.by_sku: dict[str, InventoryItem] = {}
        if ids or skus:
            for powder in self.offered.filter(Q(pk__in=ids) | Q(sku__in=skus)):
                self.by_pk[powder.pk] = powder
                self.by_sku[powder.sku.casefold()] = powder

    @staticmethod
    def _rows_posted(data, prefix: str) -> int:
        if data is None:
            return 0
        try:
            return min(int(data.get(f"{prefix}-TOTAL_FORMS") or 0), MAX_COATS)
        except (TypeError, ValueError):
            return 0

    @staticmethod
    def _sku_candidates(text: str) -> tuple[str, ...]:
        """A picked label ends in the SKU; someone may also type the SKU alone."""
        return tuple({text, text.rsplit(LABEL_SKU_SEPARATOR, 1)[-1].strip()})

    def label_of(self, powder_id: int) -> str:
        powder = self.by_pk.get(powder_id)
        return powder_label(powder) if powder else ""

    def named_by(self, text: str) -> InventoryItem | None:
        """The powder a picked label or a typed SKU names, if the page's query found it."""
        for candidate in self._sku_candidates(text.strip()):
            powder = self.by_sku.get(candidate.casefold())
            if powder is not None:
                return powder
        return None

    def from_text(self, text: str) -> InventoryItem:
        """The one powder the text means, or a message saying what to type instead."""
        powder = self.named_by(text)
        if powder is not None:
            return powder
        found = list(powder_matches(text, among=self.offered)[: NAMED_IN_MESSAGE + 1])
        # One match, or one exact match ahead of looser ones ("Gloss black" beside "Gloss
        # black metallic"), is the powder meant.
        if len(found) == 1 or (len(found) > 1 and found[0].rank == 0 and found[1].rank != 0):
            return found[0]
        if not found:
            raise forms.ValidationError(
                _("No powder matches “%(text)s”. Try part of its name, its colour code or SKU."),
                params={"text": text},
            )
        names = ", ".join(powder_label(p) for p in found[:NAMED_IN_MESSAGE])
        raise forms.ValidationError(
            _("“%(text)s” fits several powders (%(names)s%(more)s). Type more of it, or its SKU."),
            params={
                "text": text,
                "names": names,
                "more": "…" if len(found) > NAMED_IN_MESSAGE else "",
            },
        )

    def from_id(self, value: str) -> InventoryItem | None:
        """The powder a client posted by id (the page itself sends text)."""
        if not value:
            return None
        powder = self.by_pk.get(int(value)) if value.isdigit() else None
        if powder is None:
            raise forms.ValidationError(
                _("That powder can't be used here; pick one from the list.")
            )
        return powder


class CoatForm(forms.Form):
    # What a person types, or what the picker fills in: a colour name, colour code or SKU.
    powder_search = forms.CharField(
        label=_("Powder"),
        required=False,
        max_length=200,
        widget=UnfoldAdminTextInputWidget(
            attrs={
                "data-powder-search": "1",
                "autocomplete": "off",
                "autocapitalize": "none",
                "spellcheck": "false",
                "placeholder": _("Colour, RAL code or SKU"),
                "aria-describedby": "pc-powder-help",
            }
        ),
    )
    # The powder's id, for clients that post it rather than text; the page never shows it.
    powder = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    layer = forms.ChoiceField(
        label=_("Layer"),
        choices=CoatLayer.choices,
        initial=CoatLayer.BASE,
        widget=UnfoldAdminSelectWidget,
    )

    def __init__(self, *args, picker: PowderPicker, **kwargs):
        self.picker = picker
        super().__init__(*args, **kwargs)

    def clean(self):
        """Typed text names the powder; an empty box falls back to a posted id, else no coat."""
        data = super().clean()
        text = (data.get("powder_search") or "").strip()
        try:
            if text:
                powder = self.picker.from_text(text)
            else:
                powder = self.picker.from_id(data.get("powder") or "")
        except forms.ValidationError as error:
            self.add_error("powder_search", error)
            powder = None
        self.cleaned_data["powder"] = powder
        return self.cleaned_data

    def shown_swatch(self) -> str:
        """The swatch colour of the powder the box names now ("" for none); no query, the
        picker has read it. Only a plain #RRGGBB ever reaches the style attribute."""
        text = self["powder_search"].value() or ""
        powder = self.picker.named_by(text) if text.strip() else None
        colour = powder.swatch_hex if powder else ""
        return colour if HEX_COLOUR.fullmatch(colour or "") else ""


class BaseCoatFormSet(forms.BaseFormSet):
    """The coats in spraying order; empty rows are ignored."""

    def __init__(self, data=None, *args, draft: ItemDraft, **kwargs):
        self.draft = draft
        self.picker = PowderPicker(draft, data, prefix=kwargs.get("prefix") or "coats")
        kwargs.setdefault(
            "initial",
            [
                {"powder_search": self.picker.label_of(c.powder_id), "layer": c.layer}
                for c in draft.coats
            ],
        )
        kwargs["form_kwargs"] = {**kwargs.get("form_kwargs", {}), "picker": self.picker}
        super().__init__(data, *args, **kwargs)

    def clean(self):
        """Only Labor Only items may have no coat (SPEC L2); every powder must cover something."""
        if any(self.errors):
            return
        company = CompanySettings.load()
        for form in self.forms:
            powder = getattr(form, "cleaned_data", {}).get("powder")
            if powder is None:
                continue
            try:
                coverage = powder.coverage_sqft_per_lb(company.default_coverage_sqft_per_lb)
            except pricing.PricingError:
                coverage = Decimal("0")
            if coverage <= 0:
                form.add_error(
                    "powder_search",
                    _(
                        "%(powder)s has no usable coverage rate (0 sq ft/lb); fix it on its "
                        "inventory page first."
                    )
                    % {"powder": powder},
                )
        if any(self.errors):
            return
        if self.draft.needs_coats and not self.coats():
            raise forms.ValidationError(
                _("Add at least one coat; only Labor Only items can go without powder.")
            )

    def coats(self) -> list[CoatDraft]:
        return [
            CoatDraft(form.cleaned_data["powder"].pk, form.cleaned_data["layer"])
            for form in self.forms
            if getattr(form, "cleaned_data", None) and form.cleaned_data.get("powder")
        ]

    def apply(self, draft: ItemDraft) -> None:
        draft.coats = self.coats()


def coat_formset(data=None, *, draft: ItemDraft) -> BaseCoatFormSet:
    """The coats step: the draft's coats plus empty rows to add more (up to six)."""
    formset_class = forms.formset_factory(
        CoatForm,
        formset=BaseCoatFormSet,
        extra=max(1, 3 - len(draft.coats)) if len(draft.coats) < MAX_COATS else 0,
        max_num=MAX_COATS,
        # Rows past six are refused before any of them is read.
        absolute_max=MAX_COATS,
        validate_max=True,
    )
    return formset_class(data, draft=draft, prefix="coats")


class PrepForm(StepForm):
    prep_service_ids = forms.ModelMultipleChoiceField(
        label=_("Prep services"),
        queryset=PrepService.objects.none(),
        required=False,
        widget=UnfoldAdminCheckboxSelectMultipleWidget,
        help_text=_(
            "Each one shows as a sub-line under the item; Advance skips stages nothing needs."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["prep_service_ids"].queryset = (
            PrepService.objects.filter(pk__in=self.draft.prep_service_ids)
            | PrepService.objects.active()
        )

    @classmethod
    def initial_from(cls, draft):
        return {"prep_service_ids": draft.prep_service_ids}

    def apply(self, draft: ItemDraft) -> None:
        draft.prep_service_ids = [prep.pk for prep in self.cleaned_data["prep_service_ids"]]


class ReviewForm(StepForm):
    price_override = _money_field(
        _("Override the unit price"),
        required=False,
        help_text=_("Leave empty to charge the price worked out above. An override stays marked."),
    )


class SaveToCatalogForm(StepForm):
    name = forms.CharField(
        label=_("Product name"), max_length=200, widget=UnfoldAdminTextInputWidget
    )
    category = forms.CharField(
        label=_("Category"), required=False, max_length=80, widget=UnfoldAdminTextInputWidget
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}),
    )
    unit_price = _money_field(_("Price per part"), required=True)

    def __init__(self, *args, unit_price: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial.setdefault("unit_price", unit_price)

    @classmethod
    def initial_from(cls, draft):
        return {"name": draft.description, "description": draft.notes}

    def clean_name(self):
        """Product names are unique in the catalogue."""
        name = self.cleaned_data["name"].strip()
        if CatalogProduct.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("The catalogue already has a product with this name."))
        return name

    def apply(self, draft: ItemDraft) -> None:
        """Nothing to keep on the draft: the product is created when the wizard finishes."""
