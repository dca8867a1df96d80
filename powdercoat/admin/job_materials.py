"""The job page's Log material, Change customer and Clone job buttons, and the Materials tab's
summary lines.

SPEC J16 (materials used against the estimate), J9 (change customer) and J17 (clone). Mixed
into JobAdmin, whose `_job` and `_live_invoice` look-ups it uses. No price or cost is shown
here: the tab and the Log material dialog are used by Shop Floor.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action
from unfold.widgets import (
    UnfoldAdminDecimalFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextareaWidget,
)

from powdercoat.addresses import record_url
from powdercoat.admin.forms import CustomerChoiceField, get_job_or_404
from powdercoat.admin.mixins import can_see_prices
from powdercoat.admin.once import Done, OnceDialogForm, applied_once
from powdercoat.admin.rooms import allowed_by
from powdercoat.formatting import amount_text, percent_text
from powdercoat.models import Customer, InventoryActivity, InventoryItem, Job
from powdercoat.models.choices import InventoryCategory, InventoryUnit, JobStatus
from powdercoat.selectors import job_materials
from powdercoat.services.inventory import material_usage_log
from powdercoat.services.jobs import job_change_customer, job_clone
from powdercoat.templatetags.rooms import material_lines

# Headings of the item list's groups after the job's own powders, in this order.
_OTHER_ITEMS = {
    InventoryCategory.POWDER: _("Other powders"),
    InventoryCategory.PRIMER: _("Primers"),
    InventoryCategory.CLEAR: _("Clears"),
    InventoryCategory.CONSUMABLE: _("Consumables"),
    InventoryCategory.SHOP_SUPPLY: _("Shop supplies"),
}


def _item_label(item: InventoryItem) -> str:
    """The item as the select lists it; the unit is added where it is not pounds."""
    if item.unit == InventoryUnit.POUND:
        return str(item)
    return f"{item} · {item.get_unit_display()}"


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
        return {"form": self, "job": self.job, "lines": material_lines(self.rows)}


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
    """The Log material, Change customer and Clone job buttons."""

    # Log material: whoever may add stock activity, Shop Floor included.
    has_log_material_permission = allowed_by("powdercoat.add_inventoryactivity")

    # Change customer: whoever may edit jobs (Office and up).
    has_change_customer_permission = allowed_by("powdercoat.change_job")

    # Clone: whoever may create jobs (Office and up).
    has_clone_job_permission = allowed_by("powdercoat.add_job")

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
        used = {
            "amount": amount_text(-activity.quantity, unit),
            "item": item.name,
            "job": job.number,
        }
        stock = amount_text(activity.balance_after, unit)
        if activity.balance_after >= 0:
            return Done(
                record_url(job, "materials"),
                _("Logged %(amount)s of %(item)s on %(job)s; %(stock)s left on the shelf.")
                % {**used, "stock": stock},
            )
        # Booked all the same: the powder was sprayed; the shelf count is what is wrong.
        warning = _(
            "%(item)s is now at %(stock)s; the ledger keeps the real figure — count the shelf."
        ) % {"item": item.name, "stock": stock}
        return Done(
            record_url(job, "materials"),
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
                        "The job keeps its %(job)s discount; %(name)s's pricing tier is "
                        "%(tier)s. Change it on the Price tab if it should follow."
                    )
                    % {
                        "job": percent_text(job.discount_percent),
                        "name": customer.display_name,
                        "tier": percent_text(customer.discount_percent),
                    },
                )
            )
        return Done(
            record_url(job),
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
            record_url(clone),
            _("%(new)s is a copy of %(old)s, at Pending.")
            % {"new": clone.number, "old": job.number},
        )
