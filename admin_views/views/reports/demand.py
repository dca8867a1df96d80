"""The powder demand of active jobs, by vendor, with CSV and Excel downloads (SPEC I6)."""

import tablib
from django.contrib import messages
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from unfold.views import UnfoldModelAdminViewMixin

from powdercoat.formatting import amount_text
from powdercoat.selectors import VendorGroup, powder_demand_report
from powdercoat.spreadsheets import safe_cell as _cell

EXPORT_CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def powder_demand_dataset(groups: list[VendorGroup]) -> tablib.Dataset:
    """The demand report as rows for a CSV or Excel file, one powder per row."""
    dataset = tablib.Dataset(
        headers=[
            gettext("Vendor"),
            gettext("Powder"),
            gettext("SKU"),
            gettext("Colour code"),
            gettext("Needed (lb)"),
            gettext("On hand (lb)"),
            gettext("Shortfall (lb)"),
            gettext("Jobs"),
        ],
        title=gettext("Powder demand"),
    )
    for group in groups:
        for row in group.rows:
            dataset.append(
                [
                    _cell(group.label),
                    _cell(row.powder.name),
                    _cell(row.powder.sku),
                    _cell(row.powder.color_code),
                    row.needed_lbs,
                    row.on_hand,
                    row.shortfall,
                    row.jobs_count,
                ]
            )
    return dataset


class PowderDemandView(UnfoldModelAdminViewMixin, TemplateView):
    """What active jobs still need of each powder, next to the shelf, by vendor (SPEC I6).

    `?format=csv` and `?format=xlsx` download the same rows. No prices: Shop Floor opens it too.
    """

    title = _("Powder demand")
    permission_required = ("powdercoat.view_inventoryitem",)
    template_name = "admin_views/powder_demand.html"

    def get(self, request, *args, **kwargs):
        """The page, or its download when a known format is asked for."""
        requested = request.GET.get("format", "")
        if requested in EXPORT_CONTENT_TYPES:
            return self._download(requested)
        if requested:
            messages.warning(request, _("That download format is not available; use CSV or Excel."))
        return super().get(request, *args, **kwargs)

    def _groups(self) -> list[VendorGroup]:
        return powder_demand_report(company=getattr(self.request, "company", None))

    def _download(self, file_format: str) -> HttpResponse:
        dataset = powder_demand_dataset(self._groups())
        filename = f"powder-demand-{timezone.localdate():%Y-%m-%d}.{file_format}"
        return HttpResponse(
            dataset.export(file_format),
            content_type=EXPORT_CONTENT_TYPES[file_format],
            headers={"Content-Disposition": f'attachment; filename="{filename}"'},
        )

    def get_context_data(self, **kwargs):
        """Vendor groups with their figures formatted for the table."""
        context = super().get_context_data(**kwargs)
        context["groups"] = [
            {
                "label": group.label,
                "needed": amount_text(group.needed_lbs),
                "shortfall": amount_text(group.shortfall),
                "is_short": group.shortfall > 0,
                "rows": [
                    {
                        "powder": row.powder,
                        "needed": amount_text(row.needed_lbs),
                        "on_hand": amount_text(row.on_hand),
                        "shortfall": amount_text(row.shortfall),
                        "is_short": row.is_short,
                        "jobs": row.jobs_count,
                    }
                    for row in group.rows
                ],
            }
            for group in self._groups()
        ]
        return context
