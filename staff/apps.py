from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    """The newsroom's people in the admin: roles, login protection, the admin home, the demo."""

    name = "staff"
    verbose_name = _("Staff")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import roles

        # The staff roles' groups follow the models: see staff/roles.py.
        post_migrate.connect(roles.on_post_migrate, dispatch_uid="staff.roles")
