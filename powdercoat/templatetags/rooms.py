"""Tags for the rooms of a record's page: dialog buttons, and what each room sums up.

Everything here reads the page's own context (`request`, `adminform`, `original`), so no room
needs the request stored on a model instance.
"""

from decimal import Decimal

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from powdercoat.addresses import record_url
from powdercoat.formatting import amount_text, hours_text, intake_count_text, time_summary_text
from powdercoat.models import InventoryActivity, PartIntake
from powdercoat.selectors import MaterialRow, job_intake_photos, job_materials
from powdercoat.services.items import items_locked_reason

register = template.Library()


def action_allowed(model_admin, request, name: str, object_id) -> bool:
    """Whether `request.user` may use the unfold action `name` on this record.

    The same rule unfold applies to its own buttons: every permission the action names holds.
    """
    method = getattr(model_admin, name)
    for permission in getattr(method, "allowed_permissions", ()):
        if "." in permission:
            allowed = request.user.has_perm(permission)
        else:
            allowed = getattr(model_admin, f"has_{permission}_permission")(request, object_id)
        if not allowed:
            return False
    return True


DIALOG_BUTTON = "admin/powdercoat/dialog_button.html"


def dialog_button_html(
    url: str, label: str, icon: str = "", *, compact=False, dialog=True, badge="", href=""
):
    """The button's markup, for Python callers (list columns) as for templates.

    With `badge`, the badge itself opens the dialog (`label` is its tooltip), and `href` is
    where the link leads when JavaScript is off.
    """
    return render_to_string(
        DIALOG_BUTTON,
        {
            "url": url,
            "label": label,
            "icon": icon,
            "compact": compact,
            "dialog": dialog,
            "badge": badge,
            "href": href,
        },
    )


@register.simple_tag
def dialog_button(url, label, icon="", compact=False, dialog=True) -> SafeString:
    """A button that opens `url` in an unfold dialog on this page (a link without `dialog`)."""
    return dialog_button_html(url, label, icon, compact=compact, dialog=dialog)


@register.simple_tag(takes_context=True)
def action_button(context, name, label="", icon="", compact=False, **query) -> str:
    """The page record's unfold action `name` as a button, for those allowed to use it.

    Label, icon and whether it opens a dialog come from the `@action` itself; `label` and
    `icon` override them, and keyword arguments go into the address (`rework=5`).
    """
    model_admin = context["adminform"].model_admin
    record = context["original"]
    if record is None or not action_allowed(model_admin, context["request"], name, record.pk):
        return ""
    method = getattr(model_admin, name)
    opts = model_admin.opts
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=[record.pk])
    if query:
        url = f"{url}?{urlencode(query)}"
    return dialog_button_html(
        url,
        label or method.short_description,
        icon or getattr(method, "icon", ""),
        compact=compact,
        dialog=bool(getattr(method, "dialog", None)),
    )


# -- what the job's rooms sum up -------------------------------------------------------------


def _verdict(row: MaterialRow) -> tuple[str, str]:
    """What the logged amount says against the estimate, in words, with a label colour."""
    unit = row.item.unit
    if not row.on_job:
        return _("Not on the job's items"), "info"
    if not row.logged_lbs:
        return _("Nothing logged yet"), ""
    if row.difference > 0:
        return _("Over by %(amount)s") % {"amount": amount_text(row.difference, unit)}, "warning"
    if row.difference < 0:
        return _("Under by %(amount)s") % {"amount": amount_text(-row.difference, unit)}, "info"
    return _("As estimated"), "success"


def material_lines(rows: list[MaterialRow]) -> list[dict]:
    """The rows of the estimated-against-logged table, written out for the template."""
    lines = []
    for row in rows:
        unit = row.item.unit
        verdict, variant = _verdict(row)
        lines.append(
            {
                "item": row.item,
                "estimated": amount_text(row.estimated_lbs, unit) if row.on_job else "—",
                "logged": amount_text(row.logged_lbs, unit),
                # Nothing logged yet: the whole estimate as "under" would read as a finding.
                "difference": (
                    amount_text(row.difference, unit, signed=True)
                    if row.on_job and row.logged_lbs
                    else "—"
                ),
                "verdict": verdict,
                "variant": variant,
            }
        )
    return lines


@register.simple_tag
def time_summary(job, entries) -> dict:
    """Actual against estimated hours for the Time tab, from the entries it lists."""
    actual = sum((entry.hours for entry in entries), Decimal("0"))
    estimated = job.estimated_hours
    return {
        "text": time_summary_text(actual, estimated),
        "over": bool(estimated) and actual > estimated,
        "total": hours_text(actual),
    }


@register.filter
def intake_count(intake: PartIntake) -> str:
    """'11 of 12 received — 1 missing'."""
    return intake_count_text(intake)


@register.simple_tag(takes_context=True)
def material_summary(context, job) -> list[dict]:
    """The job's powders, estimated against logged, as the Materials tab lists them."""
    company = getattr(context["request"], "company", None)
    return material_lines(job_materials(job, company=company))


@register.simple_tag(takes_context=True)
def items_room(context, owner) -> dict:
    """Whether the person looking may add and change the items here, and where to do it."""
    opts = owner._meta
    prefix = f"admin:{opts.app_label}_{opts.model_name}_item"
    locked = items_locked_reason(owner)
    can_edit = bool(
        context["perms"]["powdercoat"]["view_prices"]
        and not locked
        and context.get("has_change_permission")
    )
    add_url = reverse(f"{prefix}_add", args=[owner.pk])
    return {
        "locked": locked,
        "can_edit": can_edit,
        "prices": context["perms"]["powdercoat"]["view_prices"],
        # The items' total under the table, for those who see prices (templates have none).
        "total": (
            getattr(owner, "subtotal", None)
            if context["perms"]["powdercoat"]["view_prices"]
            else None
        ),
        "add_url": add_url,
        "add_catalog_url": f"{add_url}?kind=catalog",
    }


@register.simple_tag
def item_url(owner, item, page: str) -> str:
    """The wizard's `page` ("edit", "delete") for one of the owner's items."""
    opts = owner._meta
    return reverse(
        f"admin:{opts.app_label}_{opts.model_name}_item_{page}", args=[owner.pk, item.pk]
    )


@register.simple_tag
def intake_photos(job) -> list:
    """The photos of the job's parts as they came in."""
    return list(job_intake_photos(job))


@register.filter
def stock_change(activity: InventoryActivity) -> str:
    """A stock movement with its sign and unit: +2.0 lb, -1.25 lb."""
    return amount_text(activity.quantity, activity.item.unit, signed=True)


@register.simple_tag
def reversal_url(activity: InventoryActivity, job) -> str:
    """The Reverse dialog of a stock movement, coming back to the job's Materials tab."""
    url = reverse("admin:powdercoat_inventoryactivity_reverse_activity", args=[activity.pk])
    return f"{url}?{urlencode({'next': record_url(job, 'materials')})}"
