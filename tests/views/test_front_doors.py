"""Each role's front door: after login and at the site's root, Shop Floor lands on the phone
view and everyone else on the dashboard; an address asked for before the login still wins."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from powdercoat import roles

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")
PHONE = reverse("admin_views:shop_mobile")
DASHBOARD = reverse("admin:index")
PASSWORD = "front-door-pass-1"


def _log_in(user, **query) -> str:
    """Post the real login page; where it sends the person."""
    user.set_password(PASSWORD)
    user.save()
    url = LOGIN + (f"?next={query['next']}" if "next" in query else "")
    data = {"username": user.username, "password": PASSWORD, **query}
    response = Client().post(url, data)
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def test_shop_floor_lands_on_the_phone_view(company, floor_user):
    """With no address asked for, or only the admin home, Shop Floor goes to the phone view."""
    assert _log_in(floor_user) == PHONE
    assert _log_in(floor_user, next=DASHBOARD) == PHONE  # where /admin/ sends a login


def test_an_address_asked_for_before_the_login_still_wins(company, floor_user):
    """A link followed before logging in (the board) is where the login sends them."""
    board = reverse("admin_views:priority_board")
    assert _log_in(floor_user, next=board) == board


@pytest.mark.parametrize("role_user", ["office_user", "supervisor_user", "admin_user"])
def test_office_supervisors_and_the_owner_land_on_the_dashboard(company, request, role_user):
    """Everyone but Shop Floor lands on the dashboard."""
    assert _log_in(request.getfixturevalue(role_user)) == DASHBOARD


def test_a_floor_worker_who_also_works_in_the_office_lands_on_the_dashboard(company, floor_user):
    """Two roles, one of them an office one: the dashboard, where the office work is."""
    floor_user.groups.add(Group.objects.get(name=roles.OFFICE))
    assert _log_in(floor_user) == DASHBOARD


def test_the_site_root_is_each_role_s_front_door(company, floor_client, office_client, client):
    """The bare address of the site sends each role to its own page."""
    assert floor_client.get("/")["Location"] == PHONE
    assert office_client.get("/")["Location"] == DASHBOARD
    assert client.get("/")["Location"] == DASHBOARD  # then the login page


def test_a_wrong_password_stays_on_the_login_page(company, floor_user):
    """A refused login goes nowhere: the form again, with the reason."""
    response = Client().post(LOGIN, {"username": floor_user.username, "password": "nope"})
    assert response.status_code == 200
    assert "Please enter the correct username and password" in response.content.decode()
