from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeskConfig(AppConfig):
    """The staff's desk in the admin: nothing they write is lost (autosaves, forms kept across an
    expired token or session), and forms that read like the newsroom's own tool."""

    name = "desk"
    verbose_name = _("Desk")
