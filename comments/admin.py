import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from desk.admin import KeepsWriting
from desk.titles import AdminTitles

from .models import Comment, ModerationPolicy
from .privacy import erase_commenter_data, export_commenter_data

# decision -> (the model method, the past participle for messages)
DECISIONS = {
    "approve": ("approve", _("approved")),
    "reject": ("reject", _("rejected")),
    "spam": ("mark_spam", _("marked as spam")),
}


class ArticleFilter(admin.SimpleListFilter):
    """The articles with the most comments waiting, rather than every article ever commented:
    the list stays short and cheap over an archive of years."""

    title = _("article")
    parameter_name = "article"
    limit = 20

    def lookups(self, request, model_admin):
        busiest = [pk for pk, _waiting in Comment.objects.waiting_by_article(self.limit)]
        titles = dict(Article.objects.filter(pk__in=busiest).order_by().values_list("pk", "title"))
        choices = [(str(pk), titles[pk]) for pk in busiest if pk in titles]
        chosen = self.value()
        if chosen and chosen.isdigit() and chosen not in {value for value, _label in choices}:
            article = Article.objects.filter(pk=chosen).only("title").first()
            if article is not None:
                choices.append((chosen, article.title))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        if not value.isdigit():
            return queryset.none()
        return queryset.filter(article_id=value)


class StatusFilter(admin.SimpleListFilter):
    """The queue opens on pending comments; "All" is a choice of its own."""

    title = _("status")
    parameter_name = "status"
    default = Comment.Status.PENDING

    def lookups(self, request, model_admin):
        return [*Comment.Status.choices, ("all", _("All"))]

    def value(self):
        return super().value() or self.default

    def queryset(self, request, queryset):
        value = self.value()
        if value == "all":
            return queryset
        if value in Comment.Status.values:
            return queryset.filter(status=value)
        return queryset.pending()

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin):
    titles = AdminTitles(
        add=_("Add a comment"),
        change=_("Change the comment"),
        view=_("View the comment"),
        delete=_("Delete the comment"),
    )
    # The queue must fit a laptop screen with the admin menu open: the decision buttons come right
    # after what the moderator reads, the name sits with the text, and the score with its reasons.
    list_display = [
        "excerpt_column",
        "buttons_column",
        "article",
        "reasons_column",
        "created_at",
    ]
    list_display_links = ["excerpt_column"]
    list_filter = [StatusFilter, ArticleFilter]
    list_select_related = ["article", "moderated_by"]
    search_fields = ["name", "email", "text", "ip_address"]
    ordering = ["created_at", "pk"]
    # Over a million comments, a date hierarchy and an exact total cost seconds on every load.
    show_full_result_count = False
    list_per_page = 50
    actions = [
        "approve_selected",
        "reject_selected",
        "mark_spam_selected",
        "export_commenters",
        "erase_commenters",
    ]
    fieldsets = [
        (_("Content"), {"fields": ["article", "name", "email", "text"]}),
        (
            _("Moderation"),
            {"fields": ["status", "moderated_by", "moderated_at", "spam_score", "reasons_text"]},
        ),
        (_("Metadata"), {"fields": ["created_at", "ip_address", "user_agent"]}),
    ]
    readonly_fields = [
        "article",
        "moderated_by",
        "moderated_at",
        "spam_score",
        "reasons_text",
        "created_at",
        "ip_address",
        "user_agent",
    ]

    def has_add_permission(self, request):
        # Comments come from readers, never from the admin.
        return False

    def has_export_permission(self, request):
        return request.user.has_perm("comments.export_comment")

    # --- Columns ---------------------------------------------------------------------------

    def get_list_display(self, request):
        # Past decisions are only worth showing where there are some: outside the pending queue.
        if (
            request.GET.get(StatusFilter.parameter_name, StatusFilter.default)
            == StatusFilter.default
        ):
            return self.list_display
        return [*self.list_display, "status", "decision_column"]

    @admin.display(description=_("comment"))
    def excerpt_column(self, comment):
        return format_html("<strong>{}</strong><br>{}", comment.name, comment.excerpt)

    @admin.display(description=_("reasons"), ordering="spam_score")
    def reasons_column(self, comment):
        reasons = "; ".join(comment.reasons_display()) or "—"
        return format_html(
            "{}<br><small>{}</small>", reasons, _("score %(score)s") % {"score": comment.spam_score}
        )

    @admin.display(description=_("reasons"))
    def reasons_text(self, comment):
        return "; ".join(comment.reasons_display()) or "—"

    @admin.display(description=_("decision"))
    def decision_column(self, comment):
        if not comment.moderated_at:
            return "—"
        who = comment.moderated_by.get_username() if comment.moderated_by else gettext("nobody")
        return format_html(
            "{}<br>{}", who, timezone.localtime(comment.moderated_at).strftime("%Y-%m-%d %H:%M")
        )

    @admin.display(description=_("moderate"))
    def buttons_column(self, comment):
        # Buttons with formaction post the change list's own form (and its CSRF token) to the
        # decision URL: one click, no nested form, no JavaScript.
        buttons = [
            (
                reverse("admin:comments_comment_decide", args=[comment.pk, decision]),
                f"moderate-{decision}",
                label,
            )
            for decision, label in (
                ("approve", gettext("Approve")),
                ("reject", gettext("Reject")),
                ("spam", gettext("Spam")),
            )
        ]
        return format_html_join(
            " ",
            '<button type="submit" class="button {}" formaction="{}" formmethod="post">{}</button>',
            ((css, url, label) for url, css, label in buttons),
        )

    # --- One click per row -----------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<int:object_id>/decide/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="comments_comment_decide",
            ),
            *super().get_urls(),
        ]

    def decide_view(self, request, object_id, decision):
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if decision not in DECISIONS:
            raise PermissionDenied
        comment = get_object_or_404(Comment.objects.select_related("article"), pk=object_id)
        if not self.has_change_permission(request, comment):
            raise PermissionDenied
        method, done = DECISIONS[decision]
        getattr(comment, method)(by=request.user)
        self.message_user(
            request,
            gettext("The comment by %(name)s is %(done)s.") % {"name": comment.name, "done": done},
            messages.SUCCESS,
        )
        back = request.headers.get("referer", "")
        if back and url_has_allowed_host_and_scheme(
            back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return HttpResponseRedirect(back)
        return redirect("admin:comments_comment_changelist")

    # --- Bulk actions ----------------------------------------------------------------------

    def _decide_many(self, request, queryset, decision):
        method, done = DECISIONS[decision]
        comments = list(queryset)
        for comment in comments:
            getattr(comment, method)(by=request.user)
        self.message_user(
            request,
            ngettext("%(count)d comment %(done)s.", "%(count)d comments %(done)s.", len(comments))
            % {"count": len(comments), "done": done},
            messages.SUCCESS,
        )

    @admin.action(description=_("Approve selected comments"), permissions=["change"])
    def approve_selected(self, request, queryset):
        self._decide_many(request, queryset, "approve")

    @admin.action(description=_("Reject selected comments"), permissions=["change"])
    def reject_selected(self, request, queryset):
        self._decide_many(request, queryset, "reject")

    @admin.action(description=_("Mark selected comments as spam"), permissions=["change"])
    def mark_spam_selected(self, request, queryset):
        self._decide_many(request, queryset, "spam")

    @admin.action(
        description=_("Export everything their authors left (JSON, by email)"),
        permissions=["export"],
    )
    def export_commenters(self, request, queryset):
        emails = sorted({c.email for c in queryset if c.email})
        if not emails:
            self.message_user(
                request, gettext("None of these comments has an email address."), messages.WARNING
            )
            return None
        data = {"commenters": [export_commenter_data(email) for email in emails]}
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="commenter-data.json"'
        return response

    @admin.action(
        description=_("Erase everything their authors left (every comment with their email)"),
        permissions=["export"],
    )
    def erase_commenters(self, request, queryset):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        emails = sorted({c.email for c in queryset if c.email})
        deleted = sum(erase_commenter_data(email) for email in emails)
        self.message_user(
            request,
            ngettext("%(count)d comment erased.", "%(count)d comments erased.", deleted)
            % {"count": deleted},
            messages.SUCCESS,
        )

    # --- Edits in the change form ----------------------------------------------------------

    def save_model(self, request, obj, form, change):
        # A status chosen in the form is a decision like a button's: the comment records it.
        decided = obj.status if "status" in form.changed_data else None
        if decided is not None:
            obj.status = form.initial["status"]
        super().save_model(request, obj, form, change)
        if decided is not None:
            obj.moderate(decided, by=request.user)


@admin.register(ModerationPolicy)
class ModerationPolicyAdmin(KeepsWriting, admin.ModelAdmin):
    titles = AdminTitles(
        add=_("Add moderation rules"),
        change=_("Change the moderation rules"),
        view=_("View the moderation rules"),
        delete=_("Delete the moderation rules"),
    )
    unsaved_version_notice = _(
        "A more recent unsaved version of the moderation policy exists (%(age)s):"
    )
    fieldsets = [
        (_("Who waits"), {"fields": ["hold_all", "auto_approve_known"]}),
        (_("Held for a moderator"), {"fields": ["max_links", "moderation_words"]}),
        (
            _("Sent to spam"),
            {"fields": ["disallowed_words", "use_honeypot", "min_seconds_to_submit"]},
        ),
        (
            _("Limits"),
            {"fields": ["close_after_days", "rate_limit_count", "rate_limit_minutes"]},
        ),
    ]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        # One policy: the list page is its edit page.
        policy = ModerationPolicy.load()
        return redirect("admin:comments_moderationpolicy_change", policy.pk)
