"""The shop floor stages setting: which stages the TV and the phone view show."""

import pytest
from django.urls import reverse

from powdercoat.models import CompanySettings
from powdercoat.models.choices import ON_FLOOR_STAGES, JobStatus
from tests.helpers import form_data

pytestmark = pytest.mark.django_db

FORM_ID = "companysettings_form"


def _change_url(company) -> str:
    return reverse("admin:powdercoat_companysettings_change", args=[company.pk])


def test_a_new_shop_shows_approved_through_quality_check_and_on_hold(company):
    """The default keeps the office's stages (Pending, Quoted) off the floor."""
    assert company.floor_stage_order == ON_FLOOR_STAGES
    assert JobStatus.PENDING not in company.floor_stage_order
    assert company.floor_stage_order[0] == JobStatus.APPROVED
    assert company.floor_stage_order[-1] == JobStatus.ON_HOLD


def test_the_settings_page_offers_a_box_per_stage_with_the_defaults_ticked(admin_client, company):
    """Ticked boxes for the default stages, unticked ones for the others."""
    data = form_data(admin_client.get(_change_url(company)).content.decode(), FORM_ID)
    assert data["floor_stages"] == [str(stage) for stage in ON_FLOOR_STAGES]
    html = admin_client.get(_change_url(company)).content.decode()
    assert 'name="floor_stages" value="pending"' in html
    assert 'name="floor_stages" value="delivered"' not in html


def test_saving_keeps_the_ticked_stages_in_workflow_order(admin_client, company):
    """Ticked in any order, kept in the order the floor works."""
    data = form_data(admin_client.get(_change_url(company)).content.decode(), FORM_ID)
    data["floor_stages"] = ["on_hold", "ready_for_pickup", "coating", "pending"]
    response = admin_client.post(_change_url(company), data)
    assert response.status_code == 302
    saved = CompanySettings.objects.get()
    assert saved.floor_stages == ["pending", "coating", "ready_for_pickup", "on_hold"]
    assert saved.floor_stage_order == (
        JobStatus.PENDING,
        JobStatus.COATING,
        JobStatus.READY_FOR_PICKUP,
        JobStatus.ON_HOLD,
    )


@pytest.mark.parametrize(
    ("ticked", "message"),
    [
        ([], "Pick at least one stage for the shop floor."),
        (["coating", "cancelled"], "Select a valid choice. cancelled is not one of"),
    ],
)
def test_no_stage_or_a_stage_off_the_list_is_refused(admin_client, company, ticked, message):
    """A clear message, and the saved stages stay as they were."""
    data = form_data(admin_client.get(_change_url(company)).content.decode(), FORM_ID)
    data["floor_stages"] = ticked
    response = admin_client.post(_change_url(company), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert CompanySettings.objects.get().floor_stages == [str(s) for s in ON_FLOOR_STAGES]


def test_a_row_spoilt_by_hand_still_shows_the_default_stages(company):
    """Nothing usable stored: the screens fall back to the default rather than go blank."""
    CompanySettings.objects.update(floor_stages={"coating": True})
    assert CompanySettings.load().floor_stage_order == ON_FLOOR_STAGES
    CompanySettings.objects.update(floor_stages=["delivered", "nonsense"])
    assert CompanySettings.load().floor_stage_order == ON_FLOOR_STAGES
