"""Every URL pattern of the site, filled with real ids from the world, and who may open it."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.resolvers import RegexPattern, RoutePattern
from django.views.generic import RedirectView

from powdercoat import roles
from tests.security import world as sentinel

PRICES = "powdercoat.view_prices"

# -- the patterns -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """One URL pattern of the resolver, with the admin of its model when it belongs to one."""

    name: str  # "admin:powdercoat_job_change"; unnamed patterns get "<namespace>:<route>"
    chain: tuple  # the pattern objects from the root down to this one
    callback: Callable
    model_admin: admin.ModelAdmin | None = field(default=None, compare=False)

    @property
    def text(self) -> str:
        """The whole pattern as written, for messages."""
        return "".join(str(part.pattern) for part in self.chain)

    @property
    def url_name(self) -> str:
        """The name without its namespace."""
        return self.name.split(":", 1)[-1]

    @property
    def model(self):
        return self.model_admin.model if self.model_admin is not None else None

    @property
    def suffix(self) -> str:
        """What an admin model URL is, after "<app>_<model>_": "change", "advance_job"..."""
        if self.model is None:
            return ""
        opts = self.model._meta
        return self.url_name.removeprefix(f"{opts.app_label}_{opts.model_name}_")

    @property
    def is_redirect_view(self) -> bool:
        return getattr(self.callback, "view_class", None) is not None and issubclass(
            self.callback.view_class, RedirectView
        )


def _admin_of_prefix(text: str) -> admin.ModelAdmin | None:
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        if text == f"{opts.app_label}/{opts.model_name}/":
            return model_admin
    return None


def all_routes() -> list[Route]:
    """Every pattern of the root resolver, recursively through includes, in resolver order."""
    found: list[Route] = []

    def walk(resolver: URLResolver, chain: tuple, namespace: str, model_admin):
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner_ns = namespace
                if entry.namespace:
                    inner_ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
                inner_admin = model_admin
                if inner_ns == "admin" and model_admin is None:
                    inner_admin = _admin_of_prefix(str(entry.pattern))
                walk(entry, (*chain, entry), inner_ns, inner_admin)
            elif isinstance(entry, URLPattern):
                full = (*chain, entry)
                text = "".join(str(part.pattern) for part in full)
                name = entry.name if entry.name else f"<{text}>"
                name = f"{namespace}:{name}" if namespace else name
                owner = model_admin
                if namespace == "admin" and owner is None:
                    # The site's own pages under a model's address (admin_views/sites.py:
                    # the item wizard, powder demand) belong to that model's admin.
                    owner = _admin_of_prefix(
                        "".join(f"{part}/" for part in str(entry.pattern).split("/")[:2])
                    )
                found.append(Route(name, full, entry.callback, owner))

    walk(get_resolver(), (), "", None)
    return found


# -- arguments ----------------------------------------------------------------------------------

_ROUTE_ARG = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
_REGEX_GROUP = re.compile(r"\((?:\?P<(?P<name>\w+)>)?(?P<body>[^()]*)\)")


def arguments(route: Route) -> list[str]:
    """The route's arguments: keyword names, and "#0", "#1"... for unnamed regex groups."""
    names = []
    for part in route.chain:
        pattern = part.pattern
        if isinstance(pattern, RoutePattern):
            names += [m["name"] for m in _ROUTE_ARG.finditer(str(pattern))]
        elif isinstance(pattern, RegexPattern):
            position = 0
            for m in _REGEX_GROUP.finditer(str(pattern)):
                if m["name"]:
                    names.append(m["name"])
                else:
                    names.append(f"#{position}")
                    position += 1
    return names


def _render(route: Route, values: dict[str, str]) -> str:
    """The route's path with `values` put in for its arguments."""
    path = ""
    for part in route.chain:
        pattern = part.pattern
        text = str(pattern)
        if isinstance(pattern, RoutePattern):
            path += _ROUTE_ARG.sub(lambda m: values[m["name"]], text)
            continue
        positions = iter(range(100))
        text = _REGEX_GROUP.sub(
            lambda m, positions=positions: values[m["name"] or f"#{next(positions)}"], text
        )
        text = re.sub(r".\?", "", text)  # an optional character (the "/?" of old addresses)
        path += text.removeprefix("^").removesuffix("$")
    return "/" + path


def regex_choices(route: Route, name: str) -> list[str] | None:
    """The alternatives of a named group that is a plain alternation, like (powdercoat|auth)."""
    for part in route.chain:
        if isinstance(part.pattern, RegexPattern):
            for m in _REGEX_GROUP.finditer(str(part.pattern)):
                if m["name"] == name and re.fullmatch(r"[\w|]+", m["body"]):
                    return m["body"].split("|")
    return None


class Unfillable(Exception):
    """A pattern has an argument the world cannot fill: a new URL nobody has covered yet."""


# Pages whose argument lists are walked in full (every job, both versions...) rather than with
# the first object only: the pages that show an object as it stands or as it was.
_EVERY_OBJECT = ("change", "history")
_EVERY_JOB_NUMBER = ("admin_views:job_bump",)
# The work order PDF (slow to draw) of the job at Coating and of the invoiced one.
_SOME_JOB_NUMBERS = {"admin_views:job_work_order": ("coating", "invoiced")}
WIZARD_STEPS = ("kind", "size", "coats", "prep", "review", "catalog")
TOKEN = "{token}"  # a wizard draft's token: opened per role when the request is made


def world_objects(world, model) -> list:
    """The world's objects of `model`, the richest first; else any row of it; else none."""
    from django.contrib.auth import get_user_model

    from powdercoat import models as m

    known = {
        m.Job: list(world.jobs.values()),
        m.Customer: [world.customer],
        # The powder whose unit cost changed first: its history versions hold 11.75 and 12.34.
        m.InventoryItem: [world.history_powder, world.powder],
        m.InventoryActivity: [world.usage],
        m.Invoice: [world.invoice],
        m.Quote: [world.quote],
        m.CompanySettings: [world.company],
        m.JobTemplate: [world.template],
        m.CatalogProduct: [world.product],
        m.PrepService: [world.prep],
        m.Worker: [world.worker],
        get_user_model(): [world.user(roles.SHOP_FLOOR)],
        Group: [Group.objects.get(name=roles.SHOP_FLOOR)],
    }
    if model in known:
        return known[model]
    first = model._base_manager.order_by("pk").first()
    return [first] if first is not None else []


def history_ids(obj) -> list[int]:
    """The oldest and the newest version of an object with history (the price change between)."""
    versions = list(obj.history.order_by("history_date", "history_id").values_list("history_id"))
    ids = [versions[0][0], versions[-1][0]] if versions else []
    return list(dict.fromkeys(ids))


def _items_of(world, model) -> list:
    from powdercoat import models as m

    return {m.Job: [world.item], m.Quote: [world.quote_item], m.JobTemplate: [world.template_item]}[
        model
    ]


@dataclass(frozen=True)
class Target:
    """One concrete address to request: the pattern, a label for messages, the path and query."""

    route: Route
    label: str
    path: str
    query: str = ""
    facts: dict = field(default_factory=dict, compare=False)  # what the access rule needs

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path

    def with_token(self, token: str) -> "Target":
        return Target(
            self.route,
            self.label,
            self.path.replace(TOKEN, token),
            self.query,
            self.facts,
        )


def _argument_values(route: Route, name: str, world) -> list[tuple[str, str, dict]]:
    """(label, value, facts) for one argument of the route."""
    model = route.model
    suffix = route.suffix
    every = suffix in _EVERY_OBJECT
    if route.name == "admin:view_on_site":
        from powdercoat.models import Job

        if name == "content_type_id":
            return [("job type", str(ContentType.objects.get_for_model(Job).pk), {})]
        if name == "object_id":
            return [(f"job {world.job.pk}", str(world.job.pk), {})]
    if model is not None and name in ("object_id", "#0", "id"):
        objects = world_objects(world, model)
        if not objects:
            raise Unfillable(
                f"{route.name} ({route.text}): no {model._meta.label} exists in the world, so its "
                f"object id cannot be filled; add one to tests/security/world.py"
            )
        chosen = objects if every else objects[:1]
        return [(f"{model._meta.model_name} {obj.pk}", str(obj.pk), {"obj": obj}) for obj in chosen]
    if model is not None and name == "#1" and suffix == "simple_history":
        return [("", "{version}", {})]  # expanded per object below
    if model is not None and name == "item_id":
        return [(f"item {item.pk}", str(item.pk), {}) for item in _items_of(world, model)]
    if name == "token":
        return [("", TOKEN, {})]
    if model is not None and name == "import_id":
        run = world.imports[model._meta.label_lower]
        return [(f"import {run.pk}", str(run.pk), {"import": run})]
    if name == "step":
        return [(step, step, {"step": step}) for step in WIZARD_STEPS]
    if name == "number":
        jobs = list(world.jobs.values())
        chosen = jobs if route.name in _EVERY_JOB_NUMBER else jobs[:1]
        if route.name in _SOME_JOB_NUMBERS:
            chosen = [world.jobs[key] for key in _SOME_JOB_NUMBERS[route.name]]
        return [(job.number, job.number, {"job": job}) for job in chosen]
    if route.name == "admin_views:material_usage_logged" and name == "pk":
        return [(f"usage {world.usage.pk}", str(world.usage.pk), {})]
    # The customer's status page: the world's job through its issued link (the page must show
    # none of the sentinels), and the photo marked for the customer.
    if name == "status_token":
        return [("status link", world.job.status_token, {})]
    if route.name == "admin_views:status_photo" and name == "photo_id":
        return [(f"photo {world.photo.pk}", str(world.photo.pk), {})]
    if route.name == "media" and name == "path":
        return [("job photo", world.photo.image.name, {})]
    if route.name == "admin:app_list" and name == "app_label":
        return [(label, label, {"app_label": label}) for label in regex_choices(route, name)]
    if route.name == "admin:<admin/(?P<url>.*)$>" and name == "url":
        return [("no/such/page", "no/such/page/", {})]
    raise Unfillable(
        f"{route.name} ({route.text}): the argument {name!r} cannot be filled from the world; "
        "teach tests/security/resolver.py::_argument_values what to put there"
    )


def _autocomplete_queries() -> list[tuple[str, str, dict]]:
    """Every autocomplete the admin offers: its fields and its autocomplete list filters."""
    queries = [("no parameters", "", {"remote": None})]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        names = list(model_admin.autocomplete_fields)
        for entry in model_admin.list_filter:
            if isinstance(entry, tuple) and "Autocomplete" in entry[1].__name__:
                names.append(entry[0])
        for name in dict.fromkeys(names):
            remote = opts.get_field(name).remote_field.model
            for term in ("", "Harbor"):  # everything, and the sentinel customer by name
                query = urlencode(
                    {
                        "app_label": opts.app_label,
                        "model_name": opts.model_name,
                        "field_name": name,
                        "term": term,
                    }
                )
                label = f"{opts.model_name}.{name}" + (f" term={term}" if term else "")
                queries.append((label, query, {"remote": remote}))
    return queries


def _queries(route: Route, world) -> list[tuple[str, str, dict]]:
    """Query strings a page is opened with, besides none."""
    key_variants = [
        ("no key", "", {"key_right": False}),
        ("wrong key", "key=not-the-display-key-0000", {"key_right": False}),
        ("right key", urlencode({"key": world.company.display_key}), {"key_right": True}),
    ]
    if route.name in (
        "admin_views:shop_display",
        "admin_views:shop_display_board",
        "admin_views:shop_display_old",
    ):
        return key_variants
    if route.name == "admin:autocomplete":
        return _autocomplete_queries()
    if route.name == "admin:powdercoat_inventoryitem_demand":
        return [("", "", {}), ("csv", "format=csv", {}), ("xlsx", "format=xlsx", {})]
    if route.name == "admin_views:material_usage":
        query = urlencode({"item": world.powder.pk, "job": world.job.number})
        return [("", "", {}), ("prefilled", query, {})]
    if route.name == "admin_views:shop_scan":
        # A typed number of a real job (on to its bump page) and of none (a message).
        return [
            ("", "", {}),
            ("typed number", urlencode({"number": world.job.number}), {}),
            ("unknown number", "number=JOB-0000-0000", {}),
        ]
    if route.name == "admin_views:powder_search":
        # The sentinel powder found by name and by SKU: its cost must not come with it.
        return [
            ("", "", {}),
            ("by name", "q=Signal", {}),
            ("by sku", urlencode({"q": world.powder.sku}), {}),
        ]
    if route.name == "admin:powdercoat_job_changelist":
        return [("", "", {}), ("all jobs", "view=all", {})]
    if route.name == "admin:search":
        # The sidebar search, asked for the sentinel customer by name, phone and e-mail.
        return [
            ("", "", {}),
            ("customer name", "s=Harbor", {}),
            ("phone", f"s={sentinel.PHONE}", {}),
            ("email", "s=sentinel.customer", {}),
            ("invoice", "s=INV-", {}),
        ]
    return [("", "", {})]


def targets(route: Route, world) -> list[Target]:
    """The concrete addresses of a pattern (raises `Unfillable` for an argument it cannot fill)."""
    names = arguments(route)
    combos: list[tuple[str, dict, dict]] = [("", {}, {})]
    for name in names:
        expanded = []
        for label, values, facts in combos:
            for value_label, value, value_facts in _argument_values(route, name, world):
                expanded.append(
                    (
                        " ".join(part for part in (label, value_label) if part),
                        {**values, name: value},
                        {**facts, **value_facts},
                    )
                )
        combos = expanded
    # History versions belong to the object chosen for "#0".
    if "#1" in names and route.suffix == "simple_history":
        versions = []
        for label, values, facts in combos:
            for version in history_ids(facts["obj"]):
                versions.append(
                    (f"{label} v{version}", {**values, "#1": str(version)}, {**facts}),
                )
        combos = versions
    found = []
    for label, values, facts in combos:
        path = _render(route, values)
        for query_label, query, query_facts in _queries(route, world):
            full = " ".join(part for part in (label, query_label) if part)
            found.append(Target(route, full, path, query, {**facts, **query_facts}))
    for target in found:
        _check_resolves(target)
    return found


def _check_resolves(target: Target) -> None:
    path = target.path.replace(TOKEN, "tok")
    match = resolve(path)
    if match.func is not target.route.callback:
        raise Unfillable(
            f"{target.route.name}: the filled path {path} resolves to {match.view_name} instead; "
            "the filler in tests/security/resolver.py puts the wrong values in"
        )


# -- who may open what -------------------------------------------------------------------------

ALLOW, DENY, ANY = "allow", "deny", "any"


def _request_for(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def _model_perm(user, model, action: str) -> bool:
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.{action}_{opts.model_name}")


def _sees(user, model) -> bool:
    return _model_perm(user, model, "view") or _model_perm(user, model, "change")


def _unfold_action(route: Route):
    """The unfold action (detail, row, list, submit line) behind an admin URL, if it is one."""
    model_admin = route.model_admin
    extract = getattr(model_admin, "_extract_action_names", None)
    if extract is None:
        return None
    for attribute in ("actions_detail", "actions_row", "actions_list", "actions_submit_line"):
        for name in extract(getattr(model_admin, attribute, ())):
            if name == route.suffix:
                return attribute, getattr(model_admin, name)
    return None


def _declared_permissions_hold(route: Route, user, attribute: str, method) -> bool:
    """The checks the action declares (`permissions=[...]`) hold for the user."""
    request = _request_for(user)
    for permission in getattr(method, "allowed_permissions", ()) or ():
        if "." in permission:
            if not user.has_perm(permission):
                return False
            continue
        check = getattr(route.model_admin, f"has_{permission}_permission")
        if attribute in ("actions_detail", "actions_submit_line"):
            allowed = check(request, None)
        else:
            allowed = check(request)
        if not allowed:
            return False
    return True


# Admin model pages that are neither Django's own nor unfold actions, and what they need.
_CUSTOM_ADMIN_PAGES = {
    "item_add": "wizard",
    "item_edit": "wizard",
    "item_delete": "wizard",
    "item_estimate": "wizard",
    "item_wizard": "wizard",
    "pdf": "view",
    "demand": "view",
    "preview_work_order": "change",
    "password_change": "change",
    "photos_add": "photos",
}

# The pages outside the admin, and what each needs (a new page must be added here).
SHOP_PAGES = {
    "admin_views:home": "redirect",
    "admin_views:healthz": "public",
    "admin_views:job_templates": "redirect",
    "admin_views:shop_display": "display key",
    "admin_views:shop_display_board": "display key",
    "admin_views:priority_board": "powdercoat.view_job",
    "admin_views:priority_move": "post only",
    "admin_views:priority_undo": "post only",
    "admin_views:shop_mobile": "powdercoat.view_job",
    # The oven plan: no money on it, so whoever sees jobs; Start and Done move jobs.
    "admin_views:oven_plan": "powdercoat.view_job",
    "admin_views:oven_batch_start": "post only",
    "admin_views:oven_batch_finish": "post only",
    "admin_views:shop_mobile_list": "powdercoat.view_job",
    # The installable phone app's manifest and service worker: no job data in either.
    "admin_views:phone_manifest": "public",
    "admin_views:phone_service_worker": "public",
    "admin_views:shop_mobile_advance": "post only",
    "admin_views:shop_mobile_undo": "post only",
    "admin_views:job_bump": "powdercoat.view_job",
    # The camera page; a typed job number sends whoever may see jobs on to its bump page.
    "admin_views:shop_scan": "powdercoat.view_job",
    "admin_views:material_usage": "powdercoat.add_inventoryactivity",
    "admin_views:material_usage_logged": "powdercoat.view_inventoryactivity",
    # The wizard's powder picker: pounds on hand and vendor, no cost, so whoever sees stock.
    "admin_views:powder_search": "powdercoat.view_inventoryitem",
    "admin_views:shop_display_old": "redirect",
    "admin_views:priority_board_old": "redirect",
    "admin_views:shop_mobile_old": "redirect",
    "admin_views:job_work_order": "powdercoat.view_job",
    # The customer's status link: no login, the secret in the address (SPEC U1).
    "admin_views:status_page": "public",
    "admin_views:status_photo": "public",
    "admin_views:work_order_blank": "login",
    "admin_views:work_order_blank_old": "redirect",
    "media": "login",
}

_SITE_PAGES = {
    "admin:index": "login",
    "admin:search": "login",
    "admin:jsi18n": "login",
    "admin:password_change": "login",
    "admin:password_change_done": "login",
    "admin:login": "public",
    "admin:logout": "any",
    "admin:view_on_site": "any",
    "admin:<admin/(?P<url>.*)$>": "deny",
    # Operations → Reports (admin_views/views/reports): what each report needs.
    "admin:reports": "powdercoat.view_job",
    "admin:report_stage-times": "powdercoat.view_job",
    "admin:report_on-time": "powdercoat.view_job",
    "admin:report_rework": "powdercoat.view_reworkrecord",
    "admin:report_hours": ("powdercoat.view_job", "powdercoat.view_timeentry"),
    "admin:report_powder": ("powdercoat.view_job", "powdercoat.view_inventoryitem"),
    "admin:report_revenue": ("powdercoat.view_invoice", "powdercoat.view_prices"),
}


# What a POST to the pages that only take POSTs needs (their GET is refused to everyone).
POST_RULES = {
    "admin_views:priority_move": "powdercoat.change_job",
    "admin_views:priority_undo": "powdercoat.change_job",
    "admin_views:shop_mobile_advance": "powdercoat.view_job",
    "admin_views:shop_mobile_undo": "powdercoat.view_job",
    "admin_views:oven_batch_start": "powdercoat.advance_job",
    "admin_views:oven_batch_finish": "powdercoat.advance_job",
}


def post_expectation(target: Target, user) -> str:
    """ALLOW, DENY or ANY for a POST: as for GET, except for the pages that only take POSTs."""
    rule = POST_RULES.get(target.route.name)
    if rule is not None:
        return DENY if user is None or not user.has_perm(rule) else ALLOW
    if user is not None and target.route.suffix in _BACKGROUND_IMPORT_BUTTONS:
        return ALLOW if _background_import_allowed(target, user) else DENY
    return anonymous_expectation(target) if user is None else user_expectation(target, user)


_BACKGROUND_IMPORT_BUTTONS = ("background_import_confirm", "background_import_cancel")


def _background_import_allowed(target: Target, user) -> bool:
    """A big file in the background is its uploader's alone, while they may still import."""
    model = target.route.model
    run = target.facts["import"]
    may_import = _model_perm(user, model, "add") and _model_perm(user, model, "change")
    return may_import and user.pk == run.user_id


def is_site_page(route: Route) -> bool:
    """The admin site's own pages (login, logout, index...), not about any record."""
    return route.name in _SITE_PAGES


class NoRule(Exception):
    """A page nobody has said who may open: a new URL to think about."""


def anonymous_expectation(target: Target) -> str:
    """What a visitor without a login must get: ALLOW (a public page), ANY (a plain redirect)
    or DENY (the login page, a refusal or nothing)."""
    route = target.route
    rule = SHOP_PAGES.get(route.name) or _SITE_PAGES.get(route.name)
    if rule == "public":
        return ALLOW
    if rule == "display key":
        return ALLOW if target.facts.get("key_right") else DENY
    if rule == "redirect" or route.is_redirect_view:
        return ANY
    return DENY


def user_expectation(target: Target, user) -> str:
    """ALLOW, DENY or ANY for a logged-in role, derived from its permissions."""
    route = target.route
    rule = SHOP_PAGES.get(route.name) or _SITE_PAGES.get(route.name)
    if rule is not None:
        if rule in ("public", "login"):
            return ALLOW
        if rule in ("any", "redirect"):
            return ANY
        if rule == "deny" or rule == "post only":
            return DENY
        if rule == "display key":
            return ALLOW if target.facts.get("key_right") else DENY
        if isinstance(rule, tuple):
            return ALLOW if user.has_perms(rule) else DENY
        return ALLOW if user.has_perm(rule) else DENY
    if route.name == "admin:app_list":
        return ALLOW if user.has_module_perms(target.facts["app_label"]) else DENY
    if route.name == "admin:autocomplete":
        remote = target.facts.get("remote")
        if remote is None:
            return DENY
        return ALLOW if _sees(user, remote) else DENY
    if route.is_redirect_view:  # a plain redirect, like the admin's "<id>/" -> "<id>/change/"
        return ANY
    if route.suffix.startswith("background_import"):
        if route.suffix in _BACKGROUND_IMPORT_BUTTONS:
            return DENY  # buttons: a GET is refused whoever asks
        return ALLOW if _background_import_allowed(target, user) else DENY
    if route.model_admin is None:
        raise NoRule(
            f"{route.name} ({route.text}) has no access rule; add it to SHOP_PAGES or "
            "_SITE_PAGES in tests/security/resolver.py"
        )
    return ALLOW if _admin_page_allowed(route, user) else DENY


def _admin_page_allowed(route: Route, user) -> bool | None:
    """A model admin page: what the user's permissions allow (the admin may narrow, never widen)."""
    model_admin, model, suffix = route.model_admin, route.model, route.suffix
    request = _request_for(user)
    if suffix in ("changelist", "change", "history", "simple_history"):
        return _sees(user, model) and model_admin.has_view_or_change_permission(request)
    if suffix == "add":
        return _model_perm(user, model, "add") and model_admin.has_add_permission(request)
    if suffix == "delete":
        return _model_perm(user, model, "delete") and model_admin.has_delete_permission(request)
    if suffix == "export":
        # Exports carry prices, costs and contact details: the office roles only.
        return _sees(user, model) and user.has_perm(PRICES)
    if suffix in ("import", "process_import"):
        return _model_perm(user, model, "add") and _model_perm(user, model, "change")
    found = _unfold_action(route)
    if found is not None:
        attribute, method = found
        return _sees(user, model) and _declared_permissions_hold(route, user, attribute, method)
    kind = _CUSTOM_ADMIN_PAGES.get(suffix)
    if kind == "wizard":
        # The wizard writes the owner's items and shows prices.
        return _model_perm(user, model, "change") and user.has_perm(PRICES)
    if kind == "view":
        return _sees(user, model)
    if kind == "change":
        return _model_perm(user, model, "change")
    if kind == "photos":
        return _sees(user, model) and user.has_perm("powdercoat.add_jobphoto")
    raise NoRule(
        f"{route.name} ({route.text}) has no access rule; add its suffix {suffix!r} to "
        "_CUSTOM_ADMIN_PAGES in tests/security/resolver.py"
    )


def secret_texts(world) -> tuple[str, ...]:
    """What nobody without a login may see: the sentinels and the shop's own records."""
    return (
        *world.sentinels,
        *(job.number for job in world.jobs.values()),
        world.quote.number,
        world.customer.company_name,
        world.worker.name,
    )
