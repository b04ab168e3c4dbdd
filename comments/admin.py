import json

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from articles.models import Article
from desk.admin import KeepsWriting
from desk.titles import AdminTitles

from .forms import AnswerForm
from .models import Comment, CommentReport, ModerationPolicy
from .privacy import erase_commenter_data, export_commenter_data

# decision -> (the model method, the past participle for messages)
DECISIONS = {
    "approve": ("approve", _("approved")),
    "reject": ("reject", _("rejected")),
    "spam": ("mark_spam", _("marked as spam")),
    "dismiss": ("dismiss_reports", _("cleared of its reports")),
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

    def __init__(self, request, params, model, model_admin):
        # Staff who answer readers but do not moderate open on the comments they can answer.
        if not request.user.has_perm("comments.change_comment"):
            self.default = Comment.Status.APPROVED
        super().__init__(request, params, model, model_admin)

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


class ReportedFilter(admin.SimpleListFilter):
    """Comments readers reported, whatever their status: published ones still under the
    threshold, and those the reports took down."""

    title = _("readers' reports")
    parameter_name = "reported"

    def lookups(self, request, model_admin):
        return [("yes", _("Reported"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.reported()
        return queryset

    def choices(self, changelist):
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": _("All"),
        }
        # Reported comments are published or taken down: the status filter shows all.
        yield {
            "selected": self.value() == "yes",
            "query_string": changelist.get_query_string(
                {self.parameter_name: "yes", StatusFilter.parameter_name: "all"}
            ),
            "display": _("Reported"),
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
    list_filter = [StatusFilter, ReportedFilter, ArticleFilter]
    list_select_related = ["article", "moderated_by", "parent"]
    search_fields = ["name", "email", "text", "ip_address"]
    ordering = ["created_at", "pk"]
    # Over a million comments, a date hierarchy and an exact total cost seconds on every load.
    show_full_result_count = False
    list_per_page = 50
    actions = [
        "approve_selected",
        "reject_selected",
        "mark_spam_selected",
        "dismiss_reports_selected",
        "export_commenters",
        "erase_commenters",
    ]
    fieldsets = [
        (_("Content"), {"fields": ["article", "parent_link", "name", "email", "text"]}),
        (
            _("Moderation"),
            {
                "fields": [
                    "status",
                    "moderated_by",
                    "moderated_at",
                    "spam_score",
                    "reasons_text",
                    "taken_down_at",
                    "reports_text",
                ]
            },
        ),
        (_("Metadata"), {"fields": ["created_at", "ip_address", "user_agent"]}),
    ]
    readonly_fields = [
        "article",
        "parent_link",
        "moderated_by",
        "moderated_at",
        "spam_score",
        "reasons_text",
        "taken_down_at",
        "reports_text",
        "created_at",
        "ip_address",
        "user_agent",
    ]

    def has_add_permission(self, request):
        # Comments come from readers, never from the admin.
        return False

    def has_export_permission(self, request):
        return request.user.has_perm("comments.export_comment")

    # Journalists and editors answer readers from the queue: they see the comments, not what
    # only moderators may see about their authors.

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.has_perm(
            "comments.answer_comment"
        )

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if request.user.has_perm("comments.change_comment"):
            return fieldsets
        private = {"email", "ip_address", "user_agent"}
        return [
            (title, {**options, "fields": [f for f in options["fields"] if f not in private]})
            for title, options in fieldsets
        ]

    def get_search_fields(self, request):
        if request.user.has_perm("comments.change_comment"):
            return self.search_fields
        return ["name", "text"]

    def get_queryset(self, request):
        # The reports a moderator has not answered yet, for the whole page in one query.
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "reports", queryset=CommentReport.objects.undismissed(), to_attr="open_reports"
                )
            )
        )

    # --- Columns ---------------------------------------------------------------------------

    def get_list_display(self, request):
        # Past decisions are only worth showing where there are some: outside the pending queue.
        if (
            request.GET.get(StatusFilter.parameter_name, StatusFilter.default)
            == StatusFilter.default
        ):
            columns = self.list_display
        else:
            columns = [*self.list_display, "status", "decision_column"]
        if not request.user.has_perm("comments.change_comment"):
            # Who cannot decide sees no decision buttons, only the way to answer.
            columns = [c if c != "buttons_column" else "answer_column" for c in columns]
        return columns

    @admin.display(description=_("comment"))
    def excerpt_column(self, comment):
        shown = format_html("<strong>{}</strong><br>{}", comment.name, comment.excerpt)
        if comment.parent_id:
            # A reply is read with the comment it answers.
            shown = format_html(
                '{}<br><small class="comment-parent">{} {}</small>',
                shown,
                self.parent_link(comment),
                Truncator(comment.parent.text).chars(80),
            )
        return shown

    @admin.display(description=_("in reply to"))
    def parent_link(self, comment):
        parent = comment.parent
        if parent is None:
            return "—"
        name = parent.name or gettext("a removed comment")
        if parent.by_newsroom:
            name = gettext("%(name)s (the newsroom)") % {"name": name}
        return format_html(
            '{} <a href="{}">{}</a>',
            gettext("In reply to"),
            reverse("admin:comments_comment_change", args=[parent.pk]),
            name,
        )

    @admin.display(description=_("answer"))
    def answer_column(self, comment):
        if not comment.is_public:
            return "—"
        return format_html(
            '<a class="button" href="{}">{}</a>',
            reverse("admin:comments_comment_answer", args=[comment.pk]),
            gettext("Answer"),
        )

    @admin.display(description=_("reasons"), ordering="spam_score")
    def reasons_column(self, comment):
        reasons = "; ".join(comment.reasons_display()) or "—"
        return format_html(
            "{}<br><small>{}</small>{}",
            reasons,
            _("score %(score)s") % {"score": comment.spam_score},
            self.open_reports_list(comment),
        )

    def open_reports_list(self, comment):
        """The reports no moderator answered yet: their reasons and notes."""
        reports = getattr(comment, "open_reports", None)
        if reports is None:
            reports = list(comment.reports.undismissed())
        if not reports:
            return ""
        title = ngettext("%(count)d report:", "%(count)d reports:", len(reports)) % {
            "count": len(reports)
        }
        return format_html(
            '<div class="comment-reports"><strong>{}</strong><ul>{}</ul></div>',
            title,
            format_html_join(
                "",
                "<li>{}{}</li>",
                (
                    (report.get_reason_display(), f" — {report.note}" if report.note else "")
                    for report in reports
                ),
            ),
        )

    @admin.display(description=_("readers' reports"))
    def reports_text(self, comment):
        reports = list(comment.reports.select_related("dismissed_by"))
        if not reports:
            return "—"
        rows = []
        for report in reports:
            when = timezone.localtime(report.created_at).strftime("%Y-%m-%d %H:%M")
            if report.dismissed_at:
                who = report.dismissed_by.get_username() if report.dismissed_by else "—"
                state = gettext("dismissed by %(who)s on %(when)s") % {
                    "who": who,
                    "when": timezone.localtime(report.dismissed_at).strftime("%Y-%m-%d %H:%M"),
                }
            else:
                state = gettext("waiting")
            rows.append((when, report.get_reason_display(), report.note or "—", state))
        return format_html("<ul>{}</ul>", format_html_join("", "<li>{} · {} · {} · {}</li>", rows))

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
        decide = format_html_join(
            " ",
            '<button type="submit" class="button {}" formaction="{}" formmethod="post">{}</button>',
            ((css, url, label) for url, css, label in buttons),
        )
        if getattr(comment, "open_reports", None):
            decide = format_html(
                '{} <button type="submit" class="button moderate-dismiss" formaction="{}" '
                'formmethod="post">{}</button>',
                decide,
                reverse("admin:comments_comment_decide", args=[comment.pk, "dismiss"]),
                gettext("Dismiss the reports"),
            )
        if not comment.is_public:
            return decide
        return format_html("{} {}", decide, self.answer_column(comment))

    # --- One click per row -----------------------------------------------------------------

    def get_urls(self):
        return [
            path(
                "<int:object_id>/decide/<str:decision>/",
                self.admin_site.admin_view(self.decide_view),
                name="comments_comment_decide",
            ),
            path(
                "<int:object_id>/answer/",
                self.admin_site.admin_view(self.answer_view),
                name="comments_comment_answer",
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

    def answer_view(self, request, object_id):
        """The newsroom's answer to a reader, beside their comment: one small form per comment,
        published at once by Comment.answer()."""
        if not request.user.has_perm("comments.answer_comment"):
            raise PermissionDenied
        comment = get_object_or_404(
            Comment.objects.select_related("article", "parent"), pk=object_id
        )
        form = AnswerForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                answer = comment.answer(form.cleaned_data["text"], by=request.user)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                self.message_user(
                    request,
                    gettext("Your answer to %(name)s is published.") % {"name": comment.name},
                    messages.SUCCESS,
                )
                return redirect(
                    reverse("admin:comments_comment_changelist")
                    + f"?status={Comment.Status.APPROVED}&article={answer.article_id}"
                )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": gettext("Answer %(name)s as the newsroom") % {"name": comment.name},
            "comment": comment,
            "form": form,
            "answerable": comment.is_public,
        }
        return TemplateResponse(request, "admin/comments/comment/answer.html", context)

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

    @admin.action(description=_("Dismiss the reports of selected comments"), permissions=["change"])
    def dismiss_reports_selected(self, request, queryset):
        self._decide_many(request, queryset, "dismiss")

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
        (
            _("Readers' reports"),
            {"fields": ["report_threshold", "personal_report_threshold", "reports_per_hour"]},
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
