"""Script payloads stored in every free-text field stay inert on every page and dialog."""

import re
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from urllib.parse import urlencode, urlsplit

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.validators import validate_email
from django.db import models
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import HistoricalChanges

from powdercoat.models import (
    CatalogProductCoat,
    CompanySettings,
    Customer,
    EmailLog,
    Invoice,
    Job,
    JobNote,
    JobPhoto,
    Oven,
    PartIntake,
    Quote,
    ReworkRecord,
    SpreadsheetImport,
    Submission,
    TimeEntry,
)
from powdercoat.models.choices import (
    EmailOutcome,
    JobStatus,
    PhotoKind,
    Priority,
    QuoteStatus,
    ReworkKind,
    ReworkReason,
)
from powdercoat.models.imports import ImportState
from powdercoat.services.inventory import material_usage_log
from powdercoat.services.jobs import job_cancel
from powdercoat.services.status_links import job_status_link_issue, status_link_path
from tests.browser.helpers import log_in
from tests.factories import (
    CatalogProductFactory,
    CustomerFactory,
    JobTemplateFactory,
    LineItemCoatFactory,
    LineItemFactory,
    LineItemPrepFactory,
    PowderFactory,
    PrepServiceFactory,
    QuoteFactory,
    QuoteLineItemFactory,
    TemplateLineItemFactory,
    UserFactory,
    WorkerFactory,
    invoiced_job,
    job_at,
    paid,
)

pytestmark = pytest.mark.django_db(transaction=True)

# -- the payloads --------------------------------------------------------------------------------

# Each stored value gets a number of its own; an alert shows that number followed by one digit
# for the payload kind, so `alert(1234)` is value 123, payload 4.
SCRIPT, IMG, SVG, JS_URL, EMAIL = 1, 2, 3, 4, 5
PAYLOADS = {
    SCRIPT: "<script>alert({n})</script>",
    IMG: '"><img src=x onerror=alert({n})>',
    SVG: "'><svg onload=alert({n})>",
    JS_URL: "javascript:alert({n})",
    # A quoted local part: Django's EmailValidator accepts it, so the office can save it.
    EMAIL: "\"<img/src='x'onerror=alert({n})>\"@example.com",
}
KIND_NAMES = {
    SCRIPT: "<script> payload",
    IMG: '"><img onerror> payload',
    SVG: "'><svg onload> payload",
    JS_URL: "javascript: payload",
    EMAIL: "e-mail payload",
}
# The most payloads that fit a field's max_length, tried in this order (javascript: first, so it
# starts the value as it would start a link; `//` keeps the rest from breaking the URL's script).
COMBINATIONS = (
    (JS_URL, SCRIPT, IMG, SVG),
    (SCRIPT, IMG, SVG),
    (IMG, SVG),
    (IMG,),
    (SVG,),
    (SCRIPT,),
    (JS_URL,),
)

# CharFields and TextFields of the powdercoat models that keep a format the app relies on, or
# that no payload fits. Fields with choices are skipped by rule (listed here where they matter).
SKIPPED_FIELDS = {
    "Job.number": "document number the app hands out; it is in addresses (/jobs/<number>/bump/)",
    "Quote.number": "document number the app hands out (QUO-YYMM-####)",
    "Invoice.number": "document number the app hands out (INV-YYMM-####)",
    "Job.status": "state-machine field with choices: only transitions write it",
    "Job.status_token": "the customer link's secret, made by the app; the test opens its page",
    "Job.held_from_status": "a status (choices) that Resume returns to, written by Hold",
    "Quote.status": "state-machine field with choices: only transitions write it",
    "Invoice.status": "state-machine field with choices: only transitions write it",
    "StatusChange.transition": "the move's code name written by the services (20 characters)",
    "NumberSequence.prefix": "numbering counter key (JOB, QUO, INV)",
    "NumberSequence.period": "numbering counter month (YYMM)",
    "InventoryItem.swatch_hex": "colour validated as #RRGGBB (a regex validator)",
    "CompanySettings.work_order_accent_color": "colour validated as #RRGGBB (a regex validator)",
    "CompanySettings.display_key": "the shop TV's secret in its address; the test opens it",
    "CompanySettings.time_zone": "validated against the time-zone database; every page uses it",
    "CompanySettings.currency": "three-letter currency code: no payload fits in 3 characters",
    "Submission.key_digest": "SHA-256 digest of a one-time form key",
    "Submission.answer_url": "the site's own address a repeated form is sent back to",
    "SpreadsheetImport.model_label": "the list's code name, written by the import page",
    "SpreadsheetImport.resource_path": "the importing class's dotted path, written by the code",
    "SpreadsheetImport.stored_name": "a random file name the upload is kept under",
    "SpreadsheetImport.file_format": "csv or xlsx, from the file's extension",
}
USER_FIELDS = ("first_name", "last_name", "email")  # auth.User: the names shown as "by ..."


def free_text_fields() -> list[models.Field]:
    """Every CharField/TextField/EmailField of the powdercoat models (history copies aside) that
    has no choices and is not skipped, then auth.User's names and e-mail."""
    found = []
    for model in apps.get_app_config("powdercoat").get_models():
        if issubclass(model, HistoricalChanges):
            continue  # simple-history's copies: written by saving the models themselves
        for model_field in model._meta.concrete_fields:
            name = f"{model.__name__}.{model_field.name}"
            if (
                isinstance(model_field, (models.CharField, models.TextField))
                and not model_field.choices
                and name not in SKIPPED_FIELDS
            ):
                found.append(model_field)
    user = get_user_model()
    return found + [user._meta.get_field(name) for name in USER_FIELDS]


def text_payload(number: int, max_length: int | None) -> str:
    """As many of the four text payloads as fit, each alerting `number` and its kind digit."""
    for kinds in COMBINATIONS:
        parts = [PAYLOADS[kind].format(n=number * 10 + kind) for kind in kinds]
        value = "//".join(parts[:2]) + "".join(parts[2:]) if kinds[0] == JS_URL else "".join(parts)
        if max_length is None or len(value) <= max_length:
            return value
    raise AssertionError(f"no payload fits in {max_length} characters")


def email_payload(number: int) -> str:
    """The quoted-local-part address that alerts `number` and the e-mail kind digit."""
    return PAYLOADS[EMAIL].format(n=number * 10 + EMAIL)


@dataclass
class Stored:
    """Which value carries which number: `alert(<number><kind>)` names its field and row."""

    values: dict[int, str] = field(default_factory=dict)
    fields: list[str] = field(default_factory=list)

    def describe(self, text: str) -> str:
        """The fields and payload kinds behind every alert(<n>) in `text`."""
        names = []
        for marker in dict.fromkeys(
            re.findall(r"alert\((\d+)\)", text) or re.findall(r"^\d+$", text)
        ):
            number, kind = divmod(int(marker), 10)
            names.append(
                f"alert({marker}) = {self.values.get(number, 'an unknown value')}, "
                f"{KIND_NAMES.get(kind, 'unknown payload')}"
            )
        return "; ".join(names) or "(no payload number in it)"


def store_payloads(labels: dict[tuple[type, int], str]) -> Stored:
    """Write a payload into every free-text field of every row, through `save()` so the history
    pages get a version with them too."""
    stored = Stored()
    by_model: dict[type, list[models.Field]] = {}
    for model_field in free_text_fields():
        by_model.setdefault(model_field.model, []).append(model_field)
        stored.fields.append(f"{model_field.model.__name__}.{model_field.name}")
    number = 10  # three digits and more: no alert number looks like an app's own
    for model, model_fields in by_model.items():
        rows = list(model._base_manager.order_by("pk"))
        assert rows, f"the test world has no {model.__name__} row to store payloads in"
        for row in rows:
            for model_field in model_fields:
                number += 1
                if isinstance(model_field, models.EmailField):
                    value = email_payload(number)
                else:
                    value = text_payload(number, model_field.max_length)
                setattr(row, model_field.attname, value)
                label = labels.get((model, row.pk), "")
                stored.values[number] = (
                    f"{model.__name__}.{model_field.name} of {model.__name__} #{row.pk}"
                    + (f" ({label})" if label else "")
                )
            row.save(update_fields=[model_field.attname for model_field in model_fields])
    return stored


# -- the small world -----------------------------------------------------------------------------


@dataclass
class World:
    company: CompanySettings
    job: Job  # at Coating, Rush: every record tab filled
    jobs: list[Job]
    quotes: list[Quote]
    invoices: list[Invoice]
    template: object
    powder: object
    usage: object
    job_item: object
    spreadsheet_import: object = None
    stored: Stored = None


def build_world(admin_user) -> World:
    """A customer, a worker with a login, powders, prep, a product, jobs at Coating, On Hold and
    Cancelled, quotes, invoices with a payment, e-mails, a template and company settings."""
    company = CompanySettings.load()
    worker = WorkerFactory(user=UserFactory(username="coater"), email="w@example.com", phone="1")
    powder = PowderFactory(name="Gloss black", vendor="v", notes="n", color_name="c")
    clear = PowderFactory(name="Super clear")
    blast = PrepServiceFactory(name="Sandblasting", description="d")
    product = CatalogProductFactory(category="Wheels", description="d")
    CatalogProductCoat.objects.create(product=product, powder=powder, position=1)
    product.prep_services.add(blast)
    customer = CustomerFactory(phone="1", mobile="2", billing_address="b", shipping_address="s")
    # Notifications off: the status dialogs say so, naming the customer.
    quiet = CustomerFactory(contact_name="Quiet", email_notifications=False)

    job = job_at(
        JobStatus.COATING,
        customer=customer,
        priority=Priority.RUSH,
        due_date=timezone.localdate() + timedelta(days=2),
        assigned_workers=[worker],
        project_name="p",
        po_number="po",
        special_instructions="s",
        estimated_hours=Decimal("2"),
    )
    item = LineItemFactory(job=job, catalog_product=product, estimate_note="e", notes="n")
    LineItemCoatFactory(item=item, powder=powder, position=1)
    LineItemCoatFactory(item=item, powder=clear, position=2)
    LineItemPrepFactory(item=item, prep_service=blast)
    JobNote.objects.create(job=job, text="t", author=admin_user)
    TimeEntry.objects.create(
        job=job, worker=worker, hours=Decimal("1.5"), stage=JobStatus.COATING, note="n"
    )
    ReworkRecord.objects.create(
        job=job, kind=ReworkKind.TOUCH_UP, reason=ReworkReason.DAMAGE, description="d"
    )
    ReworkRecord.objects.create(
        job=job,
        kind=ReworkKind.RECOAT,
        reason=ReworkReason.ORANGE_PEEL,
        description="d",
        resolution="r",
        resolved_at=timezone.now(),
    )
    PartIntake.objects.create(
        job=job, expected_count=4, actual_count=3, condition_notes="c", received_by=admin_user
    )
    JobPhoto.objects.create(job=job, image="jobs/stored.png", kind=PhotoKind.BEFORE, caption="c")
    usage = material_usage_log(
        job=job, item=powder, lbs=Decimal("1.5"), user=admin_user, note="n", confirmed=True
    )

    held = job_at(JobStatus.ON_HOLD, customer=quiet, assigned_workers=[worker])
    LineItemFactory(job=held)
    cancelled = job_at(JobStatus.SANDBLASTING, customer=customer)
    job_cancel(job=cancelled, user=None, reason="r")
    part_paid = invoiced_job(customer=customer, user=admin_user)
    paid(part_paid, "10.00", reference="r", user=admin_user)
    draft_invoice = invoiced_job(customer=quiet, user=admin_user)

    prospect = QuoteFactory(
        customer=None,
        prospect_name="n",
        prospect_company="c",
        prospect_email="p@example.com",
        prospect_phone="1",
        notes="n",
        special_instructions="s",
    )
    LineItemCoatFactory(item=QuoteLineItemFactory(quote=prospect), powder=powder)
    sent = QuoteFactory(customer=customer)
    approved = QuoteFactory(customer=customer)
    for quote, status in ((sent, QuoteStatus.SENT), (approved, QuoteStatus.APPROVED)):
        QuoteLineItemFactory(quote=quote)
        Quote.objects.filter(pk=quote.pk).update(status=status)

    for about in ({"job": job}, {"quote": prospect}, {"invoice": part_paid}):
        EmailLog.objects.create(
            to_address="a", subject="s", attachment_name="a", outcome=EmailOutcome.FAILED, **about
        )
    template = JobTemplateFactory(special_instructions="s")
    LineItemCoatFactory(item=TemplateLineItemFactory(template=template), powder=powder)
    Submission.objects.create(key_digest="0" * 64, answer_message="m")
    # The oven plan names its ovens (a transactional test's flush took migration 0026's).
    Oven.objects.get_or_create(name="Oven", defaults={"capacity": 120})
    # The customer's status page shows the job's description and items to anyone with it.
    job_status_link_issue(job=job)
    # A big file the Administrator uploaded, checked and waiting: its name is the person's.
    spreadsheet_import = SpreadsheetImport.objects.create(
        user=admin_user,
        model_label="powdercoat.customer",
        resource_path="powdercoat.resources.CustomerResource",
        file_name="f.csv",
        stored_name="preview-stored0000000000000000000",
        file_format="csv",
        rows=5000,
        state=ImportState.CHECKED,
        outcome={"total_rows": 5000, "totals": {"new": 5000, "update": 0, "skip": 0}},
    )

    labels = {
        (Customer, customer.pk): "the commercial customer",
        (Customer, quiet.pk): "the customer with e-mails off",
        (Job, job.pk): "the Rush job at Coating",
        (Job, held.pk): "the job On Hold",
        (Job, cancelled.pk): "the cancelled job",
        (Quote, prospect.pk): "the Draft quote to a prospect",
        (Quote, sent.pk): "the Sent quote",
        (Quote, approved.pk): "the Approved quote",
    }
    jobs = [job, held, cancelled, part_paid.job, draft_invoice.job]
    world = World(
        company=company,
        job=job,
        jobs=jobs,
        quotes=[prospect, sent, approved],
        invoices=[part_paid, draft_invoice],
        template=template,
        powder=powder,
        usage=usage,
        job_item=item,
        spreadsheet_import=spreadsheet_import,
    )
    world.stored = store_payloads(labels)
    world.company.refresh_from_db()
    for job_row in world.jobs:
        job_row.refresh_from_db()
    return world


# -- driving the browser -------------------------------------------------------------------------

# Finds markup the browser parsed out of stored text: a <script> with a payload's alert, an on*
# handler, a javascript: address, or user text inside an Alpine/htmx code attribute. Template
# contents (unfold's teleported menus) are searched too. Each element is reported once.
FIND_INJECTED = """() => {
  const seen = (window.__storedScriptSeen = window.__storedScriptSeen || new WeakSet());
  const marked = /alert\\(\\d+\\)/;
  const urlAttributes = new Set(["href", "src", "action", "formaction", "xlink:href", "data"]);
  const hits = [];
  const inspect = (el) => {
    if (seen.has(el)) return;
    const how = [];
    if (el.localName === "script" && marked.test(el.textContent)) how.push("a <script> element");
    for (const attribute of el.attributes || []) {
      const name = attribute.name.toLowerCase();
      const value = attribute.value;
      if (!marked.test(value)) continue;
      if (name.startsWith("on")) how.push(`an ${name} handler`);
      else if (urlAttributes.has(name) && /^\\s*javascript:/i.test(value))
        how.push(`a javascript: ${name}`);
      else if (name === "srcdoc") how.push("an iframe srcdoc");
      else if (/^(x-|@|:|hx-on|hx-vals|hx-vars)/.test(name)) how.push(`code attribute ${name}`);
    }
    if (how.length) {
      seen.add(el);
      hits.push({ how: how.join(", "), html: el.outerHTML.slice(0, 300) });
    }
  };
  const walk = (root) => {
    for (const el of root.querySelectorAll("*")) {
      inspect(el);
      if (el.localName === "template") walk(el.content);
    }
  };
  walk(document);
  return hits;
}"""

# Images the page asked for are loaded or broken, so their onerror handlers have run (lazy
# images off screen are never asked for).
IMAGES_SETTLED = """() => Array.from(document.images)
  .filter((image) => image.loading !== "lazy")
  .every((image) => image.complete)"""

# Both at once, in one round trip: the findings, or null while an image is still loading.
FIND_INJECTED_ONCE_SETTLED = f"() => ({IMAGES_SETTLED})() ? ({FIND_INJECTED})() : null"

# The fieldset tab an element sits in (its slug), or null outside tabs.
TAB_OF = """(element) => {
  const wrapper = element.closest(".tab-wrapper");
  return wrapper ? (wrapper.className.match(/fieldset-(\\S+)/) || [])[1] || null : null;
}"""

# The buttons that open a dialog into #modal-content (unfold actions, the record buttons of the
# job's tabs, the jobs list's status badges): where each sits, so it can be made visible.
DIALOG_LINKS = """() => Array.from(
  document.querySelectorAll('a[hx-get][hx-target="#modal-content"]'),
  (link) => {
    const words = link.cloneNode(true);
    words.querySelectorAll(".material-symbols-outlined").forEach((icon) => icon.remove());
    const wrapper = link.closest(".tab-wrapper");
    const room = link.closest("[data-room]");
    const menu = link.closest("nav");
    const anchor = menu && Array.from(menu.attributes).find((a) => a.name.startsWith("x-anchor"));
    return {
      url: link.getAttribute("hx-get"),
      text: words.textContent.replace(/\\s+/g, " ").trim(),
      tab: wrapper ? (wrapper.className.match(/fieldset-(\\S+)/) || [])[1] || null : null,
      room: room ? room.dataset.room : null,
      menu: anchor ? anchor.value.replace("$refs.", "") : null,
    };
  })"""

PAYLOAD_IN_ERROR = re.compile(r"alert\(\d+\)|<script|<img|<svg|onerror|onload|javascript:", re.I)


@dataclass
class Finding:
    where: str
    what: str
    fields: str
    snippet: str = ""
    marker: str = ""


class Sweep:
    """One role's walk through pages and dialogs, noting every place a payload came alive."""

    def __init__(self, page, base_url: str, role: str, stored: Stored, *, thorough: bool):
        self.page = page
        self.base_url = base_url
        self.role = role
        self.stored = stored
        # The Administrator's sweep is thorough: every record, every History version, and a
        # page refused to them is a fault. Other roles see one record of a kind, and may be
        # refused pages that are not theirs.
        self.thorough = thorough
        self.where = "(before the first page)"
        self.findings: list[Finding] = []
        self.fired: list[Finding] = []  # alerts seen since the last check, waiting for HTML
        self.pages: list[str] = []
        self.dialogs: list[str] = []
        self.autocompletes: list[str] = []
        self.opened_keys: set[tuple[str, str]] = set()
        self.refused: list[str] = []
        self.other_errors: list[str] = []
        page.on("dialog", self._on_dialog)
        page.on("pageerror", self._on_page_error)

    # -- events -----------------------------------------------------------------------------

    def _on_dialog(self, dialog) -> None:
        if dialog.type == "beforeunload":
            dialog.accept()
            return
        finding = Finding(
            self.where,
            f"JavaScript {dialog.type}({dialog.message}) fired",
            self.stored.describe(dialog.message),
            marker=dialog.message,
        )
        self.findings.append(finding)
        self.fired.append(finding)
        dialog.dismiss()

    def _on_page_error(self, error) -> None:
        text = f"{error.message}\n{getattr(error, 'stack', '') or ''}"
        if PAYLOAD_IN_ERROR.search(text):
            self.findings.append(
                Finding(
                    self.where, f"JavaScript error: {error.message}", self.stored.describe(text)
                )
            )
        else:
            self.other_errors.append(f"{self.where}: {error.message}")

    # -- checks -----------------------------------------------------------------------------

    @staticmethod
    def _around(html: str, needle: str) -> str:
        """`needle` with some of the page around it, from page.content(), on one line."""
        at = html.find(needle)
        if at < 0:
            return ""
        return re.sub(r"\s+", " ", html[max(at - 160, 0) : at + len(needle) + 80]).strip()

    def check(self) -> None:
        """Let broken images run their handlers, then look for payloads parsed as markup."""
        # The images have nearly always settled by now: one evaluate then does it, where a
        # wait_for_function before it cost about 20 ms more at each of the sweeps' ~600 checks.
        hits = self.page.evaluate(FIND_INJECTED_ONCE_SETTLED)
        if hits is None:
            self.page.wait_for_function(IMAGES_SETTLED)
            hits = self.page.evaluate(FIND_INJECTED)
        if not hits and not self.fired:
            return
        html = self.page.content()
        for hit in hits:
            fields = self.stored.describe(hit["html"])
            snippet = self._around(html, hit["html"][:100]) or hit["html"]
            alert = next((f for f in self.fired if f"alert({f.marker})" in hit["html"]), None)
            if alert is not None:
                alert.what += f"; the payload was parsed as markup ({hit['how']})"
                alert.snippet = snippet
                self.fired.remove(alert)
            else:
                self.findings.append(
                    Finding(self.where, f"payload parsed as markup: {hit['how']}", fields, snippet)
                )
        for alert in self.fired:
            marker = f"alert({alert.marker})"
            alert.snippet = self._around(html, marker) or f"({marker} is not in page.content())"
        self.fired = []

    # -- pages ------------------------------------------------------------------------------

    def open(self, path: str, label: str) -> bool:
        """Go to a page and check it; False when this role may not open it."""
        self.where = f"{self.role}: {label} [{path}]"
        response = self.page.goto(f"{self.base_url}{path}")
        status = response.status if response else 0
        if status == 403 and not self.thorough:
            self.refused.append(label)
            return False
        if status != 200:
            self.findings.append(Finding(self.where, f"the page answered HTTP {status}", "-"))
            return False
        self.pages.append(label)
        self.check()
        return True

    def open_with_tabs_and_dialogs(self, path: str, label: str, scope: str = "") -> bool:
        """A page, each of its tabs, and each dialog its buttons open.

        A dialog is opened once per `scope` (its address with the ids blanked): the jobs of one
        customer offer the same dialogs; an empty scope opens every one.
        """
        if not self.open(path, label):
            return False
        self.open_autocompletes(label)
        self.click_tabs(label)
        self.open_dialogs(label, scope)
        return True

    def open_autocompletes(self, label: str) -> None:
        """Drop down each autocomplete of the form (select2 draws the names it fetches)."""
        selects = self.page.locator("form select.admin-autocomplete")
        for index in range(selects.count()):
            select = selects.nth(index)
            tab = select.evaluate(TAB_OF)
            if tab:
                self._fieldset_tab(tab).first.click()
            opener = select.locator("xpath=following-sibling::span[1]//*[@role='combobox']")
            if not opener.count() or not opener.first.is_visible():
                continue
            name = select.get_attribute("name")
            self.where = f"{self.role}: {label} › {name} autocomplete"
            opener.first.click()
            expect(self.page.locator(".select2-results__option").first).to_be_visible()
            expect(self.page.locator(".select2-results__option.loading-results")).to_have_count(0)
            self.autocompletes.append(f"{label} › {name}")
            self.check()
            self.page.keyboard.press("Escape")

    def _fieldset_tab(self, slug: str):
        return self.page.locator(f"a[x-on\\:click=\"activeFieldsetTab = '{slug}'\"]")

    def click_tabs(self, label: str) -> None:
        """Every fieldset tab, then every inline tab (status timeline...), then back."""
        for selector in (
            'a[x-on\\:click^="activeFieldsetTab"]',
            '#tabs-items a[x-on\\:click^="activeTab"]',
        ):
            tabs = self.page.locator(selector)
            for index in range(tabs.count()):
                tab = tabs.nth(index)
                if tab.is_visible():
                    self.where = f"{self.role}: {label} › tab “{tab.inner_text().strip()}”"
                    tab.click()
                    self.check()
        general = self.page.locator('#tabs-items a[href="#general"]')
        if general.count():
            general.click()

    def open_dialogs(self, label: str, scope: str) -> None:
        """Click every button that opens a dialog; check the dialog; close it with Escape."""
        links = {link["url"]: link for link in self.page.evaluate(DIALOG_LINKS)}
        for url, link in links.items():
            key = (re.sub(r"\d+", "#", urlsplit(url).path), scope or url)
            if key in self.opened_keys:
                continue
            self.opened_keys.add(key)
            self.where = f"{self.role}: {label} › dialog “{link['text']}” [{url}]"
            try:
                self._open_dialog(url, link, label)
            except PlaywrightTimeoutError as error:
                first_line = str(error).splitlines()[0]
                self.findings.append(Finding(self.where, f"it did not open: {first_line}", "-"))
                self.page.keyboard.press("Escape")

    def _open_dialog(self, url: str, link: dict, label: str) -> None:
        if link["tab"]:
            self._fieldset_tab(link["tab"]).first.click()
        if link["room"]:
            # A button inside one of the record's rooms (notes, time...): open that tab first.
            self.page.locator(f'#tabs-items a[href="#{link["room"]}"]').first.click()
        button = self.page.locator(f'a[hx-get="{url}"][hx-target="#modal-content"]')
        button = button.filter(visible=True)
        if link["menu"] and not button.count():
            # Under "More" or a list row's menu: open the menu with the button it hangs from.
            self.page.locator(f'[x-ref="{link["menu"]}"]').first.click()
        self.page.evaluate("document.getElementById('modal-content').replaceChildren()")
        path = urlsplit(url).path
        with self.page.expect_response(lambda answer: urlsplit(answer.url).path == path) as sent:
            button.first.click()
        if sent.value.status != 200:
            self.findings.append(
                Finding(self.where, f"the dialog answered HTTP {sent.value.status}", "-")
            )
            return
        expect(self.page.locator("#modal-content #dialog")).to_be_visible()
        self.dialogs.append(f"{label} › {link['text']} [{path}]")
        self.check()
        self.page.keyboard.press("Escape")
        expect(self.page.locator("#modal-content")).to_be_hidden()

    def row_buttons(self) -> list[str]:
        """A list's plain row buttons (no htmx): each opens its dialog as a page of its own."""
        hrefs = self.page.locator("td.field-actions_holder a[href]:not([hx-get])").evaluate_all(
            "(links) => links.map((link) => link.getAttribute('href'))"
        )
        return list(dict.fromkeys(hrefs))

    def open_history(self, path: str, label: str) -> None:
        """A record's History list and, in a thorough sweep, its newest version's page."""
        if not self.open(path, f"{label} › History") or not self.thorough:
            return
        versions = self.page.locator(f'a[href^="{path}"]').evaluate_all(
            "(links) => links.map((link) => link.getAttribute('href'))"
        )
        versions = [href for href in versions if re.search(r"/history/\d+/$", href)]
        if versions:
            self.open(versions[0], f"{label} › History › newest version")

    def report(self, missing: list[str] = ()) -> str:
        """Every finding: where, what happened, which field carried it, and the HTML."""
        lines = []
        if self.findings:
            lines.append(
                f"{len(self.findings)} place(s) where a stored payload came alive (or a page "
                f"showing them failed), as {self.role}:"
            )
        for finding in self.findings:
            lines.append(f"- {finding.where}\n    {finding.what}\n    field: {finding.fields}")
            if finding.snippet:
                lines.append(f"    HTML: {finding.snippet}")
        if missing:
            lines.append("Dialogs never opened (the sweep must reach them): " + ", ".join(missing))
        if self.other_errors:
            lines.append("(JavaScript errors without a payload, not counted:")
            lines.extend(f"   {error}" for error in dict.fromkeys(self.other_errors))
            lines.append(")")
        return "\n".join(lines)


def _admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def sweep_everything(sweep: Sweep, world: World) -> None:
    """Every admin list and record page (with tabs, dialogs and History), the dashboard, the
    add pages, the item wizard's first step, and the shop-floor pages."""
    sweep.open_with_tabs_and_dialogs(reverse("admin:index"), "dashboard")
    jobs = world.jobs if sweep.thorough else world.jobs[:3]  # Coating, On Hold, Cancelled
    per_record = {Job: jobs, Quote: world.quotes, Invoice: world.invoices}
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("powdercoat", "auth") or model is Group:
            continue
        name = model._meta.verbose_name_plural
        if not sweep.open_with_tabs_and_dialogs(_admin_url(model, "changelist"), f"{name} list"):
            continue
        for href in sweep.row_buttons():
            sweep.open(href, f"{name} list › row button")
        rows = per_record.get(model) or list(model._base_manager.order_by("pk")[:1])
        for row in rows:
            label = f"{model._meta.verbose_name} “{getattr(row, 'number', row.pk)}” page"
            scope = f"customer {row.customer_id}" if model is Job else f"{model.__name__} {row.pk}"
            sweep.open_with_tabs_and_dialogs(_admin_url(model, "change", row.pk), label, scope)
            if isinstance(model_admin, SimpleHistoryAdmin) and row == rows[0]:
                sweep.open_history(_admin_url(model, "history", row.pk), label)

    job = world.job
    usage = urlencode({"item": world.powder.pk, "job": job.number})
    display = urlencode({"key": world.company.display_key})
    for path, label in (
        (_admin_url(Job, "add"), "new job page"),
        (_admin_url(Quote, "add"), "new quote page"),
        (reverse("admin:powdercoat_job_photos_add", args=[job.pk]), "Add photos page"),
        (reverse("admin:powdercoat_inventoryitem_demand"), "powder demand report"),
        (reverse("admin:powdercoat_job_item_add", args=[job.pk]), "item wizard, new item"),
        (
            reverse("admin:powdercoat_job_item_edit", args=[job.pk, world.job_item.pk]),
            "item wizard, the job's item",
        ),
        (
            reverse("admin:powdercoat_jobtemplate_item_add", args=[world.template.pk]),
            "item wizard, new template item",
        ),
        (reverse("admin_views:shop_mobile"), "shop phone view"),
        (reverse("admin_views:priority_board"), "Priority Board"),
        (reverse("admin_views:job_bump", args=[job.number]), "job bump page"),
        (f"{reverse('admin_views:material_usage')}?{usage}", "material usage page"),
        (
            reverse("admin_views:material_usage_logged", args=[world.usage.pk]),
            "material usage logged page",
        ),
        (reverse("admin_views:oven_plan"), "oven plan"),
        (status_link_path(str(job.status_token)), "customer status page"),
        (f"{reverse('admin_views:shop_display')}?{display}", "shop TV display"),
        (f"{reverse('admin_views:shop_display_board')}?{display}", "shop TV board"),
        (reverse("admin:powdercoat_customer_import"), "customer import page"),
    ):
        sweep.open(path, label)
    if sweep.thorough:  # the Administrator uploaded it; nobody else may open its page
        run = world.spreadsheet_import
        url = reverse("admin:powdercoat_customer_background_import", args=[run.pk])
        sweep.open(url, "a big import's page")


# The dialogs the Administrator's sweep must reach (the world is built so each is offered).
ADMIN_DIALOGS = {
    "job": (
        "quick-change",
        "advance",
        "hold",
        "resume",
        "cancel",
        "reopen",
        "set-status",
        "change-customer",
        "clone",
        "save-as-template",
        "log-material",
        "create-invoice",
        "add-note",
        "log-time",
        "record-rework",
        "resolve-rework",
        "intake",
    ),
    "quote": ("send", "approve", "reject", "revise", "convert", "make-customer"),
    "invoice": ("send", "add-payment", "void", "reverse-payment"),
    "inventoryactivity": ("reverse",),
    "jobtemplate": ("create-job",),
    "companysettings": ("rotate-display-key",),
}


def _sweep(live_server, page, user, world, *, thorough: bool) -> Sweep:
    sweep = Sweep(page, live_server.url, user.username, world.stored, thorough=thorough)
    log_in(page, live_server, user.username)
    sweep_everything(sweep, world)
    print(
        f"\n{user.username}: {len(world.stored.fields)} free-text fields, "
        f"{len(world.stored.values)} stored values; {len(sweep.pages)} pages and "
        f"{len(sweep.dialogs)} dialogs and {len(sweep.autocompletes)} autocompletes opened; "
        f"refused to the role: {', '.join(sweep.refused) or 'nothing'}"
    )
    return sweep


# -- the tests -----------------------------------------------------------------------------------


def test_the_skipped_fields_are_real_text_fields_and_the_email_payload_is_valid():
    """Every skipped name is a text field of ours, and Django accepts the e-mail payload."""
    for name in SKIPPED_FIELDS:
        model_name, field_name = name.split(".")
        model_field = apps.get_model("powdercoat", model_name)._meta.get_field(field_name)
        assert isinstance(model_field, (models.CharField, models.TextField)), name
    validate_email(email_payload(123))
    assert all(text_payload(999, f.max_length) for f in free_text_fields())


def test_no_stored_payload_runs_for_the_administrator(live_server, page, admin_user):
    """Administrator: every page, tab and dialog shows the stored payloads as inert text."""
    world = build_world(admin_user)
    sweep = _sweep(live_server, page, admin_user, world, thorough=True)
    opened = " ".join(sweep.dialogs)
    missing = [
        f"{model}/{name}"
        for model, names in ADMIN_DIALOGS.items()
        for name in names
        if not re.search(rf"/admin/powdercoat/{model}/\d+/{name}/", opened)
    ]
    report = sweep.report(missing)
    assert not sweep.findings, report
    assert not missing, report


def test_no_stored_payload_runs_for_office_staff(live_server, page, admin_user, office_user):
    """Office: every page and dialog they may open shows the stored payloads as inert text."""
    world = build_world(admin_user)
    sweep = _sweep(live_server, page, office_user, world, thorough=False)
    assert sweep.dialogs, "Office opened no dialog: the sweep found no buttons"
    assert not sweep.findings, sweep.report()


def test_no_stored_payload_runs_for_the_shop_floor(live_server, page, admin_user, floor_user):
    """Shop Floor: every page and dialog they may open shows the stored payloads as inert text."""
    world = build_world(admin_user)
    sweep = _sweep(live_server, page, floor_user, world, thorough=False)
    assert sweep.dialogs, "Shop Floor opened no dialog: the sweep found no buttons"
    assert not sweep.findings, sweep.report()
