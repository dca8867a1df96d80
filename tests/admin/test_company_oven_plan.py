"""The oven plan's Company setting: the stages ready to coat (SPEC O1; the ovens are their own
rows, tests/admin/test_ovens.py)."""

import pytest
from django.urls import reverse

from powdercoat.models import CompanySettings
from powdercoat.models.choices import OVEN_PLAN_STAGES, JobStatus
from tests.helpers import form_data

pytestmark = pytest.mark.django_db

FORM_ID = "companysettings_form"


def _change_url(company) -> str:
    return reverse("admin:powdercoat_companysettings_change", args=[company.pk])


def test_a_new_shop_plans_approved_cleaning_in_oven_and_coating(company):
    """The default stages."""
    assert company.oven_plan_stage_order == OVEN_PLAN_STAGES


def test_saving_keeps_the_ticked_stages_in_workflow_order(admin_client, company):
    """Ticked in any order, kept in the order the floor works; Curing is not offered."""
    html = admin_client.get(_change_url(company)).content.decode()
    assert 'name="oven_plan_stages" value="curing"' not in html
    data = form_data(html, FORM_ID)
    data["oven_plan_stages"] = ["coating", "masking"]
    response = admin_client.post(_change_url(company), data)
    assert response.status_code == 302
    saved = CompanySettings.objects.get()
    assert saved.oven_plan_stage_order == (JobStatus.MASKING, JobStatus.COATING)
