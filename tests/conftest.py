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

# Each test run's cache is its own memory, whatever REDIS_URL the shell has: tests clear the
# cache, and on Redis that empties the whole database, prefix or not. The Redis tests point
# CACHES at a test database themselves (tests/views/test_status_page.py).
TEST_CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The vision estimator stand-in server is a fixture several test modules use.
pytest_plugins = ["tests.vision_stand_in"]


def pytest_configure(config):
    """Tests talk plain http, to the test client and to the live server alike.

    Set here rather than in a fixture because the live server builds its middleware once.
    Tasks (the email outbox) run at once, in the test's own process, when they are enqueued
    on commit, so a test sees an email's outcome without a worker (production: db_worker).
    Static files keep their plain names (no collectstatic), whatever DEBUG is. The cache is
    the process's memory even when REDIS_URL is set.
    """
    settings.SECURE_SSL_REDIRECT = False
    _flush_postgresql_by_delete()
    # override_settings tells django.tasks, the storages and the caches to forget what they
    # built already.
    override_settings(
        TASKS=IMMEDIATE_TASKS,
        STORAGES={**settings.STORAGES, "staticfiles": PLAIN_STATIC_FILES},
        CACHES=TEST_CACHES,
    ).enable()


def _flush_postgresql_by_delete() -> None:
    """Empty the tables after each transactional test (browser, concurrency) with DELETE, as
    Django does on SQLite, instead of one TRUNCATE of every table.

    TRUNCATE gives every table and index a new file and locks them all: about 0.3 s per test
    on an idle machine and over 2 s on a loaded CI box, where a DELETE of the few rows a test
    wrote takes 0.02 s. The tables end up just as empty; sequences are kept either way, and a
    test that asks for reset sequences still gets TRUNCATE ... RESTART IDENTITY.
    """
    if connection.vendor != "postgresql":
        return
    operations = type(connection.ops)
    truncate = operations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or not tables:
            return truncate(
                self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        # Django's foreign keys are deferrable: checked at the flush's commit, by which time
        # every table is empty, so the order of the deletes does not matter.
        return [
            "SET CONSTRAINTS ALL DEFERRED;",
            *(f"DELETE FROM {style.SQL_FIELD(self.quote_name(table))};" for table in tables),
        ]

    operations.sql_flush = sql_flush


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


@pytest.fixture
def supervisor_client(supervisor_user):
    """A browser session of its own, logged in as the shop lead."""
    return _logged_in(supervisor_user)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hash test passwords cheaply; the real hasher is slow on purpose."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
