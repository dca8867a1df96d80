"""Admin registrations of the shop, one module per aggregate."""

from powdercoat.admin import (
    catalog,
    customers,
    inventory,
    invoices,
    jobs,
    quotes,
    settings,
    templates,
    users,
    workers,
)

__all__ = [
    "catalog",
    "customers",
    "inventory",
    "invoices",
    "jobs",
    "quotes",
    "settings",
    "templates",
    "users",
    "workers",
]
