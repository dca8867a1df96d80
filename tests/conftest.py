"""Shared test setup: role users, company settings, and the PostgreSQL-only marker."""

import os

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client, override_settings

from powdercoat import roles
from powdercoat.models import CompanySettings
from tests.factories import UserFactory

# Playwright drives Chromium from a thread pytest-django considers async.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


IMMEDIATE_TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
# Static files under their plain names, as in development: production's hashed names need the
# manifest that collectstatic writes, and the tests do not run it.
PLAIN_STATIC_FILES = {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}

# The vision estimator stand-in server is a fixture several test modules use.
pytest_plugins = ["tests.vision_stand_in"]


def pytest_configure(config):
    """Tests talk plain http, to the test client and to the live server alike.

    Set here rather than in a fixture because the live server builds its middleware once.
    Tasks (the email outbox) run at once, in the test's own process, when they are enqueued
    on commit, so a test sees an email's outcome without a worker (production: db_worker).
    Static files keep their plain names (no collectstatic), whatever DEBUG is.
    """
    settings.SECURE_SSL_REDIRECT = False
    # override_settings tells django.tasks and the storages to forget what they built already.
    override_settings(
        TASKS=IMMEDIATE_TASKS,
        STORAGES={**settings.STORAGES, "staticfiles": PLAIN_STATIC_FILES},
    ).enable()


def pytest_collection_modifyitems(config, items):
    """Skip PostgreSQL-only tests elsewhere, visibly; with REQUIRE_POSTGRES=1 they must run."""
    if connection.vendor == "postgresql":
        return
    if os.environ.get("REQUIRE_POSTGRES") == "1":
        raise pytest.UsageError(
            "REQUIRE_POSTGRES=1 but the database is not PostgreSQL: set DATABASE_URL."
        )
    skip = pytest.mark.skip(
        reason="needs PostgreSQL (row locks across parallel connections); set DATABASE_URL"
    )
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def company(db):
    """The company settings row, with its defaults."""
    return CompanySettings.load()


def _user_in(role: str, username: str, **extra):
    # The role groups come from migrate's post_migrate (powdercoat/apps.py), which the flush
    # of transactional tests (browser, concurrency) also sends; this is a safety net.
    if not Group.objects.filter(name=role).exists():
        roles.sync_roles(django_apps)
    user = UserFactory(username=username, is_staff=True, **extra)
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def admin_user(db):
    """The owner: a superuser in the Administrator group."""
    return _user_in(roles.ADMINISTRATOR, "owner", is_superuser=True)


@pytest.fixture
def office_user(db):
    """Front desk / estimator."""
    return _user_in(roles.OFFICE, "office")


@pytest.fixture
def supervisor_user(db):
    """Shop lead."""
    return _user_in(roles.SUPERVISOR, "supervisor")


@pytest.fixture
def floor_user(db):
    """A coater on the shop floor."""
    return _user_in(roles.SHOP_FLOOR, "floor")


def _logged_in(user) -> Client:
    session = Client()
    session.force_login(user)
    return session


@pytest.fixture
def office_client(office_user):
    """A browser session of its own, logged in as office staff."""
    return _logged_in(office_user)


@pytest.fixture
def floor_client(floor_user):
    """A browser session of its own, logged in as a Shop Floor user."""
    return _logged_in(floor_user)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash test passwords cheaply; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
