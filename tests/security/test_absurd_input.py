"""Absurd input in every form, query parameter and address: no server error, nothing stored."""

import csv
import io
from dataclasses import dataclass, field

import pytest
from django import forms
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.formsets import BaseFormSet
from django.http import QueryDict
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from tests.security import probe
from tests.security.pageforms import PageForm, page_forms, the_form
from tests.security.resolver import (
    TOKEN,
    Unfillable,
    _argument_values,
    _render,
    all_routes,
    arguments,
    targets,
    world_objects,
)
from tests.security.world import png_bytes

# -- the absurd values ---------------------------------------------------------------------------

HUGE = "99999999999999999999"
NUMBERS = ("1e999", HUGE, "-1", "NaN", "Infinity")
DATES = ("0001-01-01", "9999-12-31")
NUL = "a\x00b"
LONG = "x" * 10_000
SCRIPT = "<script>alert(1)</script>"
TEXTS = (NUL, LONG, SCRIPT)
# Values no field may accept: the form must be refused, with a message, and nothing stored.
NEVER_VALID = {"number": {"1e999", HUGE, "NaN", "Infinity"}, "text": {NUL}, "choice": {HUGE}}
VALUE_NAMES = {HUGE: "huge", NUL: "NUL", LONG: "10k chars", SCRIPT: "script"}
KEY_FIELDS = {"submission_key", "csrfmiddlewaretoken"}


def _name(value: str) -> str:
    return VALUE_NAMES.get(value, value)


# -- the forms the app shows ---------------------------------------------------------------------


@dataclass(frozen=True)
class FormCase:
    """A form to open and post: what it is, and enough to find its address in the world."""

    case_id: str
    kind: str  # add, change, dialog, wizard, shop, import, export, site
    model: type | None = None
    name: str = ""  # the dialog's action, the wizard step or the shop form
    detail: str = ""  # the wizard draft's item kind; the shop form's move


def _dialog_actions(model_admin) -> list[tuple[str, str]]:
    """(list attribute, action name) of every unfold action of the admin that opens a dialog."""
    found = []
    extract = getattr(model_admin, "_extract_action_names", None)
    if extract is None:
        return found
    for attribute in ("actions_detail", "actions_row", "actions_list", "actions_submit_line"):
        for name in extract(getattr(model_admin, attribute, ())):
            if getattr(getattr(model_admin, name, None), "dialog", None):
                found.append((attribute, name))
    return found


def _has_url(name: str) -> bool:
    return any(route.name == name for route in ROUTES)


ROUTES = all_routes()
WIZARD_STEPS = ("kind", "size", "coats", "prep", "review", "catalog")
OTHER_KINDS = ("catalog", "flat_rate", "labor_only", "photo_quote")


def form_cases() -> list[FormCase]:
    """Every form: admin add and change pages, unfold dialogs, wizard steps, shop pages."""
    cases = []
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        cases.append(FormCase(f"add:{label}", "add", model))
        cases.append(FormCase(f"change:{label}", "change", model))
        for _attribute, name in _dialog_actions(model_admin):
            cases.append(FormCase(f"dialog:{label}.{name}", "dialog", model, name))
        opts = model._meta
        if _has_url(f"admin:{opts.app_label}_{opts.model_name}_item_wizard"):
            steps = WIZARD_STEPS if opts.model_name == "job" else ("review", "catalog")
            for step in steps:
                cases.append(
                    FormCase(f"wizard:{label}.{step}", "wizard", model, step, "calculated")
                )
            if opts.model_name == "job":
                for kind in OTHER_KINDS:
                    cases.append(
                        FormCase(f"wizard:{label}.size[{kind}]", "wizard", model, "size", kind)
                    )
        if _has_url(f"admin:{opts.app_label}_{opts.model_name}_import"):
            cases.append(FormCase(f"import:{label}", "import", model))
        if _has_url(f"admin:{opts.app_label}_{opts.model_name}_export"):
            cases.append(FormCase(f"export:{label}", "export", model))
    cases += [
        FormCase("shop:phone advance", "shop", None, "advance"),
        FormCase("shop:bump advance", "shop", None, "bump", "advance"),
        FormCase("shop:bump hold", "shop", None, "bump", "hold"),
        FormCase("shop:material usage", "shop", None, "usage"),
        FormCase("shop:priority move", "shop", None, "priority"),
        FormCase("shop:add photos", "shop", None, "photos"),
        FormCase("site:login", "site", None, "login"),
        FormCase("site:password change", "site", None, "password_change"),
        FormCase("site:user password", "site", None, "user_password"),
        FormCase("site:work order preview", "site", None, "preview"),
    ]
    return cases


FORM_CASES = form_cases()


@dataclass
class OpenForm:
    """A form as one role sees it: where it posts, what it holds, what each field takes."""

    role: str
    get_url: str
    post_url: str
    form: PageForm
    kinds: dict[str, tuple[str, forms.Field | None]] = field(default_factory=dict)
    files: dict = field(default_factory=dict)
    headers: dict = field(default_factory=dict)


def _django_forms(response):
    """The Django forms and formsets behind the page (the admin form and its inlines too)."""
    found = []
    for context in response.context or []:
        for layer in getattr(context, "dicts", [context]):
            if not isinstance(layer, dict):
                continue
            for key, value in layer.items():
                if isinstance(value, forms.BaseForm | BaseFormSet):
                    found.append(value)
                elif key == "adminform":
                    found.append(value.form)
                elif key == "inline_admin_formsets":
                    found += [inline.formset for inline in value]
    unique = []
    for form in found:
        if all(form is not other for other in unique):
            unique.append(form)
    return unique


def _kind_of(model_field: forms.Field) -> str:
    if isinstance(model_field, forms.FileField):
        return "file"
    if isinstance(model_field, forms.BooleanField | forms.NullBooleanField):
        return "bool"
    if isinstance(model_field, forms.DateField | forms.DateTimeField):
        return "date"
    if isinstance(model_field, forms.IntegerField | forms.DecimalField | forms.FloatField):
        return "number"
    if isinstance(model_field, forms.ChoiceField | forms.ModelChoiceField):
        return "choice"
    if isinstance(model_field, forms.TimeField | forms.CharField):
        return "text"
    return "other"


def _field_kinds(django_forms) -> dict[str, tuple[str, forms.Field]]:
    """Each posted field name with its kind: number, date, text, choice, bool, file."""
    kinds = {}
    for form in django_forms:
        members = [form.management_form, *form.forms] if isinstance(form, BaseFormSet) else [form]
        for member in members:
            for name, form_field in member.fields.items():
                html_name = member.add_prefix(name)
                if isinstance(form_field, forms.SplitDateTimeField):
                    kinds[f"{html_name}_0"] = ("date", form_field)
                    kinds[f"{html_name}_1"] = ("text", form_field)
                elif isinstance(form_field, forms.MultiValueField):
                    for index in range(len(form_field.fields)):
                        kinds[f"{html_name}_{index}"] = ("text", form_field)
                else:
                    kinds[html_name] = (_kind_of(form_field), form_field)
    return kinds


def _html_kinds(form: PageForm) -> dict[str, tuple[str, None]]:
    """Kinds read from the HTML alone, for pages without a Django form behind them."""
    mapping = {"number": "number", "date": "date", "datetime-local": "date", "select": "choice"}
    kinds = {}
    for name, html_type in form.types.items():
        if name in KEY_FIELDS:
            continue
        if html_type in ("text", "textarea", "email", "url", "tel", "search", "hidden"):
            kinds[name] = ("hidden" if html_type == "hidden" else "text", None)
        elif html_type in mapping:
            kinds[name] = (mapping[html_type], None)
    return kinds


def _plausible(kind: str, form_field) -> str:
    """A value an ordinary person would type into an empty required field."""
    if kind == "date":
        if isinstance(form_field, forms.DateTimeField):
            return timezone.localtime().strftime("%Y-%m-%d %H:%M")
        return timezone.localdate().isoformat()
    if kind == "number":
        return "1"
    if kind == "choice":
        for value, _label in form_field.choices:
            value = getattr(value, "value", value)
            if value not in ("", None):
                return str(value)
        return ""
    if isinstance(form_field, forms.EmailField):
        return "sample@example.com"
    if isinstance(form_field, forms.URLField):
        return "https://example.com"
    if isinstance(form_field, forms.SlugField):
        return "sample-1"
    return "Sample 1"


def _fill_blanks(open_form: OpenForm) -> None:
    """Required fields the page left empty get a plausible value, so only one thing is absurd."""
    data = open_form.form.data
    for name, (kind, form_field) in open_form.kinds.items():
        if form_field is None or not form_field.required or kind in ("bool", "file", "other"):
            continue
        if name not in data or data[name] in ([], [""]):
            value = _plausible(kind, form_field)
            if value:
                data[name] = [value]


def _upload_fields(open_form: OpenForm) -> None:
    """A real small picture for every picture field (a spreadsheet for imports: set later)."""
    for name, (kind, form_field) in open_form.kinds.items():
        if kind == "file" and isinstance(form_field, forms.ImageField | forms.FileField):
            open_form.files[name] = ("photo.png", png_bytes(), "image/png")


# -- opening a form ------------------------------------------------------------------------------

_OPENED: dict = {}
_REFUSED: dict = {}  # why a role could not open a form: "403", "302 /admin/login/..."


def _object(live, model):
    objects = world_objects(live.world, model)
    if not objects:
        raise Unfillable(f"no {model._meta.label} in the world to open its form with")
    return objects[0]


def _addresses(live, case: FormCase, role: str) -> tuple[str, dict] | None:
    """(address of the page with the form, request headers) for this role; None: no such page."""
    world, model = live.world, case.model
    if model is not None:
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
    if case.kind == "add":
        return reverse(f"{prefix}_add"), {}
    if case.kind == "change":
        return reverse(f"{prefix}_change", args=[_object(live, model).pk]), {}
    if case.kind == "dialog":
        url_name = f"{prefix}_{case.name}"
        attribute = next(
            a for a, n in _dialog_actions(admin.site._registry[model]) if n == case.name
        )
        args = [] if attribute == "actions_list" else [_object(live, model).pk]
        return reverse(url_name, args=args), {"HTTP_HX_REQUEST": "true"}
    if case.kind == "wizard":
        token = live.token(role, opts.model_name, case.detail)
        owner = _object(live, model)
        return reverse(f"{prefix}_item_wizard", args=[owner.pk, token, case.name]), {}
    if case.kind in ("import", "export"):
        return reverse(f"{prefix}_{case.kind}"), {}
    job = world.job
    return {
        "advance": (reverse("admin_views:shop_mobile"), {}),
        "bump": (reverse("admin_views:job_bump", args=[job.number]), {}),
        "usage": (
            f"{reverse('admin_views:material_usage')}?item={world.powder.pk}&job={job.number}",
            {},
        ),
        "priority": (reverse("admin_views:priority_board"), {}),
        "photos": (reverse("admin:powdercoat_job_photos_add", args=[job.pk]), {}),
        "login": (reverse("admin:login"), {}),
        "password_change": (reverse("admin:password_change"), {}),
        "user_password": (
            reverse("admin:auth_user_password_change", args=[world.user("Shop Floor").pk]),
            {},
        ),
        "preview": (
            reverse("admin:powdercoat_companysettings_change", args=[world.company.pk]),
            {},
        ),
    }[case.name]


def _pick_form(case: FormCase, html: str, wanted) -> PageForm | None:
    """The form of the case on the page."""
    if case.kind == "shop" and case.name in ("advance", "priority"):
        for form in page_forms(html):
            if form.method != "post":
                continue
            if (
                case.name == "advance"
                and form.action.endswith("/advance/")
                and form.data.get("move") == ["advance"]
            ):
                return form
            if case.name == "priority" and form.action.endswith("/move/"):
                return form
        return None
    if case.kind == "shop" and case.name == "bump":
        for form in page_forms(html):
            if form.method == "post" and form.data.get("move") == [case.detail]:
                return form
        return None
    ids = ("item-wizard", "usage-form")
    if case.model is not None:
        name = case.model._meta.model_name
        ids = (f"{name}_form", *ids)
    return the_form(html, ids=ids, wanted=wanted)


def _post_url(case: FormCase, get_url: str, form: PageForm) -> str:
    if case.kind == "site" and case.name == "preview":
        return get_url.replace("/change/", "/preview-work-order/")
    if case.kind == "import":
        return get_url
    action = form.action
    if action and action.startswith("/"):
        return action
    return get_url


def open_form(live, case: FormCase, role: str) -> OpenForm | None:
    """The form as `role` sees it (read once per module); None when the role cannot open it."""
    key = (id(live.world), case.case_id, role)
    if key in _OPENED:
        return _OPENED[key]
    address = _addresses(live, case, role)
    opened = None
    if address is not None:
        url, headers = address
        client = live.clients[role]
        response = probe.fetch(client, "GET", url, **headers)
        _REFUSED[key] = f"{response.status_code} {response.get('Location', '')}".strip()
        if response.status_code == 200:
            django_forms = _django_forms(response)
            kinds = _field_kinds(django_forms)
            form = _pick_form(case, response.content.decode(), kinds)
            if form is not None:
                opened = OpenForm(role, url, _post_url(case, url, form), form, headers=headers)
                opened.kinds = {
                    name: kind for name, kind in kinds.items() if name not in KEY_FIELDS
                } or _html_kinds(form)
                _fill_blanks(opened)
                _upload_fields(opened)
    _OPENED[key] = opened
    return opened


def _roles_for(live, case: FormCase) -> list[OpenForm]:
    """Office (the Administrator where Office may not open it), and Shop Floor where it can."""
    if case.kind == "site" and case.name == "login":
        opened = open_form(live, case, "anon")
        return [opened] if opened else []
    found = []
    for role in ("office", "admin"):
        opened = open_form(live, case, role)
        if opened is not None:
            found.append(opened)
            break
    floor = open_form(live, case, "floor")
    if floor is not None and floor.kinds:
        found.append(floor)
    return found


# -- posting absurd values -----------------------------------------------------------------------


def _variants(case: FormCase, open_form: OpenForm):
    """(bucket, value, names) for each absurd value and the fields of its kind (for imports,
    also a spreadsheet with the value in every cell)."""
    if case.kind == "import":
        for value in (*NUMBERS, *DATES, *TEXTS):
            yield "spreadsheet", value, []
    by_kind: dict[str, list[str]] = {}
    for name, (kind, _field) in open_form.kinds.items():
        by_kind.setdefault(kind, []).append(name)
    hidden = [name for name in by_kind.get("hidden", ()) if name in open_form.form.data]
    for value in NUMBERS:
        if by_kind.get("number"):
            yield "number", value, by_kind["number"]
    for value in DATES:
        if by_kind.get("date"):
            yield "date", value, by_kind["date"]
    for value in TEXTS:
        if by_kind.get("text"):
            yield "text", value, by_kind["text"]
    if by_kind.get("choice"):
        yield "choice", HUGE, by_kind["choice"]
    for value in (HUGE, NUL):
        if hidden:
            yield "hidden", value, hidden


def _files(open_form: OpenForm, case: FormCase, value: str) -> dict:
    if case.kind == "import":
        return {"import_file": _absurd_spreadsheet(case.model, value)}
    return {
        name: SimpleUploadedFile(file_name, content, content_type=content_type)
        for name, (file_name, content, content_type) in open_form.files.items()
    }


def _absurd_spreadsheet(model, value: str) -> SimpleUploadedFile:
    """A CSV with the resource's columns and one row holding the absurd value in every cell."""
    model_admin = admin.site._registry[model]
    resource = model_admin.get_import_resource_classes(None)[0]()
    headers = resource.get_export_headers()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerow([value.replace("\x00", "\\0") if value == NUL else value] * len(headers))
    data = out.getvalue().encode()
    if value == NUL:
        data = data.replace(b"\\0", b"\x00")
    return SimpleUploadedFile("absurd.csv", data, content_type="text/csv")


def _button(open_form: OpenForm) -> dict:
    buttons = open_form.form.buttons
    for wanted in ("_finish_catalog", "_finish", "_add_now", "_next", "_save"):
        if wanted in buttons:
            return {wanted: "1"}
    return {}


def _xss(client, response) -> str | None:
    """Where the posted script comes back unescaped: the answer, or the page it sends on to."""
    if SCRIPT in probe.response_text(response):
        return "in the answer"
    location = response.get("Location", "") or response.get("HX-Redirect", "")
    if location.startswith("/"):
        page = probe.fetch(client, "GET", location)
        if SCRIPT in probe.response_text(page):
            return f"on {location}"
    return None


def _post_absurd(live, case: FormCase, open_form: OpenForm) -> list[str]:
    """Every absurd value into every field of its kind, one value at a time."""
    problems = []
    client = live.clients[open_form.role]
    base = open_form.form.post_data()
    for bucket, value, names in _variants(case, open_form):
        data = {**base, **_button(open_form)}
        for name in names:
            data[name] = value
        data.update(_files(open_form, case, value))
        where = (
            f"{open_form.role} POST {open_form.post_url} ({case.case_id}) "
            f"{bucket}={_name(value)!r} in {', '.join(names)[:200] or 'the file'}"
        )
        shown = []

        def look(response, value=value, shown=shown):
            if value == SCRIPT:
                shown.append(_xss(client, response))

        savepoint = probe.transaction.savepoint_create()
        try:
            with probe.kept_session(client):
                response, changes = probe.post_and_diff(
                    client, open_form.post_url, data, inspect=look, **open_form.headers
                )
        except pytest.fail.Exception as failure:
            problems.append(f"{where}: {failure}")
            continue
        finally:
            probe.transaction.savepoint_rollback(savepoint)
        if shown and shown[0]:
            problems.append(f"{where}: the script is put into the page unescaped {shown[0]}")
        strict = bool(names) and open_form.kinds[names[0]][1] is not None
        if strict and value in NEVER_VALID.get(bucket, ()):
            if changes:
                problems.append(f"{where} was stored: " + "; ".join(changes))
            elif not probe.refusal_shown(response):
                problems.append(
                    f"{where}: answered {response.status_code} without saying what is wrong"
                )
    return problems


@pytest.mark.parametrize("case", FORM_CASES, ids=[case.case_id for case in FORM_CASES])
def test_absurd_values_in_every_form(live, case):
    """Absurd values in each form: no error or raw script; impossible values refused, unsaved."""
    try:
        opened = _roles_for(live, case)
    except Unfillable as error:
        opened, problem = None, str(error)
    if opened is None:
        pytest.fail(problem, pytrace=False)
    if not opened:
        answers = {
            role: _REFUSED.get((id(live.world), case.case_id, role))
            for role in ("office", "admin", "floor", "anon")
        }
        if {answer for answer in answers.values() if answer} <= {"403"}:
            return  # the app never shows this form (like adding an invoice by hand)
        pytest.fail(f"{case.case_id}: no role could open the form: {answers}", pytrace=False)
    problems = []
    for open_form in opened:
        problems += _post_absurd(live, case, open_form)
    assert not problems, "\n".join(problems)


# -- absurd query parameters ---------------------------------------------------------------------

PARAM_VALUES = (HUGE, "-1", "NaN", "1e999", "0001-01-01", "9999-12-31", NUL, LONG, SCRIPT)
FIXED_VALUES = (HUGE, NUL, SCRIPT)  # for the parameters the address itself carries
ADMIN_LIST_PARAMS = ("q", "p", "o", "e", "all", "_facets", "_to_field", "_popup")
ALWAYS = ("utm_source", "next")
# What the admin's own views read on every object page; Django's code, not the app's.
ADMIN_INTERNAL = {
    "_changelist_filters",
    "_popup",
    "_to_field",
    "_source_model",
    "_selected_action",
    "_change_history",
}


class _ReadKeys:
    """Records every key the code reads from a QueryDict while it is on."""

    def __init__(self):
        self.keys: set[str] = set()
        self._saved = {}

    def __enter__(self):
        keys = self.keys
        for method in ("get", "__getitem__", "getlist", "__contains__"):
            original = getattr(QueryDict, method)
            self._saved[method] = original

            def spy(query_dict, key, *args, _original=original, **kwargs):
                if isinstance(key, str):
                    keys.add(key)
                return _original(query_dict, key, *args, **kwargs)

            setattr(QueryDict, method, spy)
        return self

    def __exit__(self, *exc):
        for method, original in self._saved.items():
            setattr(QueryDict, method, original)


PAGE_ROUTES = [
    route for route in ROUTES if not route.is_redirect_view and route.name != "admin:logout"
]


def _changelist_params(response) -> set[str]:
    """The list's own parameters and those of each of its filters."""
    cl = response.context.get("cl") if response.context else None
    if cl is None:
        return set()
    names = set(ADMIN_LIST_PARAMS)
    for spec in getattr(cl, "filter_specs", []):
        names |= set(spec.expected_parameters())
    return names


def _fuzz_rounds(target, params: set[str]):
    """Query strings: each absurd value in every parameter the address does not carry, then a
    few in all of them, the address's own included."""
    fixed = QueryDict(target.query)
    free = sorted(params - set(fixed))
    for value in PARAM_VALUES if free else ():
        query = fixed.copy()
        for name in free:
            query[name] = value
        yield value, free, query.urlencode()
    for value in FIXED_VALUES if set(fixed) else ():
        query = QueryDict(mutable=True)
        for name in sorted(params | set(fixed)):
            query[name] = value
        yield value, sorted(params | set(fixed)), query.urlencode()
    for name in ALWAYS:  # alone, as a link from a newsletter or a redirect would bring it
        query = fixed.copy()
        query[name] = "x"
        yield "x", [name], query.urlencode()


@pytest.mark.parametrize("route", PAGE_ROUTES, ids=[route.name for route in PAGE_ROUTES])
def test_absurd_query_parameters(live, route):
    """Absurd values in every query parameter a page reads: no error, no unescaped script."""
    try:
        found = targets(route, live.world)
    except Unfillable as error:
        found, problem = None, str(error)
    if found is None:
        pytest.fail(problem, pytrace=False)
    target = max(found, key=lambda candidate: len(candidate.query))
    problems = []
    for role in ("office", "floor"):
        client = live.clients[role]
        page = target
        if TOKEN in page.path:
            page = page.with_token(live.token(role, route.model._meta.model_name))
        with _ReadKeys() as reader:
            first = probe.fetch(client, "GET", page.url)
        if first.status_code != 200:
            continue
        own = reader.keys - ADMIN_INTERNAL - KEY_FIELDS
        listed = _changelist_params(first)
        if not own and not listed and route.suffix != "export":
            continue  # the page reads no parameter of its own
        params = own | listed | set(ALWAYS)
        for value, names, query in _fuzz_rounds(page, params):
            url = f"{page.path}?{query}"
            where = f"{role} GET {page.path} ?{','.join(names)}={_name(value)!r}"
            try:
                response = probe.fetch(client, "GET", url)
            except pytest.fail.Exception as failure:
                problems.append(f"{where}: {failure}")
                continue
            if value == SCRIPT and SCRIPT in probe.response_text(response):
                problems.append(f"{where}: the script is put into the page unescaped")
    assert not problems, "\n".join(problems)


# -- absurd ids in addresses ---------------------------------------------------------------------

ID_VALUES = ("abc", HUGE, "-1", "x")
ID_ARGUMENTS = {
    "object_id",
    "#0",
    "#1",
    "id",
    "item_id",
    "number",
    "pk",
    "token",
    "step",
    "status_token",
    "photo_id",
}
ID_ROUTES = [route for route in ROUTES if ID_ARGUMENTS & set(arguments(route))]


@pytest.mark.parametrize("route", ID_ROUTES, ids=[route.name for route in ID_ROUTES])
def test_absurd_ids_in_addresses(live, route):
    """Non-numeric, huge and negative ids in addresses: a refusal or not found, never an error."""
    try:
        found = targets(route, live.world)
    except Unfillable as error:
        found, problem = None, str(error)
    if found is None:
        pytest.fail(problem, pytrace=False)
    problems = []
    names = arguments(route)
    base = {name: _argument_values(route, name, live.world)[0][1] for name in names}
    if "#1" in names:  # the history version of the first target
        base["#1"] = found[0].path.rstrip("/").split("/")[-1]
    for name in sorted(ID_ARGUMENTS & set(names)):
        for value in ID_VALUES:
            path = _render(route, {**base, name: value})
            path = path.replace(TOKEN, "tok").replace("{version}", "1")
            try:
                resolve(path)
            except Resolver404:
                continue  # the converter refuses it before any view runs
            for role in ("admin", "floor"):
                try:
                    probe.fetch(live.clients[role], "GET", path)
                except pytest.fail.Exception as failure:
                    problems.append(f"{role} GET {path} ({name}={value!r}): {failure}")
    assert not problems, "\n".join(problems)
