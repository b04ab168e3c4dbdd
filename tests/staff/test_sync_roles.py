"""The roles' groups: made by migrate, re-applied by `manage.py sync_roles`."""

import io

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import call_command

from staff import roles
from staff.demo_accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.django_db


def codes(group):
    return sorted(
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    )


def test_migrate_made_each_group_with_exactly_its_permissions():
    for name, role in roles.ROLES.items():
        assert codes(Group.objects.get(name=name)) == sorted(role["permissions"])


def test_sync_roles_puts_back_what_was_removed_and_removes_what_was_added():
    editor = Group.objects.get(name=roles.EDITOR)
    editor.permissions.remove(Permission.objects.get(codename="publish_article"))
    journalist = Group.objects.get(name=roles.JOURNALIST)
    journalist.permissions.add(Permission.objects.get(codename="delete_article"))
    out = io.StringIO()

    call_command("sync_roles", stdout=out)

    assert "+ articles.publish_article" in out.getvalue()
    assert "- articles.delete_article" in out.getvalue()
    for name, role in roles.ROLES.items():
        assert codes(Group.objects.get(name=name)) == sorted(role["permissions"])
    again = io.StringIO()
    call_command("sync_roles", stdout=again)
    assert "Journalist: 0 added, 0 removed" in again.getvalue()


def test_a_deleted_group_comes_back():
    Group.objects.filter(name=roles.MODERATOR).delete()

    call_command("sync_roles", stdout=io.StringIO())

    assert codes(Group.objects.get(name=roles.MODERATOR)) == sorted(
        roles.ROLES[roles.MODERATOR]["permissions"]
    )


def test_the_migrate_hook_adds_but_never_takes_away():
    journalist = Group.objects.get(name=roles.JOURNALIST)
    journalist.permissions.add(Permission.objects.get(codename="delete_article"))
    journalist.permissions.remove(Permission.objects.get(codename="view_section"))

    call_command("migrate", verbosity=0)

    held = codes(journalist)
    assert "articles.delete_article" in held
    assert "articles.view_section" in held


def test_every_listed_permission_exists():
    for name in roles.ROLES:
        _found, missing = roles.permissions_for(name)
        assert missing == []


def test_each_demo_account_is_in_its_group():
    call_command("load_demo", stdout=io.StringIO())
    from django.contrib.auth import get_user_model

    for account in DEMO_ACCOUNTS:
        user = get_user_model().objects.get(username=account.username)
        expected = [account.group] if account.group else []
        assert [g.name for g in user.groups.all()] == expected
        assert user.is_superuser is account.is_superuser


def test_group_names_are_translated_for_display():
    assert str(roles.label(roles.JOURNALIST)) == "Journaliste"
    assert str(roles.label(roles.EDITOR)) == "Éditeur"
    assert str(roles.label(roles.MODERATOR)) == "Modérateur"


def test_the_admin_shows_the_roles_by_their_translated_names(client, people):
    from django.urls import reverse

    client.force_login(people["superuser"])

    groups = client.get(reverse("admin:auth_group_changelist")).content.decode()
    users = client.get(reverse("admin:auth_user_changelist")).content.decode()
    form = client.get(reverse("admin:auth_user_change", args=[people["journalist"].pk]))

    assert '<td class="field-name">Journalist</td>' in groups
    assert "Journaliste" in groups
    assert '<td class="field-roles_column">Modérateur</td>' in users
    labels = [label for _value, label in form.context["adminform"].form.fields["groups"].choices]
    assert sorted(labels) == ["Journaliste", "Modérateur", "Éditeur"]
