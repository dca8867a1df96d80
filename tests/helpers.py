"""Test helpers: read a rendered HTML form back into the data a browser would post."""

import re
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = form_id is None
        self.data: dict[str, list[str]] = {}
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None
        self._multiple = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and self.form_id is not None and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                self.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select, self._select_value, self._first_option = name, None, None
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                if self._multiple:
                    self.data.setdefault(self._select, []).append(value)
                else:
                    self._select_value = value
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_endtag(self, tag):
        if tag == "form" and self.inside and self.form_id is not None:
            self.inside = False
        if tag == "select" and self._select:
            if not self._multiple:
                value = self._select_value if self._select_value is not None else self._first_option
                self.data.setdefault(self._select, []).append(value or "")
            self._select = None
        if tag == "textarea" and self._textarea:
            self.data.setdefault(self._textarea, []).append("".join(self._text).lstrip("\n"))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def form_data(html: str, form_id: str | None = None) -> dict[str, list[str] | str]:
    """The fields of the form `form_id` (or of the whole page) with their current values."""
    reader = _FormReader(form_id)
    reader.feed(html)
    return {name: values if len(values) > 1 else values[0] for name, values in reader.data.items()}


def page_actions(response) -> list[dict]:
    """The buttons along the top of an admin page, with those inside dropdowns ("More") too."""
    found = []
    for action in response.context["actions_detail"]:
        found.extend(action.get("items", [action]))
    return found


def page_key(client, url: str) -> str:
    """The one-time submission key a page gives its forms (the first one on the page)."""
    html = client.get(url).content.decode()
    match = re.search(r'name="submission_key" value="([^"]+)"', html)
    assert match, f"{url} has no form with a submission key"
    return match.group(1)


@contextmanager
def migrated_back_to(target: list[tuple[str, str]]) -> Iterator:
    """The database as it stood at migration `target`, with that moment's models (apps);
    migrated forward to the latest schema afterwards."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    executor.migrate(target)
    try:
        yield executor.loader.project_state(target).apps
    finally:
        call_command("migrate", verbosity=0)
