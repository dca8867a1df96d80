"""App configuration for the shop domain."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PowdercoatConfig(AppConfig):
    name = "powdercoat"
    verbose_name = _("Shop")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # No picture in any other format than a browser shows may be opened, by any library.
        from powdercoat.pictures import pillow_restrict_to_browser_formats

        pillow_restrict_to_browser_formats()
