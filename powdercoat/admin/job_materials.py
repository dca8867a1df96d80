"""The job page's Materials tab and the Log material, Change customer and Clone job buttons.

SPEC J16 (materials used against the estimate), J9 (change customer) and J17 (clone). Mixed
into JobAdmin, whose `_job` and `_live_invoice` look-ups it uses. No price or cost is shown
here: the tab and the Log material dialog are used by Shop Floor.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.db.models.functions import Coalesce
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
)

from powdercoat.admin.forms import CustomerChoiceField, get_job_or_404
from powdercoat.admin.mixins import can_see_prices
from powdercoat.admin.once import Done, OnceDialogForm, applied_once
from powdercoat.models import Customer, InventoryActivity, InventoryItem, Job
from powdercoat.models.choices import InventoryCategory, InventoryUnit, JobStatus
from powdercoat.selectors import MaterialRow, job_materials
from powdercoat.services.inventory import material_usage_log
from powdercoat.services.jobs import job_change_customer, job_clone

# Headings of the item list's groups after the job's own powders, in this order.
_OTHER_ITEMS = {
    InventoryCategory.POWDER: _("Other powders"),
    InventoryCategory.PRIMER: _("Primers"),
    InventoryCategory.CLEAR: _("Clears"),
    InventoryCategory.CONSUMABLE: _("Consumables"),
    InventoryCategory.SHOP_SUPPLY: _("Shop supplies"),
}


def _amount(value: Decimal, unit: str, *, signed: bool = False) -> str:
    """An amount as the Materials tab writes it: at least one decimal, e.g. 4.0 lb, -1.25 lb."""
    text = f"{value:{'+' if signed else ''},.3f}".rstrip("0")
    text = f"{text}0" if text.endswith(".") else text
    return f"{text} {unit}"


def _item_label(item: InventoryItem) -> str:
    """The item as the select lists it; the unit is added where it is not pounds."""
    if item.unit == InventoryUnit.POUND:
        return str(item)
    return f"{item} · {item.get_unit_display()}"


def _verdict(row: MaterialRow) -> tuple[str, str]:
    """What the logged amount says against the estimate, in words, with a label colour."""
    unit = row.item.unit
    if not row.on_job:
        return _("Not on the job's items"), "info"
    if not row.logged_lbs:
        return _("Nothing logged yet"), ""
    if row.difference > 0:
        return _("Over by %(amount)s") % {"amount": _amount(row.difference, unit)}, "warning"
    if row.difference < 0:
        return _("Under by %(amount)s") % {"amount": _amount(-row.difference, unit)}, "info"
    return _("As estimated"), "success"


def _material_lines(rows: list[MaterialRow]) -> list[dict]:
    """The rows of the estimated-against-logged table, written out for the template."""
    lines = []
    for row in rows:
        unit = row.item.unit
        verdict, variant = _verdict(row)
        lines.append(
            {
                "item": row.item,
                "estimated": _amount(row.estimated_lbs, unit) if row.on_job else "—",
                "logged": _amount(row.logged_lbs, unit),
                # Nothing logged yet: the whole estimate as "under" would read as a finding.
                "difference": (
                    _amount(row.difference, unit, signed=True)
                    if row.on_job and row.logged_lbs
                    else "—"
                ),
                "verdict": verdict,
                "variant": variant,
            }
        )
    return lines


# -- dialog forms ------------------------------------------------------------------------------


class LogMaterialForm(OnceDialogForm):
    """What was used on the job: the item (the job's own powders listed first), amount, note."""

    confirm_field = "lbs"

    form_before_template = "admin/powdercoat/job/materials_log_dialog.html"

    item = forms.ChoiceField(label=_("Item"), widget=UnfoldAdminSelectWidget)
    lbs = forms.DecimalField(
        label=_("Pounds used"),
        min_value=Decimal("0.001"),
        max_digits=9,
        decimal_places=3,
        widget=UnfoldAdminDecimalFieldWidget(attrs={"inputmode": "decimal", "step": "0.01"}),
        help_text=_("Items not counted in pounds: the amount in their own unit."),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=InventoryActivity._meta.get_field("note").max_length,
        widget=UnfoldAdminTextareaWidget(attrs={"rows": 2}),
    )

    def __init__(self, request, object_id=None, *args, **kwargs):
        super().__init__(request, object_id, *args, **kwargs)
        self.job = get_job_or_404(object_id)
        self.rows = job_materials(self.job, company=getattr(request, "company", None))
        on_job = [row.item for row in self.rows if row.on_job and row.item.is_active]
        others = InventoryItem.objects.active().exclude(pk__in=[item.pk for item in on_job])
        self.offered = {item.pk: item for item in [*on_job, *others]}
        choices: list = [("", _("— pick the item —"))]
        if on_job:
            choices.append(
                (_("Powders on this job"), [(str(item.pk), _item_label(item)) for item in on_job])
            )
        for category, heading in _OTHER_ITEMS.items():
            group = sorted(
                (item for item in others if item.category == category),
                key=lambda item: (item.name.casefold(), item.pk),
            )
            if group:
                choices.append((heading, [(str(item.pk), _item_label(item)) for item in group]))
        self.fields["item"].choices = choices

    def clean_item(self) -> InventoryItem:
        """The inventory item picked (the select only offers active ones)."""
        return self.offered[int(self.cleaned_data["item"])]

    def get_before_template_context(self, request, object_id=None):
        """The job, and its powders' estimated and logged amounts so far."""
        return {"form": self, "job": self.job, "lines": _material_lines(self.rows)}


class ChangeCustomerForm(OnceDialogForm):
    """The customer the job is for from now on (active customers only)."""

    customer = CustomerChoiceField(
        label=_("New customer"), queryset=Customer.objects.none(), widget=UnfoldAdminSelectWidget
    )

    def __init__(self, request, object_id=None, *args, **kwargs):
        # The job form under the dialog has a customer field too: keep the element ids apart.
        kwargs.setdefault("auto_id", "id_dialog_%s")
        super().__init__(request, object_id, *args, **kwargs)
        self.job = get_job_or_404(object_id, Job.objects.select_related("customer"))
        field = self.fields["customer"]
        field.queryset = (
            Customer.objects.active()
            .exclude(pk=self.job.customer_id)
            .order_by("company_name", "contact_name")
        )
        # unfold renders help text as HTML: the customer's name goes in escaped.
        field.help_text = format_html(
            _(
                "Now: {name}. The job keeps its items, discount and price; the History page "
                "records the change."
            ),
            name=self.job.customer.display_name,
        )


class CloneJobForm(OnceDialogForm):
    """Nothing to fill in: the dialog confirms what a clone gets."""


# -- the admin mixin ---------------------------------------------------------------------------


class JobMaterialsAdminMixin:
    """Materials tab (display field) and the Log material, Change customer, Clone job buttons."""

    # Role checks of the buttons (unfold calls has_<name>_permission).
    def has_log_material_permission(self, request, object_id=None):
        """Log material: whoever may add stock activity, Shop Floor included."""
        return request.user.has_perm("powdercoat.add_inventoryactivity")

    def has_change_customer_permission(self, request, object_id=None):
        """Change customer: whoever may edit jobs (Office and up)."""
        return request.user.has_perm("powdercoat.change_job")

    def has_clone_job_permission(self, request, object_id=None):
        """Clone: whoever may create jobs (Office and up)."""
        return request.user.has_perm("powdercoat.add_job")

    def get_actions_detail(self, request, object_id):
        """No logging on a cancelled job; no customer change while a live invoice exists."""
        offered = []
        for unfold_action in super().get_actions_detail(request, object_id):
            name = unfold_action.action_name.removeprefix("powdercoat_job_")
            if name == "log_material":
                if self._job(request, object_id).status == JobStatus.CANCELLED:
                    continue
            elif name == "change_customer" and self._live_invoice(request, object_id):
                continue
            offered.append(unfold_action)
        return offered

    def _job_url(self, job: Job, tab: str = "") -> str:
        url = reverse("admin:powdercoat_job_change", args=[job.pk])
        return f"{url}?{urlencode({'tab': tab})}" if tab else url

    @action(
        description=_("Log material"),
        url_path="log-material",
        icon="scale",
        permissions=["log_material"],
        dialog={
            "title": _("Log material used on this job"),
            "description": _("Saving takes it off the stock at once, in the inventory ledger."),
            "form_class": LogMaterialForm,
            "form_submit_text": _("Log material"),
        },
    )
    @applied_once
    def log_material(self, request, form, object_id):
        """Book the amount used through the ledger; say what is on the shelf now."""
        job = form.job
        activity = material_usage_log(
            job=job,
            item=form.cleaned_data["item"],
            lbs=form.cleaned_data["lbs"],
            user=request.user,
            note=form.cleaned_data["note"],
            confirmed=form.confirmed,
        )
        item, unit = activity.item, activity.item.unit
        used = {"amount": _amount(-activity.quantity, unit), "item": item.name, "job": job.number}
        stock = _amount(activity.balance_after, unit)
        if activity.balance_after >= 0:
            return Done(
                self._job_url(job, "materials"),
                _("Logged %(amount)s of %(item)s on %(job)s; %(stock)s left on the shelf.")
                % {**used, "stock": stock},
            )
        # Booked all the same: the powder was sprayed; the shelf count is what is wrong.
        warning = _(
            "%(item)s is now at %(stock)s; the ledger keeps the real figure — count the shelf."
        ) % {"item": item.name, "stock": stock}
        return Done(
            self._job_url(job, "materials"),
            _("Logged %(amount)s of %(item)s on %(job)s.") % used,
            notes=[(messages.WARNING, warning)],
        )

    @action(
        description=_("Change customer"),
        url_path="change-customer",
        icon="person_edit",
        permissions=["change_customer"],
        dialog={
            "title": _("Change the job's customer"),
            "form_class": ChangeCustomerForm,
            "form_submit_text": _("Change customer"),
        },
    )
    @applied_once
    def change_customer(self, request, form, object_id):
        """Move the job to another customer; the change shows on the History page."""
        job = form.job
        previous = job.customer
        job = job_change_customer(
            job=job, customer=form.cleaned_data["customer"], user=request.user
        )
        customer = job.customer
        notes = []
        if can_see_prices(request) and customer.discount_percent != job.discount_percent:
            notes.append(
                (
                    messages.INFO,
                    _(
                        "The job keeps its %(job)s%% discount; %(name)s's pricing tier is "
                        "%(tier)s%%. Change it on the Price tab if it should follow."
                    )
                    % {
                        "job": job.discount_percent.normalize(),
                        "name": customer.display_name,
                        "tier": customer.discount_percent.normalize(),
                    },
                )
            )
        return Done(
            self._job_url(job),
            _("%(job)s is now for %(new)s (was %(old)s).")
            % {"job": job.number, "new": customer.display_name, "old": previous.display_name},
            notes=notes,
        )

    @action(
        description=_("Clone job"),
        url_path="clone",
        icon="library_add",
        permissions=["clone_job"],
        dialog={
            "title": _("Clone this job"),
            "description": _(
                "A new Pending job for the same customer, with the same details, workers and "
                "copies of the items. Dates, status timeline, photos, notes, time, material "
                "logged and the invoice stay with this job."
            ),
            "form_class": CloneJobForm,
            "form_submit_text": _("Clone job"),
        },
    )
    @applied_once
    def clone_job(self, request, form, object_id):
        """Make the copy and open it."""
        job = self._job(request, object_id)
        clone = job_clone(job=job, user=request.user)
        return Done(
            self._job_url(clone),
            _("%(new)s is a copy of %(old)s, at Pending.")
            % {"new": clone.number, "old": job.number},
        )

    # -- the Materials tab --------------------------------------------------------------------

    @display(description=_("materials used"))
    def display_materials(self, job):
        """The job's powders, estimated against logged, and the job's ledger rows below."""
        if job is None or job.pk is None:
            return _("Material is logged once the job is saved.")
        request = getattr(job, "viewing_request", None)
        rows = job_materials(job, company=getattr(request, "company", None))
        # Newest first, each reversal straight under the row it cancels.
        ledger = list(
            InventoryActivity.objects.filter(job=job)
            .select_related("item", "user")
            .order_by(Coalesce("reverses_id", "id").desc(), "id")
        )
        can_reverse = request is not None and request.user.has_perm(
            "powdercoat.reverse_inventoryactivity"
        )
        reversed_ids = {activity.reverses_id for activity in ledger if activity.reverses_id}
        back = f"{self._job_url(job, 'materials')}"
        for activity in ledger:
            activity.change_text = _amount(activity.quantity, activity.item.unit, signed=True)
            activity.is_reversed = activity.pk in reversed_ids
            if can_reverse and not activity.reverses_id and not activity.is_reversed:
                url = reverse(
                    "admin:powdercoat_inventoryactivity_reverse_activity", args=[activity.pk]
                )
                activity.reverse_url = f"{url}?{urlencode({'next': back})}"
        can_log = (
            request is not None
            and self.has_log_material_permission(request)
            and job.status != JobStatus.CANCELLED
        )
        return render_to_string(
            "admin/powdercoat/job/materials_table.html",
            {"job": job, "lines": _material_lines(rows), "ledger": ledger, "can_log": can_log},
            request=request,
        )
