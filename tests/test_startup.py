"""Production entry points refuse to run with the public development secret key."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.startup import refuse_insecure_production


def test_production_refuses_the_development_key(settings):
    """DEBUG off with the key from the repository: the server will not start."""
    settings.DEBUG = False
    settings.SECRET_KEY = settings.DEV_SECRET_KEY
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is not set"):
        refuse_insecure_production()


def test_production_starts_with_a_real_key(settings):
    """DEBUG off with a real key: no objection."""
    settings.DEBUG = False
    settings.SECRET_KEY = "k" * 60
    refuse_insecure_production()


def test_development_may_use_the_development_key(settings):
    """DEBUG on: the development key is fine."""
    settings.DEBUG = True
    settings.SECRET_KEY = settings.DEV_SECRET_KEY
    refuse_insecure_production()
