"""Forms of the item wizard's steps (SPEC L3); each reads into and out of an ItemDraft."""

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
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


class CalculatedSizeForm(StepForm):
    quantity = _quantity_field()
    surface_area_sqft = _area_field(required=True)

    def clean_surface_area_sqft(self):
        """A calculated price needs a real area."""
        area = self.cleaned_data["surface_area_sqft"]
        if area is not None and area <= 0:
            raise forms.ValidationError(_("Enter the area of one part, more than 0 sq ft."))
        return area


class FlatRateSizeForm(StepForm):
    quantity = _quantity_field()
    flat_unit_price = _money_field(_("Price per part"), required=True)
    surface_area_sqft = _area_field(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["surface_area_sqft"].help_text = _(
            "Optional: lets the shop see how much powder the parts need."
        )

    def clean_surface_area_sqft(self):
        """An empty area means no powder estimate, i.e. 0."""
        return self.cleaned_data["surface_area_sqft"] or Decimal("0")


class LaborSizeForm(StepForm):
    quantity = _quantity_field()
    labor_hours = _hours_field(required=True, help_text=_("For the whole line, not per part."))
    surface_area_sqft = _area_field(required=False)

    def clean_labor_hours(self):
        """Labour-only work needs some labour."""
        hours = self.cleaned_data["labor_hours"]
        if hours is not None and hours <= 0:
            raise forms.ValidationError(_("Enter the labour hours, more than 0."))
        return hours

    def clean_surface_area_sqft(self):
        """An empty area is 0: labour-only parts may need no powder."""
        return self.cleaned_data["surface_area_sqft"] or Decimal("0")


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


def _dimension_fields() -> dict[str, forms.DecimalField]:
    fields = {}
    for dimensions in pricing.SHAPE_DIMENSIONS.values():
        for key, label in dimensions:
            if key in fields:
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


class PhotoSizeForm(StepForm):
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
        self.fields.update(_dimension_fields())
        self.fields["area_override"].label = _("Use this area instead (sq ft)")
        self.fields["area_override"].help_text = _(
            "Leave empty to use the area worked out from the shape."
        )
        for key, value in self.draft.dimensions.items():
            self.initial.setdefault(f"dim_{key}", value)
        if self.draft.dimensions.get("_area_override"):
            self.initial["area_override"] = self.draft.dimensions["_area_override"]

    @classmethod
    def initial_from(cls, draft):
        return {
            "shape": draft.shape or Shape.WHEEL,
            "quantity": draft.quantity,
            "labor_hours": draft.labor_hours,
        }

    def dimension_rows(self) -> list[tuple[forms.BoundField, str]]:
        """Each dimension field once, with the shapes that use it (the page hides the rest)."""
        shapes_of: dict[str, list[str]] = {}
        for shape, dimensions in pricing.SHAPE_DIMENSIONS.items():
            for key, _label in dimensions:
                shapes_of.setdefault(key, []).append(shape)
        return [(self[f"dim_{key}"], " ".join(shapes)) for key, shapes in shapes_of.items()]

    def dimension_values(self) -> dict[str, str]:
        shape = self.cleaned_data.get("shape")
        return {
            key: str(self.cleaned_data.get(f"dim_{key}"))
            for key, _label in pricing.SHAPE_DIMENSIONS.get(shape, ())
            if self.cleaned_data.get(f"dim_{key}") is not None
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


class CoatForm(forms.Form):
    powder = forms.ModelChoiceField(
        label=_("Powder"),
        queryset=InventoryItem.objects.none(),
        required=False,
        empty_label=_("—"),
        widget=UnfoldAdminSelectWidget(attrs={"data-estimate": "1"}),
    )
    layer = forms.ChoiceField(
        label=_("Layer"),
        choices=CoatLayer.choices,
        initial=CoatLayer.BASE,
        widget=UnfoldAdminSelectWidget,
    )


class BaseCoatFormSet(forms.BaseFormSet):
    """The coats in spraying order; empty rows are ignored."""

    def __init__(self, *args, draft: ItemDraft, **kwargs):
        self.draft = draft
        kwargs.setdefault(
            "initial", [{"powder": c.powder_id, "layer": c.layer} for c in draft.coats]
        )
        super().__init__(*args, **kwargs)
        offered = InventoryItem.objects.coatings().filter(is_active=True) | (
            InventoryItem.objects.filter(pk__in=draft.powder_ids)
        )
        choices = list(offered.order_by("category", "name"))
        for form in self.forms:
            form.fields["powder"].queryset = offered
            form.fields["powder"].choices = [("", "—")] + [(p.pk, str(p)) for p in choices]

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
                    "powder",
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


CoatFormSet = forms.formset_factory(
    CoatForm, formset=BaseCoatFormSet, extra=0, max_num=MAX_COATS, validate_max=True
)


def coat_formset(data=None, *, draft: ItemDraft) -> BaseCoatFormSet:
    """The coats step: the draft's coats plus empty rows to add more (up to six)."""
    formset_class = forms.formset_factory(
        CoatForm,
        formset=BaseCoatFormSet,
        extra=max(1, 3 - len(draft.coats)) if len(draft.coats) < MAX_COATS else 0,
        max_num=MAX_COATS,
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
