"""The demo newsroom's staff: one account per role, with passwords printed by `make run`."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from staff import roles


@dataclass(frozen=True)
class DemoAccount:
    role: str
    username: str
    password: str
    first_name: str
    last_name: str
    is_superuser: bool = False
    #: The role's group (staff/roles.py); the superuser needs none.
    group: str = ""


DEMO_ACCOUNTS = [
    DemoAccount(
        "journalist", "claire", "demo-claire-2024", "Claire", "Mercier", group=roles.JOURNALIST
    ),
    DemoAccount("editor", "hugo", "demo-hugo-2024", "Hugo", "Lambert", group=roles.EDITOR),
    DemoAccount("moderator", "nadia", "demo-nadia-2024", "Nadia", "Benali", group=roles.MODERATOR),
    DemoAccount("admin", "admin", "demo-admin-2024", "Sam", "Roussel", is_superuser=True),
]


def ensure_accounts():
    """Create the demo accounts once, each in its role's group; return them by role. Existing
    passwords are kept."""
    User = get_user_model()
    # The groups exist after migrate; sync here too so the demo never depends on the order.
    roles.sync(exact=False)
    accounts = {}
    for account in DEMO_ACCOUNTS:
        user, created = User.objects.get_or_create(
            username=account.username,
            defaults={
                "first_name": account.first_name,
                "last_name": account.last_name,
                "email": f"{account.username}@demo.example.org",
                "is_staff": True,
                "is_superuser": account.is_superuser,
            },
        )
        if created:
            user.set_password(account.password)
            user.save(update_fields=["password"])
        if account.group:
            user.groups.add(Group.objects.get(name=account.group))
        accounts[account.role] = user
    return accounts
