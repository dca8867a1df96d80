"""The Shop Display: the shop TV's full-screen board of jobs by stage (SPEC S1).

No login: the TV opens `/jobs/shop-display/?key=...` with the display key from company
settings, and keeps the key in a cookie from then on. Without the right key the page is a bare
refusal. The columns are the stages ticked in company settings ("Shop floor stages"). A column
holds what fits at 1080p; when a stage has more jobs the board pages through them: every
PAGE_SECONDS it swaps in `/jobs/shop-display/board/?page=N` (no key in that address), so the
page never blinks, every job comes round, and the jobs are re-read each time. No prices, costs
or contact details.
"""

import hashlib
import math
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from admin_views.views.shop_common import (
    MOST_PRESSING_FIRST,
    JobCard,
    company_of,
    floor_jobs,
    job_cards,
)
from powdercoat.models import CompanySettings
from powdercoat.models.choices import OPEN_STAGES, STATUS_FAMILY, JobStatus, Priority

# Seconds each page of the board stays up; every turn of the page also re-reads the jobs.
PAGE_SECONDS = 15

# The TV is 1920x1080. A job number at 40 px needs a column about 370 px wide, so at most
# this many stage columns stand side by side; more stages wrap to further rows.
COLUMNS_PER_ROW = 5

# Cards one column holds at 1080p, by the number of rows of columns (display.css sizes the
# card for this; the browser test checks that nothing spills). At most 14 stages: 3 rows.
CARDS_PER_COLUMN = {1: 4, 2: 2, 3: 1}

# `?page=` is a page number from 1; anything else (words, signs, absurdly long numbers) is 1.
_PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}")


# After the TV has opened the address with its key once, the key rides in a cookie: the board's
# turn of the page every PAGE_SECONDS then carries no key in its address, so access logs and
# proxies do not repeat it all day. Rotating the key in company settings invalidates the cookie too.
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


def requested_page(raw: str) -> int:
    """The page `?page=` asks for, or 1 when it is not a sensible page number."""
    return int(raw) if _PAGE_NUMBER.fullmatch(raw) else 1


@dataclass(frozen=True)
class DisplayColumn:
    """One stage on the TV: the cards of its current page and how many pages it has."""

    stage: JobStatus
    cards: list[JobCard]
    total: int
    page: int
    page_count: int

    @property
    def label(self) -> str:
        return self.stage.label

    @property
    def family(self) -> str:
        return STATUS_FAMILY[self.stage]

    @property
    def count_label(self) -> str:
        return ngettext("%(count)d job", "%(count)d jobs", self.total) % {"count": self.total}

    @property
    def page_label(self) -> str:
        """The column's own "page 2 of 3" when its stage has more jobs than a page holds."""
        if self.page_count == 1:
            return ""
        return _("page %(page)d of %(pages)d") % {"page": self.page, "pages": self.page_count}


def _board(company: CompanySettings, page: int) -> dict:
    """What page `page` of the board shows: a column per floor stage, and the header's counts.

    Inside a stage the most pressing job comes first: Rush, then the soonest due. The board
    has as many pages as its fullest column; a column with fewer pages starts over, so none
    stands empty while another pages on. A page beyond the last is the first. Only the cards
    on screen are read and built: the queries do not grow with the number of jobs.
    """
    stages = company.floor_stage_order
    jobs = floor_jobs(company)
    totals = jobs.count_by("status")
    rows = math.ceil(len(stages) / COLUMNS_PER_ROW)
    per_column = CARDS_PER_COLUMN[rows]
    pages_of = {stage: max(1, math.ceil(totals.get(stage, 0) / per_column)) for stage in stages}
    page_count = max(pages_of.values())
    page = page if page <= page_count else 1
    page_in = {stage: (page - 1) % pages_of[stage] + 1 for stage in stages}
    slices = {
        stage: ((page_in[stage] - 1) * per_column, page_in[stage] * per_column)
        for stage in stages
        if totals.get(stage)
    }
    cards_of = defaultdict(list)
    shown = jobs.slice_of_each("status", MOST_PRESSING_FIRST, slices)
    for card in job_cards(shown, company=company):
        cards_of[card.status].append(card)
    counts = jobs.aggregate(
        rush=Count("pk", filter=Q(priority=Priority.RUSH)),
        urgent=Count("pk", filter=Q(priority=Priority.URGENT)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STAGES, due_date__lt=timezone.localdate())),
    )
    return {
        "columns": [
            DisplayColumn(
                stage=stage,
                cards=cards_of[stage],
                total=totals.get(stage, 0),
                page=page_in[stage],
                page_count=pages_of[stage],
            )
            for stage in stages
        ],
        "rows": rows,
        "columns_per_row": math.ceil(len(stages) / rows),
        "page": page,
        "page_count": page_count,
        "next_page": page % page_count + 1,
        "page_seconds": PAGE_SECONDS,
        "job_count": sum(totals.values()),
        "overdue_count": counts["overdue"],
        "rush_count": counts["rush"],
        "urgent_count": counts["urgent"],
        "updated_at": timezone.localtime().replace(microsecond=0),
    }


def _page(request, template: str):
    company = company_of(request)
    if not _key_is_right(request, company):
        return _private(render(request, "admin_views/shop/display_refused.html", status=403))
    context = {
        "company_name": company.name,
        "board_url": reverse("admin_views:shop_display_board"),
        **_board(company, requested_page(request.GET.get("page", ""))),
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
    """Just the board, page `?page=N`, for the page's own paging (a refusal without the key)."""
    return _page(request, "admin_views/shop/_display_board.html")
