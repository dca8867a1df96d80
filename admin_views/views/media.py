"""Uploaded files (job photos, item photos, catalogue images, the logo) for logged-in people only.

Nothing under MEDIA_ROOT is public: photos of a customer's parts are the shop's business. In
development Django streams the file itself; in production set `MEDIA_ACCEL_REDIRECT` to the
internal location of the web server (nginx `X-Accel-Redirect`, Apache/Caddy `X-Sendfile`
style), which then sends the file after this view has checked the login.
"""

import mimetypes
from pathlib import Path

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, Http404, HttpResponse
from django.utils._os import safe_join
from django.views.decorators.http import require_GET

from admin_views.views.shop_common import shop_login_required

# What a picture may be served as; anything else goes out as a download, never as a page.
_INLINE_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}


def _media_file(path: str) -> Path:
    """The file `path` names inside MEDIA_ROOT; a 404 for anything outside it or missing."""
    try:
        full = Path(safe_join(settings.MEDIA_ROOT, path))
    except (ValueError, SuspiciousFileOperation) as error:  # "../", absolute paths, NUL
        raise Http404("No such file.") from error
    if not full.is_file():
        raise Http404("No such file.")
    return full


@require_GET
@shop_login_required
def protected_media(request, path: str):
    """One uploaded file, for anyone logged in to the shop."""
    full = _media_file(path)
    content_type, _encoding = mimetypes.guess_type(full.name)
    inline = content_type in _INLINE_TYPES
    prefix = getattr(settings, "MEDIA_ACCEL_REDIRECT", "")
    if prefix:
        response = HttpResponse(content_type=content_type or "application/octet-stream")
        response["X-Accel-Redirect"] = f"{prefix.rstrip('/')}/{path}"
    else:
        response = FileResponse(full.open("rb"), content_type=content_type)
    if not inline:
        response["Content-Disposition"] = "attachment"
    # Private to the person's browser; pictures of customers' parts are not for shared caches.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
