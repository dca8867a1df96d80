"""The demo shop that `manage.py seed_demo` loads from fixtures/ (company to jobs, and logins)."""

import io
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import Sum
from django.test import RequestFactory, override_settings
from django.utils import timezone

from powdercoat.management.commands.seed_demo import DEMO_LOGINS, Seed, walk_job_to
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
    COATING_CATEGORIES,
    FINISHED_STAGES,
    READY_STAGES,
    ActivityKind,
    InvoiceStatus,
    ItemKind,
    JobStatus,
    Priority,
    QuoteStatus,
    WorkerRole,
)
from powdercoat.services.inventory import inventory_activity_record
from powdercoat.services.jobs import job_create

# The default hasher is slow on purpose; the demo logins are hashed on every run.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Hash and check the demo passwords with a cheap hasher."""
    settings.PASSWORD_HASHERS = FAST_HASHERS


@pytest.fixture(scope="class")
def demo_shop(django_db_setup, django_db_blocker):
    """The demo shop seeded once for a test class with DEBUG on, rolled back afterwards.

    Each test still runs in its own savepoint, so a test that changes rows leaves the shop as
    it was for the next one.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(DEBUG=True, PASSWORD_HASHERS=FAST_HASHERS):
            output = seed()
        yield output
        transaction.set_rollback(True)


def seed(*args: str) -> str:
    """Run the command and return what it printed."""
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def row_counts() -> dict[str, int]:
    """Rows of every model in the project, history tables and auth included."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def stock() -> dict[str, Decimal]:
    """Quantity on hand of every inventory item, by SKU."""
    return dict(InventoryItem.objects.values_list("sku", "quantity_on_hand"))


class TestDemoShop:
    """What one run of the command leaves in an empty database, and what a second run does."""

    # -- running it again ---------------------------------------------------------------------

    def test_second_run_changes_no_row_counts_and_no_stock(self, demo_shop, settings):
        """Running the command again adds no row to any table and leaves every stock level as is."""
        settings.DEBUG = True
        counts, stock_before = row_counts(), stock()

        output = seed()

        assert row_counts() == counts
        assert stock() == stock_before
        assert f"{Job.objects.count()} jobs already exist" in output

    def test_second_run_restores_edited_demo_rows_but_not_stock(self, demo_shop, settings):
        """Fields from the files win again on a re-run; stock used since then stays used."""
        settings.DEBUG = True
        item = InventoryItem.objects.get(sku="TIG-9005-GL")
        InventoryItem.objects.filter(pk=item.pk).update(unit_cost=Decimal("99"), reorder_point=1)
        inventory_activity_record(
            item=item, kind=ActivityKind.USAGE, quantity=Decimal("3"), user=None
        )
        Customer.objects.filter(email="mike.donnelly@example.com").update(phone="000")
        on_hand = InventoryItem.objects.get(pk=item.pk).quantity_on_hand

        output = seed()

        item.refresh_from_db()
        assert (item.unit_cost, item.reorder_point) == (Decimal("11.75"), Decimal("25"))
        assert item.quantity_on_hand == on_hand
        assert Customer.objects.get(email="mike.donnelly@example.com").phone == ""
        others = InventoryItem.objects.count() - 1
        assert f"0 created, 1 updated, {others} unchanged" in output

    def test_ovens_are_added_when_missing_and_a_measured_oven_keeps_its_figure(
        self, demo_shop, settings
    ):
        """The walk-in oven and the rack oven are there; a shop's own capacity survives a
        re-run."""
        settings.DEBUG = True
        assert sorted(Oven.objects.values_list("name", "capacity_unit")) == [
            ("Batch oven", "positions"),
            ("Oven", "sqft"),
        ]
        Oven.objects.filter(name="Oven").update(capacity=Decimal("95"))
        output = seed()
        assert Oven.objects.get(name="Oven").capacity == Decimal("95")
        assert "Ovens" in output

    def test_shop_that_renamed_itself_keeps_its_settings(self, demo_shop, settings):
        """Company settings are only filled in while the shop still has the default name."""
        settings.DEBUG = True
        company = CompanySettings.load()
        company.name, company.phone = "Bright Finish LLC", "(555) 010-9999"
        company.save()

        seed()

        company.refresh_from_db()
        assert (company.name, company.phone) == ("Bright Finish LLC", "(555) 010-9999")

    # -- what the shop holds ------------------------------------------------------------------

    def test_demo_shop_is_complete_enough_to_demonstrate_every_feature(self, demo_shop):
        """Enough customers and jobs, every status, priority and worker role, a real catalogue."""
        assert Customer.objects.count() >= 10
        assert Job.objects.count() >= 40
        assert set(Job.objects.values_list("status", flat=True)) == set(JobStatus.values)
        assert set(Job.objects.values_list("priority", flat=True)) == set(Priority.values)
        assert set(Worker.objects.values_list("role", flat=True)) == set(WorkerRole.values)
        assert InventoryItem.objects.count() >= 25
        assert CatalogProduct.objects.count() >= 6
        assert PrepService.objects.count() == 5
        assert set(LineItem.objects.values_list("kind", flat=True)) == set(ItemKind.values)
        assert CompanySettings.load().name == "Ironclad Powder Coating"

    def test_quotes_and_invoices_show_every_state_and_no_email_was_sent(self, demo_shop):
        """Quotes in five statuses, invoices paid, part paid and unpaid, and a silent seed."""
        from django.core import mail

        assert set(Quote.objects.values_list("status", flat=True)) == {
            QuoteStatus.DRAFT,
            QuoteStatus.SENT,
            QuoteStatus.APPROVED,
            QuoteStatus.REJECTED,
            QuoteStatus.EXPIRED,
        }
        assert Quote.objects.filter(customer__isnull=True).exists()  # a prospect
        assert all(quote.total > 0 for quote in Quote.objects.all())
        statuses = set(Invoice.objects.values_list("status", flat=True))
        assert {InvoiceStatus.PAID, InvoiceStatus.PARTIALLY_PAID, InvoiceStatus.DRAFT} <= statuses
        for invoice in Invoice.objects.all():
            paid = sum((p.amount for p in invoice.payments.all()), Decimal("0"))
            assert invoice.amount_paid == paid
            assert invoice.balance == invoice.total - paid
        assert mail.outbox == []

    def test_templates_hold_items_and_leave_job_counts_alone(self, demo_shop):
        """Three job templates with items of their own; their items are not on any job."""
        templates = JobTemplate.objects.all()
        assert templates.count() == 3
        assert all(template.items.exists() for template in templates)
        assert not LineItem.objects.filter(template__isnull=False, job__isnull=False).exists()

    def test_customers_cover_the_special_cases(self, demo_shop):
        """Tax exempt, no status emails, inactive, discounted: each case has a customer."""
        customers = Customer.objects.all()
        assert all(customer.email for customer in customers)
        assert customers.filter(tax_exempt=True).exists()
        assert customers.filter(email_notifications=False).exists()
        assert customers.filter(is_active=False).exists()
        assert customers.filter(discount_percent__gt=0).count() >= 3

    def test_some_open_jobs_are_overdue(self, demo_shop):
        """The Overdue tab has something to show: open jobs past their due date."""
        overdue = Job.objects.overdue()
        assert overdue.exists()
        assert all(job.is_overdue for job in overdue)

    def test_jobs_are_numbered_and_every_moved_job_has_a_timeline(self, demo_shop):
        """Numbers look like JOB-YYMM-0001 and each job's timeline ends at its current status."""
        now = timezone.now()
        for job in Job.objects.all():
            assert re.fullmatch(r"JOB-\d{4}-\d{4,}", job.number)
            changes = list(StatusChange.objects.filter(job=job).order_by("id"))
            if job.status == JobStatus.PENDING:
                assert changes == []
                continue
            assert changes, job.number
            assert changes[-1].to_status == job.status
            times = [change.created_at for change in changes]
            assert times == sorted(times)
            assert job.created_at < times[0]
            assert times[-1] <= now

    def test_finished_jobs_carry_the_dates_of_their_dated_timeline(self, demo_shop):
        """Each demo job's finished and ready moments are its first such move on the timeline
        as it was dated back, so the reports see the demo's months, not the seeding day."""
        finished = 0
        for job in Job.objects.all():
            changes = list(StatusChange.objects.filter(job=job).order_by("id"))
            first_finished = [c.created_at for c in changes if c.to_status in FINISHED_STAGES]
            first_ready = [c.created_at for c in changes if c.to_status in READY_STAGES]
            assert job.finished_at == (first_finished[0] if first_finished else None)
            assert job.ready_at == (first_ready[0] if first_ready else None)
            finished += bool(first_finished)
        assert finished >= 5

    def test_jobs_on_hold_or_cancelled_say_why(self, demo_shop):
        """The hold or cancel reason is the note of the last timeline entry."""
        for job in Job.objects.filter(status__in=[JobStatus.ON_HOLD, JobStatus.CANCELLED]):
            last = StatusChange.objects.filter(job=job).order_by("id").last()
            assert last.transition in ("hold", "cancel")
            assert len(last.note) > 10
        assert all(job.held_from_status for job in Job.objects.filter(status=JobStatus.ON_HOLD))

    def test_jobs_are_priced_from_their_items(self, demo_shop):
        """Each job's subtotal is its items' total; Rush jobs carry the rush surcharge."""
        for job in Job.objects.prefetch_related("items"):
            assert job.subtotal == sum(item.line_total for item in job.items.all())
            assert job.subtotal > 0
            assert (job.rush_surcharge_amount > 0) == (job.priority == Priority.RUSH)
        assert Job.objects.filter(discount_amount__gt=0).exists()

    def test_labor_only_items_have_no_coats_and_the_others_do(self, demo_shop):
        """Coats follow SPEC L2: none on Labor Only items, at least one on every other item."""
        for item in LineItem.objects.prefetch_related("coats"):
            assert bool(item.coats.all()) == (item.kind != ItemKind.LABOR_ONLY)

    def test_some_jobs_need_no_prep_so_advance_skipped_the_prep_stages(self, demo_shop):
        """Jobs without prep lines went from In Preparation straight to the oven."""
        without_prep = Job.objects.exclude(items__prep_lines__isnull=False).exclude(
            status__in=[JobStatus.PENDING, JobStatus.QUOTED, JobStatus.APPROVED]
        )
        assert without_prep.exists()
        for job in without_prep:
            assert StatusChange.objects.filter(
                job=job, from_status=JobStatus.IN_PREPARATION, to_status=JobStatus.IN_OVEN
            ).exists()

    def test_stock_on_hand_is_explained_by_the_ledger(self, demo_shop):
        """Every item's stock equals the sum of its ledger rows and its last running balance."""
        for item in InventoryItem.objects.all():
            ledger = InventoryActivity.objects.filter(item=item)
            assert ledger.aggregate(total=Sum("quantity"))["total"] == item.quantity_on_hand
            last_row = ledger.order_by("-created_at", "-id").first()
            assert last_row.balance_after == item.quantity_on_hand
            assert set(ledger.values_list("kind", flat=True)) == {ActivityKind.OPENING}

    def test_a_few_powders_are_low_on_stock(self, demo_shop):
        """The low-stock flags on the dashboard have three or four powders to show."""
        low = InventoryItem.objects.low_stock().filter(category__in=COATING_CATEGORIES)
        assert 3 <= low.count() <= 4

    def test_every_seeded_row_passes_model_validation(self, demo_shop):
        """The demo data obeys the rules the admin forms enforce (choices, colours, time zone)."""
        CompanySettings.load().full_clean()
        for model in (
            PrepService,
            InventoryItem,
            Worker,
            Customer,
            CatalogProduct,
            CatalogProductCoat,
            Job,
            LineItem,
            LineItemCoat,
            LineItemPrep,
        ):
            for obj in model.objects.all():
                # A protected FSM status refuses the assignment that full_clean makes.
                obj.full_clean(exclude=["status"] if model is Job else None)

    def test_debug_on_creates_one_working_login_per_role(self, demo_shop, settings):
        """Each demo account is staff, in its role group, and logs in with the printed password."""
        assert f"Log in at {settings.SITE_URL}/admin/ with:" in demo_shop
        for login in DEMO_LOGINS:
            user = get_user_model().objects.get(username=login.username)
            assert user.is_staff
            assert user.is_superuser == (login.username == "owner")
            assert list(user.groups.values_list("name", flat=True)) == [login.group]
            # django-axes checks every login against its request, as the login page passes it.
            request = RequestFactory().post("/admin/login/")
            assert authenticate(request, username=login.username, password=login.password) == user
            assert re.search(rf"{login.username}\s+{login.password}\s+{login.group}", demo_shop)
        assert Worker.objects.filter(user__username="floor").exists()


# -- on an empty database: logins without DEBUG, --if-empty ----------------------------------


def test_debug_off_refuses_demo_logins_but_loads_the_shop(settings):
    """Without DEBUG no account with a published password is made; the data still loads."""
    settings.DEBUG = False

    output = seed()

    usernames = [login.username for login in DEMO_LOGINS]
    assert not get_user_model().objects.filter(username__in=usernames).exists()
    assert "Demo logins refused: DEBUG is off" in output
    assert "demo-owner" not in output
    assert Job.objects.count() >= 40
    assert not StatusChange.objects.exclude(user=None).exists()


def test_if_empty_leaves_a_shop_with_customers_alone(settings):
    """A database that already has a customer gets nothing from --if-empty."""
    settings.DEBUG = True
    Customer.objects.create(contact_name="Walk-in Customer", email="walkin@example.com")
    counts = row_counts()

    output = seed("--if-empty")

    assert row_counts() == counts
    assert "demo data not loaded" in output


def test_if_empty_loads_an_empty_shop(settings):
    """On an empty database --if-empty loads the demo shop as a plain run would."""
    settings.DEBUG = True

    output = seed("--if-empty")

    assert Job.objects.count() >= 40
    assert "Log in at" in output


# -- reaching a stage Advance would skip ------------------------------------------------------


def test_walk_sets_a_prep_stage_that_advance_would_skip():
    """A job whose items need no masking still reaches Masking, by a status set, not a jump."""
    customer = Customer.objects.create(contact_name="Test Customer", email="t@example.com")
    job = job_create(job=Job(customer=customer, description="Bracket"), user=None)

    walk_job_to(job, JobStatus.MASKING, Seed(), 0, CompanySettings.load())

    job.refresh_from_db()
    assert job.status == JobStatus.MASKING
    last = StatusChange.objects.filter(job=job).order_by("id").last()
    assert (last.transition, last.from_status) == ("set_status", JobStatus.IN_PREPARATION)
