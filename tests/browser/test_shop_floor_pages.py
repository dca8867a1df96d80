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
    expect(wheels).to_contain_text("Overdue")
    expect(wheels.locator(".swatch-chip").first).to_have_css("background-color", "rgb(176, 0, 32)")
    expect(page.locator(".tv-col-head").first).to_contain_text("Approved")
    expect(page.get_by_text(shop["jobs"]["done"].number)).to_have_count(0)
    assert "$" not in page.content()
    # Large type, dark background, and everything inside the screen.
    size = wheels.locator(".tv-number").evaluate("n => parseFloat(getComputedStyle(n).fontSize)")
    assert size >= 40
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
    """390x844: the worker chip leaves Ana's jobs; Advance shows a spinner, then the card
    under its new stage with a note and Undo; Undo puts it back; the note goes by itself."""
    shop = _shop_day()
    jobs, ana = shop["jobs"], shop["workers"]["ana"]
    # Time runs as usual; the clock lets the note's ten seconds pass at once at the end.
    page.clock.install()
    page.set_viewport_size(PHONE)
    _log_in_from(page, live_server, "/jobs/mobile/", floor_user.username)
    expect(page.locator(".m-card")).to_have_count(10)
    expect(page.locator(".live-dot")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # The office's stages are not on the floor: the job ready for pickup is not listed.
    expect(page.locator(f"#job-{jobs['done'].number}")).to_have_count(0)
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
    shown = set(page.locator(".m-card").evaluate_all("cards => cards.map(c => c.id.slice(4))"))
    assert shown == anas
    assert jobs["railings"].number not in shown

    # Hold the request back, as a slow shop Wi-Fi would, until the spinner has been seen.
    held = []

    def hold(route):
        held.append(route)

    page.route("**/advance/", hold)
    frames = jobs["frames"].number
    card = page.locator(f"#job-{frames}")
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
    curing = page.locator("section.m-stage", has=page.locator("#stage-curing"))
    expect(curing.locator(f"#job-{frames}")).to_be_visible(timeout=15_000)
    expect(page.locator("#stage-coating ~ #job-" + frames)).to_have_count(0)
    note = page.locator(".m-note")
    expect(note).to_contain_text(f"{frames}: Coating → Curing.")
    expect(curing.get_by_role("button", name="Advance to Quality Check")).to_be_visible()
    assert Job.objects.get(pk=jobs["frames"].pk).status == JobStatus.CURING
    screenshot("shop-mobile-390x844-advanced")

    note.get_by_role("button", name="Undo").click()
    coating = page.locator("section.m-stage", has=page.locator("#stage-coating"))
    expect(coating.locator(f"#job-{frames}")).to_be_visible(timeout=15_000)
    expect(page.locator(".m-note")).to_contain_text(f"{frames} is back in Coating.")
    assert Job.objects.get(pk=jobs["frames"].pk).status == JobStatus.COATING
    undo = jobs["frames"].status_changes.get(transition="undo")
    assert (undo.to_status, undo.user) == (JobStatus.COATING, floor_user)
    # The note leaves by itself after its ten seconds (passed on the page's clock, not waited).
    page.clock.run_for(10_000)
    expect(page.locator(".m-note")).to_be_hidden()

    # Pausing the auto-refresh stops the dot.
    page.get_by_role("button", name="Live").click()
    expect(page.get_by_role("button", name="Paused")).to_have_attribute("aria-pressed", "false")


def test_a_crowded_floor_on_a_phone_searches_and_jumps_to_a_stage(
    live_server, page, screenshot, company, floor_user
):
    """150 jobs: the page is short and light, the jump bar leads to a stage, a search by
    customer finds the one job, and nothing is wider than the phone."""
    stages = company.floor_stage_order
    colours = [powder("Gloss Black", "#111111"), powder("Signal Red", "#B00020")]
    crew = [WorkerFactory(name="Ana Ruiz"), WorkerFactory(name="Ben Ode")]
    for n in range(150):
        floor_job(
            stages[n % len(stages)],
            customer=f"Fabricator {n:03d} and Sons Metalworks",
            priority=Priority.values[n % len(Priority.values)],
            due=timezone.localdate() + timedelta(days=n % 9 - 3),
            powders=colours[: 1 + n % 2],
            workers=crew[: n % 3],
        )
    page.set_viewport_size(PHONE)
    _log_in_from(page, live_server, "/jobs/mobile/", floor_user.username)
    html_bytes = page.evaluate("document.documentElement.outerHTML.length")
    assert html_bytes < 80_000
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot("shop-mobile-390x844-150-jobs")

    jump = page.locator(".m-jump")
    jump.get_by_role("link", name="Quality Check").click()
    heading = page.locator("#stage-quality_check")
    expect(heading).to_be_in_viewport()
    top = heading.bounding_box()["y"]
    # Not hidden under the sticky bars at the top.
    assert top >= jump.bounding_box()["y"] + jump.bounding_box()["height"] - 1
    screenshot("shop-mobile-390x844-jumped")

    page.get_by_label("Find a job by number or customer").fill("fabricator 042")
    page.get_by_role("button", name="Find").click()
    expect(page.locator(".m-card")).to_have_count(1)
    expect(page.locator(".m-meta")).to_contain_text("1 job matching “fabricator 042”")
    screenshot("shop-mobile-390x844-search")


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


def test_a_supervisor_drags_a_card_then_takes_it_back_with_undo(
    live_server, page, screenshot, company, supervisor_user
):
    """Drag to High, then Undo (double-clicked) on the note: the card is back in Normal, the
    job is Normal in the database, and the history holds one undo."""
    shop = _shop_day()
    job = shop["jobs"]["panels"]
    page.set_viewport_size(DESKTOP)
    _log_in_from(page, live_server, "/jobs/priority/", supervisor_user.username)
    normal, high = (page.locator(f"#lane-{tone}").locator("..") for tone in ("normal", "high"))
    normal.locator(f'[data-job="{job.number}"] .pb-grip').drag_to(high.locator(".pb-cards"))
    note = page.locator(".pb-undo")
    expect(note).to_contain_text(f"{job.number} moved from Normal to High.")
    expect(high.locator(f'[data-job="{job.number}"]')).to_be_visible()
    assert Job.objects.get(pk=job.pk).priority == Priority.HIGH
    screenshot("priority-board-1440x900-undo-note")

    note.get_by_role("button", name="Undo").dblclick()
    expect(page.get_by_text(f"Undone: {job.number} is back in Normal.")).to_be_visible()
    expect(normal.locator(f'[data-job="{job.number}"]')).to_be_visible()
    expect(high.locator(f'[data-job="{job.number}"]')).to_have_count(0)
    expect(note).to_have_count(0)
    job.refresh_from_db()
    assert job.priority == Priority.NORMAL
    assert job.history.filter(history_change_reason__startswith="Undo").count() == 1


def test_the_undo_note_goes_after_ten_seconds_and_the_move_stays(
    live_server, page, company, supervisor_user
):
    """Move to Urgent, let 10 s pass: the note is gone and the job stays Urgent."""
    shop = _shop_day()
    job = shop["jobs"]["frames"]
    page.clock.install()
    page.set_viewport_size(DESKTOP)
    _log_in_from(page, live_server, "/jobs/priority/", supervisor_user.username)
    card = page.locator(f'[data-job="{job.number}"]')
    card.get_by_label("Move to").select_option(label="Urgent")
    card.get_by_role("button", name="Move").click()
    expect(page.locator(".pb-undo")).to_be_visible()
    page.clock.run_for(9_000)
    expect(page.locator(".pb-undo")).to_be_visible()
    page.clock.run_for(1_500)
    expect(page.locator(".pb-undo")).to_have_count(0)
    expect(
        page.locator("#lane-urgent").locator("..").locator(f'[data-job="{job.number}"]')
    ).to_be_visible()
    assert Job.objects.get(pk=job.pk).priority == Priority.URGENT


LONG_NAMES = (
    "Harbor Marine Fabrication & Welding Ltd",
    "Dana's Custom Hot Rods and Restoration",
    "Northside Ornamental Iron Works",
    "Acme",
)
# The widest a card's lines get: long stage names, overdue and undated jobs.
PILEUP_STAGES = (
    JobStatus.MASKING,
    JobStatus.IN_PREPARATION,
    JobStatus.QUALITY_CHECK,
    JobStatus.ON_HOLD,
    JobStatus.PENDING,
)


def _rush_pileup(count: int) -> None:
    """`count` Rush jobs with long customer names, three powders and two workers each; some
    overdue, some due later, some without a due date."""
    today = timezone.localdate()
    powders = [
        powder("Hammertone Bronze Metallic", "#6F4E37", color_code="RAL 8019"),
        powder("Illusion Purple", "#5B2A86", color_code="PMB-5634"),
        powder("Super Clear Gloss"),
    ]
    workers = [WorkerFactory(name="Priya Raman-Whitfield"), WorkerFactory(name="Tom Nguyen")]
    for n in range(count):
        floor_job(
            PILEUP_STAGES[n % len(PILEUP_STAGES)],
            customer=LONG_NAMES[n % len(LONG_NAMES)],
            priority=Priority.RUSH,
            due=None if n % 7 == 0 else today + timedelta(days=n % 25 - 12),
            powders=powders,
            workers=workers,
        )


# What a lane and its cards measure, from the page: the lane scrolls inside a page that does
# not grow, every card is as tall as the others, and nothing is cut in a card (a badge, a date
# or the job number wider than its line, a line taller than its card).
MEASURE_BOARD = """() => {
  const lane = document.querySelector('.pb-lane--rush .pb-cards');
  const cards = [...lane.querySelectorAll('.pb-card')];
  const cut = el => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1;
  const whole = '.pb-card-body, .pb-top, .pb-status, .pb-due, .pb-move';
  return {
    cards: cards.length,
    laneScrolls: lane.scrollHeight > lane.clientHeight,
    pageHeight: document.documentElement.scrollHeight,
    heights: [...new Set(cards.map(card => card.offsetHeight))],
    cut: cards.flatMap(card => [card, ...card.querySelectorAll(whole)]
      .filter(cut).map(el => `${card.dataset.job} ${el.className}`)),
  };
}"""


def test_a_lane_of_sixty_rush_jobs_scrolls_inside_a_screen_sized_board(
    live_server, page, screenshot, company, supervisor_user
):
    """60 Rush jobs on a TV (1920x1080) and a laptop (1280x800): the Rush lane scrolls on its
    own, the page stays the height of the window, cards are all one height and nothing on
    them is cut; the last card can be scrolled into sight."""
    _rush_pileup(60)
    page.set_viewport_size(TV)
    _log_in_from(page, live_server, "/jobs/priority/", supervisor_user.username)
    for size in (TV, {"width": 1280, "height": 800}):
        page.set_viewport_size(size)
        board = page.evaluate(MEASURE_BOARD)
        assert board["cards"] == 60
        assert board["laneScrolls"]
        assert board["pageHeight"] <= size["height"]
        assert len(board["heights"]) == 1, board["heights"]
        assert board["cut"] == []
        screenshot(f"priority-board-{size['width']}x{size['height']}-sixty-rush")
    lane = page.locator(".pb-lane--rush .pb-cards")
    lane.evaluate("lane => { lane.scrollTop = lane.scrollHeight; }")
    expect(lane.locator(".pb-card").last).to_be_in_viewport()
    expect(page.locator("#lane-rush")).to_be_in_viewport()


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
