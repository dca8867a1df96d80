"""App configuration for the non-admin pages."""

from django.apps import AppConfig


class AdminViewsConfig(AppConfig):
    name = "admin_views"
    verbose_name = "Shop pages"
