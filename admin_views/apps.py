"""App configurations: the shop's own pages, and the admin running on the shop's admin site."""

from django.apps import AppConfig

# The module, not the class: a second default AppConfig class in this module would be ambiguous.
from django.contrib.admin import apps as admin_apps


class AdminViewsConfig(AppConfig):
    name = "admin_views"
    verbose_name = "Shop pages"
    default = True


class ShopAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with ShopAdminSite as `admin.site` (Django's way to swap the site)."""

    default = False  # named in INSTALLED_APPS explicitly
    default_site = "admin_views.sites.ShopAdminSite"
