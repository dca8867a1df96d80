"""One world per test module, built once and rolled back at the end; a logged-in client per role."""

import re
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from powdercoat import roles
from tests.security.world import World, build_world

# Short names for test ids and messages.
ROLE_NAMES = {
    "anon": None,
    "admin": roles.ADMINISTRATOR,
    "office": roles.OFFICE,
    "supervisor": roles.SUPERVISOR,
    "floor": roles.SHOP_FLOOR,
}
WIZARD_OWNERS = ("job", "quote", "jobtemplate")
WIZARD_KINDS = ("calculated", "catalog", "flat_rate", "labor_only", "photo_quote")


@dataclass
class Shop:
    """The world, a client per role, and the item-wizard drafts each role opened."""

    world: World
    clients: dict[str, Client]
    tokens: dict[tuple[str, str, str], str]  # (role, owner model, item kind) -> draft token

    def user(self, role: str):
        name = ROLE_NAMES[role]
        return self.world.user(name) if name else None

    def token(self, role: str, model_name: str, kind: str = "calculated") -> str:
        return self.tokens.get((role, model_name, kind), "no-draft")


def _owner_pk(world: World, model_name: str) -> int:
    return {"job": world.job, "quote": world.quote, "jobtemplate": world.template}[model_name].pk


def _open_drafts(world: World, clients: dict[str, Client]) -> dict:
    """Open an item-wizard draft per role, owner and kind (kept in each role's session)."""
    tokens = {}
    for role, client in clients.items():
        if role == "anon":
            continue
        for model_name in WIZARD_OWNERS:
            kinds = WIZARD_KINDS if model_name == "job" else WIZARD_KINDS[:1]
            for kind in kinds:
                url = reverse(
                    f"admin:powdercoat_{model_name}_item_add", args=[_owner_pk(world, model_name)]
                )
                response = client.get(f"{url}?kind={kind}")
                found = re.search(r"/items/wizard/([^/]+)/", response.get("Location", ""))
                if response.status_code == 302 and found:
                    tokens[(role, model_name, kind)] = found[1]
    return tokens


def _logins(world: World) -> None:
    """A wrong password and a right one, so the login records (if any are kept) have rows."""
    login = reverse("admin:login")
    Client().post(login, {"username": "nobody-here", "password": "wrong"})
    visitor = Client()
    visitor.post(login, {"username": "owner", "password": "pw-for-tests"})


@pytest.fixture(scope="module")
def shop(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world of tests/security/world.py, built once for the module inside a transaction
    that is rolled back at its end; each test's own changes roll back after the test."""
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=str(media),
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
    ):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            world = build_world()
            _logins(world)
            clients = {"anon": Client()}
            for role, name in ROLE_NAMES.items():
                if name is not None:
                    clients[role] = Client()
                    clients[role].force_login(world.user(name))
            yield Shop(world, clients, _open_drafts(world, clients))
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


@pytest.fixture
def live(shop, db):
    """The module's world for one test; whatever the test changes is rolled back after it
    (the clients keep their logins even if the test cycled a session key)."""
    name = settings.SESSION_COOKIE_NAME
    sessions = {
        role: client.cookies[name].value
        for role, client in shop.clients.items()
        if name in client.cookies
    }
    yield shop
    for role, value in sessions.items():
        shop.clients[role].cookies[name] = value
