"""The admin site: unfold's, with the admin's own pages of this package mounted in it.

The model admins (powdercoat/admin) know these pages only by their URL names; the site puts
them under the model admins' addresses, so powdercoat never imports admin_views.
"""

from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import path, reverse
from unfold.sites import UnfoldAdminSite

from admin_views.views.reports.demand import PowderDemandView
from admin_views.views.wizard import item_wizard_urls
from powdercoat import roles
from powdercoat.models import InventoryItem, Job, JobTemplate, Quote

# The records that hold line items, and so get the item wizard.
ITEM_OWNERS = (Job, Quote, JobTemplate)


def report_pages() -> tuple:
    """Operations → Reports, in the order the reports page lists them (SPEC R2).

    Imported when the URLs are built: the reports link to admin lists, whose modules register
    on this very site, so importing them while this module loads would go round in a circle.
    """
    from admin_views.views.reports import hours, on_time, powder, revenue, rework, stage_times

    return (
        stage_times.StageTimesReport,
        on_time.OnTimeReport,
        rework.ReworkReport,
        hours.HoursReport,
        powder.PowderReport,
        revenue.RevenueReport,
    )


class ShopAdminSite(UnfoldAdminSite):
    """unfold's admin site plus the item wizard, the powder demand and the reports."""

    def login(self, request, extra_context=None):
        """Log in; Shop Floor people then land on the phone view, the others on the dashboard.

        An address asked for before the login (`next`) still wins, unless it is only the
        admin's home, which is where every login without one is sent from.
        """
        response = super().login(request, extra_context)
        if request.method == "POST" and response.status_code == 302:
            wanted = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME)
            if wanted in (None, "", "/", reverse("admin:index")) and (
                roles.works_on_the_floor_only(request.user)
            ):
                return redirect("admin_views:shop_mobile")
        return response

    def get_urls(self):
        # Ahead of the model admins' own patterns: their "<object_id>/" catch-all would
        # otherwise take /job/5/items/add/ for an object id.
        return [*self._shop_page_urls(), *super().get_urls()]

    def _shop_page_urls(self) -> list:
        urls = []
        for model in ITEM_OWNERS:
            if model in self._registry:
                urls += item_wizard_urls(self, self._registry[model])
        if InventoryItem in self._registry:
            demand = PowderDemandView.as_view(model_admin=self._registry[InventoryItem])
            urls.append(
                path(
                    "powdercoat/inventoryitem/demand/",
                    self.admin_view(demand),
                    name="powdercoat_inventoryitem_demand",
                )
            )
        from admin_views.views.reports.index import ReportsIndex

        reports = report_pages()
        urls.append(
            path(
                "reports/",
                self.admin_view(ReportsIndex.as_view(admin_site=self, reports=reports)),
                name="reports",
            )
        )
        for report in reports:
            urls.append(
                path(
                    f"reports/{report.slug}/",
                    self.admin_view(report.as_view(admin_site=self)),
                    name=f"report_{report.slug}",
                )
            )
        return urls
