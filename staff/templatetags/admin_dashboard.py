"""The admin index opens on each role's work: one inclusion tag, because it reads articles and
comments together (newsroom is where the apps meet; articles knows nothing of comments)."""

import datetime

from django import template
from django.db.models import Prefetch

from articles.models import Article, ArticleEvent
from comments.models import Comment

register = template.Library()

LIMIT = 10
MOST_READ = 5


@register.inclusion_tag("admin/dashboard.html", takes_context=True)
def admin_dashboard(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_active or not user.is_staff:
        return {"show": False}
    panels = {"show": True}
    if user.has_perm("articles.add_article"):
        mine = Article.objects.by_author(user)
        returned = list(
            mine.returned()
            .prefetch_related(
                Prefetch(
                    "events", queryset=ArticleEvent.objects.select_related("actor__author_profile")
                )
            )
            .order_by("-updated_at")[:LIMIT]
        )
        for article in returned:
            article.return_event = article.events.all()[0]
        panels["returned"] = returned
        panels["drafts"] = list(
            mine.drafts().exclude(pk__in=[a.pk for a in returned]).order_by("-updated_at")[:LIMIT]
        )
        panels["writer"] = True
    if user.has_perm("articles.publish_article"):
        panels["editor"] = True
        # The longest waiting first: updated_at is when it was submitted (or last touched).
        panels["in_review"] = list(
            Article.objects.in_review().for_listing().order_by("updated_at")[:LIMIT]
        )
        panels["scheduled"] = list(
            Article.objects.scheduled().for_listing().order_by("published_at")[:LIMIT]
        )
    if user.has_perm("comments.change_comment"):
        panels["moderator"] = True
        pending = Comment.objects.pending()
        panels["pending_count"] = pending.count()
        panels["oldest_pending"] = (
            pending.select_related("article").order_by("created_at", "pk").first()
        )
    panels["most_read_day"] = list(
        Article.objects.most_read(datetime.timedelta(days=1)).for_listing()[:MOST_READ]
    )
    panels["most_read_week"] = list(
        Article.objects.most_read(datetime.timedelta(days=7)).for_listing()[:MOST_READ]
    )
    return panels
