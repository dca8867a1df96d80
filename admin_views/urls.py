"""Addresses of the non-admin pages."""

from django.urls import path, re_path
from django.views.generic import RedirectView

from admin_views.views.health import healthz

app_name = "admin_views"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admin:index", permanent=False), name="home"),
    path("healthz", healthz, name="healthz"),
    # The original product's address of the template list (SPEC S6).
    re_path(
        r"^JobTemplates/?$",
        RedirectView.as_view(
            pattern_name="admin:powdercoat_jobtemplate_changelist", permanent=False
        ),
        name="job_templates",
    ),
]
