"""Every URL of the resolver, opened by every role: no errors, permissions held, no money leaks."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib import admin
from django.db import models
from django.test import RequestFactory

from powdercoat.services.submissions import submission_key_issue
from tests.security import probe
from tests.security.conftest import ROLE_NAMES
from tests.security.pageforms import the_form
from tests.security.resolver import (
    ALLOW,
    DENY,
    TOKEN,
    NoRule,
    Route,
    Unfillable,
    all_routes,
    anonymous_expectation,
    is_site_page,
    post_expectation,
    secret_texts,
    targets,
    user_expectation,
    world_objects,
)

ROUTES = all_routes()
ROLES = tuple(ROLE_NAMES)


def _route_id(route: Route) -> str:
    return route.name


def _targets(live, route: Route):
    """The route's addresses in this world."""
    try:
        return targets(route, live.world)
    except Unfillable as error:
        problem = str(error)
    pytest.fail(problem, pytrace=False)


def _for_role(live, target, role: str):
    """The target with this role's own wizard draft in its address."""
    if TOKEN not in target.path:
        return target
    return target.with_token(live.token(role, target.route.model._meta.model_name))


def _expectation(target, user) -> str:
    try:
        return anonymous_expectation(target) if user is None else user_expectation(target, user)
    except NoRule as error:
        problem = str(error)
    pytest.fail(problem, pytrace=False)


# -- every page, every role ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", ROUTES, ids=_route_id)
def test_every_url_answers_each_role_by_its_permissions(live, route, role):
    """GET by each role: no error, access as its permissions say, no sentinel for Shop Floor."""
    client, user = live.clients[role], live.user(role)
    secrets = secret_texts(live.world)
    problems = []
    for target in _targets(live, route):
        target = _for_role(live, target, role)
        response = probe.fetch(client, "GET", target.url)
        expected = _expectation(target, user)
        status = f"{response.status_code} {response.get('Location', '')}".strip()
        if expected == ALLOW and not probe.is_success(response):
            problems.append(f"{role} GET {target.url} [{target.label}]: refused ({status})")
        if expected == DENY and not probe.refused_or_sent_to_refusal(client, response):
            problems.append(
                f"{role} GET {target.url} [{target.label}]: must be refused, answered {status}"
            )
        watched = ()
        if role == "floor":
            watched = live.world.sentinels
        elif role == "anon":
            watched = live.world.sentinels if expected == ALLOW else secrets
        if watched:
            leaks = probe.found_texts(probe.response_text(response), watched)
            problems += [f"{role} GET {target.url} [{target.label}] shows {leak}" for leak in leaks]
    assert not problems, "\n".join(problems)


def test_roles_hold_the_permissions_section_0_gives_them(live):
    """Shop Floor may not see customers, invoices, quotes, settings, users; Office not settings."""
    floor, office = live.user("floor"), live.user("office")
    for codename in (
        "powdercoat.view_customer",
        "powdercoat.view_invoice",
        "powdercoat.view_quote",
        "powdercoat.view_companysettings",
        "powdercoat.change_companysettings",
        "auth.view_user",
        "powdercoat.view_prices",
    ):
        assert not floor.has_perm(codename), f"Shop Floor holds {codename}"
    assert not office.has_perm("powdercoat.change_companysettings")
    assert not office.has_perm("powdercoat.view_companysettings")


# -- posting to change pages and history versions ----------------------------------------------

POSTED_ROUTES = [
    route
    for route in ROUTES
    if route.model_admin is not None and route.suffix in ("change", "simple_history")
]


def _text_field_to_edit(model, data: dict) -> str | None:
    """A plain text field of the model that the form posts, to change in a visible way."""
    for model_field in model._meta.concrete_fields:
        if (
            isinstance(model_field, models.CharField | models.TextField)
            and not model_field.choices
            and not model_field.unique
            and model_field.editable
            and model_field.name in data
        ):
            return model_field.name
    return None


_ADMIN_FORMS: dict[str, dict] = {}


def _administrator_form(live, url: str, model) -> dict:
    """What the Administrator's page at `url` would post (read once per module)."""
    key = f"{id(live.world)}:{url}"
    if key not in _ADMIN_FORMS:
        page = probe.fetch(live.clients["admin"], "GET", url)
        _ADMIN_FORMS[key] = (
            _form_of(page.content.decode(), model) if page.status_code == 200 else {}
        )
    return _ADMIN_FORMS[key]


def _form_of(html: str, model) -> dict:
    name = model._meta.model_name
    form = the_form(html, ids=(f"{name}_form", f"historical{name}_form"))
    return form.post_data() if form is not None else {}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", POSTED_ROUTES, ids=_route_id)
def test_posting_a_change_needs_the_change_permission(live, route, role):
    """POST a change or history version: refused without change permission, and nothing saved."""
    client, user = live.clients[role], live.user(role)
    model = route.model
    primary = world_objects(live.world, model)[0]
    chosen = [t for t in _targets(live, route) if t.facts.get("obj") == primary]
    problems = []
    for target in chosen:
        data = dict(_administrator_form(live, target.url, model))
        own = probe.fetch(client, "GET", target.url)
        if own.status_code == 200:
            own_data = _form_of(own.content.decode(), model)
            if "submission_key" in own_data:
                data["submission_key"] = own_data["submission_key"]
        edited = _text_field_to_edit(model, data)
        if edited:
            data[edited] = f"Edited by {role}"
        data.setdefault("_save", "Save")
        response, changes = probe.post_and_diff(client, target.url, data)
        may_change = user is not None and _may_change(route, user, primary)
        history = route.suffix == "simple_history"
        where = f"{role} POST {target.url} [{target.label}]"
        if not may_change and not probe.is_refusal(response):
            problems.append(f"{where}: must be refused, answered {response.status_code}")
        if (not may_change or (history and settings.SIMPLE_HISTORY_REVERT_DISABLED)) and changes:
            problems.append(f"{where} changed the database: " + "; ".join(changes))
    assert not problems, "\n".join(problems)


def _may_change(route: Route, user, obj) -> bool:
    opts = route.model._meta
    if not user.has_perm(f"{opts.app_label}.change_{opts.model_name}"):
        return False
    request = RequestFactory().post("/")
    request.user = user
    return route.model_admin.has_change_permission(request, obj)


# -- every page a role may not open refuses its POST too --------------------------------------

POST_ROUTES = [route for route in ROUTES if not route.is_redirect_view and not is_site_page(route)]
_DIALOG_FORMS: dict[str, dict] = {}


def _post_data(live, target, user) -> dict:
    """What a browser of someone allowed would post there, with this user's own one-time key."""
    route = target.route
    if route.suffix == "delete":
        data = {"post": "yes"}
    elif route.suffix == "process_import":  # the Confirm import button's form
        data = {"format": "0", "resource": "0", "import_file_name": "x.csv"}
        data["original_file_name"] = "x.csv"
    elif route.model is not None and route.suffix in ("change", "add", "simple_history"):
        data = dict(_administrator_form(live, target.url, route.model))
    elif route.model is not None:
        key = f"{id(live.world)}:{target.url}"
        if key not in _DIALOG_FORMS:
            page = probe.fetch(live.clients["admin"], "GET", target.url, HTTP_HX_REQUEST="true")
            html = probe.body_bytes(page).decode("utf-8", "replace")
            form = the_form(html) if page.status_code == 200 else None
            _DIALOG_FORMS[key] = form.post_data() if form is not None else {}
        data = dict(_DIALOG_FORMS[key])
    else:
        data = {"move": "advance", "priority": "5", "lbs": "1", "reason": "x"}
    data["submission_key"] = submission_key_issue(user=user)
    return data


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", POST_ROUTES, ids=_route_id)
def test_refused_pages_refuse_posts_too(live, route, role):
    """A page a role may not open refuses its POST as well, and the database stays unchanged."""
    client, user = live.clients[role], live.user(role)
    problems = []
    for target in _targets(live, route)[:1]:
        target = _for_role(live, target, role)
        try:
            expected = post_expectation(target, user)
        except NoRule as error:
            expected, problem = None, str(error)
        if expected is None:
            pytest.fail(problem, pytrace=False)
        if expected != DENY:
            continue
        data = _post_data(live, target, user)
        response, changes = probe.post_and_diff(client, target.url, data)
        where = f"{role} POST {target.url} [{target.label}]"
        if not probe.refused_or_sent_to_refusal(client, response):
            status = f"{response.status_code} {response.get('Location', '')}".strip()
            problems.append(f"{where}: must be refused, answered {status}")
        if changes:
            problems.append(f"{where} changed the database: " + "; ".join(changes))
    assert not problems, "\n".join(problems)


# -- list filters must not let Shop Floor bisect a price ---------------------------------------

_MONEY_NAME = re.compile(
    r"price|cost|total|amount|subtotal|discount|surcharge|tax|balance|rate|paid"
)
_NOT_MONEY = re.compile(r"coverage|efficiency|hours|quantity|area|thickness|gravity|balance_after")


def _money_fields(model) -> list[str]:
    """Money columns of the model, and of the models its foreign keys point at (one hop)."""
    names = []
    for model_field in model._meta.concrete_fields:
        if isinstance(model_field, models.DecimalField) and _is_money(model_field.name):
            names.append(model_field.name)
        elif isinstance(model_field, models.ForeignKey):
            for remote in model_field.related_model._meta.concrete_fields:
                if isinstance(remote, models.DecimalField) and _is_money(remote.name):
                    names.append(f"{model_field.name}__{remote.name}")
    return names


def _is_money(name: str) -> bool:
    return bool(_MONEY_NAME.search(name)) and not _NOT_MONEY.search(name)


FILTER_CASES = [
    (f"{model._meta.label_lower}.{name}", model, name)
    for model in admin.site._registry
    for name in _money_fields(model)
]
LOOKUPS = {
    "lte": ("-1", "999999999"),
    "gte": ("-1", "999999999"),
    "lt": ("0", "999999999"),
    "gt": ("-1", "999999999"),
    "exact": ("-1", str(Decimal("7777.77"))),
    "range": ("-2,-1", "-1,999999999"),
}


def _changelist_url(live, model) -> tuple[str, str]:
    from tests.security.resolver import targets as route_targets

    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}_changelist"
    route = next(route for route in ROUTES if route.name == name)
    target = route_targets(route, live.world)[0]
    return target.path, target.query


@pytest.mark.parametrize(
    ("model", "field_name"),
    [case[1:] for case in FILTER_CASES],
    ids=[case[0] for case in FILTER_CASES],
)
def test_money_filters_tell_shop_floor_nothing(live, model, field_name):
    """Shop Floor's list filters on money columns are refused or ignored: row counts never move."""
    client = live.clients["floor"]
    path, query = _changelist_url(live, model)
    base = probe.fetch(client, "GET", f"{path}?{query}")
    if probe.is_refusal(base):
        return  # the list itself is refused: nothing to bisect
    assert base.status_code == 200, f"floor GET {path}?{query} answered {base.status_code}"
    base_count = base.context["cl"].result_count
    assert base_count > 0, f"the world has no rows in {path}: the test would prove nothing"
    problems = []
    for lookup, values in LOOKUPS.items():
        for value in values:
            url = f"{path}?{query}&{field_name}__{lookup}={value}".replace("?&", "?")
            response = probe.fetch(client, "GET", url)
            if probe.is_refusal(response) or "e=1" in response.get("Location", ""):
                continue
            if response.status_code != 200:
                problems.append(f"floor GET {url}: answered {response.status_code}")
                continue
            count = response.context["cl"].result_count
            if count != base_count:
                problems.append(
                    f"floor GET {url}: {count} rows against {base_count} unfiltered: the money "
                    f"filter {field_name}__{lookup} is applied"
                )
    assert not problems, "\n".join(problems)


# -- spreadsheet exports, as files ---------------------------------------------------------------

EXPORT_ROUTES = [route for route in ROUTES if route.model_admin and route.suffix == "export"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", EXPORT_ROUTES, ids=_route_id)
def test_exported_files_follow_permissions_and_carry_no_money_to_shop_floor(live, route, role):
    """Exported CSV/XLSX: refused to roles that may not export; no sentinel for Shop Floor."""
    client, user = live.clients[role], live.user(role)
    target = _targets(live, route)[0]
    form = _export_form(live, target.url)
    assert form is not None, f"office GET {target.url} shows no export form"
    expected = _expectation(target, user)
    problems = []
    for file_format in form.choices.get("format", []) or [""]:
        data = {**form.post_data(), "format": file_format}
        response = probe.fetch(client, "POST", target.url, data)
        where = f"{role} POST {target.url} format={file_format!r}"
        if expected == DENY and not probe.is_refusal(response):
            problems.append(f"{where}: must be refused, answered {response.status_code}")
        if role == "floor":
            leaks = probe.found_texts(probe.response_text(response), live.world.sentinels)
            problems += [f"{where} gives a file with {leak}" for leak in leaks]
    assert not problems, "\n".join(problems)


_EXPORT_FORMS: dict = {}


def _export_form(live, url: str):
    """The export form as the Office user sees it (read once per module)."""
    key = f"{id(live.world)}:{url}"
    if key not in _EXPORT_FORMS:
        page = probe.fetch(live.clients["office"], "GET", url)
        _EXPORT_FORMS[key] = the_form(page.content.decode(), wanted=("format",))
    return _EXPORT_FORMS[key]
