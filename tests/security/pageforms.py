"""Every form on a page, read back into what a browser would post (with its submit buttons)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class PageForm:
    """One <form>: where it posts, its fields with their values and input types, its buttons."""

    form_id: str
    action: str
    method: str
    data: dict[str, list[str]] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)  # "text", "number", "select"...
    choices: dict[str, list[str]] = field(default_factory=dict)
    buttons: list[str] = field(default_factory=list)

    def post_data(self) -> dict[str, list[str] | str]:
        return {
            name: values if len(values) > 1 else values[0] for name, values in self.data.items()
        }


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[PageForm] = []
        self.current: PageForm | None = None
        self._select: str | None = None
        self._selected: list[str] = []
        self._multiple = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.current = PageForm(
                attrs.get("id") or "",
                attrs.get("action") or "",
                (attrs.get("method") or "get").lower(),
            )
            self.forms.append(self.current)
            return
        form = self.current
        if form is None:
            return
        name = attrs.get("name")
        if tag == "button" and name and attrs.get("type", "submit") == "submit":
            form.buttons.append(name)
        elif tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in {"submit", "image"}:
                form.buttons.append(name)
            elif kind in {"checkbox", "radio"}:
                form.types.setdefault(name, kind)
                if "checked" in attrs:
                    form.data.setdefault(name, []).append(attrs.get("value", "on"))
            elif kind not in {"button", "reset"}:
                form.types.setdefault(name, kind)
                form.data.setdefault(name, []).append(attrs.get("value") or "")
        elif tag == "select" and name:
            self._select, self._selected, self._multiple = name, [], "multiple" in attrs
            form.types.setdefault(name, "select")
            form.choices.setdefault(name, [])
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            form.choices[self._select].append(value)
            if "selected" in attrs:
                self._selected.append(value)
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []
            form.types.setdefault(name, "textarea")

    def handle_endtag(self, tag):
        form = self.current
        if tag == "form":
            self.current = None
        if form is None:
            return
        if tag == "select" and self._select:
            options = form.choices[self._select]
            if self._selected:
                form.data.setdefault(self._select, []).extend(
                    self._selected if self._multiple else self._selected[-1:]
                )
            elif not self._multiple and options:
                form.data.setdefault(self._select, []).append(options[0])
            self._select = None
        if tag == "textarea" and self._textarea:
            form.data.setdefault(self._textarea, []).append("".join(self._text).lstrip("\n"))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self._text.append(data)


def page_forms(html: str) -> list[PageForm]:
    """The forms of the page, in page order."""
    reader = _Reader()
    reader.feed(html)
    return reader.forms


def the_form(html: str, *, ids=(), wanted=()) -> PageForm | None:
    """The form with one of `ids`; else the one that has most of the `wanted` field names; else
    the posting form with the most fields."""
    forms = [form for form in page_forms(html) if form.method == "post"]
    for form_id in ids:
        for form in forms:
            if form.form_id == form_id:
                return form
    if not forms:
        return None
    wanted = set(wanted)
    return max(forms, key=lambda form: (len(wanted & set(form.data)), len(form.data)))
