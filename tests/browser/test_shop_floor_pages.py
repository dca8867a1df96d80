"""The shop-floor pages in Chromium: the TV display, the phone view and the Priority Board.

Screenshots at each page's intended size land in test-output/browser/ for people to look at.
"""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from powdercoat.models import Job
from powdercoat.models.choices import JobStatus, Priority
from tests.factories import WorkerFactory
from tests.shop_floor import floor_job, powder

pytestmark = pytest.mark.django_db(transaction=True)

TV = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}


def _log_in_from(page, live_server, path: str, username: str) -> None:
    """Open a page that needs a login, log in, and land back on it."""
    page.goto(f"{live_server.url}{path}")
    expect(page.locator("#id_username")).to_be_visible()
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests")
    page.click("button[type=submit]")
    expect(page).to_have_url(f"{live_server.url}{path}")
    page.wait_for_load_state("load")  # stylesheets applied before anything is measured


def _shop_day() -> dict:
    """A believable morning: jobs at most stages, four people, real powder colours."""
    today = timezone.localdate()
    ana, ben, chris, dana = (
        WorkerFactory(name=name) for name in ("Ana Ruiz", "Ben Ode", "Chris Lee", "Dana Park")
    )
    black = powder("Gloss Black", "#111111", color_code="RAL 9005")
    white = powder("Signal White", "#F4F4F4", color_code="RAL 9003")
    red = powder("Candy Red", "#B00020")
    yellow = powder("Safety Yellow", "#F5C400", color_code="RAL 1003")
    silver = powder("Hammertone Silver", "#9DA3A6")
    blue = powder("Sky Blue", "#2271B3", color_code="RAL 5015")
    bronze = powder("Satin Bronze", "#6F4E37")
    clear = powder("Super Clear")
    day = lambda n: today + timedelta(days=n)  # noqa: E731
    jobs = {
        "wheels": floor_job(
            JobStatus.COATING,
            customer="Ridge Cycles",
            priority=Priority.RUSH,
            due=day(-1),
            powders=[red, clear],
            workers=[ana],
            special_instructions="Mask the bearing seats; customer picks up at 4 pm.",
        ),
        "railings": floor_job(
            JobStatus.SANDBLASTING,
            customer="Oak Street Fabrication",
            due=day(3),
            powders=[black],
            workers=[ben],
            items=3,
        ),
        "gates": floor_job(
            JobStatus.SANDBLASTING,
            customer="Hillside Ironworks",
            priority=Priority.URGENT,
            due=day(1),
            powders=[black, clear],
            workers=[ben, dana],
        ),
        "frames": floor_job(
            JobStatus.COATING,
            customer="Velo Garage",
            due=day(2),
            powders=[blue],
            workers=[ana, chris],
        ),
        "brackets": floor_job(
            JobStatus.CURING,
            customer="Northside Machine",
            priority=Priority.HIGH,
            due=day(0),
            powders=[yellow],
            workers=[chris],
            items=4,
        ),
        "panels": floor_job(
            JobStatus.QUALITY_CHECK,
            customer="Cedar Signs",
            due=day(5),
            powders=[white],
            workers=[dana],
        ),
        "chairs": floor_job(
            JobStatus.APPROVED,
            customer="Patio Works",
            priority=Priority.LOW,
            due=day(10),
            powders=[bronze],
        ),
        "toolbox": floor_job(
            JobStatus.ON_HOLD,
            customer="M. Alvarez",
            due=day(-3),
            powders=[silver],
            workers=[ana],
        ),
        "valve": floor_job(
            JobStatus.MASKING,
            customer="Delta Pumps",
            due=day(4),
            powders=[silver, black],
            workers=[chris],
        ),
        "bumpers": floor_job(
            JobStatus.IN_OVEN,
            customer="Rock Crawler Supply",
            priority=Priority.URGENT,
            due=day(1),
            powders=[black],
            workers=[ben],
        ),
        "done": floor_job(JobStatus.READY_FOR_PICKUP, customer="Finished Fab", powders=[red]),
    }
    return {"jobs": jobs, "workers": {"ana": ana, "ben": ben, "chris": chris, "dana": dana}}


# -- Shop Display (SPEC S1) -------------------------------------------------------------------


def test_the_tv_shows_the_board_with_its_key_and_refreshes_in_place(
    live_server, page, screenshot, company
):
    """1920x1080, dark, large type; no prices; a refresh swaps the board without a reload."""
    shop = _shop_day()
    page.set_viewport_size(TV)
    page.goto(f"{live_server.url}/jobs/shop-display/?key={company.display_key}")
    wheels = page.locator(f'[data-job="{shop["jobs"]["wheels"].number}"]')
    expect(wheels).to_contain_text("Ridge Cycles")
    expect(wheels).to_contain_text("⚡ Rush")
    expect(wheels).to_contain_text("overdue")
    expect(wheels.locator(".swatch-chip").first).to_have_css("background-color", "rgb(176, 0, 32)")
    expect(page.locator(".tv-col-head").first).to_contain_text("Approved")
    expect(page.get_by_text(shop["jobs"]["done"].number)).to_have_count(0)
    assert "$" not in page.content()
    # Large type, dark background, and everything inside the screen.
    size = wheels.locator(".tv-number").evaluate("n => parseFloat(getComputedStyle(n).fontSize)")
    assert size >= 26
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(11, 15, 23)"
    assert page.evaluate("document.documentElement.scrollWidth") <= TV["width"]
    for column in page.locator(".tv-col").all():
        box = column.bounding_box()
        assert box["x"] + box["width"] <= TV["width"]
        assert box["y"] + box["height"] <= TV["height"]
    screenshot("shop-display-tv-1920x1080")

    # A new job shows up at the next refresh, without reloading the page.
    page.evaluate("window.__sameDocument = true")
    newcomer = floor_job(JobStatus.CLEANING, customer="Late Arrival Co")
    page.evaluate(
        "htmx.ajax('GET', document.querySelector('#tv-board').getAttribute('hx-get'),"
        " {target: '#tv-board', swap: 'innerHTML'})"
    )
    expect(page.locator(f'[data-job="{newcomer.number}"]')).to_be_visible()
    assert page.evaluate("window.__sameDocument") is True


def test_a_busy_stage_fits_the_screen_and_counts_the_rest(live_server, page, screenshot, company):
    """Cards that do not fit are hidden from the bottom and counted in "+ N more"."""
    _shop_day()
    crowd = [floor_job(JobStatus.COATING, customer=f"Crowd {n}") for n in range(9)]
    page.set_viewport_size(TV)
    page.goto(f"{live_server.url}/jobs/shop-display/?key={company.display_key}")
    column = page.locator('.tv-col[data-stage="Coating"]')
    more = column.locator(".tv-more")
    expect(more).to_be_visible()
    visible = column.locator(".tv-card:visible").count()
    assert 0 < visible < len(crowd) + 2
    expect(more).to_have_text(f"+ {len(crowd) + 2 - visible} more in Coating")
    bottom = column.bounding_box()["y"] + column.bounding_box()["height"]
    last = column.locator(".tv-card:visible").last.bounding_box()
    assert last["y"] + last["height"] <= bottom
    # The Rush job is never the one left out.
    expect(column.locator(".tv-card--rush")).to_be_visible()
    screenshot("shop-display-busy-1920x1080")


def test_the_tv_without_the_key_shows_only_a_refusal(live_server, page, screenshot, company):
    """No key or a wrong one: a refusal in words and no job anywhere on the screen."""
    shop = _shop_day()
    page.set_viewport_size(TV)
    for query in ("", "?key=not-the-key-at-all"):
        response = page.goto(f"{live_server.url}/jobs/shop-display/{query}")
        assert response.status == 403
        expect(page.get_by_role("heading")).to_have_text("This display is not switched on")
        assert shop["jobs"]["wheels"].number not in page.content()
    screenshot("shop-display-refused-1920x1080")


# -- Shop Mobile (SPEC S3) --------------------------------------------------------------------


def test_a_coater_filters_by_worker_and_advances_a_job_on_a_phone(
    live_server, page, screenshot, company, floor_user
):
    """390x844: the worker chip leaves Ana's jobs; Advance shows a spinner, then the new stage."""
    shop = _shop_day()
    jobs, ana = shop["jobs"], shop["workers"]["ana"]
    page.set_viewport_size(PHONE)
    _log_in_from(page, live_server, "/jobs/mobile/", floor_user.username)
    expect(page.locator(".m-card")).to_have_count(10)
    expect(page.locator(".live-dot")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot("shop-mobile-390x844-all")

    page.get_by_role("link", name="Ana Ruiz", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/jobs/mobile/?worker={ana.pk}")
    anas = {
        job.number
        for job in Job.objects.filter(
            assigned_workers=ana, status__in=[JobStatus.COATING, JobStatus.ON_HOLD]
        )
    }
    expect(page.locator(".m-card")).to_have_count(len(anas))
    shown = set(page.locator(".m-card").evaluate_all("cards => cards.map(c => c.dataset.job)"))
    assert shown == anas
    assert jobs["railings"].number not in shown

    # Hold the request back, as a slow shop Wi-Fi would, until the spinner has been seen.
    held = []

    def hold(route):
        held.append(route)

    page.route("**/advance/", hold)
    card = page.locator(f"#job-{jobs['frames'].number}")
    button = card.get_by_role("button", name="Advance to Curing")
    expect(button).to_be_visible()
    box = button.bounding_box()
    # A big target for a gloved thumb.
    assert box["height"] >= 48
    assert box["width"] >= 300
    button.click()
    expect(card.locator(".m-spinner")).to_be_visible()
    expect(card.get_by_text("Saving…")).to_be_visible()
    expect(card.locator("button.m-advance")).to_be_disabled()  # a second tap sends nothing
    while not held:  # the route handler runs while Playwright waits
        page.wait_for_timeout(50)
    held[0].continue_()
    page.unroute("**/advance/", hold)
    card = page.locator(f"#job-{jobs['frames'].number}")
    expect(card.locator(".pc-status")).to_have_text("Curing")
    expect(card.locator(".m-result")).to_have_text(f"{jobs['frames'].number}: Coating → Curing.")
    expect(card.get_by_role("button", name="Advance to Quality Check")).to_be_visible()
    assert Job.objects.get(pk=jobs["frames"].pk).status == JobStatus.CURING
    page.evaluate("window.scrollTo(0, 0)")
    screenshot("shop-mobile-390x844-advanced")

    # Pausing the auto-refresh stops the dot.
    page.get_by_role("button", name="Live").click()
    expect(page.get_by_role("button", name="Paused")).to_have_attribute("aria-pressed", "false")


def test_a_qr_scan_opens_the_bump_page_and_logs_powder(
    live_server, page, screenshot, company, floor_user
):
    """The work order's QR: login and back, Advance by POST, then log powder from the page."""
    shop = _shop_day()
    job = shop["jobs"]["brackets"]
    page.set_viewport_size(PHONE)
    _log_in_from(page, live_server, f"/jobs/{job.number}/bump/", floor_user.username)
    expect(page.get_by_test_id("next-stage")).to_have_text("Quality Check")
    screenshot("shop-bump-390x844")
    page.get_by_role("button", name="Advance to Quality Check").click()
    expect(page.get_by_text(f"{job.number}: Curing → Quality Check.")).to_be_visible()
    assert Job.objects.get(pk=job.pk).status == JobStatus.QUALITY_CHECK

    page.get_by_role("link", name="Log powder used").click()
    expect(page.get_by_label("Job number")).to_have_value(job.number)
    expect(page.get_by_label("Item")).to_contain_text("Safety Yellow")
    page.get_by_label("Amount used").fill("1.25")
    screenshot("shop-usage-390x844")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("on-hand")).to_have_text("48.75 lb")
    screenshot("shop-usage-logged-390x844")


# -- Priority Board (SPEC S2) -----------------------------------------------------------------


def test_a_supervisor_moves_a_card_from_normal_to_rush(
    live_server, page, screenshot, company, supervisor_user
):
    """1440x900: "Move to" Rush on a Normal card; it lands in the Rush lane and the job is Rush."""
    shop = _shop_day()
    job = shop["jobs"]["railings"]
    page.set_viewport_size(DESKTOP)
    _log_in_from(page, live_server, "/jobs/priority/", supervisor_user.username)
    normal, rush = (
        page.locator("#lane-normal").locator(".."),
        page.locator("#lane-rush").locator(".."),
    )
    card = normal.locator(f'[data-job="{job.number}"]')
    expect(card).to_be_visible()
    screenshot("priority-board-1440x900")

    card.get_by_label("Move to").select_option(label="Rush")
    card.get_by_role("button", name="Move").click()
    expect(page.get_by_text(f"{job.number} moved from Normal to Rush.")).to_be_visible()
    expect(rush.locator(f'[data-job="{job.number}"]')).to_be_visible()
    expect(normal.locator(f'[data-job="{job.number}"]')).to_have_count(0)
    moved = Job.objects.get(pk=job.pk)
    assert moved.priority == Priority.RUSH
    assert moved.history.latest().history_user == supervisor_user
    screenshot("priority-board-1440x900-moved")


def test_a_supervisor_drags_a_card_to_another_lane(live_server, page, company, supervisor_user):
    """Dragging a card by its handle into the High lane makes the job High."""
    shop = _shop_day()
    job = shop["jobs"]["panels"]
    page.set_viewport_size(DESKTOP)
    _log_in_from(page, live_server, "/jobs/priority/", supervisor_user.username)
    handle = page.locator(f'[data-job="{job.number}"] .pb-grip')
    target = page.locator("#lane-high").locator("..").locator(".pb-cards")
    handle.drag_to(target)
    high = page.locator("#lane-high").locator("..")
    expect(high.locator(f'[data-job="{job.number}"]')).to_be_visible()
    expect(page.get_by_text(f"{job.number} moved from Normal to High.")).to_be_visible()
    assert Job.objects.get(pk=job.pk).priority == Priority.HIGH


# -- the display key in company settings ------------------------------------------------------


def test_the_owner_rotates_the_display_key(live_server, page, screenshot, company, admin_user):
    """Company settings show the TV address; Rotate gives a new key and the old one stops."""
    old = company.display_key
    page.set_viewport_size(DESKTOP)
    _log_in_from(page, live_server, "/admin/", admin_user.username)
    page.goto(f"{live_server.url}/admin/powdercoat/companysettings/{company.pk}/change/")
    page.get_by_text("Powder and workflow", exact=True).click()
    expect(page.get_by_text(f"/jobs/shop-display/?key={old}")).to_be_visible()
    page.get_by_role("link", name="Rotate display key").click()
    dialog = page.locator("#dialog")
    expect(dialog).to_contain_text("stop showing jobs")
    screenshot("settings-rotate-display-key")
    dialog.get_by_role("button", name="Rotate key").click()
    expect(page.get_by_text("The shop display has a new address:")).to_be_visible()
    company.refresh_from_db()
    assert company.display_key != old
    expect(page.get_by_text(f"/jobs/shop-display/?key={company.display_key}").first).to_be_visible()
    assert page.request.get(f"{live_server.url}/jobs/shop-display/?key={old}").status == 403
