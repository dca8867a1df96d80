"""The customer's status page, /s/<token>/ (SPEC U1): no login, the secret in the address.

Safe to put on the internet: a link that was revoked, never issued or mistyped gets one and
the same answer, byte for byte, so the page never tells whether a job exists; every answer
is kept out of caches, referrers and search engines; each client address may ask a limited
number of times a minute; and the photos the shop marked for the customer come through an
address that checks the secret again, not through the logged-in media address.
"""

import logging
import mimetypes
import time

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views.decorators.http import require_GET
from redis.exceptions import RedisError

from admin_views.views.shop_common import company_of
from powdercoat.models import JobPhoto
from powdercoat.services.status_links import job_by_status_token, status_link_path
from powdercoat.status_page import status_page_read

logger = logging.getLogger(__name__)

# The picture types a browser shows; the uploads are validated to be one of these.
_PICTURE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}


def _private(response: HttpResponse) -> HttpResponse:
    """The secret is in the address: no cache keeps the page (a revoked link must stop showing
    at once, also on a shared computer's back button), no referrer carries the address to
    another site, and no search engine lists it."""
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _this_minute() -> int:
    """The counting window: minutes since the epoch (its own function so tests can hold it)."""
    return int(time.time() // 60)


def _over_limit(request, scope: str, limit: int) -> bool:
    """Whether this client address has asked more than `limit` times this minute.

    Counted in Django's cache, one counter per address and minute. The address is the one
    django-axes works out for logins (DJANGO_TRUSTED_PROXY_COUNT), so a client cannot pick
    its own by writing X-Forwarded-For. On Redis (REDIS_URL) every process adds to the same
    counter, as its increment is one atomic step; a Redis that does not answer lets the ask
    through uncounted, as a customer must never get a server error for it.
    """
    address = get_client_ip_address(request) or "unknown"
    key = f"status-link:{scope}:{address}:{_this_minute()}"
    try:
        cache.add(key, 0, timeout=70)
        try:
            count = cache.incr(key)
        except ValueError:  # the counter expired between add and incr: this is the first ask
            cache.set(key, 1, timeout=70)
            count = 1
    except RedisError as error:
        logger.warning("Status page served without its rate limit: Redis did not answer: %s", error)
        return False
    return count > limit


def _too_many() -> HttpResponse:
    response = HttpResponse(render_to_string("admin_views/status/too_many.html"), status=429)
    response["Retry-After"] = "60"
    return _private(response)


def _no_such_link() -> HttpResponse:
    """The one answer for every link that leads to no job: revoked, never issued, mistyped."""
    return _private(HttpResponse(render_to_string("admin_views/status/invalid.html"), status=404))


@require_GET
def status_page(request, status_token: str):
    """The job's progress, items and colours, due date and pickup details."""
    if _over_limit(request, "page", settings.STATUS_PAGE_RATE_LIMIT):
        return _too_many()
    token = status_token
    job = job_by_status_token(token)
    if job is None:
        return _no_such_link()
    page = status_page_read(job, company=company_of(request))
    return _private(
        render(
            request,
            "admin_views/status/page.html",
            {"page": page, "job": job, "progress": page.progress, "link": status_link_path(token)},
        )
    )


@require_GET
def status_photo(request, status_token: str, photo_id: int):
    """A photo the shop marked for the customer, for whoever holds the job's link."""
    if _over_limit(request, "photo", settings.STATUS_PAGE_PHOTO_RATE_LIMIT):
        return _too_many()
    if job_by_status_token(status_token) is None:
        return _no_such_link()
    photo = JobPhoto.objects.filter(
        pk=photo_id, job__status_token=status_token, customer_visible=True
    ).first()
    if photo is None or not photo.image:
        return _no_such_link()
    content_type, _encoding = mimetypes.guess_type(photo.image.name)
    if content_type not in _PICTURE_TYPES:
        return _no_such_link()
    try:
        handle = photo.image.open("rb")
    except (FileNotFoundError, ValueError):
        return _no_such_link()
    response = FileResponse(handle, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return _private(response)
