"""The admin site: unfold's, with the admin's own pages of this package mounted in it.

The model admins (powdercoat/admin) know these pages only by their URL names; the site puts
them under the model admins' addresses, so powdercoat never imports admin_views.
"""

from django.urls import path
from unfold.sites import UnfoldAdminSite

from admin_views.views.reports import PowderDemandView
from admin_views.views.wizard import item_wizard_urls
from powdercoat.models import InventoryItem, Job, JobTemplate, Quote

# The records that hold line items, and so get the item wizard.
ITEM_OWNERS = (Job, Quote, JobTemplate)


class ShopAdminSite(UnfoldAdminSite):
    """unfold's admin site plus the item wizard and the powder demand report."""

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
        return urls
