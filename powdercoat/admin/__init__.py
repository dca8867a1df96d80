"""Admin registrations of the shop, one module per aggregate."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.models import DBTaskResult

from powdercoat.admin import (
    catalog,
    customers,
    inventory,
    inventory_activity,
    invoices,
    jobs,
    logins,
    ovens,
    quotes,
    reworks,
    settings,
    templates,
    users,
    workers,
)

# The admin home is the shop's dashboard (SPEC R1, J5; powdercoat/admin/dashboard.py). Set here
# because unfold's templates come first in the lookup, so an admin/index.html of ours would
# never load.
admin.site.index_template = "admin/powdercoat/dashboard.html"
admin.site.index_title = _("Dashboard")

# django-tasks-db registers a stock page of raw task results (its app comes before ours in
# INSTALLED_APPS, so it is registered by now). The shop reads each email's queued / sent /
# failed on the quote, invoice and job pages instead; the worker's log has the rest.
admin.site.unregister(DBTaskResult)

__all__ = [
    "catalog",
    "customers",
    "inventory",
    "inventory_activity",
    "invoices",
    "jobs",
    "logins",
    "ovens",
    "quotes",
    "reworks",
    "settings",
    "templates",
    "users",
    "workers",
]
