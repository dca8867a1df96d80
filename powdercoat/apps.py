"""App configuration for the shop domain."""

from typing import Any

from django.apps import AppConfig
from django.apps.registry import Apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _roles_after_migrate(
    sender: AppConfig, *, using: str, apps: Apps | None = None, **kwargs: Any
) -> None:
    """Bring the role groups in step with powdercoat/roles.py after every `migrate`.

    `migrate` hands over the models as its migrations left them; `flush` (between
    transactional tests) hands over none, and the running models are the same then.
    """
    from django.apps import apps as running_apps

    from powdercoat.roles import sync_roles

    sync_roles(apps or running_apps, using=using)


class PowdercoatConfig(AppConfig):
    name = "powdercoat"
    verbose_name = _("Shop")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # No picture in any other format than a browser shows may be opened, by any library.
        from powdercoat.pictures import pillow_restrict_to_browser_formats

        pillow_restrict_to_browser_formats()
        # The roles are data that follows the code, not a migration: every migrate (and the
        # flush between transactional tests) re-applies them, once, when this app's turn comes.
        post_migrate.connect(
            _roles_after_migrate, sender=self, dispatch_uid="powdercoat.roles.sync_roles"
        )
