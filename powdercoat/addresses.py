"""Addresses: the ones the shop hands out (absolute, for a TV, an email or paper) and a record's
page opened at one of its tabs."""

from urllib.parse import urlsplit

from django.conf import settings
from django.urls import reverse
from django.utils.http import urlencode

from powdercoat.models import CompanySettings


def absolute_url(path: str) -> str:
    """`path` on this site as a full address (SITE_URL has no trailing slash)."""
    return f"{settings.SITE_URL}{path}"


DEFAULT_PORTS = {"http": 80, "https": 443}


def site_origin() -> str:
    """SITE_URL's origin as a browser writes it (`https://shop.example.com`, lower case, no
    default port), so a page's script can compare it with a scanned address's `URL.origin`."""
    parts = urlsplit(settings.SITE_URL)
    scheme = parts.scheme.lower()
    host = parts.hostname or ""
    if ":" in host:  # an IPv6 address keeps its brackets
        host = f"[{host}]"
    port = parts.port
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    return f"{scheme}://{host}"


def shop_display_path(company: CompanySettings) -> str:
    """The TV display's address on this site, with the current key."""
    return f"{reverse('admin_views:shop_display')}?{urlencode({'key': company.display_key})}"


def shop_display_url(company: CompanySettings) -> str:
    """The TV display's full address, to type into the TV's browser."""
    return absolute_url(shop_display_path(company))


# The Line items tab of a job, quote or template (powdercoat/admin/items.py).
ITEMS_TAB = "items"


def record_url(obj, tab: str = "") -> str:
    """The record's page, opened at the tab `tab` (none: the first tab)."""
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    # ?tab=, not a #fragment: after a dialog htmx sets location.href, and a change of
    # fragment alone would not reload the page.
    return f"{url}?{urlencode({'tab': tab})}" if tab else url
