from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Import, ImportedItem, Redirect


class ReadOnlyAdmin(admin.ModelAdmin):
    """What the importer wrote, for the record: seen, never changed by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Import)
class ImportAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "site_url", "user", "started_at", "finished_at", "summary"]
    list_select_related = ["user"]
    date_hierarchy = "started_at"
    search_fields = ["file_name", "site_url"]
    fields = ["file_name", "site_url", "user", "started_at", "finished_at", "counts", "report"]

    @admin.display(description=_("counts"))
    def summary(self, obj):
        return ", ".join(
            f"{kind}: {sum(outcomes.values())}" for kind, outcomes in sorted(obj.counts.items())
        )


@admin.register(ImportedItem)
class ImportedItemAdmin(ReadOnlyAdmin):
    list_display = ["wp_id", "kind", "site_url", "content_type", "object_id", "missing"]
    list_filter = ["kind", "site_url"]
    list_select_related = ["content_type"]
    search_fields = ["wp_id", "object_id"]


@admin.register(Redirect)
class RedirectAdmin(admin.ModelAdmin):
    list_display = ["old_path", "query", "new_path", "created_at"]
    search_fields = ["old_path", "new_path"]
    fields = ["old_path", "query", "new_path"]
