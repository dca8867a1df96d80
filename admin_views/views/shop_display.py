"""The Shop Display: the shop TV's full-screen board of active jobs by stage (SPEC S1).

No login: the TV opens `/jobs/shop-display/?key=...` with the display key from company
settings, and keeps the key in a cookie from then on. Without the right key the page is a bare
refusal. The board re-reads itself every 30 seconds by swapping in `/jobs/shop-display/board/`
(no key in that address), so the page never blinks. No prices, costs or contact details.
"""

import hashlib
import math
import secrets

from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from admin_views.views.shop_common import (
    MOST_PRESSING_FIRST,
    company_of,
    job_cards_by,
    stage_groups,
)
from powdercoat.models import CompanySettings, Job
from powdercoat.models.choices import OPEN_STAGES, Priority

# Seconds between two refreshes of the board.
REFRESH_SECONDS = 30

# The TV is 1920x1080: up to this many stage columns side by side; more wrap to a second row.
COLUMNS_PER_ROW = 6
# Cards sent per column at most; the page then hides those that do not fit the screen and
# counts them in "+ N more". The most pressing jobs come first, so the least urgent are cut.
MAX_CARDS_PER_COLUMN = 12


# After the TV has opened the address with its key once, the key rides in a cookie: the board's
# refresh every 30 seconds then carries no key in its address, so access logs and proxies do
# not repeat it all day. Rotating the key in company settings invalidates the cookie too.
COOKIE_NAME = "pc_display"
_COOKIE_SALT = "powdercoat.shop-display"
COOKIE_MAX_AGE = 400 * 24 * 60 * 60  # the longest browsers keep a cookie


def _fingerprint(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _key_is_right(request, company: CompanySettings) -> bool:
    """The `?key=` (or the cookie it left) matches the display key; empty never matches."""
    expected = company.display_key or ""
    if not expected:
        return False
    given = request.GET.get("key", "")
    if given:
        return secrets.compare_digest(given.encode(), expected.encode())
    remembered = request.get_signed_cookie(COOKIE_NAME, default="", salt=_COOKIE_SALT)
    return bool(remembered) and secrets.compare_digest(
        remembered.encode(), _fingerprint(expected).encode()
    )


def _private(response):
    """The key is in the address: keep it out of referrers, caches and search engines."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _board(company: CompanySettings) -> dict:
    """What the board shows: stage columns of active jobs, and the counts in the header.

    Inside a stage the most pressing job is on top: Rush first, then the soonest due. Only
    the cards a column can hold are read and built, whatever the number of active jobs.
    """
    jobs = Job.objects.active()
    by_stage = job_cards_by(
        jobs,
        field="status",
        order_by=MOST_PRESSING_FIRST,
        limit=MAX_CARDS_PER_COLUMN,
        company=company,
    )
    groups = stage_groups(by_stage)
    rows = 1 if len(groups) <= COLUMNS_PER_ROW else 2
    counts = jobs.aggregate(
        rush=Count("pk", filter=Q(priority=Priority.RUSH)),
        urgent=Count("pk", filter=Q(priority=Priority.URGENT)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STAGES, due_date__lt=timezone.localdate())),
    )
    return {
        "columns": groups,
        "rows": rows,
        "columns_per_row": max(1, math.ceil(len(groups) / rows)),
        "active_count": sum(by_stage.totals.values()),
        "overdue_count": counts["overdue"],
        "rush_count": counts["rush"],
        "urgent_count": counts["urgent"],
        "updated_at": timezone.localtime(),
        "refresh_seconds": REFRESH_SECONDS,
    }


def _page(request, template: str):
    company = company_of(request)
    if not _key_is_right(request, company):
        return _private(render(request, "admin_views/shop/display_refused.html", status=403))
    context = {
        "company_name": company.name,
        "board_url": reverse("admin_views:shop_display_board"),
        **_board(company),
    }
    response = _private(render(request, template, context))
    if request.GET.get("key"):
        response.set_signed_cookie(
            COOKIE_NAME,
            _fingerprint(company.display_key),
            salt=_COOKIE_SALT,
            max_age=COOKIE_MAX_AGE,
            path=reverse("admin_views:shop_display"),
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
    return response


@never_cache
@require_GET
def shop_display(request):
    """The whole TV page (a refusal without the right key)."""
    return _page(request, "admin_views/shop/display.html")


@never_cache
@require_GET
def shop_display_board(request):
    """Just the board, for the page's own refresh (a refusal without the right key)."""
    return _page(request, "admin_views/shop/_display_board.html")
