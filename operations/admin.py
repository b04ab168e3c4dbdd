"""Background jobs in the admin, read-only: what waits, what runs, what failed and why.

django-tasks-db's own admin of the same table is replaced by this one, in the newsroom's
languages, with each job's tries and the last error it met (also while it waits to run again).
"""

from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tasks import TaskResultStatus
from django_tasks_db import admin as library_admin  # registers its admin, replaced below
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import Job

admin.site.unregister(DBTaskResult)
del library_admin

STATES = {
    TaskResultStatus.READY: _("waiting"),
    TaskResultStatus.RUNNING: _("running"),
    TaskResultStatus.FAILED: _("failed"),
    TaskResultStatus.SUCCESSFUL: _("done"),
}


class StateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return list(STATES.items())

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(status=self.value())
        return queryset


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    list_display = [
        "job",
        "state",
        "tries",
        "enqueued",
        "next_try",
        "error",
    ]
    list_filter = [StateFilter]
    search_fields = ["task_path", "id"]
    date_hierarchy = "enqueued_at"
    ordering = ["-enqueued_at"]
    fields = [
        "job",
        "state",
        "tries",
        "arguments",
        "enqueued",
        "started",
        "finished",
        "next_try",
        "error",
        "error_traceback",
        "result",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("job"), ordering="task_path")
    def job(self, obj):
        return obj.task_path

    @admin.display(description=_("state"), ordering="status")
    def state(self, obj):
        return STATES.get(obj.status, obj.status)

    @admin.display(description=_("tries"))
    def tries(self, obj):
        return obj.attempts

    @admin.display(description=_("arguments"))
    def arguments(self, obj):
        return format_html("<code>{}</code>", obj.args_kwargs)

    @admin.display(description=_("queued"), ordering="enqueued_at")
    def enqueued(self, obj):
        return obj.enqueued_at

    @admin.display(description=_("last started"))
    def started(self, obj):
        return obj.started_at

    @admin.display(description=_("last ended"))
    def finished(self, obj):
        return obj.finished_at

    @admin.display(description=_("next try"), ordering="run_after")
    def next_try(self, obj):
        if obj.status != TaskResultStatus.READY or obj.run_after == get_date_max():
            return None
        return obj.run_after

    @admin.display(description=_("last error"))
    def error(self, obj):
        return obj.exception_class_path.rsplit(".", 1)[-1] or None

    @admin.display(description=_("error in full"))
    def error_traceback(self, obj):
        return format_html("<pre>{}</pre>", obj.traceback) if obj.traceback else None

    @admin.display(description=_("result"))
    def result(self, obj):
        return obj.return_value
