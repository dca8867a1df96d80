"""Work order addresses (SPEC D1, D2, S6): login, roles, unknown jobs, the old blank address, and
the Print work order button on the job page."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from pypdf import PdfReader

from powdercoat.models import Job
from tests.factories import CustomerFactory, JobFactory, LineItemFactory, UserFactory
from tests.helpers import page_actions

pytestmark = pytest.mark.django_db


def _pdf_url(job: Job) -> str:
    return f"/jobs/{job.number}/work-order.pdf"


def _text(response) -> str:
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def job(company):
    """A job for Harbor Marine (contact Lee Park) with one priced item."""
    job = JobFactory(
        customer=CustomerFactory(
            company_name="Harbor Marine", contact_name="Lee Park", phone="(217) 555-0142"
        )
    )
    LineItemFactory(job=job, description="Trailer wheel", quantity=4, unit_price=Decimal("20"))
    return job


def test_address_is_the_one_the_spec_names(job):
    """/jobs/<job number>/work-order.pdf."""
    assert reverse("admin_views:job_work_order", args=[job.number]) == _pdf_url(job)
    assert reverse("admin_views:work_order_blank") == "/work-order/blank/"


def test_anonymous_visitors_are_sent_to_log_in_and_back(client, job):
    """No login, no work order: the admin login page, coming back afterwards."""
    for url in (_pdf_url(job), "/work-order/blank/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"/admin/login/?next={url}"


def test_office_gets_the_pdf_in_the_browser(office_client, job):
    """Shown inline, named after the job, never kept by shared caches."""
    response = office_client.get(_pdf_url(job))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{job.number}-work-order.pdf"'
    assert "no-store" in response["Cache-Control"]
    text = _text(response)
    assert job.number in text
    assert "Trailer wheel" in text
    assert "Lee Park" in text


def test_unknown_job_number_is_not_found(office_client, company):
    """A number no job has is a 404, not a server error."""
    assert office_client.get("/jobs/JOB-0000-9999/work-order.pdf").status_code == 404


def test_shop_floor_copy_has_no_prices_or_contact_details(company, floor_client, job):
    """Even with Show prices on, Shop Floor's work order carries no money and no contact."""
    company.work_order_show_prices = True
    company.save()
    text = _text(floor_client.get(_pdf_url(job)))
    assert "Harbor Marine" in text
    assert "Trailer wheel" in text
    assert "$" not in text
    assert "Lee Park" not in text
    assert "555-0142" not in text


def test_office_copy_shows_prices_when_the_template_says_so(company, office_client, job):
    """Office staff may see prices, so the template's choice decides."""
    company.work_order_show_prices = True
    company.save()
    assert "$80.00" in _text(office_client.get(_pdf_url(job)))


def test_user_who_may_not_see_jobs_is_refused(client, job):
    """A logged-in user without the right to view jobs gets 403."""
    user = UserFactory(username="bookkeeper", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_customer"))
    client.force_login(user)
    assert client.get(_pdf_url(job)).status_code == 403


def test_changing_requests_are_refused(office_client, job):
    """The PDFs are read-only addresses."""
    assert office_client.post(_pdf_url(job)).status_code == 405


def test_blank_work_order_has_the_letterhead_terms_and_fields(company, floor_client):
    """The blank form: shop name, title, terms, and the fields filled in by hand."""
    company.name = "Ridge Powder Works"
    company.work_order_terms = "Parts left 30 days after pickup notice may be recycled."
    company.save()
    response = floor_client.get("/work-order/blank/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _text(response)
    for expected in (
        "Ridge Powder Works",
        "WORK ORDER",
        "Parts left 30 days after pickup notice may be recycled.",
        "Customer",
        "Phone",
        "PO number",
        "Pieces received",
        "Special instructions",
        "Customer signature",
    ):
        assert expected in text, expected
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1


@pytest.mark.parametrize("old", ["/WorkOrder/Blank", "/WorkOrder/Blank/"])
def test_old_blank_address_redirects(client, old):
    """The original product's /WorkOrder/Blank keeps working (SPEC S6)."""
    response = client.get(old)
    assert response.status_code == 302
    assert response["Location"] == "/work-order/blank/"


@pytest.mark.parametrize("client_fixture", ["office_client", "floor_client"])
def test_job_page_button_opens_the_work_order_in_a_new_tab(request, job, client_fixture):
    """The job page's Print work order button opens a new tab and lands on the PDF."""
    client = request.getfixturevalue(client_fixture)
    page = client.get(reverse("admin:powdercoat_job_change", args=[job.pk]))
    buttons = {str(a["title"]): a for a in page_actions(page)}
    button = buttons["Print work order"]
    assert button["attrs"] == {"target": "_blank"}
    assert 'target="_blank"' in page.content.decode()
    response = client.get(button["path"])
    assert response.status_code == 302
    assert response["Location"] == _pdf_url(job)
    assert client.get(response["Location"]).status_code == 200
