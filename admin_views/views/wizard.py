"""The item wizard: adding and editing a line item on a job or template in steps (SPEC L3-L6).

The draft lives in the session between steps, so Back and Next keep what was typed and
Cancel leaves the job untouched; only the last step writes, through `line_item_save`.
The same views serve jobs, quotes and job templates: the admin site mounts them under each
one's admin (`item_wizard_urls`, admin_views/sites.py). `powder_search` answers the coats
step's powder picker (admin_views/static/admin_views/wizard.js).
"""

import posixpath
import secrets
from copy import deepcopy

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import floatformat
from django.urls import path, reverse
from django.utils.datastructures import MultiValueDict
from django.utils.dateparse import parse_date
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from unfold.views import UnfoldModelAdminViewMixin

from admin_views import forms as steps
from powdercoat import pricing
from powdercoat.addresses import ITEMS_TAB, record_url
from powdercoat.drafts import (
    ItemDraft,
    draft_from_item,
    draft_new,
    draft_powder_estimate,
    draft_price,
)
from powdercoat.models import CompanySettings, InventoryItem, Job
from powdercoat.models.choices import ItemKind
from powdercoat.services import estimators
from powdercoat.services.items import (
    WIZARD_UPLOADS,
    CatalogEntry,
    draft_check,
    draft_lookups,
    line_item_delete,
    line_item_save,
)
from powdercoat.services.submissions import (
    SubmissionRepeated,
    submission_find,
    submission_once,
)

SESSION_KEY = "item_wizard"
# Powders the picker lists for one search; typing more narrows it down.
POWDER_RESULTS = 20
# Drafts kept per session; older abandoned ones are dropped.
MAX_OPEN_DRAFTS = 8

STEP_TITLES = {
    "kind": gettext_lazy("Kind & basics"),
    "size": gettext_lazy("Size & quantity"),
    "coats": gettext_lazy("Coatings"),
    "prep": gettext_lazy("Prep services"),
    "review": gettext_lazy("Review & price"),
    "catalog": gettext_lazy("Save to catalogue"),
}
SIZE_TITLES = {
    ItemKind.CATALOG: gettext_lazy("Catalogue product"),
    ItemKind.PHOTO_QUOTE: gettext_lazy("Photo & shape"),
    ItemKind.LABOR_ONLY: gettext_lazy("Hours & quantity"),
}
SIZE_FORMS = {
    ItemKind.CATALOG: steps.CatalogPickForm,
    ItemKind.CALCULATED: steps.CalculatedSizeForm,
    ItemKind.FLAT_RATE: steps.FlatRateSizeForm,
    ItemKind.LABOR_ONLY: steps.LaborSizeForm,
    ItemKind.PHOTO_QUOTE: steps.PhotoSizeForm,
}
# Steps whose fields change the powder estimate; they show it beside the form.
ESTIMATE_STEPS = ("size", "coats")


def steps_for(draft: ItemDraft) -> list[str]:
    """The wizard's steps for this kind of item, in order."""
    names = ["kind", "size", "coats", "prep", "review"]
    if draft.is_priced_from_rates:
        names.append("catalog")
    return names


def _url_name(model_admin, suffix: str) -> str:
    opts = model_admin.opts
    return f"admin:{opts.app_label}_{opts.model_name}_{suffix}"


class ItemWizardBase(UnfoldModelAdminViewMixin, TemplateView):
    """Loads the job or template from the address; the user needs change rights and prices."""

    title = gettext_lazy("Line item")

    def get_permission_required(self):
        opts = self.model_admin.opts
        return (f"{opts.app_label}.change_{opts.model_name}", "powdercoat.view_prices")

    def dispatch(self, request, *args, **kwargs):
        if not self.has_permission():
            return self.handle_no_permission()
        try:
            self.owner = get_object_or_404(self.model_admin.model, pk=kwargs["object_id"])
        except (ValueError, ValidationError) as error:
            raise Http404("No such record.") from error
        return super().dispatch(request, *args, **kwargs)

    # -- the session's drafts ---------------------------------------------------------------

    def owner_key(self) -> str:
        return f"{self.model_admin.opts.label_lower}:{self.owner.pk}"

    def owner_url(self) -> str:
        """The owner's page opened on its Line items tab, where the wizard's work shows."""
        return record_url(self.owner, ITEMS_TAB)

    def step_url(self, token: str, step: str) -> str:
        return reverse(
            _url_name(self.model_admin, "item_wizard"), args=[self.owner.pk, token, step]
        )

    def open_entry(self, draft: ItemDraft) -> str:
        """Keep a new draft in the session and return its token."""
        store = self.request.session.setdefault(SESSION_KEY, {})
        for stale in list(store)[: max(0, len(store) - MAX_OPEN_DRAFTS + 1)]:
            self.drop_entry(stale)
        token = secrets.token_urlsafe(8)
        store = self.request.session.setdefault(SESSION_KEY, {})
        store[token] = {"owner": self.owner_key(), "draft": draft.to_session(), "raw": {}}
        self.request.session.modified = True
        return token

    def entry(self, token: str) -> dict | None:
        entry = self.request.session.get(SESSION_KEY, {}).get(token)
        if entry is None or entry["owner"] != self.owner_key():
            return None
        return entry

    def save_entry(self, token: str, draft: ItemDraft, raw: dict | None = None) -> None:
        store = self.request.session.setdefault(SESSION_KEY, {})
        store[token]["draft"] = draft.to_session()
        if raw is not None:
            store[token]["raw"] = raw
        self.request.session.modified = True

    def drop_entry(self, token: str) -> None:
        """Forget a draft and any photo uploaded for it."""
        entry = self.request.session.get(SESSION_KEY, {}).pop(token, None)
        self.request.session.modified = True
        name = (entry or {}).get("draft", {}).get("photo_name", "")
        if name.startswith(f"{WIZARD_UPLOADS}/{token}/"):
            default_storage.delete(name)

    def expired(self) -> HttpResponseRedirect:
        messages.warning(
            self.request, _("That item form was closed or has expired; nothing was changed.")
        )
        return HttpResponseRedirect(self.owner_url())

    def exclude_job(self) -> Job | None:
        return self.owner if isinstance(self.owner, Job) else None


class ItemWizardStartView(ItemWizardBase):
    """Opens a fresh draft (adding) or one filled from a saved item (editing)."""

    def get(self, request, object_id, item_id=None):
        company = CompanySettings.load()
        if item_id is None:
            kind = request.GET.get("kind")
            draft = draft_new(
                kind=kind if kind in ItemKind.values else ItemKind.CALCULATED, company=company
            )
            first = "size" if kind == ItemKind.CATALOG else "kind"
        else:
            item = get_object_or_404(self.owner.items.all(), pk=item_id)
            draft = draft_from_item(item, company=company)
            first = "kind"
        token = self.open_entry(draft)
        return HttpResponseRedirect(self.step_url(token, first))


class ItemWizardStepView(ItemWizardBase):
    """One step of the wizard: shows its form, and moves Back, Next, Cancel or Finish."""

    template_name = "admin_views/item_wizard.html"

    def build_form(self, step: str, draft: ItemDraft, data=None, files=None):
        if step == "kind":
            return steps.KindForm(data, draft=draft)
        if step == "size":
            return SIZE_FORMS[draft.kind](data, files, draft=draft)
        if step == "coats":
            return steps.coat_formset(data, draft=draft)
        if step == "prep":
            return steps.PrepForm(data, draft=draft)
        if step == "review":
            return steps.ReviewForm(data, draft=draft)
        return steps.SaveToCatalogForm(
            data, draft=draft, unit_price=self.priced(draft)[0].unit_price_or_zero
        )

    def priced(self, draft: ItemDraft):
        """(price or None, problems) for the draft as it stands."""
        powders, preps, product = draft_lookups(draft)
        problems = draft_check(draft, powders=powders, preps=preps, product=product)
        price = None
        try:
            price = draft_price(
                draft, powders=powders, preps=preps, product=product, company=CompanySettings.load()
            )
        except pricing.PricingError as error:
            problems.append(str(error))
        except KeyError:
            problems.append(_("A coat names a powder that is no longer in the inventory."))
        return PriceView(price, draft), problems

    def get(self, request, object_id, token, step):
        entry = self.entry(token)
        if entry is None:
            return self.expired()
        draft = ItemDraft.from_session(entry["draft"])
        if step not in steps_for(draft):
            return HttpResponseRedirect(self.step_url(token, "kind"))
        raw = entry.get("raw", {}).get(step)
        form = self.build_form(step, draft, data=MultiValueDict(raw) if raw else None)
        return self.render_to_response(
            self.get_context_data(token=token, step=step, draft=draft, form=form)
        )

    def post(self, request, object_id, token, step):
        # A second press of Finish finds its key applied (the draft is gone by then).
        repeat = submission_find(key=request.POST.get("submission_key", ""), user=request.user)
        if repeat is not None:
            messages.info(request, SubmissionRepeated(repeat).message)
            return HttpResponseRedirect(repeat.answer_url or self.owner_url())
        entry = self.entry(token)
        if entry is None:
            return self.expired()
        draft = ItemDraft.from_session(entry["draft"])
        if step not in steps_for(draft):
            return HttpResponseRedirect(self.step_url(token, "kind"))
        if "_cancel" in request.POST:
            self.drop_entry(token)
            messages.info(request, _("Nothing was changed."))
            return HttpResponseRedirect(self.owner_url())

        form = self.build_form(step, draft, data=request.POST, files=request.FILES)
        if step == "catalog" and "_finish" in request.POST:
            # "Finish without saving to catalogue": the product fields do not matter.
            return self.finish(token, draft, step, form, catalog_entry=None)
        raw = dict(entry.get("raw", {}))
        if not form.is_valid():
            if "_back" in request.POST:
                # Keep what was typed, even half done, for when the user comes back.
                raw[step] = {key: request.POST.getlist(key) for key in request.POST}
                self.save_entry(token, draft, raw)
                return HttpResponseRedirect(self.step_url(token, self.neighbour(draft, step, -1)))
            return self.render_to_response(
                self.get_context_data(token=token, step=step, draft=draft, form=form)
            )
        form.apply(draft)
        raw.pop(step, None)
        if step == "size" and request.FILES.get("photo"):
            draft.photo_name = self.keep_upload(token, draft, request.FILES["photo"])
        if "_vision" in request.POST:
            self.ask_vision_estimator(draft, request.FILES.get("photo"))
        if "_reprice" in request.POST:
            draft.take_current_rates(CompanySettings.load())
            messages.info(request, _("Priced again with today's rates and costs."))
        self.save_entry(token, draft, raw)

        if "_back" in request.POST:
            return HttpResponseRedirect(self.step_url(token, self.neighbour(draft, step, -1)))
        if {"_finish", "_finish_catalog", "_add_now"} & set(request.POST):
            catalog_entry = None
            if "_finish_catalog" in request.POST and step == "catalog":
                catalog_entry = CatalogEntry(**form.cleaned_data)
            return self.finish(token, draft, step, form, catalog_entry)
        if {"_vision", "_reprice", "_more_coats", "_shape_area"} & set(request.POST):
            return HttpResponseRedirect(self.step_url(token, step))
        return HttpResponseRedirect(self.step_url(token, self.neighbour(draft, step, +1)))

    def neighbour(self, draft: ItemDraft, step: str, offset: int) -> str:
        names = steps_for(draft)
        index = names.index(step) if step in names else 0
        return names[min(max(index + offset, 0), len(names) - 1)]

    def keep_upload(self, token: str, draft: ItemDraft, upload) -> str:
        """Park an uploaded photo until the wizard finishes (or is cancelled)."""
        if draft.photo_name.startswith(f"{WIZARD_UPLOADS}/{token}/"):
            default_storage.delete(draft.photo_name)
        name = get_valid_filename(posixpath.basename(upload.name)) or "photo.jpg"
        return default_storage.save(f"{WIZARD_UPLOADS}/{token}/{name}", upload)

    def ask_vision_estimator(self, draft: ItemDraft, upload) -> None:
        """Ask the configured estimator for a second opinion; it is only ever a suggestion."""
        if not estimators.vision_estimator_configured():
            messages.warning(self.request, _("No photo estimator is set up for this shop."))
            return
        if not draft.photo_name:
            messages.warning(self.request, _("Attach a photo first."))
            return
        with default_storage.open(draft.photo_name, "rb") as photo:
            image = photo.read()
        try:
            suggestion = estimators.vision_estimate(
                image=image,
                content_type=getattr(upload, "content_type", "") or "image/jpeg",
                shape=draft.shape,
                dimensions={k: v for k, v in draft.dimensions.items() if not k.startswith("_")},
                description=draft.description,
            )
        except estimators.EstimatorError as error:
            messages.warning(self.request, str(error))
            return
        hours = (
            _(", about %(h)s h of labour") % {"h": suggestion.labor_hours}
            if suggestion.labor_hours is not None
            else ""
        )
        draft.estimate_note = _(
            "Photo estimator suggests %(area)s sq ft per part%(hours)s. %(note)s"
        ) % {
            "area": suggestion.area_sqft,
            "hours": hours,
            "note": suggestion.note,
        }
        draft.estimate_note = draft.estimate_note.strip()[:300]

    def finish(self, token, draft, step, form, catalog_entry):
        """Save the item, once per submission key, and go back to the job or template."""
        try:
            with submission_once(
                key=self.request.POST.get("submission_key", ""), user=self.request.user
            ) as answer:
                item = line_item_save(
                    owner=self.owner,
                    draft=draft,
                    user=self.request.user,
                    catalog_entry=catalog_entry,
                )
                verb = _("updated") if draft.item_id else _("added")
                text = _("“%(item)s” %(verb)s.") % {"item": item.description, "verb": verb}
                if catalog_entry:
                    text += " " + _("Saved to the catalogue as “%(name)s”.") % {
                        "name": catalog_entry.name
                    }
                answer(url=self.owner_url(), message=text)
        except SubmissionRepeated as repeat:
            messages.info(self.request, repeat.message)
            return HttpResponseRedirect(repeat.url or self.owner_url())
        except ValidationError as error:
            for message in error.messages:
                messages.error(self.request, message)
            return self.render_to_response(
                self.get_context_data(token=token, step=step, draft=draft, form=form)
            )
        self.drop_entry(token)
        messages.success(self.request, text)
        return HttpResponseRedirect(self.owner_url())

    def get_context_data(self, *, token, step, draft, form, **kwargs):
        context = super().get_context_data(**kwargs)
        names = steps_for(draft)
        price, problems = (None, [])
        if step in ("review", "catalog"):
            price, problems = self.priced(draft)
        titles = dict(STEP_TITLES, size=SIZE_TITLES.get(draft.kind, STEP_TITLES["size"]))
        context.update(
            {
                "title": _("Edit line item") if draft.item_id else _("Add a line item"),
                "owner": self.owner,
                "owner_url": self.owner_url(),
                "owner_label": self.model_admin.opts.verbose_name,
                "draft": draft,
                "kind_label": ItemKind(draft.kind).label,
                "step": step,
                "step_title": titles[step],
                "steps": [
                    {
                        "name": name,
                        "title": titles[name],
                        "number": number,
                        "current": name == step,
                        "done": number - 1 < names.index(step),
                        "url": self.step_url(token, name),
                    }
                    for number, name in enumerate(names, start=1)
                ],
                "is_first": names.index(step) == 0,
                "is_last": step == names[-1],
                "form": form,
                "is_formset": step == "coats",
                "price": price,
                "problems": problems,
                "show_estimate": step in ESTIMATE_STEPS,
                "estimate_url": reverse(
                    _url_name(self.model_admin, "item_estimate"), args=[self.owner.pk, token]
                ),
                "vision_available": step == "size"
                and draft.kind == ItemKind.PHOTO_QUOTE
                and estimators.vision_estimator_configured(),
                "photo_url": default_storage.url(draft.photo_name) if draft.photo_name else "",
                "rates_taken_on": parse_date(draft.basis.get("taken_on") or ""),
            }
        )
        if context["show_estimate"]:
            context["estimate"], context["errors"] = self.estimate(draft)
        return context

    def estimate(self, draft: ItemDraft) -> tuple[list, list[str]]:
        """The powder rows for the side panel, and any figure that could not be worked out."""
        try:
            return draft_powder_estimate(draft, job=self.exclude_job()), []
        except pricing.PricingError as error:
            return [], [str(error)]


class PriceView:
    """The price for templates: the breakdown and what will be charged, override included."""

    def __init__(self, price: pricing.ItemPrice | None, draft: ItemDraft):
        self.price = price
        self.draft = draft

    def __bool__(self) -> bool:
        return self.price is not None

    @property
    def lines(self):
        return self.price.lines if self.price else ()

    @property
    def calculated_unit_price(self):
        return self.price.unit_price if self.price else None

    @property
    def unit_price_or_zero(self):
        if self.draft.price_override is not None:
            return self.draft.price_override
        return self.price.unit_price if self.price else 0

    @property
    def charged_unit_price(self):
        return self.unit_price_or_zero

    @property
    def charged_total(self):
        return pricing.line_total(self.draft.quantity, self.unit_price_or_zero)

    @property
    def line_total(self):
        return self.price.line_total if self.price else None


class ItemEstimateView(ItemWizardStepView):
    """The live powder estimate for the values typed so far (htmx; nothing is saved)."""

    template_name = "admin_views/item_wizard_estimate.html"

    def post(self, request, object_id, token):
        entry = self.entry(token)
        if entry is None:
            return self.render_to_response({"expired": True})
        draft = ItemDraft.from_session(deepcopy(entry["draft"]))
        step = request.POST.get("_step", "")
        errors = []
        form = None
        if step in ESTIMATE_STEPS:
            form = self.build_form(step, draft, data=request.POST)
            if step == "size" and isinstance(form, steps.PhotoSizeForm):
                form.require_photo = False
            if form.is_valid():
                form.apply(draft)
            else:
                errors = _form_messages(form)
        rows, problems = self.estimate(draft)
        context = {"estimate": rows, "errors": errors + problems, "draft": draft}
        if not errors and getattr(form, "geometric_area", None) is not None:
            context["shape_area"] = str(form.geometric_area)
        return self.render_to_response(context)

    def get(self, request, object_id, token):
        return self.post(request, object_id, token)


@require_GET
@login_required
@permission_required("powdercoat.view_inventoryitem", raise_exception=True)
def powder_search(request):
    """Powders matching `q` for the coats step's picker: swatch, pounds on hand and vendor.

    At most POWDER_RESULTS rows in a fixed number of queries, however many powders the shop
    stocks. No cost or value: anyone who may see the inventory may ask, Shop Floor included.
    """
    term = request.GET.get("q", "")
    found = list(steps.powder_matches(term)[: POWDER_RESULTS + 1])
    return JsonResponse(
        {
            "results": [_powder_option(powder) for powder in found[:POWDER_RESULTS]],
            "more": len(found) > POWDER_RESULTS,
        }
    )


def _powder_option(powder: InventoryItem) -> dict[str, str | int | bool]:
    """One powder as the picker lists it; the script writes these as text, never as HTML."""
    swatch = powder.swatch_hex or ""
    return {
        "id": powder.pk,
        "label": steps.powder_label(powder),
        "name": str(powder),
        "sku": powder.sku,
        "swatch": swatch if steps.HEX_COLOUR.fullmatch(swatch) else "",
        "on_hand": floatformat(powder.quantity_on_hand, 1),
        "unit": powder.unit,
        "vendor": powder.vendor,
        "low": powder.is_low_stock,
    }


def _form_messages(form) -> list[str]:
    if isinstance(form, steps.BaseCoatFormSet):
        found = list(form.non_form_errors())
        for sub in form.forms:
            found += [str(e) for errors in sub.errors.values() for e in errors]
        return found
    return [str(e) for errors in form.errors.values() for e in errors]


class ItemDeleteView(ItemWizardBase):
    """Asks, then removes an item from the job or template."""

    template_name = "admin_views/item_delete.html"

    def get(self, request, object_id, item_id):
        item = get_object_or_404(self.owner.items.all(), pk=item_id)
        context = self.get_context_data(
            item=item, owner=self.owner, owner_url=self.owner_url(), title=_("Remove a line item")
        )
        return self.render_to_response(context)

    def post(self, request, object_id, item_id):
        try:
            with submission_once(
                key=request.POST.get("submission_key", ""), user=request.user
            ) as answer:
                item = get_object_or_404(self.owner.items.all(), pk=item_id)
                line_item_delete(item=item, user=request.user)
                text = _("“%(item)s” removed.") % {"item": item.description}
                answer(url=self.owner_url(), message=text)
        except SubmissionRepeated as repeat:
            messages.info(request, repeat.message)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, text)
        return HttpResponseRedirect(self.owner_url())


def item_wizard_urls(site, model_admin) -> list:
    """The wizard's pages for one admin whose records hold line items (jobs, quotes, templates).

    Mounted by the admin site (admin_views/sites.py) under that admin's own address, so
    `admin:powdercoat_job_item_add` is /admin/powdercoat/job/<id>/items/add/.
    """
    opts = model_admin.opts
    base = f"{opts.app_label}/{opts.model_name}/<path:object_id>/items"
    prefix = f"{opts.app_label}_{opts.model_name}_item"

    def page(view):
        return site.admin_view(view.as_view(model_admin=model_admin))

    return [
        path(f"{base}/add/", page(ItemWizardStartView), name=f"{prefix}_add"),
        path(f"{base}/<int:item_id>/edit/", page(ItemWizardStartView), name=f"{prefix}_edit"),
        path(f"{base}/<int:item_id>/delete/", page(ItemDeleteView), name=f"{prefix}_delete"),
        path(
            f"{base}/wizard/<str:token>/estimate/",
            page(ItemEstimateView),
            name=f"{prefix}_estimate",
        ),
        path(
            f"{base}/wizard/<str:token>/<str:step>/",
            page(ItemWizardStepView),
            name=f"{prefix}_wizard",
        ),
    ]
