"""Login throttling (django-axes): wrong passwords lock a login per user and address."""

import runpy
from datetime import timedelta
from pathlib import Path

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from powdercoat import roles
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"
PASSWORD = "pw-for-tests"
HOME = "203.0.113.10"
ELSEWHERE = "198.51.100.20"


@pytest.fixture
def limit(settings):
    """The failure limit the project runs with (DJANGO_LOGIN_FAILURE_LIMIT, 5 by default)."""
    assert settings.AXES_FAILURE_LIMIT >= 2, "these tests need room for a try before the lock"
    return settings.AXES_FAILURE_LIMIT


@pytest.fixture
def person(db):
    """A member of staff who will mistype their password."""
    return UserFactory(username="dana", is_staff=True)


def _log_in(username: str, password: str, address: str = HOME, **headers):
    """Post the real login page from `address`; return the response and the session's client."""
    client = Client(REMOTE_ADDR=address, **headers)
    response = client.post(LOGIN, {"username": username, "password": password})
    return response, client


def _logged_in(response) -> bool:
    return response.status_code == 302 and response["Location"] == reverse("admin:index")


def _lock(username: str, limit: int, address: str = HOME, **headers):
    """Type a wrong password `limit` times; return the last answer."""
    for _ in range(limit):
        response, _client = _log_in(username, "wrong-password", address, **headers)
    return response


def _administrator():
    """Logged in as an Administrator who is no superuser: only the role's permissions count."""
    user = UserFactory(username="boss", is_staff=True)
    user.groups.add(Group.objects.get(name=roles.ADMINISTRATOR))
    session = Client()
    session.force_login(user)
    return session


def test_wrong_passwords_up_to_the_limit_lock_even_the_right_password(settings, person, limit):
    """After the limit of wrong passwords, the right one is refused with the lockout page."""
    settings.AXES_COOLOFF_TIME = timedelta(hours=1)
    for _ in range(limit - 1):
        response, _client = _log_in("dana", "wrong-password")
        assert response.status_code == 200
        assert b"Please enter the correct username and password" in response.content

    assert _lock("dana", 1).status_code == 429

    response, client = _log_in("dana", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Login locked for a while" in page
    assert f"The password for “dana” was wrong {limit} times in a row" in page
    assert "Try again in 60 minutes" in page
    assert "Administrator can unlock it for you" in page
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("admin:index")).status_code == 302


def test_without_a_cool_off_the_lock_waits_for_the_administrator(settings, person, limit):
    """DJANGO_LOGIN_COOLOFF_MINUTES=0: the page says only the Administrator can unlock it."""
    settings.AXES_COOLOFF_TIME = None
    _lock("dana", limit)

    response, _client = _log_in("dana", PASSWORD)
    assert response.status_code == 429
    assert "stays locked until the shop's Administrator unlocks it" in response.content.decode()


def test_the_same_person_can_still_log_in_from_another_address(person, limit):
    """A lock holds for the address the wrong passwords came from, not for every address."""
    _lock("dana", limit, HOME)

    response, _client = _log_in("dana", PASSWORD, ELSEWHERE)
    assert _logged_in(response)


def test_someone_else_can_still_log_in_from_the_same_address(person, limit):
    """A lock holds for the one user name, not for colleagues at the same address."""
    UserFactory(username="lee", is_staff=True)
    _lock("dana", limit, HOME)

    response, _client = _log_in("lee", PASSWORD, HOME)
    assert _logged_in(response)


def test_a_success_before_the_limit_starts_the_count_again(person, limit):
    """The right password before the limit forgets the wrong ones typed before it."""
    _lock("dana", limit - 1)
    assert _logged_in(_log_in("dana", PASSWORD)[0])

    _lock("dana", limit - 1)
    assert _logged_in(_log_in("dana", PASSWORD)[0])


def test_the_administrator_sees_the_locked_login_and_unlocks_it(person, limit):
    """The locked login is listed as locked; Unlock lets the person in again at once."""
    _lock("dana", limit)
    admin = _administrator()

    page = admin.get(reverse("admin:axes_accessattempt_changelist") + "?locked=yes")
    assert page.status_code == 200
    text = page.content.decode()
    assert "dana" in text
    assert HOME in text
    assert "Locked until" in text
    assert f"{limit} / {limit}" in text

    attempt = AccessAttempt.objects.get(username="dana")
    unlock = reverse("admin:axes_accessattempt_unlock", args=[attempt.pk])
    assert admin.get(unlock).status_code == 200  # the dialog asking to confirm
    response = admin.post(unlock, {"_form_submitted": "True"}, follow=True)
    assert f"Unlocked dana from {HOME}" in response.content.decode()

    assert _logged_in(_log_in("dana", PASSWORD)[0])
    # The refused tries stay on record after the unlock.
    assert AccessFailureLog.objects.filter(username="dana", locked_out=True).exists()


def test_the_administrator_unlocks_several_logins_at_once(person, limit):
    """The list's bulk Unlock clears every chosen login, each at its own address."""
    UserFactory(username="lee", is_staff=True)
    _lock("dana", limit, HOME)
    _lock("lee", limit, ELSEWHERE)

    response = _administrator().post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "unlock_selected",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
        },
        follow=True,
    )
    assert "Unlocked dana from 203.0.113.10, lee from 198.51.100.20" in response.content.decode()
    assert _logged_in(_log_in("dana", PASSWORD, HOME)[0])
    assert _logged_in(_log_in("lee", PASSWORD, ELSEWHERE)[0])


def test_failed_logins_are_in_the_administrators_sidebar_only(company, office_client):
    """The sidebar's Failed logins link is shown to the Administrator, not to the office."""
    link = reverse("admin:axes_accessattempt_changelist")
    assert link in _administrator().get(reverse("admin:index")).content.decode()
    assert link not in office_client.get(reverse("admin:index")).content.decode()


@pytest.mark.parametrize("role_client", ["office_client", "floor_client"])
@pytest.mark.parametrize(
    "url_name",
    [
        "admin:axes_accessattempt_changelist",
        "admin:axes_accessfailurelog_changelist",
        "admin:axes_accesslog_changelist",
    ],
)
def test_office_and_shop_floor_cannot_open_the_login_records(request, role_client, url_name):
    """Failed logins, refused tries and the login record are closed to Office and Shop Floor."""
    assert request.getfixturevalue(role_client).get(reverse(url_name)).status_code == 403


@pytest.mark.parametrize("role_client", ["office_client", "floor_client"])
def test_office_and_shop_floor_cannot_unlock(request, role_client, person, limit):
    """Unlock is refused to Office and Shop Floor, and the login stays locked."""
    _lock("dana", limit)
    attempt = AccessAttempt.objects.get(username="dana")
    unlock = reverse("admin:axes_accessattempt_unlock", args=[attempt.pk])

    response = request.getfixturevalue(role_client).post(unlock, {"_form_submitted": "True"})
    assert response.status_code == 403
    assert _log_in("dana", PASSWORD)[0].status_code == 429


def _settings_with_proxies(settings, monkeypatch, count: str | None) -> None:
    """Apply what config/settings.py makes of DJANGO_TRUSTED_PROXY_COUNT=`count` (None: unset)."""
    if count is None:
        monkeypatch.delenv("DJANGO_TRUSTED_PROXY_COUNT", raising=False)
    else:
        monkeypatch.setenv("DJANGO_TRUSTED_PROXY_COUNT", count)
    made = runpy.run_path(str(Path(settings.BASE_DIR) / "config" / "settings.py"))
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = made["AXES_IPWARE_META_PRECEDENCE_ORDER"]
    settings.AXES_IPWARE_PROXY_COUNT = made.get("AXES_IPWARE_PROXY_COUNT")
    settings.IPWARE_STRICT = made.get("IPWARE_STRICT", True)


def test_forwarded_for_is_ignored_unless_proxies_are_trusted(settings, monkeypatch, person, limit):
    """By default a client cannot dodge the lock by writing another X-Forwarded-For."""
    _settings_with_proxies(settings, monkeypatch, None)
    _lock("dana", limit, "127.0.0.1", HTTP_X_FORWARDED_FOR=HOME)

    response, _client = _log_in("dana", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert response.status_code == 429


@pytest.fixture
def behind_one_proxy(settings, monkeypatch):
    """The deployment of the README: one TLS proxy on the same machine, trusted."""
    _settings_with_proxies(settings, monkeypatch, "1")


def test_behind_a_trusted_proxy_the_forwarded_address_counts(behind_one_proxy, person, limit):
    """With one trusted proxy, each client is the address the proxy saw, not the proxy's own."""
    _lock("dana", limit, "127.0.0.1", HTTP_X_FORWARDED_FOR=HOME)

    assert _log_in("dana", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR=HOME)[0].status_code == 429
    response, _client = _log_in("dana", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert _logged_in(response)


def test_behind_a_trusted_proxy_a_written_header_does_not_unlock(behind_one_proxy, person, limit):
    """An address the client writes in front of the proxy's entry is not believed."""
    _lock("dana", limit, "127.0.0.1", HTTP_X_FORWARDED_FOR=HOME)

    spoofed = f"{ELSEWHERE}, {HOME}"  # the client claims ELSEWHERE; the proxy appends HOME
    response, _client = _log_in("dana", PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR=spoofed)
    assert response.status_code == 429
