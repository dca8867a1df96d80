"""The shop display's key in company settings (SPEC S1), and the Shop floor sidebar links."""

import pytest
from django.urls import reverse

from tests.helpers import page_actions

pytestmark = pytest.mark.django_db
ROTATE = "admin:powdercoat_companysettings_rotate_display_key"


def test_settings_page_shows_the_display_address(admin_client, company, settings):
    """The full address with the current key, read-only, on the settings page."""
    settings.SITE_URL = "https://shop.example"
    url = reverse("admin:powdercoat_companysettings_change", args=[company.pk])
    html = admin_client.get(url).content.decode()
    assert f"https://shop.example/jobs/shop-display/?key={company.display_key}" in html
    assert "Rotate display key" in html


def test_rotating_the_key_locks_out_the_old_address(admin_client, client, company, settings):
    """A new random key; the message shows the new address; the old one is refused."""
    settings.SITE_URL = "https://shop.example"
    old = company.display_key
    response = admin_client.post(
        reverse(ROTATE, args=[company.pk]), {"_form_submitted": "on"}, follow=True
    )
    company.refresh_from_db()
    assert company.display_key != old
    assert len(company.display_key) >= 32
    assert f"https://shop.example/jobs/shop-display/?key={company.display_key}" in (
        response.content.decode()
    )
    assert client.get("/jobs/shop-display/", {"key": old}).status_code == 403
    assert client.get("/jobs/shop-display/", {"key": company.display_key}).status_code == 200


def test_opening_the_rotate_dialog_changes_nothing(admin_client, company):
    """GET shows the confirmation; only the POST rotates."""
    old = company.display_key
    admin_client.get(reverse(ROTATE, args=[company.pk]))
    company.refresh_from_db()
    assert company.display_key == old


def test_office_staff_cannot_rotate_the_key(office_client, company):
    """Company settings are the Administrator's: the rotate address is refused."""
    old = company.display_key
    response = office_client.post(reverse(ROTATE, args=[company.pk]), {"_form_submitted": "on"})
    assert response.status_code == 403
    company.refresh_from_db()
    assert company.display_key == old


def test_a_short_or_unsafe_typed_key_is_refused(admin_client, company):
    """A key typed by hand must be at least 16 URL-safe characters."""
    from powdercoat.admin.settings import CompanySettingsForm

    for bad in ("short", "has spaces in it and more", "amp&ersand-is-not-ok"):
        form = CompanySettingsForm(data={"display_key": bad}, instance=company)
        form.is_valid()
        assert "display_key" in form.errors, bad
    form = CompanySettingsForm(data={"display_key": "Good_key-0123456789"}, instance=company)
    form.is_valid()
    assert "display_key" not in form.errors


def test_sidebar_has_the_shop_floor_links(admin_client, office_client, company):
    """Board and phone view for job users; the display link (with its key) for the owner only."""
    owner = admin_client.get(reverse("admin:index")).content.decode()
    assert "/jobs/priority/" in owner
    assert "/jobs/mobile/" in owner
    assert f"/jobs/shop-display/?key={company.display_key}" in owner
    office = office_client.get(reverse("admin:index")).content.decode()
    assert "/jobs/priority/" in office
    assert "/jobs/mobile/" in office
    assert company.display_key not in office


def test_page_actions_helper_sees_the_rotate_button(admin_client, company):
    """The settings page offers the Rotate display key button."""
    url = reverse("admin:powdercoat_companysettings_change", args=[company.pk])
    actions = page_actions(admin_client.get(url))
    assert [str(action["title"]) for action in actions].count("Rotate display key") == 1
