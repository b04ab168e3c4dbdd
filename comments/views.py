import io
import secrets

from captcha.views import captcha_image as library_captcha_image
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import csrf
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from PIL import Image

from articles.models import Article
from operations.network import client_ip, user_agent

from . import rate_limit
from .forms import AnswerForm, CommentForm, ReportForm
from .models import Comment, CommenterOptOut, CommentReport, ModerationPolicy
from .services import read_unsubscribe_token
from .tasks import notify_moderators_on_commit

SESSION_KEY = "comments_sent"
# The author sees their own waiting comments for the visit; keep the session small.
SESSION_LIMIT = 20


def remember_sent(request, comment):
    sent = [pk for pk in request.session.get(SESSION_KEY, []) if pk != comment.pk]
    request.session[SESSION_KEY] = [*sent, comment.pk][-SESSION_LIMIT:]


def reply_form(request, comment_id):
    """The reply link without JavaScript: the comment form on its own page, answering one
    comment."""
    parent = get_object_or_404(
        Comment.objects.approved().select_related("article"),
        pk=comment_id,
        article__in=Article.objects.published(),
    )
    form = CommentForm(article=parent.article, reply_to=parent)
    return render_form_page(request, parent.article, form)


@require_POST
def post_answer(request, comment_id):
    """The newsroom's answer, written under a comment on the article page by a member of staff
    who may answer."""
    if not request.user.has_perm("comments.answer_comment"):
        raise PermissionDenied
    parent = get_object_or_404(
        Comment.objects.select_related("article"),
        pk=comment_id,
        article__in=Article.objects.published(),
    )
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("text", [])))
        return redirect(parent.get_absolute_url())
    try:
        answer = parent.answer(form.cleaned_data["text"], by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(parent.get_absolute_url())
    messages.success(request, _("Your answer is published."))
    return redirect(answer.get_absolute_url())


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
        form = CommentForm(
            initial=posted.kept_values(),
            article=article,
            policy=policy,
            reply_to=posted.replying_to,
        )
        return render_form_page(request, article, form)

    form = CommentForm(request.POST, article=article, ip_address=ip_address, policy=policy)
    if not form.is_valid():
        return render_form_page(request, article, form, status=429 if form.rate_limited else 200)

    comment = form.get_comment_object(ip_address=ip_address, user_agent=user_agent(request))
    with transaction.atomic():
        comment.save()
        rate_limit.record_sent_on_commit(policy, ip_address)
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
    form = CommentForm(
        initial=posted.kept_values(),
        article=article,
        policy=posted.policy,
        reply_to=posted.replying_to,
    )
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


# --- Readers' reports -------------------------------------------------------------------------

#: The random id that tells one reader's reports from another's, in a signed cookie their browser
#: keeps; reports store only a keyed hash of it (CommentReport.reporter_for).
READER_COOKIE = "newsroom_reader"
READER_COOKIE_SALT = "comments.reader"
READER_COOKIE_AGE = 365 * 24 * 60 * 60


def reader_id(request):
    return request.get_signed_cookie(READER_COOKIE, default=None, salt=READER_COOKIE_SALT)


def keep_reader_id(response, reader):
    response.set_signed_cookie(
        READER_COOKIE,
        reader,
        salt=READER_COOKIE_SALT,
        max_age=READER_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def reportable_comment(comment_id):
    """A published comment under a published article: the only ones readers report."""
    return get_object_or_404(
        Comment.objects.approved().select_related("article"),
        pk=comment_id,
        article__in=Article.objects.published(),
    )


def render_report_page(request, comment, form, *, status=200):
    return render(
        request,
        "comments/report_page.html",
        {"comment": comment, "article": comment.article, "form": form},
        status=status,
    )


@never_cache
@require_safe
def report_comment(request, comment_id):
    """The "Report" link under a comment: a small form of its own, without JavaScript."""
    comment = reportable_comment(comment_id)
    return render_report_page(request, comment, ReportForm())


@never_cache
@require_POST
def post_report(request, comment_id):
    comment = reportable_comment(comment_id)
    policy = ModerationPolicy.load()
    ip_address = client_ip(request)
    form = ReportForm(request.POST, ip_address=ip_address, policy=policy)
    if not form.is_valid():
        return render_report_page(request, comment, form, status=429 if form.rate_limited else 200)
    reader = reader_id(request) or secrets.token_urlsafe(24)
    thanks = _("Thank you: the newsroom will read this comment again.")
    if form.sent_by_robot:
        messages.success(request, thanks)
    else:
        try:
            comment.report(
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                reporter=CommentReport.reporter_for(reader),
                ip_address=ip_address,
                policy=policy,
            )
        except CommentReport.AlreadyReported:
            messages.info(request, _("You have already reported this comment: thank you."))
        else:
            messages.success(request, thanks)
    anchor = f"comment-{comment.pk}" if comment.is_public else "comments"
    response = redirect(f"{comment.article.get_absolute_url()}#{anchor}")
    keep_reader_id(response, reader)
    return response


# --- Unsubscribing ----------------------------------------------------------------------------


# Mail clients post the one-click unsubscribe of RFC 8058 without any token of ours: the signed
# address hash in the URL is the proof, and the view changes nothing but the opt-out.
@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET: a page with a button (a link checker or a mail scanner opening the link unsubscribes
    nobody); POST, from that button or a mail client's one-click: done at once."""
    hashed = read_unsubscribe_token(token)
    if hashed is None:
        raise Http404
    done = request.method == "POST"
    if done:
        CommenterOptOut.add(hashed)
    return render(
        request,
        "comments/unsubscribe_page.html",
        {"token": token, "done": done},
    )
