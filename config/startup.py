"""Checks run by the production entry points before they serve a single request."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def refuse_insecure_production() -> None:
    """Stop a non-debug server that would sign sessions with the public development key."""
    if not settings.DEBUG and settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value before serving "
            "with DJANGO_DEBUG off (for local development use DJANGO_DEBUG=1)."
        )
