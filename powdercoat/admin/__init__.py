"""Admin registrations of the shop, one module per aggregate."""

from powdercoat.admin import (
    catalog,
    customers,
    inventory,
    jobs,
    settings,
    templates,
    users,
    workers,
)

__all__ = ["catalog", "customers", "inventory", "jobs", "settings", "templates", "users", "workers"]
