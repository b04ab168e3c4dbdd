from django.contrib import admin, messages
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin

from .forms import ArticleAdminForm
from .models import Article, ArticleStateError, AuthorProfile, Section

# name of the submit button -> (model method, label). The change form shows the steps that apply
# to the article's status; each one saves the form first, then calls the model method.
WORKFLOW_STEPS = {
    "submit_for_review": _("Save and submit for review"),
    "publish": _("Save and publish"),
    "unpublish": _("Unpublish"),
}
STEP_DONE = {
    "submit_for_review": _("“%(title)s” is now waiting for review."),
    "publish": _("“%(title)s” is published."),
    "unpublish": _("“%(title)s” is unpublished: readers no longer see it."),
}
STEPS_BY_STATUS = {
    Article.Status.DRAFT: ["submit_for_review", "publish"],
    Article.Status.IN_REVIEW: ["publish"],
    Article.Status.PUBLISHED: ["unpublish"],
}


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(AuthorProfile)
class AuthorProfileAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "job_title"]
    list_select_related = ["user"]
    search_fields = ["byline", "user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(Article)
class ArticleAdmin(VersionAdmin):
    form = ArticleAdminForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "title",
        "thumbnail",
        "state",
        "section",
        "byline",
        "published_at",
        "view_count",
        "approved_comments",
        "page_link",
    ]
    list_display_links = ["title"]
    list_filter = [
        "status",
        "section",
        "comments_open",
        ("author", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["section", "author", "author__author_profile"]
    search_fields = ["title", "standfirst", "body", "author__username", "author__last_name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author", "section"]
    readonly_fields = [
        "status",
        "page_link",
        "image_preview",
        "view_count",
        "created_at",
        "updated_at",
    ]
    actions = ["submit_for_review", "publish", "unpublish"]
    save_on_top = True

    class Media:
        js = ["articles/admin/tags.js"]

    fieldsets = [
        (_("Content"), {"fields": ["title", "slug", "standfirst", "body"]}),
        (
            _("Image"),
            {"fields": ["image", "image_preview", "image_alt", "image_caption", "image_credit"]},
        ),
        (
            _("Publishing"),
            {
                "fields": ["status", "published_at", "section", "author", "page_link"],
                "description": _(
                    "To schedule an article, set a publication date in the future, then "
                    "publish it: readers see it from that moment on, by itself."
                ),
            },
        ),
        (
            _("Metadata"),
            {"fields": ["tags", "comments_open", "view_count", "created_at", "updated_at"]},
        ),
    ]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        # The comments app adds Comment(article=…, related_name="comments"); articles never
        # imports it, so the count appears only where that app is installed.
        if "comments" in Article._meta.fields_map:
            queryset = queryset.annotate(
                approved_comment_count=Count("comments", filter=Q(comments__status="approved"))
            )
        return queryset

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            # A new article is signed by whoever writes it (see save_model).
            fieldsets = [
                (name, {**options, "fields": [f for f in options["fields"] if f != "author"]})
                for name, options in fieldsets
            ]
        return fieldsets

    def save_model(self, request, obj, form, change):
        if not change and not obj.author_id:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        step = request.POST.get("_workflow")
        if step in STEPS_BY_STATUS.get(article.status, []):
            self._apply(request, article, step)
        if "image" in form.changed_data and article.image:
            # Make every rendition now, so that the first reader does not wait for them.
            transaction.on_commit(
                lambda: [rendition.generate() for rendition in article.renditions()]
            )

    def _apply(self, request, article, step):
        try:
            getattr(article, step)(by=request.user)
        except ArticleStateError as error:
            self.message_user(request, str(error), messages.WARNING)
            return
        if article.is_scheduled:
            done = _("“%(title)s” is scheduled: readers will see it from %(date)s.")
        else:
            done = STEP_DONE[step]
        self.message_user(
            request,
            done
            % {
                "title": article.title,
                "date": date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
                if article.published_at
                else "",
            },
            messages.SUCCESS,
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        status = obj.status if obj is not None else Article.Status.DRAFT
        context["workflow_steps"] = [
            (step, WORKFLOW_STEPS[step]) for step in STEPS_BY_STATUS.get(status, [])
        ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- Columns ------------------------------------------------------------------------------

    @admin.display(description=_("status"), ordering="status")
    def state(self, article):
        if article.is_scheduled:
            return _("Scheduled")
        return article.get_status_display()

    @admin.display(description=_("author"), ordering="author__last_name")
    def byline(self, article):
        return article.byline

    @admin.display(description=_("image"))
    def thumbnail(self, article):
        if not article.image:
            return ""
        return format_html(
            '<img src="{}" width="80" height="50" alt="">', article.image_thumbnail.url
        )

    @admin.display(description=_("image preview"))
    def image_preview(self, article):
        if not article.image:
            return _("No image yet.")
        return format_html(
            '<img src="{}" width="160" height="100" alt="{}">',
            article.image_thumbnail.url,
            article.image_alt,
        )

    @admin.display(description=_("approved comments"), ordering="approved_comment_count")
    def approved_comments(self, article):
        return getattr(article, "approved_comment_count", 0)

    @admin.display(description=_("page"))
    def page_link(self, article):
        if article.pk is None:
            return "—"
        if article.is_published:
            label = _("View live")
        elif article.is_scheduled:
            label = _("Preview (scheduled)")
        else:
            label = _("Preview")
        return format_html('<a href="{}">{}</a>', article.get_absolute_url(), label)

    # --- Actions ------------------------------------------------------------------------------

    def _bulk(self, request, queryset, step, done_message):
        done = skipped = 0
        for article in queryset:
            if self._apply_quietly(request, article, step):
                done += 1
            else:
                skipped += 1
        if done:
            self.message_user(request, done_message(done) % {"count": done}, messages.SUCCESS)
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d article was skipped: the step does not apply to its status.",
                    "%(count)d articles were skipped: the step does not apply to their status.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )

    def _apply_quietly(self, request, article, step):
        try:
            getattr(article, step)(by=request.user)
        except ArticleStateError:
            return False
        return True

    @admin.action(description=_("Submit the selected articles for review"), permissions=["change"])
    def submit_for_review(self, request, queryset):
        self._bulk(
            request,
            queryset,
            "submit_for_review",
            lambda n: ngettext(
                "%(count)d article submitted for review.",
                "%(count)d articles submitted for review.",
                n,
            ),
        )

    @admin.action(description=_("Publish the selected articles"), permissions=["change"])
    def publish(self, request, queryset):
        self._bulk(
            request,
            queryset,
            "publish",
            lambda n: ngettext(
                "%(count)d article published (or scheduled, if its date is in the future).",
                "%(count)d articles published (or scheduled, if their date is in the future).",
                n,
            ),
        )

    @admin.action(description=_("Unpublish the selected articles"), permissions=["change"])
    def unpublish(self, request, queryset):
        self._bulk(
            request,
            queryset,
            "unpublish",
            lambda n: ngettext(
                "%(count)d article unpublished.", "%(count)d articles unpublished.", n
            ),
        )
