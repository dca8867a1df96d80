"""App configuration for the shop domain."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PowdercoatConfig(AppConfig):
    name = "powdercoat"
    verbose_name = _("Shop")
    default_auto_field = "django.db.models.BigAutoField"
