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
    """DEBUG off with a long random key: no objection."""
    settings.DEBUG = False
    settings.SECRET_KEY = "Zq8-vT2mW_k9xR4pL7nB1cY6hJ3sD0fG5aE8uI2oQ7wV4tK1zX9rN6bM3yH0jC5dF"
    refuse_insecure_production()


@pytest.mark.parametrize(
    "key", ["short", "k" * 60, "django-insecure-" + "Zq8vT2mWk9xR4pL7nB1cY6hJ3sD0fG5aE8uI2o"]
)
def test_production_refuses_a_weak_key(key, settings):
    """A short key, one of a single repeated character, or Django's insecure default: refused."""
    settings.DEBUG = False
    settings.SECRET_KEY = key
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY is too weak"):
        refuse_insecure_production()


def test_development_may_use_the_development_key(settings):
    """DEBUG on: the development key is fine."""
    settings.DEBUG = True
    settings.SECRET_KEY = settings.DEV_SECRET_KEY
    refuse_insecure_production()


def test_deploy_checks_are_clean_with_production_settings(settings):
    """`manage.py check --deploy` reports nothing with production settings (SPEC 15)."""
    import subprocess
    import sys
    from pathlib import Path

    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SECRET_KEY": "x9" * 30 + "-a-long-random-production-key",
        "DJANGO_ALLOWED_HOSTS": "shop.example.com",
        "DATABASE_URL": "sqlite:////tmp/deploy-check.sqlite3",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=Path(settings.BASE_DIR),
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
