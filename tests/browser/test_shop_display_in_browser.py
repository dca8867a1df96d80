"""The shop TV in Chromium at 1920x1080 with a crowded floor: every job comes round, big and whole.

Screenshots of the first two pages land in test-output/browser/ for people to look at.
"""

import re

import pytest
from django.utils import timezone

from admin_views.views import shop_display
from tests.shop_floor import crowded_floor

pytestmark = pytest.mark.django_db(transaction=True)

TV = {"width": 1920, "height": 1080}

# What the screen shows now, read in one go so a turn of the page cannot fall in between:
# the page label, the job numbers on it, and every element whose text does not fit its box.
READ_SCREEN = """(wanted) => {
  const label = document.querySelector('.tv-page');
  const text = label ? label.textContent.replace(/\\s+/g, ' ').trim() : '';
  if (wanted && text !== wanted) return false;
  const spills = [];
  const boxes = document.querySelectorAll(
    '.tv-card, .tv-card *, .tv-col, .tv-col-head *, .tv-head, .tv-head *');
  for (const box of boxes) {
    if (box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1) {
      spills.push(`${box.className}: "${box.textContent.trim().slice(0, 40)}" `
        + `${box.scrollWidth}x${box.scrollHeight} in ${box.clientWidth}x${box.clientHeight}`);
    }
  }
  for (const column of document.querySelectorAll('.tv-col')) {
    const outer = column.getBoundingClientRect();
    if (outer.right > innerWidth + 1 || outer.bottom > innerHeight + 1) {
      spills.push(`${column.dataset.stage} column leaves the screen`);
    }
    for (const card of column.querySelectorAll('.tv-card')) {
      const box = card.getBoundingClientRect();
      if (box.bottom > outer.bottom + 1 || box.right > outer.right + 1) {
        spills.push(`${card.dataset.job} leaves its column`);
      }
    }
  }
  return {
    label: text,
    jobs: [...document.querySelectorAll('.tv-card')].map(card => card.dataset.job),
    spills: spills,
  };
}"""


def _screen(page, wanted: str = "") -> dict:
    """The screen once it shows `wanted` ("Page 2 of 8"), waiting for the board to turn."""
    handle = page.wait_for_function(READ_SCREEN, arg=wanted, polling=100)
    return handle.json_value()


def _turn(page) -> None:
    """Let one page's time pass on the TV's clock at once: the board's own timer turns it."""
    page.clock.run_for(shop_display.PAGE_SECONDS * 1000)


def test_a_crowded_floor_turns_its_pages_and_shows_every_job_whole(
    live_server, page, screenshot, company
):
    """150 jobs with long names, Rush, overdue dates and three powders: the board turns its
    pages by itself, every job number comes round once in a cycle, nothing spills or is cut,
    and the job numbers and stage names are large enough to read from across the shop."""
    jobs = crowded_floor(150, stages=company.floor_stage_order, today=timezone.localdate())
    # The page's clock stands still once it has loaded and moves only when the test says:
    # each turn then costs no real seconds (8 pages of 15 s), and none comes early or late.
    page.clock.install()
    page.set_viewport_size(TV)
    page.goto(f"{live_server.url}/jobs/shop-display/?key={company.display_key}")
    page.wait_for_load_state("load")
    page.clock.pause_at(page.evaluate("Date.now()") / 1000 + 0.1)

    first = _screen(page)
    pages = int(re.fullmatch(r"Page 1 of (\d+)", first["label"])[1])
    assert pages >= 3
    number_size = page.locator(".tv-number").first.evaluate(
        "n => parseFloat(getComputedStyle(n).fontSize)"
    )
    stage_size = page.locator(".tv-col-name").first.evaluate(
        "n => parseFloat(getComputedStyle(n).fontSize)"
    )
    assert number_size >= 40
    assert stage_size >= 28
    assert page.locator(".tv-col").count() == 10
    screenshot("shop-display-crowded-page-1")

    seen = list(first["jobs"])
    spills = first["spills"]
    for number in range(2, pages + 1):
        _turn(page)
        screen = _screen(page, f"Page {number} of {pages}")
        if number == 2:
            screenshot("shop-display-crowded-page-2")
        seen += screen["jobs"]
        spills += screen["spills"]
    assert spills == []
    assert set(seen) == {job.number for job in jobs}
    # After the last page the board starts again from the first.
    _turn(page)
    assert _screen(page, f"Page 1 of {pages}")["jobs"] == first["jobs"]
