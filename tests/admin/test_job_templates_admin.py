"""Job templates in the admin (SPEC T): the list, the template page, and its two dialogs."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from powdercoat.models import Job, JobTemplate, LineItem
from powdercoat.models.choices import CoatLayer, ItemKind, JobStatus
from tests.factories import (
    CustomerFactory,
    JobTemplateFactory,
    LineItemCoatFactory,
    LineItemFactory,
    PowderFactory,
    TemplateLineItemFactory,
    job_at,
)
from tests.helpers import form_data, page_actions
from tests.views.test_item_wizard import coats, follow, step

pytestmark = pytest.mark.django_db

LIST_URL_NAME = "admin:powdercoat_jobtemplate_changelist"


def _template_url(template):
    return reverse("admin:powdercoat_jobtemplate_change", args=[template.pk])


def _job_url(job):
    return reverse("admin:powdercoat_job_change", args=[job.pk])


def _action_url(change_url, path):
    return f"{change_url.removesuffix('change/')}{path}/"


def _messages(client, url) -> str:
    return client.get(url).content.decode()


# -- the list --------------------------------------------------------------------------------


def test_list_shows_templates_with_their_item_counts(company, office_client):
    """Each template is listed with its number of items and whether it is active."""
    wheels = JobTemplateFactory(name="Camaro wheels", description="Set of four wheels")
    TemplateLineItemFactory.create_batch(3, template=wheels)
    JobTemplateFactory(name="Old patio set", is_active=False)
    response = office_client.get(reverse(LIST_URL_NAME))
    assert response.status_code == 200
    rows = {row.name: row.item_count for row in response.context["cl"].result_list}
    assert rows == {"Camaro wheels": 3, "Old patio set": 0}
    html = response.content.decode()
    for text in ("Camaro wheels", "Set of four wheels", "Old patio set", "Active", "Inactive"):
        assert text in html, text


def test_list_filters_active_templates(company, office_client):
    """The active filter leaves out retired templates."""
    JobTemplateFactory(name="Camaro wheels")
    JobTemplateFactory(name="Old patio set", is_active=False)
    response = office_client.get(reverse(LIST_URL_NAME) + "?is_active__exact=1")
    assert [t.name for t in response.context["cl"].result_list] == ["Camaro wheels"]


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_templates(company, office_client):
    """The list runs as many queries for 20 templates with items as for 2."""
    url = reverse(LIST_URL_NAME)
    for _ in range(2):
        TemplateLineItemFactory.create_batch(2, template=JobTemplateFactory())
    few = _queries(office_client, url)
    for _ in range(18):
        TemplateLineItemFactory.create_batch(2, template=JobTemplateFactory())
    assert _queries(office_client, url) == few


@pytest.mark.parametrize("path", ["/JobTemplates", "/JobTemplates/"])
def test_old_address_redirects_to_the_list(office_client, path):
    """/JobTemplates, the original product's address, leads to the template list."""
    response = office_client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse(LIST_URL_NAME)


def test_shop_floor_may_not_open_templates(company, floor_client):
    """Templates carry prices: Shop Floor gets 403 on the list."""
    JobTemplateFactory()
    assert floor_client.get(reverse(LIST_URL_NAME)).status_code == 403


# -- save a job as a template ----------------------------------------------------------------


def _job_with_items():
    job = job_at(JobStatus.COATING, description="Wheels for the Camaro")
    wheels = LineItemFactory(
        job=job, description="17 in wheels", quantity=4, unit_price=Decimal("95")
    )
    LineItemCoatFactory(item=wheels, powder=PowderFactory(name="Gloss black"))
    LineItemFactory(job=job, description="Roof rack", quantity=1, unit_price=Decimal("40"))
    return job


def test_save_as_template_dialog_creates_the_template(company, office_client, office_user):
    """The dialog offers the job's description as the name; saving opens the new template."""
    job = _job_with_items()
    url = _action_url(_job_url(job), "save-as-template")
    buttons = [str(a["title"]) for a in page_actions(office_client.get(_job_url(job)))]
    assert "Save as template" in buttons
    data = form_data(office_client.get(url, HTTP_HX_REQUEST="true").content.decode())
    assert data["name"] == "Wheels for the Camaro"
    data["name"] = "Camaro wheels"
    response = office_client.post(url, data, HTTP_HX_REQUEST="true")

    template = JobTemplate.objects.get()
    assert response.headers["HX-Redirect"] == _template_url(template)
    assert (template.name, template.created_by) == ("Camaro wheels", office_user)
    assert list(template.items.values_list("description", "quantity", "unit_price")) == [
        ("17 in wheels", 4, Decimal("95.00")),
        ("Roof rack", 1, Decimal("40.00")),
    ]
    page = _messages(office_client, _template_url(template))
    assert f"{job.number} saved as the template “Camaro wheels”." in page
    assert "Gloss black" in page


def test_save_as_template_with_a_used_name_says_so(company, office_client):
    """A taken name leaves the job page with the refusal and adds no template."""
    JobTemplateFactory(name="Camaro wheels")
    job = _job_with_items()
    url = _action_url(_job_url(job), "save-as-template")
    data = form_data(office_client.get(url).content.decode())
    data["name"] = "CAMARO wheels"
    response = office_client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == _job_url(job)
    assert "A template named “CAMARO wheels” already exists." in _messages(
        office_client, _job_url(job)
    )
    assert JobTemplate.objects.count() == 1


def test_shop_floor_cannot_save_a_template(company, floor_client):
    """No button for Shop Floor, and the address itself is refused."""
    job = _job_with_items()
    buttons = [str(a["title"]) for a in page_actions(floor_client.get(_job_url(job)))]
    assert "Save as template" not in buttons
    url = _action_url(_job_url(job), "save-as-template")
    response = floor_client.post(url, {"name": "Mine", "_form_submitted": "True"})
    assert response.status_code == 403
    assert not JobTemplate.objects.exists()


# -- the template page -----------------------------------------------------------------------


def test_template_page_shows_items_and_the_add_item_link(company, office_client):
    """The Line items tab lists the items and links to the item wizard for this template."""
    template = JobTemplateFactory(name="Camaro wheels")
    TemplateLineItemFactory(template=template, description="17 in wheels")
    html = office_client.get(_template_url(template)).content.decode()
    assert "17 in wheels" in html
    add_url = reverse("admin:powdercoat_jobtemplate_item_add", args=[template.pk])
    assert f'href="{add_url}"' in html
    assert "Add item" in html


def test_new_template_remembers_who_made_it(company, office_client, office_user):
    """Adding a template through the admin form records its creator."""
    url = reverse("admin:powdercoat_jobtemplate_add")
    data = form_data(office_client.get(url).content.decode(), form_id="jobtemplate_form")
    data.update(name="Patio set", description="Patio table and four chairs")
    response = office_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert JobTemplate.objects.get().created_by == office_user


def test_wizard_adds_an_item_to_a_template(company, office_client):
    """A flat-rate item walked through the wizard lands on the template, not on any job."""
    template = JobTemplateFactory(name="Brackets")
    black = PowderFactory(name="Gloss black")
    start = office_client.get(reverse("admin:powdercoat_jobtemplate_item_add", args=[template.pk]))
    url = follow(start)
    url = follow(step(office_client, url, kind=ItemKind.FLAT_RATE, description="Brackets"))
    url = follow(
        step(office_client, url, quantity="10", flat_unit_price="25.00", surface_area_sqft="")
    )
    url = follow(step(office_client, url, **coats((black, CoatLayer.BASE))))
    url = follow(step(office_client, url))
    assert (
        follow(step(office_client, url, button="_finish")) == _template_url(template) + "?tab=items"
    )

    item = LineItem.objects.get()
    assert (item.template, item.job, item.quantity, item.unit_price) == (
        template,
        None,
        10,
        Decimal("25.00"),
    )
    assert [(c.powder, c.layer) for c in item.coats.all()] == [(black, CoatLayer.BASE)]
    assert "“Brackets” added." in _messages(office_client, _template_url(template))


# -- create a job from a template ------------------------------------------------------------


def test_create_job_dialog_makes_the_job_and_opens_it(company, office_client, office_user):
    """Pick the customer and due date; the new job has the items and the page opens on it."""
    template = JobTemplateFactory(name="Camaro wheels", description="Wheels for the Camaro")
    TemplateLineItemFactory(template=template, quantity=4, unit_price=Decimal("95"))
    customer = CustomerFactory(company_name="Ridge Cycles")
    CustomerFactory(company_name="Closed Shop", is_active=False)
    url = _action_url(_template_url(template), "create-job")

    buttons = page_actions(office_client.get(_template_url(template)))
    assert [str(a["title"]) for a in buttons] == ["Create job from template"]
    dialog = office_client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "Ridge Cycles" in dialog
    assert "Closed Shop" not in dialog
    data = form_data(dialog)
    data.update(customer=str(customer.pk), due_date="2026-12-01")
    response = office_client.post(url, data, HTTP_HX_REQUEST="true")

    job = Job.objects.get()
    assert response.headers["HX-Redirect"] == _job_url(job)
    assert (job.customer, job.due_date, job.source_template, job.status) == (
        customer,
        date(2026, 12, 1),
        template,
        JobStatus.PENDING,
    )
    assert (job.items.count(), job.subtotal) == (1, Decimal("380.00"))
    page = _messages(office_client, _job_url(job))
    assert f"{job.number} created from “Camaro wheels” for Ridge Cycles." in page


def test_create_job_without_a_customer_stays_in_the_dialog(company, office_client):
    """The customer is required; the dialog shows the error and no job is made."""
    template = JobTemplateFactory()
    url = _action_url(_template_url(template), "create-job")
    data = form_data(office_client.get(url).content.decode())
    data["customer"] = ""
    response = office_client.post(url, data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Job.objects.exists()


def test_inactive_template_offers_no_create_job_and_refuses_it(company, office_client):
    """A retired template shows no button; posting anyway gives the refusal, no job."""
    template = JobTemplateFactory(name="Old patio set", is_active=False)
    assert page_actions(office_client.get(_template_url(template))) == []
    url = _action_url(_template_url(template), "create-job")
    data = form_data(office_client.get(url).content.decode())
    data.update(customer=str(CustomerFactory().pk), due_date="")
    response = office_client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == _template_url(template)
    assert "“Old patio set” is inactive" in _messages(office_client, _template_url(template))
    assert not Job.objects.exists()
