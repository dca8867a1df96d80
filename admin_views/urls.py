"""Addresses of the non-admin pages."""

from django.urls import path
from django.views.generic import RedirectView

from admin_views.views.health import healthz

app_name = "admin_views"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
    path("healthz", healthz, name="healthz"),
]
