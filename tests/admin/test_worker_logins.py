"""Office staff link a worker to the login they use on the phone (SPEC W1)."""

import pytest
from django.urls import reverse

from powdercoat.models import Worker
from tests.factories import UserFactory, WorkerFactory
from tests.helpers import form_data

pytestmark = pytest.mark.django_db


def test_office_links_a_worker_to_a_login(company, office_client):
    """The Login list offers free logins; saving links them (it was a 403 autocomplete)."""
    login = UserFactory(username="marcus")
    linked = UserFactory(username="already-linked")
    WorkerFactory(name="Dana", user=linked)
    worker = WorkerFactory(name="Marcus Reyes")
    url = reverse("admin:powdercoat_worker_change", args=[worker.pk])
    page = office_client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'<option value="{login.pk}">marcus</option>' in html
    assert "already-linked" not in html
    data = form_data(html, form_id="worker_form")
    data["user"] = str(login.pk)
    assert office_client.post(url, data).status_code == 302
    assert Worker.objects.get(pk=worker.pk).user == login
