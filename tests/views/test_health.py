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
