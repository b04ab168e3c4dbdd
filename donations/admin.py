from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from desk.admin import KeepsWriting
from desk.titles import AdminTitles

from .forms import DonationPromptForm
from .models import DonationClick, DonationPrompt, PromptSectionStat


def _rate(value):
    return "—" if value is None else f"{number_format(value, 1)} %"


class PromptSectionStatInline(admin.TabularInline):
    """Impressions, clicks and click-through rate of the prompt in each section."""

    model = PromptSectionStat
    fields = ["place", "impressions", "clicks", "rate"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    view_on_site = False
    verbose_name_plural = _("results by section")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("section").with_click_rate()

    @admin.display(description=_("shown in"))
    def place(self, stat):
        return stat.place

    @admin.display(description=_("click-through rate"))
    def rate(self, stat):
        return _rate(stat.click_rate)

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DonationPrompt)
class DonationPromptAdmin(KeepsWriting, admin.ModelAdmin):
    titles = AdminTitles(
        add=_("Add a donation prompt"),
        change=_("Change the donation prompt"),
        view=_("View the donation prompt"),
        delete=_("Delete the donation prompt"),
    )
    form = DonationPromptForm
    # Its own, with the Preview button and the desk's notice.
    change_form_template = "admin/donations/donationprompt/change_form.html"
    unsaved_version_notice = _(
        "A more recent unsaved version of this donation prompt exists (%(age)s):"
    )
    # The change form has its own Preview button (templates/admin/donations/donationprompt).
    view_on_site = False
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = [
        "name",
        "is_active",
        "starts_at",
        "ends_at",
        "minimum",
        "weight",
        "impressions",
        "clicks",
        "rate",
        "preview_link",
    ]
    list_filter = ["is_active", "currency", "placement", "sections"]
    search_fields = ["name", "heading", "message"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["sections"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    inlines = [PromptSectionStatInline]
    actions = ["activate", "deactivate"]
    fieldsets = [
        (
            _("Content"),
            {
                "fields": [
                    "name",
                    "heading",
                    "message",
                    ("minimum_amount", "currency"),
                    "suggested_amounts",
                    "button_label",
                ]
            },
        ),
        (_("Destination"), {"fields": ["destination_url", "amount_parameter"]}),
        (
            _("Publishing"),
            {
                "fields": [
                    "is_active",
                    ("starts_at", "ends_at"),
                    "weight",
                    ("placement", "paragraph_number"),
                    "sections",
                ]
            },
        ),
        (_("Metadata"), {"fields": ["created_by", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        # The totals are summed in the change list's own query: no query per row.
        return super().get_queryset(request).with_stats()

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    @admin.display(description=_("minimum"), ordering="minimum_amount")
    def minimum(self, prompt):
        return prompt.minimum_display

    @admin.display(description=_("impressions"), ordering="total_impressions")
    def impressions(self, prompt):
        return prompt.total_impressions

    @admin.display(description=_("clicks"), ordering="total_clicks")
    def clicks(self, prompt):
        return prompt.total_clicks

    @admin.display(description=_("click-through rate"), ordering="click_rate")
    def rate(self, prompt):
        return _rate(prompt.click_rate)

    @admin.display(description=_("preview"))
    def preview_link(self, prompt):
        return format_html('<a href="{}">{}</a>', prompt.get_absolute_url(), _("Preview"))

    @admin.action(description=_("Switch on the selected prompts"), permissions=["change"])
    def activate(self, request, queryset):
        count = queryset.activate()
        self.message_user(
            request,
            ngettext("%(count)d prompt switched on.", "%(count)d prompts switched on.", count)
            % {"count": count},
        )

    @admin.action(description=_("Switch off the selected prompts"), permissions=["change"])
    def deactivate(self, request, queryset):
        count = queryset.deactivate()
        self.message_user(
            request,
            ngettext("%(count)d prompt switched off.", "%(count)d prompts switched off.", count)
            % {"count": count},
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="donations_donationprompt_preview",
            ),
            *super().get_urls(),
        ]

    def preview_view(self, request, object_id):
        """The prompt rendered by the readers' own template, in the site's shell, uncounted."""
        prompt = get_object_or_404(DonationPrompt, pk=object_id)
        if not self.has_view_permission(request, prompt):
            raise PermissionDenied
        return TemplateResponse(
            request,
            "donations/preview.html",
            {
                "prompt": prompt,
                "choices": prompt.amount_choices(direct=True),
                "button_url": prompt.button_url(direct=True),
                "is_live": prompt.is_live(),
                "change_url": reverse("admin:donations_donationprompt_change", args=[prompt.pk]),
            },
        )


@admin.register(DonationClick)
class DonationClickAdmin(admin.ModelAdmin):
    """The click log, read-only: what was clicked, where, for how much."""

    titles = AdminTitles(
        add=_("Add a click on a donation prompt"),
        change=_("Change the click"),
        view=_("View the click"),
        delete=_("Delete the click"),
    )

    list_display = ["created_at", "prompt", "section", "amount_shown"]
    list_filter = ["prompt", "section"]
    list_select_related = ["prompt", "section"]
    date_hierarchy = "created_at"

    @admin.display(description=_("amount"), ordering="amount")
    def amount_shown(self, click):
        return click.amount_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
