"""Top-level URL map: the admin (office UI), the shop pages, and uploaded files (logged in)."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from admin_views.views.media import protected_media

urlpatterns = [
    path("admin/", admin.site.urls),
    # Uploaded files need a login in development and production alike (see the view).
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", protected_media, name="media"),
    path("", include("admin_views.urls")),
]
