"""Job templates: saving a job's items as a template and starting jobs from one (SPEC T1, T2)."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from powdercoat.models import Job, JobTemplate, LineItem
from powdercoat.models.choices import CoatLayer, JobStatus, PrepPricing
from powdercoat.services.items import line_item_delete
from powdercoat.services.templates import job_create_from_template, template_create_from_job
from tests.factories import (
    CustomerFactory,
    JobFactory,
    JobTemplateFactory,
    LineItemCoatFactory,
    LineItemFactory,
    LineItemPrepFactory,
    PowderFactory,
    PrepServiceFactory,
    TemplateLineItemFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def wheel_job(company):
    """A job with a two-coat, sandblasted set of wheels (price overridden) and a flat-rate rack."""
    job = JobFactory(description="Wheels for the Camaro", special_instructions="No chips")
    wheels = LineItemFactory(
        job=job,
        description="17 in wheels",
        position=1,
        quantity=4,
        unit_price=Decimal("95.00"),
        calculated_unit_price=Decimal("88.40"),
        price_overridden=True,
        pricing_basis={"coating_rate_per_sqft": "3.50"},
    )
    LineItemCoatFactory(
        item=wheels, powder=PowderFactory(name="Zinc primer"), layer=CoatLayer.PRIMER, position=1
    )
    LineItemCoatFactory(
        item=wheels, powder=PowderFactory(name="Gloss black"), layer=CoatLayer.BASE, position=2
    )
    LineItemPrepFactory(
        item=wheels,
        prep_service=PrepServiceFactory(name="Sandblasting"),
        pricing_method=PrepPricing.PER_SQFT,
        rate=Decimal("1.50"),
    )
    LineItemFactory(
        job=job, description="Roof rack", position=2, quantity=1, unit_price=Decimal("40.00")
    )
    return Job.objects.get(pk=job.pk)


def _shape(item: LineItem) -> tuple:
    """What a copy must keep of an item: its fields, coats and prep lines."""
    return (
        item.position,
        item.kind,
        item.description,
        item.quantity,
        item.surface_area_sqft,
        item.unit_price,
        item.calculated_unit_price,
        item.price_overridden,
        item.pricing_basis,
        [(c.powder_id, c.layer, c.position) for c in item.coats.all()],
        [(p.prep_service_id, p.pricing_method, p.rate) for p in item.prep_lines.all()],
    )


def _shapes(items) -> list[tuple]:
    return [_shape(item) for item in items.order_by("position", "id")]


# -- saving a job as a template --------------------------------------------------------------


def test_saving_a_job_copies_items_coats_prep_and_prices(wheel_job, office_user):
    """The template holds copies of both items, with their coats, prep lines and prices."""
    template = template_create_from_job(job=wheel_job, name="  Camaro wheels ", user=office_user)
    assert (template.name, template.description, template.special_instructions) == (
        "Camaro wheels",
        "Wheels for the Camaro",
        "No chips",
    )
    assert template.created_by == office_user
    assert template.is_active
    assert _shapes(template.items) == _shapes(wheel_job.items)
    assert not set(template.items.values_list("pk", flat=True)) & set(
        wheel_job.items.values_list("pk", flat=True)
    )
    assert template.history.first().history_user == office_user
    # The job keeps its own items untouched.
    assert wheel_job.items.count() == 2


def test_a_name_already_used_is_refused_whatever_its_case(wheel_job, office_user):
    """A second “camaro WHEELS” is refused in words, and no template or item is added."""
    template_create_from_job(job=wheel_job, name="Camaro wheels", user=office_user)
    items_before = LineItem.objects.count()
    with pytest.raises(ValidationError) as refused:
        template_create_from_job(job=wheel_job, name="camaro WHEELS", user=office_user)
    assert refused.value.messages == ["A template named “camaro WHEELS” already exists."]
    assert JobTemplate.objects.count() == 1
    assert LineItem.objects.count() == items_before


def test_an_empty_name_is_refused(wheel_job, office_user):
    """A template needs a name; blanks do not count."""
    with pytest.raises(ValidationError) as refused:
        template_create_from_job(job=wheel_job, name="   ", user=office_user)
    assert refused.value.messages == ["Give the template a name."]
    assert not JobTemplate.objects.exists()


# -- a job from a template -------------------------------------------------------------------


@pytest.fixture
def template(wheel_job, office_user):
    """The wheel job saved as a template."""
    return template_create_from_job(job=wheel_job, name="Camaro wheels", user=office_user)


def test_job_from_template_is_a_numbered_pending_priced_job(template, office_user):
    """New number, Pending, the customer and due date, items copied, priced with the discount."""
    customer = CustomerFactory(company_name="Ridge Cycles", discount_percent=Decimal("10"))
    due = date(2026, 12, 1)
    job = job_create_from_template(
        template=template, customer=customer, user=office_user, due_date=due
    )
    assert job.number.startswith("JOB-")
    assert Job.objects.filter(number=job.number).count() == 1
    assert (job.status, job.customer, job.due_date, job.source_template) == (
        JobStatus.PENDING,
        customer,
        due,
        template,
    )
    assert (job.description, job.special_instructions) == ("Wheels for the Camaro", "No chips")
    assert _shapes(job.items) == _shapes(template.items)
    # 4 x $95 + 1 x $40 = $420; the customer's 10 % off: $378.
    stored = Job.objects.get(pk=job.pk)
    assert stored.subtotal == sum(i.quantity * i.unit_price for i in template.items.all())
    assert (stored.subtotal, stored.discount_percent, stored.total_price) == (
        Decimal("420.00"),
        Decimal("10.00"),
        Decimal("378.00"),
    )
    assert stored.created_by == office_user


def test_a_template_without_a_description_names_the_job_after_itself(company, office_user):
    """An empty template description gives the job the template's name."""
    template = JobTemplateFactory(name="Patio set", description="")
    TemplateLineItemFactory(template=template)
    job = job_create_from_template(template=template, customer=CustomerFactory(), user=office_user)
    assert job.description == "Patio set"
    assert job.items.count() == 1


def test_editing_the_template_later_leaves_the_job_alone(template, office_user):
    """Changing a template item's quantity and removing another keeps the job's items and price."""
    job = job_create_from_template(template=template, customer=CustomerFactory(), user=office_user)
    before = _shapes(job.items)
    wheels, rack = template.items.order_by("position")
    wheels.quantity = 10
    wheels.unit_price = Decimal("1.00")
    wheels.save()
    line_item_delete(item=rack, user=office_user)

    assert template.items.count() == 1
    job.refresh_from_db()
    assert _shapes(job.items) == before
    assert (job.subtotal, job.total_price) == (Decimal("420.00"), Decimal("420.00"))


def test_an_inactive_template_is_refused_and_nothing_is_created(template, office_user):
    """No job, no items, and a message saying why."""
    template.is_active = False
    template.save()
    jobs, items = Job.objects.count(), LineItem.objects.count()
    with pytest.raises(ValidationError) as refused:
        job_create_from_template(template=template, customer=CustomerFactory(), user=office_user)
    assert "“Camaro wheels” is inactive" in refused.value.messages[0]
    assert (Job.objects.count(), LineItem.objects.count()) == (jobs, items)


def test_an_inactive_customer_is_refused_and_nothing_is_created(template, office_user):
    """Work is not started for a customer the office no longer serves."""
    customer = CustomerFactory(company_name="Gone Fabrication", is_active=False)
    jobs, items = Job.objects.count(), LineItem.objects.count()
    with pytest.raises(ValidationError) as refused:
        job_create_from_template(template=template, customer=customer, user=office_user)
    assert refused.value.messages == [
        "Gone Fabrication is an inactive customer; make the customer active first."
    ]
    assert (Job.objects.count(), LineItem.objects.count()) == (jobs, items)
