from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsroomConfig(AppConfig):
    name = "newsroom"
    verbose_name = _("Newsroom")

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import roles

        # The staff roles' groups follow the models: see newsroom/roles.py.
        post_migrate.connect(roles.on_post_migrate, dispatch_uid="newsroom.roles")
