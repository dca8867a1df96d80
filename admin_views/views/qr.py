"""The pages the work order's QR codes open: the status bump page and material usage (SPEC S4, S5).

Both need a login (the login page comes back here afterwards). Opening them changes nothing, so
a link preview or a curious scan never moves a job or books powder; the change is a POST with
its CSRF token, recorded with the user's name.
"""

from decimal import Decimal
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from admin_views.views.shop_common import (
    company_of,
    job_cards,
    job_move_pressed,
    shop_login_required,
)
from powdercoat.admin.once import ConfirmFormMixin, add_service_error
from powdercoat.formatting import amount_text
from powdercoat.models import InventoryActivity, InventoryItem, Job
from powdercoat.models.choices import ActivityKind, InventoryUnit
from powdercoat.services.checks import ConfirmationNeeded
from powdercoat.services.inventory import material_usage_log
from powdercoat.services.submissions import SubmissionRepeated, submission_once

# How many of the job's latest status changes the bump page lists.
TIMELINE_ROWS = 5


def _job_or_404(number: str, queryset=None) -> Job:
    """The job a QR code names; job numbers are upper case, a typed lower-case one is fine."""
    queryset = queryset if queryset is not None else Job.objects.all()
    return get_object_or_404(queryset, number=number.strip().upper())


# -- status bump page (SPEC S4) -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@shop_login_required
@permission_required("powdercoat.view_job", raise_exception=True)
def job_bump(request, number: str):
    """The job, its status and next stage; POST advances, resumes or holds it, then comes back."""
    job = _job_or_404(number)
    if request.method == "POST":
        result = job_move_pressed(
            job=job,
            user=request.user,
            move=request.POST.get("move", ""),
            seen_status=request.POST.get("seen_status", ""),
            key=request.POST.get("submission_key", ""),
            reason=request.POST.get("reason", ""),
        )
        (messages.success if result.done else messages.error)(request, result.message)
        return redirect("admin_views:job_bump", number=job.number)

    card = job_cards(
        Job.objects.filter(pk=job.pk), company=company_of(request), moves_for=request.user
    )[0]
    user = request.user
    return render(
        request,
        "admin_views/shop/bump.html",
        {
            "card": card,
            "can_log_material": user.has_perm("powdercoat.add_inventoryactivity"),
            "can_open_job": user.has_perm("powdercoat.change_job"),
            "timeline": job.status_changes.select_related("user")[:TIMELINE_ROWS],
        },
    )


# -- material usage page (SPEC S5) ----------------------------------------------------------------


def _item_label(item: InventoryItem) -> str:
    """The item as the select lists it, with its unit where that is not pounds."""
    if item.unit == InventoryUnit.POUND:
        return str(item)
    return f"{item} · {item.get_unit_display()}"


class MaterialUsageForm(ConfirmFormMixin, forms.Form):
    """What was used: the item, on which job, how much, and an optional note."""

    confirm_field = "lbs"

    item = forms.ModelChoiceField(
        label=gettext_lazy("Item"),
        queryset=InventoryItem.objects.none(),
        empty_label=gettext_lazy("— pick the item —"),
    )
    job = forms.CharField(
        label=gettext_lazy("Job number"),
        max_length=20,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )
    lbs = forms.DecimalField(
        label=gettext_lazy("Amount used"),
        min_value=Decimal("0.001"),
        max_digits=9,
        decimal_places=3,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01", "min": "0"}),
        help_text=gettext_lazy("Pounds for powders; other items in their own unit."),
    )
    note = forms.CharField(
        label=gettext_lazy("Note (optional)"),
        required=False,
        max_length=InventoryActivity._meta.get_field("note").max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_confirm_fields()
        field = self.fields["item"]
        field.queryset = InventoryItem.objects.active().order_by("category", "name", "pk")
        field.label_from_instance = _item_label

    def clean_job(self) -> Job:
        """The job with that number (as typed, in any case)."""
        number = self.cleaned_data["job"].strip().upper()
        job = Job.objects.filter(number=number).first()
        if job is None:
            raise ValidationError(_("No job has the number %(number)s.") % {"number": number})
        return job


def _usage_url(item_id, job_number) -> str:
    query = {key: value for key, value in (("item", item_id), ("job", job_number)) if value}
    url = reverse("admin_views:material_usage")
    return f"{url}?{urlencode(query)}" if query else url


@require_http_methods(["GET", "POST"])
@shop_login_required
@permission_required("powdercoat.add_inventoryactivity", raise_exception=True)
def material_usage(request):
    """The form, pre-filled from `?item=<id>&job=<job number>`; POST books the usage."""
    if request.method == "POST":
        form = MaterialUsageForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                with submission_once(
                    key=request.POST.get("submission_key", ""), user=request.user
                ) as answer:
                    activity = material_usage_log(
                        job=data["job"],
                        item=data["item"],
                        lbs=data["lbs"],
                        user=request.user,
                        note=data["note"],
                        confirmed=form.confirmed,
                    )
                    logged_url = reverse("admin_views:material_usage_logged", args=[activity.pk])
                    answer(
                        url=logged_url,
                        message=_("%(amount)s of %(item)s logged on %(job)s.")
                        % {
                            "amount": amount_text(
                                -activity.quantity, activity.item.get_unit_display()
                            ),
                            "item": activity.item.name,
                            "job": data["job"].number,
                        },
                    )
            except SubmissionRepeated as repeat:
                messages.info(request, repeat.message)
                return redirect(repeat.url)
            except ConfirmationNeeded as question:
                form.ask(question)
                # The page reloads with the question: the tick box is where the thumb goes.
                form.fields["confirm"].widget.attrs["autofocus"] = True
            except ValidationError as error:
                add_service_error(form, error)
            else:
                return redirect(logged_url)
        job_number = request.POST.get("job", "")
    else:
        job_number = request.GET.get("job", "").strip().upper()
        initial = {"job": job_number}
        if request.GET.get("item", "").isdigit():
            initial["item"] = request.GET["item"]
        form = MaterialUsageForm(initial=initial)
    job = Job.objects.filter(number=job_number.strip().upper()).select_related("customer").first()
    item_note = ""
    wanted = request.GET.get("item", "")
    if request.method == "GET" and wanted:
        known = wanted.isdigit() and InventoryItem.objects.active().filter(pk=wanted).exists()
        if not known:
            item_note = _("The item on that code is not an active inventory item; pick it below.")
    return render(
        request,
        "admin_views/shop/usage.html",
        {"form": form, "job": job, "item_note": item_note},
    )


@require_GET
@shop_login_required
@permission_required("powdercoat.view_inventoryactivity", raise_exception=True)
def material_usage_logged(request, pk: int):
    """What was just booked, and the stock now (with a warning when it went below zero)."""
    activity = get_object_or_404(
        InventoryActivity.objects.select_related("item", "job", "user"),
        pk=pk,
        kind=ActivityKind.USAGE,
    )
    return render(
        request,
        "admin_views/shop/usage_logged.html",
        {
            "activity": activity,
            "used": amount_text(-activity.quantity, activity.item.get_unit_display()),
            "on_hand": amount_text(activity.balance_after, activity.item.get_unit_display()),
            "below_zero": activity.balance_after < 0,
            "again_url": _usage_url(activity.item_id, activity.job.number if activity.job else ""),
        },
    )
