"""Requests that report a server error precisely, response text of any kind, and DB snapshots."""

import html
import io
import re
import traceback
import zipfile
from contextlib import contextmanager

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.db import connection, transaction
from django.forms import BaseForm, BaseFormSet
from django.shortcuts import resolve_url

# Tables a refused or invalid post may legitimately touch: sessions (wizard drafts, messages),
# the login throttle's own records, and the tables that never change.
_NOT_BUSINESS_DATA = {"sessions", "axes", "contenttypes"}
# A login's remembered phone-view chip is written by opening the phone view, as a session is:
# what a person last chose to look at, not the shop's data.
_STATIC_MODELS = {"auth.Permission", "powdercoat.PhonePreference"}


@contextmanager
def kept_session(client):
    """Give the client its session cookie back afterwards: a password change cycles the session
    key, and the new session row is rolled back with the test's savepoint."""
    morsel = client.cookies.get(settings.SESSION_COOKIE_NAME)
    value = morsel.value if morsel is not None else None
    try:
        yield
    finally:
        if value is not None:
            client.cookies[settings.SESSION_COOKIE_NAME] = value


def _traceback_head(error: BaseException) -> str:
    """Where it went wrong, in a few lines: the innermost frames of the app's own code, the
    innermost frame of all, and the exception."""
    frames = traceback.extract_tb(error.__traceback__)
    base = str(settings.BASE_DIR)
    ours = [
        frame
        for frame in frames
        if frame.filename.startswith(base)
        and "site-packages" not in frame.filename
        and "/tests/" not in frame.filename
    ]
    if not ours:  # a library's own frames then, above the database driver
        ours = [
            frame
            for frame in frames
            if "/django/db/" not in frame.filename and "/tests/" not in frame.filename
        ]
    chosen = [*ours[-3:], *(frames[-1:] if not ours or frames[-1] is not ours[-1] else [])]
    lines = [f"  {frame.filename}:{frame.lineno} in {frame.name}: {frame.line}" for frame in chosen]
    return "\n".join([*lines, f"  {type(error).__name__}: {error!s:.300}"])


def fetch(client, method: str, url: str, data=None, **extra):
    """GET or POST through the test client; an exception or a 5xx fails with where and why."""
    # Each request stands on its login alone: no messages or remembered keys from earlier ones.
    for name in list(client.cookies):
        if name != settings.SESSION_COOKIE_NAME:
            del client.cookies[name]
    failure = None
    try:
        if method == "GET":
            response = client.get(url, **extra)
        else:
            response = client.post(url, data or {}, **extra)
    except Exception as error:  # noqa: BLE001 - any exception at all is the finding
        failure = (
            f"{method} {url!r} raised {type(error).__name__}: {error!s:.300}\n"
            f"{_traceback_head(error)}"
        )
    if failure is not None:
        pytest.fail(failure, pytrace=False)
    if response.status_code >= 500:
        pytest.fail(f"{method} {url!r} answered {response.status_code}", pytrace=False)
    return response


def login_url() -> str:
    """Where the site sends people who are not logged in."""
    return resolve_url(settings.LOGIN_URL)


def is_login_redirect(response) -> bool:
    """The answer sends the browser to the login page."""
    location = response.get("Location", "") or response.get("HX-Redirect", "")
    return response.status_code in (301, 302, 303, 307, 308) and location.startswith(login_url())


def is_refusal(response) -> bool:
    """A refusal that shows nothing: to the login page, 400/403/404/405, or too many tries."""
    return is_login_redirect(response) or response.status_code in (400, 401, 403, 404, 405, 429)


def refused_or_sent_to_refusal(client, response) -> bool:
    """A refusal, or a plain redirect to a page of the site that refuses this client."""
    if is_refusal(response):
        return True
    location = response.get("Location", "")
    if response.status_code in (301, 302, 303, 307, 308) and location.startswith("/"):
        return is_refusal(fetch(client, "GET", location))
    return False


def is_success(response) -> bool:
    """The page was served (or sent on somewhere other than the login page)."""
    if response.status_code == 200:
        return True
    return response.status_code in (301, 302, 303, 307, 308) and not is_login_redirect(response)


# -- the text of a response --------------------------------------------------------------------


def _pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def _xlsx_text(data: bytes) -> str:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    cells = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            cells += [str(value) for value in row if value is not None]
    return "\n".join(cells)


def body_bytes(response) -> bytes:
    """The body, streamed ones too (read once, kept on the response)."""
    if getattr(response, "streaming", False):
        data = b"".join(response.streaming_content)
        response.__dict__["_pc_body"] = data
        return data
    return response.__dict__.get("_pc_body", response.content)


def response_text(response) -> str:
    """Everything a person could read in the answer: headers and the body, whatever its type
    (HTML, JSON, CSV as text; PDF through pypdf; XLSX cell by cell). The address of a login
    redirect is left out: it only repeats the address that was asked for."""
    headers = "\n".join(
        f"{name}: {value}"
        for name, value in response.items()
        if not (name == "Location" and is_login_redirect(response))
    )
    data = body_bytes(response)
    content_type = response.get("Content-Type", "")
    if data.startswith(b"%PDF") or "pdf" in content_type:
        text = _pdf_text(data)
    elif data.startswith(b"PK") and zipfile.is_zipfile(io.BytesIO(data)):
        text = _xlsx_text(data)
    else:
        text = data.decode("utf-8", "replace")
    return f"{headers}\n{text}"


def found_texts(text: str, secrets) -> list[str]:
    """Each secret found in the text (also HTML-unescaped, whitespace collapsed), with context."""
    variants = (text, " ".join(html.unescape(text).split()))
    found = []
    for secret in secrets:
        # A figure counts only as a whole number: 11.75 is not found in a timestamp's 11.750152.
        pattern = re.compile(
            r"(?<![\d.])" + re.escape(secret) + r"(?!\d)"
            if secret[:1].isdigit() and secret[-1:].isdigit()
            else re.escape(secret)
        )
        for variant in variants:
            match = pattern.search(variant)
            if match:
                at = match.start()
                context = variant[max(0, at - 60) : at + len(secret) + 40].replace("\n", " ")
                found.append(f"{secret!r} in …{context}…")
                break
    return found


# -- the database, before and after -----------------------------------------------------------


def _business_models() -> dict[str, type]:
    """The models whose rows are the shop's data, by table name."""
    found = {}
    for model in apps.get_models():
        opts = model._meta
        if opts.app_label in _NOT_BUSINESS_DATA or opts.label in _STATIC_MODELS:
            continue
        if opts.managed and not opts.proxy:
            found[opts.db_table] = model
    return found


def db_fingerprint(tables=None) -> dict:
    """The business rows of the database (of `tables` only, when given) to compare."""
    rows = {}
    for table, model in _business_models().items():
        if tables is None or table in tables:
            rows[model._meta.label] = list(model._base_manager.order_by("pk").values_list())
    return rows


_WRITE = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?',
    re.IGNORECASE,
)


def post_and_diff(client, url: str, data, inspect=None, **extra) -> tuple:
    """POST, and say which business rows it changed (compared only in the tables it wrote to:
    the rows after, then the rows before, by rolling back to a savepoint taken first; the
    post's work is left rolled back). `inspect(response)` runs before the rollback."""
    savepoint = transaction.savepoint_create()
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    # A plain execute wrapper, not the debug cursor: that one quotes the parameters again and
    # fails on a huge number the real query would have taken.
    with connection.execute_wrapper(record):
        response = fetch(client, "POST", url, data, **extra)
        if inspect is not None:
            inspect(response)
    written = {match[1] for sql in statements if (match := _WRITE.match(sql)) is not None}
    written &= set(_business_models())
    if not written:
        transaction.savepoint_commit(savepoint)
        return response, []
    after = db_fingerprint(written)
    transaction.savepoint_rollback(savepoint)
    before = db_fingerprint(written)
    # The database is now as it was before the post; the test goes on from there.
    return response, fingerprint_changes(before, after)


def fingerprint_changes(before: dict, after: dict) -> list[str]:
    """Which tables differ, and how, briefly."""
    changed = []
    for label in sorted(set(before) | set(after)):
        old, new = before.get(label, []), after.get(label, [])
        if old == new:
            continue
        added = [row for row in new if row not in old]
        removed = [row for row in old if row not in new]
        changed.append(
            f"{label}: {len(removed)} row(s) changed/removed, {len(added)} added "
            f"(e.g. {str((added or removed)[0])[:200]})"
        )
    return changed


# -- did the page say no? -----------------------------------------------------------------------


def _forms_in_context(response):
    for context in response.context or []:
        for layer in getattr(context, "dicts", [context]):
            if not isinstance(layer, dict):
                continue
            for key, value in layer.items():
                if isinstance(value, BaseForm | BaseFormSet):
                    yield value
                form = getattr(value, "form", None)  # the admin's AdminForm
                if isinstance(form, BaseForm):
                    yield form
                if key == "inline_admin_formsets":
                    yield from (inline.formset for inline in value)


def _has_errors(form) -> bool:
    if not form.is_bound:
        return False
    if isinstance(form, BaseFormSet):
        return bool(form.non_form_errors()) or any(sub.errors for sub in form.forms)
    return bool(form.errors)


def refusal_shown(response) -> bool:
    """The answer tells the person the input was not taken: a refusal status, a form shown
    again with its errors, or an error or warning message."""
    if response.status_code in (400, 403, 404, 405, 409, 413, 422):
        return True
    if any(_has_errors(form) for form in _forms_in_context(response)):
        return True
    for message in get_messages(response.wsgi_request):
        if message.level >= message_levels.WARNING:
            return True
    return False


def success_message(response) -> str:
    """The first success message the answer carries ("" when none)."""
    for message in get_messages(response.wsgi_request):
        if message.level == message_levels.SUCCESS:
            return str(message)
    return ""
