"""Chromium (Debian's, driven by Playwright) for browser tests; screenshots go to test-output/."""

import os
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "browser"

# Generous waits, set once here (the tests name no timeouts of their own): on a loaded 2-core
# CI machine Chromium, the live server and the tests share the CPUs, and a hang still fails.
ACTION_TIMEOUT_MS = 30_000
NAVIGATION_TIMEOUT_MS = 30_000
EXPECT_TIMEOUT_MS = 20_000
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 390, "height": 844}


def pytest_collection_modifyitems(config, items):
    """Skip visibly without Chromium; with REQUIRE_BROWSER=1 a missing Chromium is an error."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("REQUIRE_BROWSER") == "1":
        raise pytest.UsageError(f"REQUIRE_BROWSER=1 but {CHROMIUM} is not installed.")
    skip = pytest.mark.skip(reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    for item in items:
        if Path(str(item.fspath)).parent == Path(__file__).parent:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def playwright_driver():
    """Playwright, started once: the shared browser and the camera browsers all come from it."""
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=EXPECT_TIMEOUT_MS)
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_driver):
    """One headless Chromium for the whole run."""
    chromium = playwright_driver.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def page(browser):
    """A fresh browser tab at desktop size; failures show up as test errors, not hangs."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    # Set on the context so tabs the page opens (work order PDFs) wait as long.
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def camera_phone(playwright_driver, tmp_path):
    """`camera_phone(picture)`: a tab at phone size in a Chromium of its own whose camera shows
    `picture` (tests/browser/fake_camera.py), with the camera allowed for every site.

    The camera is a launch argument, so each call starts a browser; the shared one has none.
    """
    from tests.browser.fake_camera import camera_args, write_y4m

    launched = []

    def open_tab(picture, *, without_barcode_detector: bool = False):
        video = write_y4m(picture, tmp_path / f"camera-{len(launched)}.y4m")
        chromium = playwright_driver.chromium.launch(
            executable_path=CHROMIUM, args=[*LAUNCH_ARGS, *camera_args(video)]
        )
        launched.append(chromium)
        context = chromium.new_context(viewport=PHONE)
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        context.set_default_navigation_timeout(NAVIGATION_TIMEOUT_MS)
        if without_barcode_detector:
            # As in Firefox and desktop Chromium on Linux: the page must read with jsQR.
            context.add_init_script("delete window.BarcodeDetector;")
        return context.new_page()

    yield open_tab
    for chromium in launched:
        chromium.close()


def _save_screenshot(tab, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    tab.screenshot(path=str(path), full_page=True)
    return path


@pytest.fixture
def screenshot(page):
    """Save a full-page screenshot under test-output/browser/ for people to look at."""
    return lambda name: _save_screenshot(page, name)


@pytest.fixture
def screenshot_of():
    """`screenshot_of(tab, name)`: the same for a tab of another browser (`camera_phone`)."""
    return _save_screenshot
