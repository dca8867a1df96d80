"""Dialogs in a real browser: refusals where the eye is, a double click counts once, and an
unlikely amount is asked about before it is written."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from powdercoat.models import InventoryActivity, InventoryItem, Payment, TimeEntry
from powdercoat.models.choices import JobStatus
from tests.browser.helpers import log_in
from tests.factories import (
    LineItemCoatFactory,
    LineItemFactory,
    PowderFactory,
    WorkerFactory,
    invoiced_job,
    job_at,
    paid,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _in_viewport(page, locator) -> bool:
    """Whether the element's box lies inside the browser window as the person sees it."""
    box = locator.bounding_box()
    size = page.viewport_size
    return (
        box is not None
        and box["y"] >= 0
        and box["y"] + box["height"] <= size["height"]
        and box["x"] >= 0
        and box["x"] + box["width"] <= size["width"]
    )


def test_a_time_entry_ending_before_it_starts_is_shown_on_the_end_field(
    live_server, page, screenshot, office_user, company
):
    """End before start: the dialog stays, says so naming End, focuses End, and it is in view."""
    page.set_viewport_size({"width": 1280, "height": 720})  # a laptop; the dialog must scroll
    job = job_at(JobStatus.COATING)
    WorkerFactory(name="Dwayne Pickett")
    log_in(page, live_server, office_user.username)
    page.goto(f"{live_server.url}/admin/powdercoat/job/{job.pk}/change/?tab=time")
    page.get_by_role("link", name="Log time").first.click()
    dialog = page.locator("#dialog")
    expect(dialog).to_be_visible()
    dialog.locator("select[name=worker]").select_option(label="Dwayne Pickett")
    dialog.locator("input[name=started_at]").fill("14:00")
    dialog.locator("input[name=ended_at]").fill("09:00")
    dialog.locator("textarea, input[name=note]").last.fill("Second coat, booth 2")
    dialog.get_by_role("button", name="Log time").click()

    summary = page.locator("[data-testid=dialog-errors]")
    expect(summary).to_contain_text("End: The end (09:00) must be after the start (14:00).")
    end = page.locator("#dialog input[name=ended_at]")
    expect(end).to_be_focused()
    assert _in_viewport(page, end)
    assert _in_viewport(page, page.locator("#dialog").get_by_text("must be after the start").last)
    assert _in_viewport(page, page.locator("#dialog").get_by_role("button", name="Log time"))
    screenshot("dialog-time-entry-refused")
    assert not TimeEntry.objects.exists()

    end.fill("16:30")
    page.locator("#dialog").get_by_role("button", name="Log time").click()
    expect(page.get_by_text("2.5 h logged for Dwayne Pickett")).to_be_visible()
    assert TimeEntry.objects.get().hours == Decimal("2.50")


def test_a_double_click_on_record_payment_records_one_payment(
    live_server, page, office_user, company
):
    """Record payment double-clicked: one $40 payment, and the page says so once."""
    invoice = invoiced_job()
    log_in(page, live_server, office_user.username)
    page.goto(f"{live_server.url}/admin/powdercoat/invoice/{invoice.pk}/change/")
    page.get_by_role("link", name="Add payment").click()
    dialog = page.locator("#dialog")
    expect(dialog).to_be_visible()
    dialog.locator("input[name=amount]").fill("40.00")
    dialog.get_by_role("button", name="Record payment").dblclick()
    expect(page.get_by_text("$40.00 recorded on")).to_be_visible()
    assert Payment.objects.filter(invoice=invoice).count() == 1


def test_a_second_identical_payment_is_asked_about_with_the_box_focused(
    live_server, page, screenshot, office_user, company
):
    """The same $40 again within half an hour: the figures, then the tick box, then it is saved."""
    invoice = invoiced_job(items=[(10, Decimal("20.00"))])
    paid(invoice, "40.00", reference="Check 88", user=office_user)
    log_in(page, live_server, office_user.username)
    page.goto(f"{live_server.url}/admin/powdercoat/invoice/{invoice.pk}/change/")
    page.get_by_role("link", name="Add payment").click()
    dialog = page.locator("#dialog")
    dialog.locator("input[name=amount]").fill("40.00")
    dialog.get_by_role("button", name="Record payment").click()
    question = page.locator("[data-testid=dialog-question]")
    expect(question).to_contain_text("$40.00 was already recorded on")
    expect(question).to_contain_text("Check 88")
    box = page.locator("#dialog input[name=confirm]")
    expect(box).to_be_focused()
    screenshot("dialog-payment-question")
    assert Payment.objects.filter(invoice=invoice).count() == 1
    box.check()
    page.locator("#dialog").get_by_role("button", name="Record payment").click()
    expect(page.get_by_text("$40.00 recorded on")).to_be_visible()
    assert Payment.objects.filter(invoice=invoice).count() == 2


def test_logging_far_more_than_the_shelf_holds_asks_first(
    live_server, page, screenshot, floor_user, company
):
    """500 lb typed for a 1.7 lb job with 88 lb on the shelf: asked; corrected to 1.5, booked."""
    powder = PowderFactory(
        name="Gloss black", opening_stock=Decimal("88"), coverage_rate=Decimal("30")
    )
    job = job_at(JobStatus.COATING)
    LineItemCoatFactory(
        item=LineItemFactory(job=job, quantity=1, surface_area_sqft=Decimal("33.15")),
        powder=powder,
    )
    log_in(page, live_server, floor_user.username)
    page.goto(f"{live_server.url}/admin/powdercoat/job/{job.pk}/change/")
    page.get_by_role("link", name="Log material").click()
    dialog = page.locator("#dialog")
    dialog.locator("select[name=item]").select_option(str(powder.pk))
    dialog.locator("input[name=lbs]").fill("500")
    dialog.get_by_role("button", name="Log material").click()
    question = page.locator("[data-testid=dialog-question]")
    expect(question).to_contain_text(
        "500.0 lb of Gloss black is more than the 88.0 lb on the shelf"
    )
    expect(question).to_contain_text("-412.0 lb")
    expect(page.locator("#dialog").get_by_label("Yes, log 500.0 lb")).not_to_be_checked()
    screenshot("dialog-usage-question")
    assert InventoryItem.objects.get(pk=powder.pk).quantity_on_hand == Decimal("88")

    page.locator("#dialog input[name=lbs]").fill("1.5")
    page.locator("#dialog").get_by_role("button", name="Log material").click()
    expect(page.get_by_text("Logged 1.5 lb of Gloss black")).to_be_visible()
    assert InventoryActivity.objects.filter(job=job).count() == 1
    assert InventoryItem.objects.get(pk=powder.pk).quantity_on_hand == Decimal("86.5")
