"""The benchmark's addresses: the shop's own, plus a stock admin of the same Job table.

The stock changelist (a ModelAdmin with nothing set: no columns, filters or search of ours)
is the anchor every page is measured against, in the same run, so a shared or slower machine
still gives fair ratios. It is unfold's site and ModelAdmin, because unfold's templates replace
Django's admin templates for every site in this project.
"""

from django.urls import include, path
from unfold.admin import ModelAdmin
from unfold.sites import UnfoldAdminSite

from powdercoat.models import Job

stock_site = UnfoldAdminSite(name="stock_admin")
stock_site.register(Job, ModelAdmin)

urlpatterns = [
    path("stock-admin/", stock_site.urls),
    path("", include("config.urls")),
]
