from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = _("Newsroom")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import roles

        # The staff roles' groups follow the models: see newsroom/roles.py.
        post_migrate.connect(roles.on_post_migrate, dispatch_uid="newsroom.roles")


class NewsroomAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the project's site as `admin.site`."""

    default = False  # NewsroomConfig is the newsroom app's
    default_site = "newsroom.admin_site.NewsroomAdminSite"
