from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin
from reversion.models import Version

from .forms import ArticleAdminForm
from .models import Article, ArticleEvent, ArticleStateError, AuthorProfile, Section

# name of the submit button -> (model method, label). The change form shows the steps that apply
# to the article's status; each one saves the form first, then calls the model method.
WORKFLOW_STEPS = {
    "submit_for_review": _("Save and submit for review"),
    "publish": _("Save and publish"),
    "unpublish": _("Unpublish"),
    "send_back": _("Send back to the author"),
}
STEP_DONE = {
    "submit_for_review": _("“%(title)s” is now waiting for review."),
    "publish": _("“%(title)s” is published."),
    "unpublish": _("“%(title)s” is unpublished: readers no longer see it."),
    "send_back": _("“%(title)s” is back with its author as a draft."),
}
STEPS_BY_STATUS = {
    Article.Status.DRAFT: ["submit_for_review", "publish"],
    Article.Status.IN_REVIEW: ["publish", "send_back"],
    Article.Status.PUBLISHED: ["unpublish"],
}
# What a step needs beyond the right to change the article. Journalists may submit their own
# drafts; publishing (and scheduling), unpublishing and sending back are editors' decisions.
STEP_PERMISSIONS = {
    "submit_for_review": None,
    "publish": "articles.publish_article",
    "unpublish": "articles.publish_article",
    "send_back": "articles.publish_article",
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
        "audit_trail",
    ]
    actions = ["submit_for_review", "publish", "unpublish", "send_back"]
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
        (_("Audit trail"), {"fields": ["audit_trail"]}),
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
        hidden = set()
        if obj is None:
            # A new article is signed by whoever writes it (see save_model), and has no trail.
            hidden |= {"author", "audit_trail"}
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"] if f not in hidden]})
            for name, options in fieldsets
            if [f for f in options["fields"] if f not in hidden]
        ]
        if (
            obj is not None
            and obj.status == Article.Status.IN_REVIEW
            and self.has_publish_permission(request)
            and self.has_change_permission(request, obj)
        ):
            name, options = fieldsets[2]
            fieldsets[2] = (name, {**options, "fields": [*options["fields"], "review_note"]})
        return fieldsets

    # --- Who may do what ------------------------------------------------------------------
    # Permissions come from the roles (staff/roles.py); the rules that depend on the article
    # are checked here, on the server, for every form, button, action and revision view.

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not self.has_publish_permission(request):
            # Only editors publish and schedule: a journalist's post cannot set the date.
            readonly.append("published_at")
        if not request.user.has_perm("articles.change_any_article"):
            readonly.append("author")
        return readonly

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or obj.editable_by(request.user)

    def has_publish_permission(self, request):
        return request.user.has_perm("articles.publish_article")

    def has_restore_permission(self, request):
        return request.user.has_perm("articles.restore_article")

    def may_take_step(self, request, step):
        if step not in STEP_PERMISSIONS:
            return False
        needed = STEP_PERMISSIONS[step]
        return needed is None or request.user.has_perm(needed)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        step = request.POST.get("_workflow") if request.method == "POST" else None
        if step and not self.may_take_step(request, step):
            raise PermissionDenied
        return super().changeform_view(request, object_id, form_url, extra_context)

    def get_object(self, request, object_id, from_field=None):
        if request.method == "POST" and object_id is not None:
            # Saving holds the article's row until the transaction ends, so that two people
            # saving at once are checked one after the other (see ArticleAdminForm.clean).
            list(Article.objects.select_for_update().filter(pk=unquote(object_id)).values("pk"))
        return super().get_object(request, object_id, from_field)

    # django-reversion's views restore an old version: editors only, whatever the method.

    def revision_view(self, request, object_id, version_id, extra_context=None):
        if not self.has_restore_permission(request):
            raise PermissionDenied
        request.restoring_version = self._version_label(version_id)
        return super().revision_view(request, object_id, version_id, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_restore_permission(request):
            raise PermissionDenied
        request.restoring_version = self._version_label(version_id)
        return super().recover_view(request, version_id, extra_context)

    def _version_label(self, version_id):
        version = Version.objects.filter(pk=version_id).select_related("revision").first()
        if version is None:
            return ""
        saved = date_format(timezone.localtime(version.revision.date_created), "DATETIME_FORMAT")
        return _("The version saved on %(date)s") % {"date": saved}

    def recoverlist_view(self, request, extra_context=None):
        if not self.has_restore_permission(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def save_model(self, request, obj, form, change):
        if not change and not obj.author_id:
            obj.author = request.user
        super().save_model(request, obj, form, change)
        restoring = getattr(request, "restoring_version", None)
        if restoring is not None:
            obj.record(ArticleEvent.Action.RESTORED, by=request.user, note=restoring)
        elif not change:
            obj.record(ArticleEvent.Action.CREATED, by=request.user)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        step = request.POST.get("_workflow")
        if step in STEPS_BY_STATUS.get(article.status, []):
            options = {"note": form.cleaned_data.get("review_note", "")}
            self._apply(request, article, step, **(options if step == "send_back" else {}))
        if "image" in form.changed_data and article.image:
            # Make every rendition now, so that the first reader does not wait for them.
            transaction.on_commit(
                lambda: [rendition.generate() for rendition in article.renditions()]
            )

    def response_add(self, request, obj, post_url_continue=None):
        if "_workflow" in request.POST:
            # The workflow step has said what happened: Django's generic "added" would repeat it.
            return self.response_post_save_add(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_workflow" in request.POST:
            return self.response_post_save_change(request, obj)
        return super().response_change(request, obj)

    def _apply(self, request, article, step, **options):
        try:
            getattr(article, step)(by=request.user, **options)
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
        may_change = self.has_change_permission(request, obj) if obj else True
        context["workflow_steps"] = [
            (step, WORKFLOW_STEPS[step])
            for step in STEPS_BY_STATUS.get(status, [])
            if may_change and self.may_take_step(request, step)
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

    @admin.display(description=_("audit trail"))
    def audit_trail(self, article):
        # Oldest first: the trail reads as the article's story.
        events = list(
            article.events.select_related("actor__author_profile").order_by("created_at", "pk")
        )
        if not events:
            return _("Nothing recorded yet.")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (
                    date_format(timezone.localtime(event.created_at), "DATETIME_FORMAT"),
                    event.get_action_display(),
                    event.actor_name,
                    event.note,
                )
                for event in events
            ),
        )
        return format_html(
            '<table class="article-audit-trail"><thead><tr><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead>'
            "<tbody>{}</tbody></table>",
            _("when"),
            _("what"),
            _("by"),
            _("note"),
            rows,
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
        done = skipped = refused = 0
        for article in queryset:
            if not self.has_change_permission(request, article):
                # A hand-made post may name articles the user only sees: not theirs to move.
                refused += 1
            elif self._apply_quietly(request, article, step):
                done += 1
            else:
                skipped += 1
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d article was left alone: you may not change it.",
                    "%(count)d articles were left alone: you may not change them.",
                    refused,
                )
                % {"count": refused},
                messages.ERROR,
            )
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

    @admin.action(description=_("Publish the selected articles"), permissions=["publish"])
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

    @admin.action(description=_("Unpublish the selected articles"), permissions=["publish"])
    def unpublish(self, request, queryset):
        self._bulk(
            request,
            queryset,
            "unpublish",
            lambda n: ngettext(
                "%(count)d article unpublished.", "%(count)d articles unpublished.", n
            ),
        )

    @admin.action(
        description=_("Send the selected articles back to their authors"), permissions=["publish"]
    )
    def send_back(self, request, queryset):
        self._bulk(
            request,
            queryset,
            "send_back",
            lambda n: ngettext(
                "%(count)d article sent back to its author.",
                "%(count)d articles sent back to their authors.",
                n,
            ),
        )
