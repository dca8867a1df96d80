"""Checks run by the production entry points before they serve a single request."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

# What Django's own deployment check asks of a secret key (security.W009).
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5


def refuse_insecure_production() -> None:
    """Stop a non-debug server whose sessions would be signed with a guessable key: the public
    development key, or any key shorter than 50 characters or made of fewer than 5 different
    ones (e.g. "short", or "a" * 60)."""
    if settings.DEBUG:
        return
    key = settings.SECRET_KEY
    if key == settings.DEV_SECRET_KEY:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it to a long random value before serving "
            "with DJANGO_DEBUG off (for local development use DJANGO_DEBUG=1)."
        )
    if (
        len(key) < SECRET_KEY_MIN_LENGTH
        or len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS
        or key.startswith("django-insecure-")
    ):
        raise ImproperlyConfigured(
            f"DJANGO_SECRET_KEY is too weak: use at least {SECRET_KEY_MIN_LENGTH} random "
            'characters, e.g. the output of `python -c "import secrets; '
            'print(secrets.token_urlsafe(50))"`.'
        )
