"""The oven plan in Chromium: a coater starts a batch, then marks it done, and the jobs move."""

import pytest
from playwright.sync_api import expect

from powdercoat.models import Job, Oven, StatusChange
from powdercoat.models.choices import JobStatus, Priority
from tests.shop_floor import floor_job, powder

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def test_a_coater_starts_and_finishes_a_batch(live_server, page, screenshot, company, floor_user):
    """Start moves the black batch's Cleaning job to Coating; Done moves both its jobs to
    Curing and they leave the plan; the white batch stays where it was."""
    black = powder(
        "Gloss Black", "#111111", color_code="RAL 9005", cure_temperature_f=400, cure_minutes=10
    )
    white = powder("Signal White", "#F4F4F4", color_code="RAL 9003")
    cleaning = floor_job(JobStatus.CLEANING, powders=[black], customer="Ridge Cycles")
    coating = floor_job(JobStatus.COATING, powders=[black], priority=Priority.RUSH)
    waiting = floor_job(JobStatus.IN_OVEN, powders=[white])
    # A transactional test's database is flushed, taking migration 0026's oven with it.
    Oven.objects.get_or_create(name="Oven", defaults={"capacity": 120})

    page.goto(f"{live_server.url}/jobs/oven/")
    page.fill("#id_username", floor_user.username)
    page.fill("#id_password", "pw-for-tests")
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}/jobs/oven/")

    batch = page.locator(f"#batch-{black.pk}")
    expect(batch.locator(".ov-step")).to_have_text("1")  # Rush: first
    expect(batch.locator(".ov-cure")).to_have_text("400 °F · 10 min")
    expect(page.locator(f"#batch-{white.pk} .ov-cure")).to_have_text("⚠ Cure schedule missing")
    cycle = page.locator("#cycle-1")
    expect(cycle.locator(".ov-oven")).to_have_text("Oven")
    expect(cycle).to_contain_text(cleaning.number)
    expect(cycle).to_contain_text(coating.number)
    screenshot("oven-plan-desktop")

    batch.get_by_role("button", name="Start batch → Coating").click()
    expect(page.locator(".flash-item")).to_contain_text(f"{cleaning.number} moved to Coating")
    expect(page.locator(".flash-item")).to_contain_text(f"Already at Coating: {coating.number}")
    cleaning.refresh_from_db()
    assert cleaning.status == JobStatus.COATING

    batch.get_by_role("button", name="Batch done → Curing").click()
    expect(page.locator(".flash-item")).to_contain_text("moved to Curing")
    expect(page.locator(f"#batch-{black.pk}")).to_have_count(0)
    assert set(
        Job.objects.filter(pk__in=[cleaning.pk, coating.pk]).values_list("status", flat=True)
    ) == {JobStatus.CURING}
    assert StatusChange.objects.filter(
        job=cleaning, note="Oven batch: Gloss Black (RAL 9005) · 400 °F 10 min"
    ).exists()
    waiting.refresh_from_db()
    assert waiting.status == JobStatus.IN_OVEN
    expect(page.locator(f"#batch-{white.pk}")).to_be_visible()

    page.set_viewport_size(PHONE)
    screenshot("oven-plan-phone")
