"""`manage.py seed_demo`: load a believable demo shop from the numbered files in fixtures/."""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group
from django.core.exceptions import FieldDoesNotExist
from django.core.management.base import BaseCommand, CommandError
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone

from powdercoat import roles
from powdercoat.models import (
    CatalogProduct,
    CatalogProductCoat,
    CompanySettings,
    Customer,
    InventoryActivity,
    InventoryItem,
    Invoice,
    Job,
    JobTemplate,
    LineItem,
    LineItemCoat,
    LineItemPrep,
    Oven,
    PrepService,
    Quote,
    StatusChange,
    Worker,
)
from powdercoat.models.choices import (
    CLOSED_STAGES,
    WORKFLOW,
    ItemKind,
    JobStatus,
    PaymentMethod,
    QuoteStatus,
)
from powdercoat.models.jobs import next_stage
from powdercoat.selectors import job_needed_prep_stages
from powdercoat.services.inventory import inventory_item_create
from powdercoat.services.invoices import invoice_create_for_job, payment_record
from powdercoat.services.jobs import (
    job_advance,
    job_cancel,
    job_create,
    job_hold,
    job_set_status,
)
from powdercoat.services.prices import job_refresh_price, quote_refresh_price
from powdercoat.services.quotes import (
    quote_approve,
    quote_create,
    quote_expire_overdue,
    quote_reject,
)

FIXTURES_DIR = Path(settings.BASE_DIR) / "fixtures"

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"

# Opening stock is dated before the oldest demo job, so the ledger reads in a sensible order.
OPENING_STOCK_DAYS_AGO = 90

# The demo timelines put status changes inside these hours, on weekdays, in the shop's zone.
SHOP_OPENS, SHOP_CLOSES = time(7, 30), time(17, 0)


@dataclass(frozen=True)
class DemoLogin:
    """One demo account per role; the passwords are public, so they exist only with DEBUG on."""

    username: str
    password: str
    group: str
    first_name: str
    last_name: str
    superuser: bool = False


DEMO_LOGINS = (
    DemoLogin("owner", "demo-owner", roles.ADMINISTRATOR, "Dana", "Whitfield", superuser=True),
    DemoLogin("office", "demo-office", roles.OFFICE, "Carla", "Jimenez"),
    DemoLogin("supervisor", "demo-supervisor", roles.SUPERVISOR, "Luis", "Ortega"),
    DemoLogin("floor", "demo-floor", roles.SHOP_FLOOR, "Marcus", "Reyes"),
)

# What a person might type in the timeline when the job reaches each stage. A job picks one by
# its place in the run, so the timelines differ from job to job but every run is the same.
STAGE_NOTES = {
    JobStatus.QUOTED: ("Quote emailed to the customer.", "Priced at the counter; quote sent.", ""),
    JobStatus.APPROVED: (
        "Customer approved the quote.",
        "PO received by email.",
        "Go-ahead by phone.",
    ),
    JobStatus.IN_PREPARATION: (
        "Parts counted, tagged and racked.",
        "Checked in; no damage found.",
        "",
    ),
    JobStatus.SANDBLASTING: ("In the blast booth.", "Blasting with 80 grit oxide.", ""),
    JobStatus.MASKING: ("Plugging threads and taping mating faces.", "Masking started.", ""),
    JobStatus.CLEANING: ("Degrease and rinse.", "Washed; drying before the oven.", ""),
    JobStatus.IN_OVEN: ("Pre-bake to outgas the metal.", "Pre-heating.", ""),
    JobStatus.COATING: ("In the spray booth.", "", "Hung on the line for coating."),
    JobStatus.CURING: ("Curing to the powder's schedule.", "Oven loaded for cure.", ""),
    JobStatus.QUALITY_CHECK: ("Out of the oven; cooling for inspection.", "", "Ready for QC."),
    JobStatus.COMPLETED: ("Passed QC: film build and adhesion good.", "Inspected, no defects.", ""),
    JobStatus.READY_FOR_PICKUP: (
        "Customer called; parts on the pickup rack.",
        "Left a voicemail.",
        "",
    ),
    JobStatus.DELIVERED: ("Picked up by the customer.", "Delivered on our truck.", "Picked up."),
}

# Stages the office moves a job out of (quoting, approving, handing over); the floor does the rest.
OFFICE_STAGES = (
    JobStatus.PENDING,
    JobStatus.QUOTED,
    JobStatus.COMPLETED,
    JobStatus.READY_FOR_PICKUP,
)


@dataclass
class Tally:
    """How many rows one loader created, changed, or found already as the file describes them."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def count(self, outcome: str) -> None:
        """Add one row's outcome (CREATED, UPDATED or UNCHANGED)."""
        setattr(self, outcome, getattr(self, outcome) + 1)

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


@dataclass
class Seed:
    """What the loaders share: who acts, and the rows later files refer to by natural key."""

    users: dict[str, AbstractBaseUser] = field(default_factory=dict)
    items: dict[str, InventoryItem] = field(default_factory=dict)
    prep_services: dict[str, PrepService] = field(default_factory=dict)
    workers: dict[str, Worker] = field(default_factory=dict)
    customers: dict[str, Customer] = field(default_factory=dict)
    products: dict[str, CatalogProduct] = field(default_factory=dict)

    @property
    def office(self) -> AbstractBaseUser | None:
        """The office login, or None (a system action) when it does not exist."""
        return self.users.get("office")

    @property
    def supervisor(self) -> AbstractBaseUser | None:
        """The supervisor login, or None."""
        return self.users.get("supervisor")

    @property
    def floor(self) -> AbstractBaseUser | None:
        """The shop-floor login, or None."""
        return self.users.get("floor")


# -- reading the files -------------------------------------------------------------------------


def read_fixture(name: str) -> list[dict]:
    """The rows of one demo file: a JSON list of objects."""
    path = FIXTURES_DIR / name
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CommandError(f"The demo data file {path} is missing.") from None
    except json.JSONDecodeError as exc:
        raise CommandError(f"{path} is not valid JSON: {exc}") from None
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise CommandError(f"{path} must hold a JSON list of objects.")
    return rows


def field_values(model: type[models.Model], row: dict) -> dict:
    """Turn a row of a demo file into field values of `model`.

    Only editable, non-relation fields are accepted, so a typo or a field that services own
    (an item's stock on hand, a job's status or number) stops the command instead of being
    written behind the services' back.
    """
    values = {}
    for name, raw in row.items():
        try:
            model_field = model._meta.get_field(name)
        except FieldDoesNotExist:
            model_field = None
        if model_field is None or not model_field.editable or model_field.is_relation:
            raise CommandError(f"{model.__name__}: the demo data may not set {name!r}.")
        values[name] = model_field.to_python(raw)
    return values


def lookup(rows: dict, key: str, what: str):
    """A row the demo data refers to by natural key, with a clear error when it is not there."""
    try:
        return rows[key]
    except KeyError:
        raise CommandError(f"The demo data refers to an unknown {what}: {key!r}.") from None


# -- writing rows --------------------------------------------------------------------------------


def update_changed(obj: models.Model, values: dict, *, user=None) -> str:
    """Bring `obj` in line with `values`, saving only when something differs."""
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return UNCHANGED
    for name in changed:
        setattr(obj, name, values[name])
    # Only the changed columns are written: an item's stock, say, is never saved from here.
    if any(model_field.name == "updated_at" for model_field in obj._meta.concrete_fields):
        changed.append("updated_at")
    obj._history_user = user
    obj.save(update_fields=changed)
    return UPDATED


def upsert(model: type[models.Model], key: dict, values: dict, *, user=None):
    """update_or_create on a natural key, except that a row that already matches is not saved.

    Skipping the no-op save keeps a second run from writing history rows or moving updated_at.
    """
    obj = model.objects.filter(**key).first()
    if obj is None:
        obj = model(**values)
        obj._history_user = user
        obj.save()
        return obj, CREATED
    return obj, update_changed(obj, values, user=user)


# -- demo logins --------------------------------------------------------------------------------


def demo_logins_existing() -> dict[str, AbstractBaseUser]:
    """The demo accounts that are already in the database, by username."""
    usernames = [login.username for login in DEMO_LOGINS]
    return {user.username: user for user in get_user_model().objects.filter(username__in=usernames)}


def demo_logins_ensure() -> tuple[dict[str, AbstractBaseUser], str]:
    """Create or refresh one account per role, with its demo password and group."""
    created_count = 0
    users = {}
    for login in DEMO_LOGINS:
        try:
            group = Group.objects.get(name=login.group)
        except Group.DoesNotExist:
            raise CommandError(
                f"The role group {login.group!r} is missing: run `manage.py migrate` first."
            ) from None
        user, created = get_user_model().objects.get_or_create(username=login.username)
        user.first_name = login.first_name
        user.last_name = login.last_name
        user.is_active = True
        user.is_staff = True
        user.is_superuser = login.superuser
        # Set on every run, so a demo password someone changed works again after a re-seed.
        user.set_password(login.password)
        user.save()
        user.groups.set([group])
        created_count += created
        users[login.username] = user
    present = len(users) - created_count
    return users, f"{created_count} created, {present} already present (demo passwords set again)"


# -- one loader per file --------------------------------------------------------------------------


def load_company(rows: list[dict], seed: Seed) -> str:
    """0001: the shop's name, contact details and rates, unless the shop has named itself."""
    company = CompanySettings.load()
    default_name = CompanySettings._meta.get_field("name").default
    if company.name != default_name:
        return f"left as they are (the shop is already named {company.name!r})"
    if len(rows) != 1:
        raise CommandError("0001_company.json must hold exactly one object.")
    update_changed(company, field_values(CompanySettings, rows[0]))
    return f"set to {company.name!r}"


def load_prep_services(rows: list[dict], seed: Seed) -> Tally:
    """0002: prep services, by name."""
    tally = Tally()
    for row in rows:
        values = field_values(PrepService, row)
        service, outcome = upsert(PrepService, {"name": values["name"]}, values)
        seed.prep_services[service.name] = service
        tally.count(outcome)
    return tally


def load_inventory(rows: list[dict], seed: Seed) -> Tally:
    """0003: inventory items, by SKU; a new item's opening stock goes through the ledger."""
    tally = Tally()
    opened = []
    for row in rows:
        row = dict(row)
        opening_stock = Decimal(str(row.pop("opening_stock", 0)))
        values = field_values(InventoryItem, row)
        item = InventoryItem.objects.filter(sku=values["sku"]).first()
        if item is None:
            # Stock is booked only for a new item: on a second run the shop's real stock counts.
            item = inventory_item_create(
                item=InventoryItem(**values), user=seed.office, opening_quantity=opening_stock
            )
            opened.append(item.pk)
            tally.count(CREATED)
        else:
            tally.count(update_changed(item, values, user=seed.office))
        seed.items[item.sku] = item
    backdate_opening_stock(opened)
    return tally


def load_workers(rows: list[dict], seed: Seed) -> Tally:
    """0004: workers, by name; `login` links one to a demo account when that account exists."""
    tally = Tally()
    for row in rows:
        row = dict(row)
        username = row.pop("login", None)
        values = field_values(Worker, row)
        user = seed.users.get(username) if username else None
        # A login belongs to one worker at most; leave it where the shop may have moved it.
        if user is not None and not user_linked_elsewhere(user, values["name"]):
            values["user"] = user
        worker, outcome = upsert(Worker, {"name": values["name"]}, values)
        seed.workers[worker.name] = worker
        tally.count(outcome)
    return tally


def user_linked_elsewhere(user: AbstractBaseUser, worker_name: str) -> bool:
    """Whether another worker already holds this login (the shop may have moved it)."""
    return Worker.objects.filter(user=user).exclude(name=worker_name).exists()


def load_customers(rows: list[dict], seed: Seed) -> Tally:
    """0005: customers, by email (compared without case, as the unique constraint does)."""
    tally = Tally()
    for row in rows:
        values = field_values(Customer, row)
        if not values.get("email"):
            raise CommandError(f"Every demo customer needs an email: {row!r}.")
        customer, outcome = upsert(Customer, {"email__iexact": values["email"]}, values)
        seed.customers[customer.email.lower()] = customer
        tally.count(outcome)
    return tally


def load_catalog(rows: list[dict], seed: Seed) -> Tally:
    """0006: catalogue products, by name, with their coats in order and their prep services."""
    tally = Tally()
    for row in rows:
        row = dict(row)
        coat_specs = row.pop("coats", [])
        prep_names = row.pop("prep_services", [])
        values = field_values(CatalogProduct, row)
        product, outcome = upsert(CatalogProduct, {"name": values["name"]}, values)

        wanted_coats = [
            (lookup(seed.items, coat["sku"], "SKU").pk, coat["layer"]) for coat in coat_specs
        ]
        coats_changed = (
            list(product.coats.order_by("position").values_list("powder", "layer")) != wanted_coats
        )
        if coats_changed:
            # Coats are a list in spraying order: replaced as a whole when the file differs.
            product.coats.all().delete()
            for position, (powder_id, layer) in enumerate(wanted_coats, start=1):
                CatalogProductCoat.objects.create(
                    product=product, powder_id=powder_id, layer=layer, position=position
                )
        wanted_prep = {lookup(seed.prep_services, name, "prep service") for name in prep_names}
        prep_changed = set(product.prep_services.all()) != wanted_prep
        if prep_changed:
            product.prep_services.set(wanted_prep)

        if outcome == UNCHANGED and (coats_changed or prep_changed):
            outcome = UPDATED
        tally.count(outcome)
        seed.products[product.name] = product
    return tally


def load_jobs(rows: list[dict], seed: Seed) -> str:
    """0007: jobs, only into a shop with none, each walked to its stage through the services."""
    existing = Job.objects.count()
    if existing:
        return f"skipped: {existing} jobs already exist (demo jobs only go into an empty shop)"
    company = CompanySettings.load()
    now = timezone.now()
    today = timezone.localdate(now, company.zone)
    # Oldest first, so the job numbers rise with the days the jobs were booked in.
    rows = sorted(rows, key=lambda row: -row.get("created_days_ago", 0))
    for index, row in enumerate(rows):
        job = create_job(row, seed, today=today)
        target = JobStatus(row["status"])
        if target == JobStatus.ON_HOLD:
            hold_at = JobStatus(row.get("hold_at", JobStatus.IN_PREPARATION))
            walk_job_to(job, hold_at, seed, index, company)
            job_hold(job=job, user=seed.supervisor, reason=row["hold_reason"])
        elif target == JobStatus.CANCELLED:
            cancel_at = JobStatus(row.get("cancel_at", JobStatus.PENDING))
            walk_job_to(job, cancel_at, seed, index, company)
            job_cancel(job=job, user=seed.office, reason=row["cancel_reason"])
        else:
            walk_job_to(job, target, seed, index, company)
        booked_in = booked_in_at(row.get("created_days_ago", 0), index, now, company.zone)
        backdate_job(job, booked_in, timeline_end(job, now, company.zone), company.zone)
    changes = StatusChange.objects.count()
    return f"{len(rows)} created, with {changes} status changes in their timelines"


# Keys of a job row that are not Job fields: references, dates and how to reach the status.
JOB_EXTRAS = (
    "customer",
    "status",
    "workers",
    "items",
    "due_in_days",
    "scheduled_in_days",
    "created_days_ago",
    "hold_at",
    "hold_reason",
    "cancel_at",
    "cancel_reason",
)


def create_job(row: dict, seed: Seed, *, today: date) -> Job:
    """Create one job with its workers and items, priced, still at Pending."""
    fields = {name: value for name, value in row.items() if name not in JOB_EXTRAS}
    job = Job(
        customer=lookup(seed.customers, row["customer"].lower(), "customer email"),
        due_date=days_from(today, row.get("due_in_days")),
        scheduled_date=days_from(today, row.get("scheduled_in_days")),
        # Empty, so job_create takes the customer's pricing-tier discount.
        discount_percent=None,
        **field_values(Job, fields),
    )
    job_create(job=job, user=seed.office, alert_supervisors=False)
    job.assigned_workers.set(
        [lookup(seed.workers, name, "worker") for name in row.get("workers", [])]
    )
    for position, item_row in enumerate(row["items"], start=1):
        add_line_item(job, position, item_row, seed)
    job_refresh_price(job=job)
    return job


def days_from(today: date, days: int | None) -> date | None:
    """A date `days` after today (before it when negative), or None."""
    return None if days is None else today + timedelta(days=days)


def add_line_item(
    owner: Job | JobTemplate | Quote, position: int, row: dict, seed: Seed
) -> LineItem:
    """One line item with its coats and prep sub-lines; a catalogue item fills the gaps."""
    row = dict(row)
    product = lookup(seed.products, row.pop("catalog"), "product") if "catalog" in row else None
    coat_specs = row.pop("coats", None)
    prep_names = row.pop("prep", None)
    values = field_values(LineItem, row)
    if product is not None:
        values.setdefault("description", product.name)
        values.setdefault("surface_area_sqft", product.surface_area_sqft)
        values.setdefault("unit_price", product.unit_price)
        if coat_specs is None:
            coat_specs = [
                {"sku": coat.powder.sku, "layer": coat.layer}
                for coat in product.coats.select_related("powder")
            ]
        if prep_names is None:
            prep_names = [service.name for service in product.prep_services.all()]
    coats = [(lookup(seed.items, coat["sku"], "SKU"), coat["layer"]) for coat in coat_specs or []]
    prep_services = [lookup(seed.prep_services, name, "prep service") for name in prep_names or []]

    kind = values.get("kind", ItemKind.CALCULATED)
    if (kind == ItemKind.LABOR_ONLY) == bool(coats):
        raise CommandError(
            f"{values['description']!r}: Labor Only items have no coats, every other kind has some."
        )
    owner_field = {JobTemplate: "template", Quote: "quote"}.get(type(owner), "job")
    item = LineItem.objects.create(
        **{owner_field: owner},
        position=position,
        catalog_product=product,
        photo_estimated=kind == ItemKind.PHOTO_QUOTE,
        **values,
    )
    for coat_position, (powder, layer) in enumerate(coats, start=1):
        LineItemCoat.objects.create(item=item, powder=powder, layer=layer, position=coat_position)
    for service in prep_services:
        # The prep line copies the service's current rate when it is saved.
        LineItemPrep.objects.create(item=item, prep_service=service)
    return item


def walk_job_to(
    job: Job, target: JobStatus, seed: Seed, index: int, company: CompanySettings
) -> None:
    """Advance the job stage by stage until it reaches `target`, as the shop would have.

    A stage that Advance passes over (a prep stage no item needs) is reached the way the office
    would reach it: by setting the status directly.
    """
    target_position = WORKFLOW.index(target)
    # The items do not change on the way, so neither do the prep stages they need.
    needed_prep_stages = job_needed_prep_stages(job)
    while job.status != target:
        upcoming = next_stage(
            job.status,
            needed_prep_stages=needed_prep_stages,
            skip_unneeded_prep=company.skip_unneeded_prep_stages,
        )
        if upcoming is None or WORKFLOW.index(upcoming) > target_position:
            job_set_status(
                job=job, user=seed.office, status=target, note="Moved here by the office."
            )
            return
        notes = STAGE_NOTES.get(upcoming, ("",))  # a stage added later moves without a note
        job_advance(job=job, user=mover(job.status, seed, index), note=notes[index % len(notes)])


def mover(current: str, seed: Seed, index: int) -> AbstractBaseUser | None:
    """Who presses Advance: the office at the counter, the floor in the shop, now and then the
    supervisor, who also signs off quality checks."""
    if current in OFFICE_STAGES:
        return seed.office
    if current == JobStatus.QUALITY_CHECK or index % 4 == 0:
        return seed.supervisor
    return seed.floor


# -- making the history look lived-in ------------------------------------------------------------
# Seed-only: real rows are never backdated. Everything above was written "now"; these updates
# spread it over the weeks the demo jobs and stock are meant to have existed.


def backdate_opening_stock(item_ids: list[int]) -> None:
    """Date the opening stock of newly created items a few months back."""
    if not item_ids:
        return
    opened_at = timezone.now() - timedelta(days=OPENING_STOCK_DAYS_AGO)
    InventoryItem.objects.filter(pk__in=item_ids).update(created_at=opened_at, updated_at=opened_at)
    InventoryActivity.objects.filter(item__in=item_ids).update(created_at=opened_at)
    InventoryItem.history.filter(id__in=item_ids).update(history_date=opened_at)


def booked_in_at(days_ago: int, index: int, now: datetime, zone: tzinfo) -> datetime:
    """A time of day in shop hours, `days_ago` days back, when the job was booked in."""
    day = timezone.localtime(now, zone).date() - timedelta(days=days_ago)
    while day.weekday() >= 5:  # booked in on the Friday before a weekend, when the shop is open
        day -= timedelta(days=1)
    opening = datetime.combine(day, SHOP_OPENS, tzinfo=zone)
    return min(opening + timedelta(minutes=15 + index * 37 % 420), now - timedelta(minutes=30))


def timeline_end(job: Job, now: datetime, zone: tzinfo) -> datetime:
    """Finished work was done by its due date when that has passed; open work goes on to now."""
    if job.status in CLOSED_STAGES and job.due_date and job.due_date < now.astimezone(zone).date():
        return datetime.combine(job.due_date, SHOP_CLOSES, tzinfo=zone)
    return now


def backdate_job(job: Job, created_at: datetime, until: datetime, zone: tzinfo) -> None:
    """Date the job's creation and spread its status changes over the shop hours up to `until`."""
    changes = list(StatusChange.objects.filter(job=job).order_by("id"))
    moments = spread_over_shop_hours(created_at, until, len(changes), zone)
    for change, moment in zip(changes, moments, strict=True):
        change.created_at = moment
    StatusChange.objects.bulk_update(changes, ["created_at"])
    last_change = changes[-1].created_at if changes else created_at
    Job.objects.filter(pk=job.pk).update(created_at=created_at, updated_at=last_change)
    Job.objects.filter(pk=job.pk).restamp_milestones()
    backdate_job_history(job, created_at, [change.created_at for change in changes])


def spread_over_shop_hours(
    start: datetime, end: datetime, count: int, zone: tzinfo
) -> list[datetime]:
    """`count` moments, evenly spaced over the shop's working hours between start and end."""
    stretches = shop_hours_between(start, end, zone) or [(start, end)]
    total = sum((finish - begin for begin, finish in stretches), timedelta())
    moments = []
    for number in range(1, count + 1):
        offset = total * number / (count + 1)
        for begin, finish in stretches:
            if offset <= finish - begin:
                moments.append(begin + offset)
                break
            offset -= finish - begin
    return moments


def shop_hours_between(
    start: datetime, end: datetime, zone: tzinfo
) -> list[tuple[datetime, datetime]]:
    """The stretches of working hours (weekdays, SHOP_OPENS to SHOP_CLOSES) within start-end."""
    stretches = []
    day = timezone.localtime(start, zone).date()
    while day <= timezone.localtime(end, zone).date():
        if day.weekday() < 5:
            begin = max(datetime.combine(day, SHOP_OPENS, tzinfo=zone), start)
            finish = min(datetime.combine(day, SHOP_CLOSES, tzinfo=zone), end)
            if begin < finish:
                stretches.append((begin, finish))
        day += timedelta(days=1)
    return stretches


def backdate_job_history(job: Job, created_at: datetime, change_times: list[datetime]) -> None:
    """Give the job's history rows the times of the status moves they record."""
    records = list(Job.history.filter(id=job.pk).order_by("history_id"))
    moments = iter(change_times)
    moment = created_at
    previous_state = None
    for record in records:
        state = (record.status, record.held_from_status)
        if previous_state is not None and state != previous_state:
            moment = next(moments, moment)
        record.history_date = moment
        previous_state = state
    Job.history.model._default_manager.bulk_update(records, ["history_date"])


def load_templates(rows: list[dict], seed: Seed) -> Tally:
    """0008: job templates, by name; a template that exists already is left as the shop has it."""
    tally = Tally()
    for row in rows:
        if JobTemplate.objects.filter(name=row["name"]).exists():
            tally.count(UNCHANGED)
            continue
        fields = {name: value for name, value in row.items() if name != "items"}
        template = JobTemplate(created_by=seed.office, **field_values(JobTemplate, fields))
        template._history_user = seed.office
        template.save()
        for position, item_row in enumerate(row["items"], start=1):
            add_line_item(template, position, item_row, seed)
        tally.count(CREATED)
    return tally


# Keys of a quote row that are not Quote fields.
QUOTE_EXTRAS = ("customer", "status", "reason", "quote_days_ago", "items")


def load_quotes(rows: list[dict], seed: Seed) -> str:
    """0009: quotes in every status but Converted, only into a shop with none; no email sent."""
    existing = Quote.objects.count()
    if existing:
        return f"skipped: {existing} quotes already exist"
    company = CompanySettings.load()
    today = timezone.localdate(timezone.now(), company.zone)
    for row in rows:
        fields = {name: value for name, value in row.items() if name not in QUOTE_EXTRAS}
        quote_date = today - timedelta(days=row.get("quote_days_ago", 0))
        customer = row.get("customer")
        quote = quote_create(
            quote=Quote(
                customer=lookup(seed.customers, customer.lower(), "customer email")
                if customer
                else None,
                quote_date=quote_date,
                valid_until=quote_date + timedelta(days=30),
                discount_percent=None,
                **field_values(Quote, fields),
            ),
            user=seed.office,
        )
        for position, item_row in enumerate(row["items"], start=1):
            add_line_item(quote, position, item_row, seed)
        quote_refresh_price(quote=quote)
        quote = Quote.objects.get(pk=quote.pk)
        status = QuoteStatus(row["status"])
        # The transitions themselves, not quote_send: seeding never emails anyone.
        if status in (QuoteStatus.SENT, QuoteStatus.REJECTED, QuoteStatus.EXPIRED):
            quote.send()
            quote._history_user = seed.office
            quote.save()
        if status == QuoteStatus.APPROVED:
            quote_approve(quote=quote, user=seed.office)
        elif status == QuoteStatus.REJECTED:
            quote_reject(quote=quote, user=seed.office, reason=row["reason"])
    expired = quote_expire_overdue()
    return f"{len(rows)} created ({expired} past their date, now Expired)"


def load_invoices(seed: Seed) -> str:
    """Invoices for finished demo jobs: older ones paid, the newest part paid, pickups unpaid."""
    existing = Invoice.objects.count()
    if existing:
        return f"skipped: {existing} invoices already exist"
    finished = list(
        Job.objects.filter(status__in=(JobStatus.DELIVERED, JobStatus.READY_FOR_PICKUP))
        .filter(items__isnull=False)
        .distinct()
        .order_by("created_at")
    )
    paid = part_paid = 0
    for index, job in enumerate(finished):
        invoice = invoice_create_for_job(job=job, user=seed.office)
        if job.status != JobStatus.DELIVERED:
            continue
        invoice.send()
        invoice._history_user = seed.office
        invoice.save()
        invoice = Invoice.objects.get(pk=invoice.pk)
        newest_delivered = index == max(
            i for i, other in enumerate(finished) if other.status == JobStatus.DELIVERED
        )
        amount = (invoice.total / 2).quantize(Decimal("0.01")) if newest_delivered else None
        payment_record(
            invoice=invoice,
            amount=amount or invoice.balance,
            paid_on=invoice.invoice_date,
            method=PaymentMethod.CHECK if index % 2 else PaymentMethod.CARD,
            reference=f"Demo payment {index + 1}",
            user=seed.office,
        )
        if amount:
            part_paid += 1
        else:
            paid += 1
    unpaid = len(finished) - paid - part_paid
    return f"{len(finished)} created: {paid} paid, {part_paid} partly paid, {unpaid} unpaid"


# -- the command ----------------------------------------------------------------------------------


def load_ovens(rows: list[dict], seed: Seed) -> Tally:
    """0010: the ovens, by name, created when missing and never changed afterwards: a shop
    that has measured its own oven keeps its figure."""
    tally = Tally()
    for row in rows:
        values = field_values(Oven, row)
        _oven, created = Oven.objects.get_or_create(name=values["name"], defaults=values)
        tally.count(CREATED if created else UNCHANGED)
    return tally


LOADERS = (
    ("Company settings", "0001_company.json", load_company),
    ("Prep services", "0002_prep_services.json", load_prep_services),
    ("Inventory items", "0003_inventory.json", load_inventory),
    ("Workers", "0004_workers.json", load_workers),
    ("Customers", "0005_customers.json", load_customers),
    ("Catalogue products", "0006_catalog.json", load_catalog),
    ("Jobs", "0007_jobs.json", load_jobs),
    ("Job templates", "0008_templates.json", load_templates),
    ("Quotes", "0009_quotes.json", load_quotes),
    ("Ovens", "0010_ovens.json", load_ovens),
)


class Command(BaseCommand):
    help = (
        "Load the demo shop (company, prep services, inventory, workers, customers, catalogue "
        "and jobs) from fixtures/. Safe to run again: nothing is duplicated. With DEBUG on it "
        "also creates one login per role."
    )

    def add_arguments(self, parser) -> None:
        """--if-empty: leave a shop that already has customers or jobs alone."""
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only into a database with no customers and no jobs (for `make run`).",
        )

    def handle(self, *args, if_empty: bool = False, **options) -> None:
        """Load the files in order inside one transaction, then report what happened."""
        if if_empty and (Customer.objects.exists() or Job.objects.exists()):
            self.stdout.write("The shop already has customers or jobs: demo data not loaded.")
            if settings.DEBUG:
                self.write_logins(demo_logins_existing())
            return

        lines = []
        with transaction.atomic():
            if settings.DEBUG:
                users, login_line = demo_logins_ensure()
            else:
                users = demo_logins_existing()
                login_line = "none created (DEBUG is off)"
            seed = Seed(users=users)
            for label, file_name, loader in LOADERS:
                lines.append((label, loader(read_fixture(file_name), seed)))
            lines.append(("Invoices", load_invoices(seed)))
            lines.append(("Demo logins", login_line))

        if not settings.DEBUG:
            self.stdout.write(
                self.style.WARNING(
                    "Demo logins refused: DEBUG is off, and accounts with published passwords "
                    "must never exist on a live site. Set DJANGO_DEBUG=1 for a local demo."
                )
            )
        self.stdout.write(f"Demo data from {FIXTURES_DIR}:")
        width = max(len(label) for label, _outcome in lines) + 2
        for label, outcome in lines:
            self.stdout.write(f"  {label:<{width}}{outcome}")
        low = InventoryItem.objects.low_stock().count()
        self.stdout.write(f"  {'Low stock':<{width}}{low} items at or below their reorder point")
        if settings.DEBUG:
            self.write_logins(users)

    def write_logins(self, users: dict[str, AbstractBaseUser]) -> None:
        """Print the demo accounts that exist, with their passwords and roles."""
        if not users:
            self.stdout.write("No demo logins exist; run `manage.py seed_demo` to create them.")
            return
        self.stdout.write("")
        self.stdout.write(f"Log in at {settings.SITE_URL}{reverse('admin:index')} with:")
        self.stdout.write(f"  {'username':<12}{'password':<18}role")
        for login in DEMO_LOGINS:
            if login.username in users:
                self.stdout.write(f"  {login.username:<12}{login.password:<18}{login.group}")
