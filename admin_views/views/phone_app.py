"""The phone view as an app a phone can install: its web manifest and its service worker.

The service worker keeps the page's files and the last job list it saw, so a phone that loses
Wi-Fi still opens on the list; taps made meanwhile wait on the phone (mobile.js) and are sent,
each with its one-time key, when the connection returns. Both files hold no job data and are
served to anyone: the browser fetches them without asking the person to log in.
"""

import hashlib
import json

from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from admin_views.views.shop_common import company_of

# The files the phone view needs to draw itself, kept by the service worker.
SHELL_FILES = (
    "powdercoat/badges.css",
    "admin_views/shop/shop.css",
    "admin_views/shop/mobile.css",
    "django_htmx/htmx-2.min.js",
    "admin_views/shop/shop.js",
    "admin_views/shop/mobile.js",
    "admin_views/shop/icons/phone-192.png",
)


@require_GET
@cache_control(max_age=3600)
def phone_manifest(request):
    """The web manifest: name, icons and the page the installed app opens on."""
    return render(
        request,
        "admin_views/shop/phone.webmanifest",
        {"company": company_of(request)},
        content_type="application/manifest+json",
    )


@require_GET
@cache_control(no_cache=True)
def phone_service_worker(request):
    """The service worker script. Its cache is named after the shell files' addresses, which
    change with every release (hashed static names), so a new release replaces the old files."""
    shell = [static(name) for name in SHELL_FILES]
    version = hashlib.blake2b("\n".join(shell).encode(), digest_size=6).hexdigest()
    response = render(
        request,
        "admin_views/shop/phone_sw.js",
        {
            # JSON is JavaScript: the addresses go in as quoted strings, whatever they hold.
            "shell_json": json.dumps(shell),
            "version": version,
            "page_json": json.dumps(reverse("admin_views:shop_mobile")),
        },
        content_type="text/javascript",
    )
    return response
