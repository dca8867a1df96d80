"""factory-boy factories: small valid objects, created through the services where one exists."""

from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from powdercoat.models import (
    CatalogProduct,
    Customer,
    InventoryItem,
    Job,
    JobTemplate,
    LineItem,
    LineItemCoat,
    LineItemPrep,
    PrepService,
    Worker,
)
from powdercoat.models.choices import (
    CustomerType,
    InventoryCategory,
    ItemKind,
    JobStatus,
    PrepPricing,
)
from powdercoat.services.inventory import inventory_item_create
from powdercoat.services.jobs import job_create, job_hold, job_set_status
from powdercoat.services.prices import job_refresh_price


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("pw-for-tests")


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    customer_type = CustomerType.COMMERCIAL
    company_name = factory.Sequence(lambda n: f"Fabricator {n} LLC")
    contact_name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"orders{n}@fabricator.example")


class WorkerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Worker

    name = factory.Sequence(lambda n: f"Worker {n}")


class PowderFactory(factory.django.DjangoModelFactory):
    """A powder; `opening_stock` is booked through the ledger like a real new item."""

    class Meta:
        model = InventoryItem

    name = factory.Sequence(lambda n: f"Powder {n}")
    sku = factory.Sequence(lambda n: f"PWD-{n:04d}")
    category = InventoryCategory.POWDER
    unit = "lb"
    unit_cost = Decimal("12.50")
    reorder_point = Decimal("5")
    manufacturer = "Tiger Drylac"
    color_code = factory.Sequence(lambda n: f"RAL {9000 + n}")

    @classmethod
    def _create(cls, model_class, *args, opening_stock=Decimal("50"), user=None, **kwargs):
        return inventory_item_create(
            item=model_class(*args, **kwargs), user=user, opening_quantity=opening_stock
        )


class PrepServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrepService
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Prep {n}")
    pricing_method = PrepPricing.PER_SQFT
    rate = Decimal("1.25")


class CatalogProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CatalogProduct

    name = factory.Sequence(lambda n: f"Product {n}")
    surface_area_sqft = Decimal("6.5")
    unit_price = Decimal("85.00")


class JobFactory(factory.django.DjangoModelFactory):
    """A job created through `job_create`, so it is numbered like a real one."""

    class Meta:
        model = Job

    customer = factory.SubFactory(CustomerFactory)
    description = factory.Sequence(lambda n: f"Set of parts {n}")
    discount_percent = None

    @classmethod
    def _create(cls, model_class, *args, user=None, **kwargs):
        workers = kwargs.pop("assigned_workers", ())
        job = job_create(job=model_class(*args, **kwargs), user=user)
        job.assigned_workers.set(workers)
        return job


class LineItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LineItem
        skip_postgeneration_save = True

    job = factory.SubFactory(JobFactory)
    kind = ItemKind.CALCULATED
    description = factory.Sequence(lambda n: f"Bracket {n}")
    quantity = 4
    surface_area_sqft = Decimal("2.5")
    unit_price = Decimal("20.00")

    @factory.post_generation
    def refresh_job_price(item, create, extracted, **kwargs):
        """Keep the job's stored price in step with its items."""
        if create:
            job_refresh_price(job=item.job)


class LineItemCoatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LineItemCoat

    item = factory.SubFactory(LineItemFactory)
    powder = factory.SubFactory(PowderFactory)
    position = 1


class LineItemPrepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LineItemPrep

    item = factory.SubFactory(LineItemFactory)
    prep_service = factory.SubFactory(PrepServiceFactory)


def job_at(status: str, *, held_at: str = JobStatus.COATING, **fields) -> Job:
    """A fresh job moved to `status` by an office correction (On Hold: held at `held_at`)."""
    job = JobFactory(**fields)
    if status == JobStatus.ON_HOLD:
        job_set_status(job=job, user=None, status=held_at, note="setup")
        job_hold(job=job, user=None, reason="Waiting on powder")
    elif status != JobStatus.PENDING:
        job_set_status(job=job, user=None, status=status, note="setup")
    return Job.objects.get(pk=job.pk)


class JobTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobTemplate

    name = factory.Sequence(lambda n: f"Template {n}")
    description = factory.LazyAttribute(lambda template: f"{template.name} job")


class TemplateLineItemFactory(factory.django.DjangoModelFactory):
    """A line item on a job template (templates have no price to keep in step)."""

    class Meta:
        model = LineItem

    template = factory.SubFactory(JobTemplateFactory)
    kind = ItemKind.CALCULATED
    description = factory.Sequence(lambda n: f"Rail {n}")
    quantity = 2
    surface_area_sqft = Decimal("3.0")
    unit_price = Decimal("30.00")


# -- quotes (SPEC Q) -----------------------------------------------------------------------------


class QuoteFactory(factory.django.DjangoModelFactory):
    """A Draft quote created through `quote_create`, numbered QUO-YYMM-#### like a real one.

    Pass `customer=None, prospect_name=...` for a quote to someone not yet a customer.
    """

    class Meta:
        model = "powdercoat.Quote"

    customer = factory.SubFactory(CustomerFactory)
    description = factory.Sequence(lambda n: f"Wheels and brackets {n}")
    discount_percent = None

    @classmethod
    def _create(cls, model_class, *args, user=None, **kwargs):
        from powdercoat.services.quotes import quote_create

        return quote_create(quote=model_class(*args, **kwargs), user=user)


class QuoteLineItemFactory(factory.django.DjangoModelFactory):
    """A line item on a quote; the quote's stored price follows its items."""

    class Meta:
        model = LineItem
        skip_postgeneration_save = True

    quote = factory.SubFactory(QuoteFactory)
    kind = ItemKind.CALCULATED
    description = factory.Sequence(lambda n: f"Wheel {n}")
    quantity = 4
    surface_area_sqft = Decimal("2.0")
    unit_price = Decimal("25.00")

    @factory.post_generation
    def refresh_quote_price(item, create, extracted, **kwargs):
        """Keep the quote's stored price in step with its items."""
        if create:
            from powdercoat.services.prices import quote_refresh_price

            quote_refresh_price(quote=item.quote)


def invoiced_job(*, items=((4, Decimal("20.00")),), user=None, **job_fields):
    """A job with items given as (quantity, unit price), invoiced through the service."""
    from powdercoat.services.invoices import invoice_create_for_job

    job = JobFactory(**job_fields)
    for quantity, unit_price in items:
        LineItemFactory(job=job, quantity=quantity, unit_price=unit_price)
    return invoice_create_for_job(job=Job.objects.get(pk=job.pk), user=user)


def paid(invoice, amount, *, user=None, **fields):
    """A payment of `amount` (text or Decimal) on `invoice` today, through the service."""
    from django.utils import timezone

    from powdercoat.services.invoices import payment_record

    return payment_record(
        invoice=invoice,
        amount=Decimal(amount),
        paid_on=fields.pop("paid_on", timezone.localdate()),
        method=fields.pop("method", "check"),
        reference=fields.pop("reference", "Check 1042"),
        user=user,
        **fields,
    )
