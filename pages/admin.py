from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from desk.admin import KeepsWriting
from desk.titles import AdminTitles

from .models import Page


@admin.register(Page)
class PageAdmin(KeepsWriting, admin.ModelAdmin):
    titles = AdminTitles(
        add=_("Add a site page"),
        change=_("Change the site page"),
        view=_("View the site page"),
        delete=_("Delete the site page"),
    )
    unsaved_version_notice = _("A more recent unsaved version of this page exists (%(age)s):")
    list_display = ["title", "slug", "language", "is_published", "show_in_footer", "order"]
    list_editable = ["order"]
    list_filter = ["is_published", "show_in_footer", "language"]
    list_select_related = ["updated_by"]
    search_fields = ["title", "slug", "body"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at", "updated_by"]
    fieldsets = [
        (_("Content"), {"fields": ["title", "slug", "body", "language"]}),
        (_("Publishing"), {"fields": ["is_published", "show_in_footer", "order"]}),
        (_("Metadata"), {"fields": ["created_at", "updated_at", "updated_by"]}),
    ]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
