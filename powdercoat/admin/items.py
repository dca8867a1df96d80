"""The line items table on job and template pages: items, coats and prep sub-lines (SPEC L2)."""

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.urls import reverse

from powdercoat.admin.mixins import can_see_prices
from powdercoat.models import LineItem, LineItemCoat, LineItemPrep
from powdercoat.services.items import items_locked_reason


def owner_items(owner):
    """The owner's items with coats, powders and prep lines: three queries however many."""
    return (
        owner.items.select_related("catalog_product")
        .prefetch_related(
            Prefetch("coats", queryset=LineItemCoat.objects.select_related("powder")),
            Prefetch("prep_lines", queryset=LineItemPrep.objects.select_related("prep_service")),
        )
        .order_by("position", "id")
    )


def items_table(model_admin, owner) -> str:
    """The rendered table, with Add/Edit/Remove for users who may change the owner.

    The request comes from the owner itself (see `ItemWizardAdminMixin.get_object`); without
    one the table shows no prices and no buttons.
    """
    request = getattr(owner, "viewing_request", None)
    if owner is None or owner.pk is None or request is None:
        return render_to_string("admin/powdercoat/line_items_table.html", {"unsaved": True})
    opts = model_admin.opts
    prefix = f"admin:{opts.app_label}_{opts.model_name}_item"
    locked = items_locked_reason(owner)
    prices = can_see_prices(request)
    can_edit = prices and not locked and model_admin.has_change_permission(request, owner)
    items: list[LineItem] = list(owner_items(owner))
    for item in items:
        item.edit_url = reverse(f"{prefix}_edit", args=[owner.pk, item.pk])
        item.delete_url = reverse(f"{prefix}_delete", args=[owner.pk, item.pk])
    return render_to_string(
        "admin/powdercoat/line_items_table.html",
        {
            "items": items,
            "prices": prices,
            "can_edit": can_edit,
            "locked": locked,
            "add_url": reverse(f"{prefix}_add", args=[owner.pk]),
            "add_catalog_url": reverse(f"{prefix}_add", args=[owner.pk]) + "?kind=catalog",
        },
        request=request,
    )
