"""The role groups are put back in step with powdercoat/roles.py by every `migrate`."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from powdercoat import roles

pytestmark = pytest.mark.django_db


def _permission_names(group: Group) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def _permission(name: str) -> Permission:
    app_label, codename = name.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def test_migrate_puts_a_tampered_role_back():
    """Office lost a permission and gained one it must not have, Supervisor was deleted:
    after `migrate` both hold exactly what roles.py gives them."""
    office = Group.objects.get(name=roles.OFFICE)
    office.permissions.remove(_permission("powdercoat.advance_job"))
    office.permissions.add(_permission("powdercoat.change_companysettings"))
    Group.objects.filter(name=roles.SUPERVISOR).delete()

    call_command("migrate", verbosity=0)

    assert (
        _permission_names(Group.objects.get(name=roles.OFFICE))
        == roles.ROLE_PERMISSIONS[roles.OFFICE]
    )
    supervisor = Group.objects.get(name=roles.SUPERVISOR)
    assert _permission_names(supervisor) == roles.ROLE_PERMISSIONS[roles.SUPERVISOR]
    assert "powdercoat.reopen_job" in _permission_names(supervisor)


def test_migrate_leaves_a_group_the_administrator_made_alone():
    """A custom group and its permissions survive `migrate` untouched."""
    helpers = Group.objects.create(name="Saturday helpers")
    chosen = {"powdercoat.view_job", "powdercoat.change_companysettings"}
    helpers.permissions.set([_permission(name) for name in chosen])

    call_command("migrate", verbosity=0)

    assert _permission_names(Group.objects.get(name="Saturday helpers")) == chosen


def test_the_administrator_role_holds_every_permission_of_the_shop_users_and_logins():
    """After `migrate` the Administrator group has each shop, user and failed-login permission,
    custom ones such as advance_job included."""
    call_command("migrate", verbosity=0)

    expected = {
        f"{app}.{codename}"
        for app, codename in Permission.objects.filter(
            content_type__app_label__in=roles.ADMINISTRATOR_APPS
        ).values_list("content_type__app_label", "codename")
    }
    administrator = _permission_names(Group.objects.get(name=roles.ADMINISTRATOR))
    assert administrator == expected
    assert {"powdercoat.advance_job", "auth.change_user", "axes.delete_accessattempt"} <= (
        administrator
    )
