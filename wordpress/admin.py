from pathlib import Path

from django.contrib import admin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

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
    fields = [
        "file_name",
        "site_url",
        "user",
        "started_at",
        "finished_at",
        "counts",
        "report_download",
        "problem_count",
        "problems",
    ]

    def get_urls(self):
        return [
            path(
                "<int:pk>/report/",
                self.admin_site.admin_view(self.report_view),
                name="wordpress_import_report",
            ),
            *super().get_urls(),
        ]

    def report_view(self, request, pk):
        """The run's whole report, from the file the command wrote it to, while it is kept."""
        run = get_object_or_404(Import, pk=pk)
        if not self.has_view_permission(request, run):
            raise Http404
        report = Path(run.report_file) if run.report_file else None
        if report is None or not report.is_file():
            raise Http404
        return FileResponse(report.open("rb"), as_attachment=True, filename=report.name)

    # Translators: the file listing every item of a WordPress import, not a reader's report.
    @admin.display(description=pgettext_lazy("WordPress import", "report"))
    def report_download(self, obj):
        if not obj.report_file:
            return _("not written (no --report)")
        if not Path(obj.report_file).is_file():
            return _("%(path)s, no longer there") % {"path": obj.report_file}
        return format_html(
            '<a href="{}" download>{}</a>',
            reverse("admin:wordpress_import_report", args=[obj.pk]),
            Path(obj.report_file).name,
        )

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
