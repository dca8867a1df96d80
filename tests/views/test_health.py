"""The health check and the site root."""

import pytest
from django.test import override_settings
from django.urls import reverse

from config.settings import cache_settings


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
    monkeypatch.setattr(health, "_database_answers", unreachable)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "database unavailable"}


@pytest.mark.django_db
def test_a_hung_database_gets_a_quick_503_not_a_hang(client, monkeypatch):
    """A database that does not answer in time: 503 "not answering" (the probe is abandoned)."""
    import threading

    from admin_views.views import health

    release = threading.Event()
    monkeypatch.setattr(health, "HEALTH_TIMEOUT_SECONDS", 0.2)
    monkeypatch.setattr(health, "_database_answers", lambda: release.wait(10))
    try:
        response = client.get("/healthz")
    finally:
        release.set()  # let the stuck probe finish so the next test gets the thread back
    assert response.status_code == 503
    assert response.json() == {"status": "database not answering"}


@pytest.mark.django_db
def test_the_health_check_answers_over_plain_http_in_production(settings):
    """With HTTPS forced, /healthz still answers on http:// for the load balancer."""
    from django.test import Client

    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    browser = Client()
    assert browser.get("/healthz").status_code == 200
    assert browser.get("/admin/login/").status_code == 301


@pytest.mark.django_db
def test_a_stopped_redis_is_named_but_keeps_the_shop_online(client):
    """REDIS_URL set and Redis down: 200, so the load balancer keeps the shop up, and the words
    say the cache is unavailable, for whoever watches the check."""
    with override_settings(CACHES=cache_settings("redis://127.0.0.1:1/0")):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "cache unavailable"}
