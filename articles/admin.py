import secrets

from csp.decorators import csp_replace, csp_update
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST
from reversion.admin import VersionAdmin
from reversion.models import Version

from desk.admin import KeepsWriting
from desk.titles import AdminTitles

from . import embeds
from .forms import ArticleAdminForm
from .models import Article, ArticleStateError, AuthorProfile, Section
from .views import ArticleDetailView
from .widgets import SlugWithAddress

#: Stands for the slug in the address shown under it (ArticleAdmin.get_form).
SLUG_PLACEHOLDER = "SLUG"
#: The screens the preview shows the page on: their name, and their width and height in CSS
#: pixels (the page's layout follows the frame's width, as it follows a screen's).
PREVIEW_SCREENS = [(_("Phone"), 390, 844), (_("Desktop"), 1280, 900)]
#: How long a preview's page is kept for its frames.
PREVIEW_SECONDS = 10 * 60


def step_action(step):
    """The bulk admin action of a workflow step, named after it: the changelist posts
    `action=<step name>`."""

    def action(modeladmin, request, queryset):
        modeladmin.take_step_on_each(request, queryset, step)

    action.__name__ = step.name
    return admin.action(description=step.bulk_description)(action)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    titles = AdminTitles(
        add=_("Add a section"),
        change=_("Change the section"),
        view=_("View the section"),
        delete=_("Delete the section"),
    )
    list_display = ["name", "slug", "order"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name"]


@admin.register(AuthorProfile)
class AuthorProfileAdmin(KeepsWriting, admin.ModelAdmin):
    titles = AdminTitles(
        add=_("Add an author profile"),
        change=_("Change the author profile"),
        view=_("View the author profile"),
        delete=_("Delete the author profile"),
    )
    unsaved_version_notice = _(
        "A more recent unsaved version of this author profile exists (%(age)s):"
    )
    list_display = ["name", "user", "job_title"]
    list_select_related = ["user"]
    search_fields = ["byline", "user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]


@admin.register(Article)
class ArticleAdmin(KeepsWriting, VersionAdmin):
    titles = AdminTitles(
        add=_("Add an article"),
        change=_("Change the article"),
        view=_("View the article"),
        delete=_("Delete the article"),
    )
    form = ArticleAdminForm
    unsaved_version_notice = _("A more recent unsaved version of this article exists (%(age)s):")
    version_field = "version_token"
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
    list_select_related = ["section", "author", "author__author_profile", "photo"]
    search_fields = ["title", "standfirst", "body", "author__username", "author__last_name"]
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author", "section", "photo"]
    readonly_fields = [
        "status",
        "page_link",
        "photo_preview",
        "view_count",
        "created_at",
        "updated_at",
        "audit_trail",
    ]
    # One bulk action per workflow step that has one; get_actions() keeps those the user may take.
    actions = [step_action(step) for step in Article.STEPS.values() if step.bulk_description]
    save_on_top = True

    class Media:
        js = [
            "articles/admin/tags.js",
            "articles/admin/writing.js",
            "articles/admin/editor-labels.js",
        ]
        css = {"all": ["articles/admin/writing.css"]}

    fieldsets = [
        (_("Content"), {"fields": ["title", "slug", "standfirst", "body"]}),
        (
            _("Photo"),
            {
                "fields": [
                    "photo",
                    "new_photo",
                    "photo_preview",
                    "photo_alt",
                    "photo_caption",
                    "photo_credit",
                ],
                "description": _(
                    "Choose the lead photo from the library, or upload a new one. The "
                    "alternative text, caption and credit below replace the library's for this "
                    "article only; for a new photo, they describe it in the library."
                ),
            },
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
            {
                "fields": [
                    "tags",
                    "language",
                    "comments_open",
                    "view_count",
                    "created_at",
                    "updated_at",
                ]
            },
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
        if obj is not None and any(
            step.asks_for_note for step in self.workflow_buttons(request, obj)
        ):
            name, options = fieldsets[2]
            fieldsets[2] = (name, {**options, "fields": [*options["fields"], "review_note"]})
        return fieldsets

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if "slug" in form.base_fields:
            # The article's full address under its slug, as readers will have it.
            language = obj.language if obj is not None else settings.LANGUAGE_CODE
            with translation.override(language):
                address = reverse("articles:detail", kwargs={"slug": SLUG_PLACEHOLDER})
            form.base_fields["slug"].widget = SlugWithAddress(
                form.base_fields["slug"].widget.attrs,
                address=request.build_absolute_uri(address),
                placeholder=SLUG_PLACEHOLDER,
            )
        return form

    # --- Who may do what ------------------------------------------------------------------
    # Permissions come from the roles (staff/roles.py); the rules that depend on the article
    # are checked here, on the server, for every form, button, action and revision view.

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.has_perm(Article.STEPS["schedule"].permission):
            # The date schedules: only who may schedule sets it, a journalist's post cannot.
            readonly.append("published_at")
        if not request.user.has_perm("articles.change_any_article"):
            readonly.append("author")
        return readonly

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or obj.editable_by(request.user)

    def has_restore_permission(self, request):
        return request.user.has_perm(Article.STEPS["restore"].permission)

    def get_actions(self, request):
        actions = super().get_actions(request)
        for step in Article.STEPS.values():
            if step.name in actions and not request.user.has_perm(step.permission):
                del actions[step.name]
        return actions

    def workflow_buttons(self, request, obj):
        """The steps offered as buttons under the change form."""
        if obj is None:
            # A new article is saved as its writer's draft first, then taken on from there.
            steps = [
                step
                for step in Article.STEPS.values()
                if Article.Status.DRAFT in step.sources and request.user.has_perm(step.permission)
            ]
        else:
            steps = obj.available_steps(request.user)
        return [step for step in steps if step.label]

    def posted_step(self, request):
        """The step of the workflow button pressed, if any. A step without a button, or whose
        permission the user lacks, is refused whatever the article (a hand-made post)."""
        name = request.POST.get("_workflow") if request.method == "POST" else None
        if not name:
            return None
        step = Article.STEPS.get(name)
        if step is None or step.label is None or not request.user.has_perm(step.permission):
            raise PermissionDenied
        return step

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # Refused before anything is saved.
        self.posted_step(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        # VersionAdmin would wrap the whole request in one revision, merging a bulk action's
        # steps into it; each step makes its own, signed and commented (no list_editable here).
        return super(VersionAdmin, self).changelist_view(request, extra_context)

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
        form.save_new_photo(by=request.user)
        restoring = getattr(request, "restoring_version", None)
        if restoring is not None:
            super().save_model(request, obj, form, change)
            obj.take_step("restore", by=request.user, note=restoring)
        elif not change:
            if not obj.author_id:
                obj.author = request.user
            obj.take_step("create", by=request.user)
        else:
            super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        article = form.instance
        step = self.posted_step(request)
        if step is not None:
            note = form.cleaned_data.get("review_note", "") if step.asks_for_note else ""
            self.take_button_step(request, article, step, note)

    def response_add(self, request, obj, post_url_continue=None):
        if "_workflow" in request.POST:
            # The workflow step has said what happened: Django's generic "added" would repeat it.
            return self.response_post_save_add(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        if "_workflow" in request.POST:
            return self.response_post_save_change(request, obj)
        return super().response_change(request, obj)

    def take_button_step(self, request, article, step, note):
        try:
            taken = article.take_step(step, by=request.user, note=note)
        except ArticleStateError as error:
            self.message_user(request, str(error), messages.WARNING)
            return
        self.message_user(
            request,
            taken.done
            % {
                "title": article.title,
                "date": date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
                if article.published_at
                else "",
            },
            messages.SUCCESS,
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["workflow_steps"] = [
            (step.name, step.label) for step in self.workflow_buttons(request, obj)
        ]
        return super().render_change_form(request, context, add, change, form_url, obj)

    # --- The editor's video dialog -------------------------------------------------------------

    def get_urls(self):
        info = self.opts.app_label, self.opts.model_name
        # The preview's page frames the article's page, from this site only.
        preview = self.admin_site.admin_view(
            csp_update({"frame-src": ["'self'"]})(require_POST(self.preview_view))
        )
        return [
            path(
                "embed/",
                self.admin_site.admin_view(require_GET(self.embed_view)),
                name="{}_{}_embed".format(*info),
            ),
            # The preview of the form's article, new or saved, and the page each frame shows.
            path("preview/", preview, name="{}_{}_preview".format(*info)),
            path("<path:object_id>/preview/", preview, name="{}_{}_preview".format(*info)),
            path(
                "preview/<str:token>/page/",
                self.admin_site.admin_view(
                    # Framed by the preview, and by nothing else.
                    xframe_options_sameorigin(
                        csp_replace({"frame-ancestors": ["'self'"]})(
                            require_GET(self.preview_page_view)
                        )
                    )
                ),
                name="{}_{}_preview_page".format(*info),
            ),
            *super().get_urls(),
        ]

    # --- The preview of the form ------------------------------------------------------------

    def preview_view(self, request, object_id=None):
        """The article page as the form posted here holds it, at a phone's and a desktop's width.

        The form is checked as a save would check it, and nothing is written: not the article,
        nor a revision, a view, a photo or its uses. The page is rendered once, kept a few
        minutes for this user only, and shown in two frames (preview_page_view).
        """
        obj = None
        if object_id is not None:
            obj = get_object_or_404(self.get_queryset(request), pk=unquote(object_id))
            if not self.has_change_permission(request, obj):
                raise PermissionDenied
        elif not self.has_add_permission(request):
            raise PermissionDenied
        form_class = self.get_form(request, obj, change=obj is not None)
        form = form_class(request.POST, request.FILES, instance=obj)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Preview of “%(title)s”")
            % {"title": form.data.get("title", "") or _("the article")},
            "form": form,
            # The two frames need the page's whole width.
            "is_nav_sidebar_enabled": False,
        }
        if form.is_valid():
            article = self.unsaved_article(request, form)
            token = secrets.token_urlsafe(16)
            cache.set(
                self._preview_key(request, token),
                ArticleDetailView.render_unsaved(request, article),
                timeout=PREVIEW_SECONDS,
            )
            context["page_url"] = reverse(
                "admin:articles_article_preview_page", kwargs={"token": token}
            )
            context["screens"] = PREVIEW_SCREENS
        return TemplateResponse(request, "admin/articles/article/preview.html", context)

    def unsaved_article(self, request, form):
        """The form's article as it would be saved now, without saving it."""
        article = form.instance
        now = timezone.now()
        if article.pk is None:
            article.created_at = now
            if not article.author_id:
                article.author = request.user
        # A new time: the page's cached parts are those of this text, not of the saved one.
        article.updated_at = now
        if not article.slug:
            article.slug = slugify(article.title)[:200]
        article.tag_list = [
            (name, slug)
            for name in form.cleaned_data.get("tags") or []
            if (slug := slugify(name, allow_unicode=True))
        ]
        return article

    def preview_page_view(self, request, token):
        """One frame of the preview: the page preview_view rendered, for whoever asked for it."""
        html = cache.get(self._preview_key(request, token))
        if html is None:
            raise Http404
        return HttpResponse(html)

    def _preview_key(self, request, token):
        return f"articles:preview:{request.user.pk}:{token}"

    def embed_view(self, request):
        """Which video an address pasted in the body editor is (JSON, for
        static/articles/editor/embeds.js): its provider, id and host, or why it cannot be shown,
        with status 400. For those who write articles."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        try:
            video = embeds.parse(request.GET.get("url", "")[:2000])
        except embeds.NotAnEmbed as refusal:
            return JsonResponse({"error": str(refusal.message)}, status=400)
        return JsonResponse(
            {
                "provider": video.provider,
                "id": video.video_id,
                "host": video.host,
                "label": video.label,
            }
        )

    # --- Columns ------------------------------------------------------------------------------

    @admin.display(description=_("status"), ordering="status")
    def state(self, article):
        if article.is_scheduled:
            return _("Scheduled")
        return article.get_status_display()

    @admin.display(description=_("author"), ordering="author__last_name")
    def byline(self, article):
        return article.byline

    @admin.display(description=_("photo"))
    def thumbnail(self, article):
        if article.photo is None:
            return ""
        return format_html(
            '<img src="{}" width="80" height="50" alt="">', article.photo.thumbnail.url
        )

    @admin.display(description=_("photo preview"))
    def photo_preview(self, article):
        if article.photo is None:
            return _("No photo yet.")
        return format_html(
            '<img src="{}" width="160" height="100" alt="{}">',
            article.photo.thumbnail.url,
            article.photo_alt_text,
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

    def take_step_on_each(self, request, queryset, step):
        done = skipped = refused = 0
        for article in queryset:
            try:
                article.take_step(step, by=request.user)
            except ArticleStateError:
                skipped += 1
            except PermissionDenied:
                # A hand-made post may name articles the user only sees: not theirs to move.
                refused += 1
            else:
                done += 1
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
            self.message_user(request, step.bulk_done % {"count": done}, messages.SUCCESS)
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
