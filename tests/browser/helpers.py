"""What the browser tests share: logging in through the real login page."""

import re

from playwright.sync_api import expect


def log_in(page, live_server, username: str) -> None:
    """Sign in as a test user (their password is the factories' `pw-for-tests`)."""
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-for-tests")
    page.click("button[type=submit]")
    # Each role's front door: the dashboard, or the phone view for Shop Floor.
    expect(page).to_have_url(re.compile(rf"^{re.escape(live_server.url)}/(admin|jobs/mobile)/$"))
