import io

from captcha.views import captcha_image as library_captcha_image
from django.contrib import messages
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import csrf
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from PIL import Image

from articles.models import Article
from operations.network import client_ip, user_agent

from .forms import CommentForm
from .models import ModerationPolicy
from .services import notify_moderators_on_commit

SESSION_KEY = "comments_sent"
# The author sees their own waiting comments for the visit; keep the session small.
SESSION_LIMIT = 20


def remember_sent(request, comment):
    sent = [pk for pk in request.session.get(SESSION_KEY, []) if pk != comment.pk]
    request.session[SESSION_KEY] = [*sent, comment.pk][-SESSION_LIMIT:]


def render_form_page(request, article, form, *, status=200, notice=None):
    """The comment form on its own page, with the errors and what the reader typed; it works
    without JavaScript and links back to the article."""
    return render(
        request,
        "comments/comment_form_page.html",
        {"article": article, "form": form, "notice": notice},
        status=status,
    )


@never_cache
@require_POST
def post_comment(request, article_id):
    article = get_object_or_404(Article.objects.published(), pk=article_id)
    policy = ModerationPolicy.load()
    ip_address = client_ip(request)

    if "refresh_captcha" in request.POST:
        # "New image" without JavaScript: same text, a fresh captcha, no error yet.
        posted = CommentForm(request.POST, article=article, policy=policy)
        form = CommentForm(initial=posted.kept_values(), article=article, policy=policy)
        return render_form_page(request, article, form)

    form = CommentForm(request.POST, article=article, ip_address=ip_address, policy=policy)
    if not form.is_valid():
        return render_form_page(request, article, form, status=429 if form.rate_limited else 200)

    comment = form.get_comment_object(ip_address=ip_address, user_agent=user_agent(request))
    with transaction.atomic():
        comment.save()
        if comment.status == comment.Status.PENDING:
            queue = reverse("admin:comments_comment_changelist") + "?status=pending"
            notify_moderators_on_commit(queue_url=request.build_absolute_uri(queue))
    remember_sent(request, comment)
    if comment.is_public:
        messages.success(request, _("Thank you: your comment is published."))
    else:
        messages.success(request, _("Your comment is awaiting moderation"))
    return redirect(f"{article.get_absolute_url()}#comment-{comment.pk}")


def csrf_failure(request, reason=""):
    """An expired form or a refused cookie: for a comment, show the form again with what the
    reader typed (and a new token); anything else gets Django's own page."""
    match = getattr(request, "resolver_match", None)
    if request.method != "POST" or match is None or match.view_name != "comments:post":
        return csrf.csrf_failure(request, reason=reason)
    article = Article.objects.published().filter(pk=match.kwargs.get("article_id")).first()
    if article is None:
        return csrf.csrf_failure(request, reason=reason)
    posted = CommentForm(request.POST, article=article)
    form = CommentForm(initial=posted.kept_values(), article=article, policy=posted.policy)
    notice = _(
        "Your comment was not sent: the form had expired or your browser refused our cookie. "
        "Your text is kept below: please type the new characters and send it again."
    )
    return render_form_page(request, article, form, status=403, notice=notice)


#: Grey levels kept in the captcha image: enough for smooth, dark letters; its PNG is a third of
#: the library's full-colour one.
CAPTCHA_GREYS = 8


def captcha_image(request, key):
    """The captcha's image, as the library draws it, in a few grey levels: it is fetched by every
    reader who opens the comment form."""
    response = library_captcha_image(request, key)
    if response.status_code != 200:
        return response
    drawn = Image.open(io.BytesIO(response.content))
    out = io.BytesIO()
    drawn.convert("L").quantize(colors=CAPTCHA_GREYS).save(out, "PNG", optimize=True)
    small = HttpResponse(out.getvalue(), content_type="image/png")
    # Each challenge has its own address and image; it must not be kept once used.
    small["Cache-Control"] = "no-store"
    return small
