"""Admin registrations of the shop, one module per aggregate."""

from django.contrib import admin

from powdercoat.admin import (
    catalog,
    customers,
    inventory,
    invoices,
    jobs,
    logins,
    quotes,
    settings,
    templates,
    users,
    workers,
)

# The admin home shows the Urgent and Rush jobs above the app list (SPEC J5). Set here because
# unfold's templates come first in the lookup, so an admin/index.html of ours would never load.
admin.site.index_template = "admin/powdercoat/dashboard.html"

__all__ = [
    "catalog",
    "customers",
    "inventory",
    "invoices",
    "jobs",
    "logins",
    "quotes",
    "settings",
    "templates",
    "users",
    "workers",
]
