"""Staff accounts and roles in the admin: the roles' groups are shown by their translated name."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from desk.titles import AdminTitles

from . import roles

admin.site.unregister(Group)
admin.site.unregister(get_user_model())


@admin.register(Group)
class RoleGroupAdmin(GroupAdmin):
    titles = AdminTitles(
        add=_("Add a group"),
        change=_("Change the group"),
        view=_("View the group"),
        delete=_("Delete the group"),
    )
    list_display = ["role", "name"]

    @admin.display(description=_("role"), ordering="name")
    def role(self, group):
        return roles.label(group.name)


@admin.register(get_user_model())
class StaffUserAdmin(UserAdmin):
    titles = AdminTitles(
        add=_("Add a user"),
        change=_("Change the user"),
        view=_("View the user"),
        delete=_("Delete the user"),
    )
    list_display = [*UserAdmin.list_display, "roles_column"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            field.label_from_instance = lambda group: str(roles.label(group.name))
        return field

    @admin.display(description=_("roles"))
    def roles_column(self, user):
        return ", ".join(str(roles.label(group.name)) for group in user.groups.all()) or "—"
