"""The health check and the site root."""

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_health_check_reports_ok(client):
    """/healthz answers 200 with the database reachable."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_root_sends_people_to_the_office_ui(client):
    """/ redirects to the admin (which asks for a login)."""
    response = client.get("/", follow=True)
    assert response.redirect_chain[0][0] == reverse("admin:index")
    assert "/admin/login/" in response.redirect_chain[-1][0]


@pytest.mark.django_db
def test_health_check_reports_an_unreachable_database(client, monkeypatch):
    """With the database down, /healthz answers 503 in words instead of crashing."""
    from django.db import OperationalError

    from admin_views.views import health
    from powdercoat.models import CompanySettings

    def unreachable(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(CompanySettings, "load", classmethod(unreachable))
    monkeypatch.setattr(health.connection, "cursor", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "database unavailable"}
