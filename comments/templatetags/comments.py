import hashlib

from captcha.conf import settings as captcha_settings
from django import forms, template
from django.conf import settings
from django.core.cache import cache
from django.template.defaultfilters import linebreaksbr
from django.template.loader import render_to_string
from django.utils.html import urlize
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from articles import page_cache
from comments.captcha_batch import batch
from comments.forms import CommentForm, captcha_contact_message, new_timestamp
from comments.models import Comment, ModerationPolicy, listing_version_key
from comments.views import SESSION_KEY

register = template.Library()

PAGE_PARAMETER = "comments_page"
MAX_PAGE = 10_000
LISTING_CACHE_SECONDS = 24 * 60 * 60


class CaptchaAlone(forms.Form):
    """The comment form's captcha field alone, as every comment form shows it."""

    captcha = CommentForm.base_fields["captcha"]


# The captcha part of the form as shown to every reader of a shared page, with captcha_slot's
# placeholder where the challenge's key goes (see captcha_part), by what it depends on.
_captcha_parts = {}


def _captcha_part_key(kind):
    return (kind, get_language(), captcha_settings.CAPTCHA_FLITE_PATH, settings.CAPTCHA_IMAGE_SIZE)


def captcha_part(request, page):
    """The comment form's captcha for one visitor of a shared article page (articles.page_cache).

    A reader gets a challenge of their own, from a batch stored ahead: a new batch commits on its
    own, without holding the write lock the other readers' views wait for. A crawler's visit
    stores nothing: its form asks for a challenge first ("New image" without JavaScript, which
    keeps the text); sent without one, it is refused like a wrong answer, text kept, with a
    fresh challenge.
    """
    if not page.counted:
        key = _captcha_part_key("ask")
        if key not in _captcha_parts:
            _captcha_parts[key] = render_to_string("comments/includes/captcha_ask.html")
        return _captcha_parts[key]
    key = _captcha_part_key("challenge")
    if key not in _captcha_parts:
        form = CaptchaAlone()
        form.fields["captcha"].widget.key = captcha_slot.placeholder
        _captcha_parts[key] = render_to_string(
            "comments/includes/captcha_field.html", {"field": form["captcha"]}
        )
    return _captcha_parts[key].replace(captcha_slot.placeholder, batch.take())


def own_waiting_comments(article_id, sent):
    """The comments among `sent` (the ids the reader's session remembers) on the article that
    wait for a moderator (or were held as spam), which their author alone sees."""
    own = list(
        Comment.objects.for_article(article_id)
        .filter(pk__in=sent, status__in=[Comment.Status.PENDING, Comment.Status.SPAM])
        .select_related("parent")
    )
    for comment in own:
        comment.answered = comment.parent if comment.parent_id else None
    return own


def own_comments_html(request, article_id):
    """The reader's own waiting comments on the article, as the page shows them. Kept in the
    cache under the article's listing version, which any change to its comments replaces (an
    approval takes a comment out of the reader's list at once): a reader who just commented reads
    the article again and again, and this part would otherwise cost a query and a rendering on
    each visit. None without a session, and no query then."""
    if request is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return ""
    sent = request.session.get(SESSION_KEY)
    if not sent:
        return ""
    version = Comment.objects.listing_version(article_id)
    mine = hashlib.sha256(",".join(map(str, sorted(sent))).encode()).hexdigest()[:24]
    key = f"comments:own-waiting:{get_language()}:{article_id}:{version}:{mine}"
    html = cache.get(key)
    if html is None:
        own = own_waiting_comments(article_id, sent)
        html = (
            render_to_string("comments/includes/own_comments.html", {"own_pending": own})
            if own
            else ""
        )
        cache.set(key, html, timeout=LISTING_CACHE_SECONDS)
    return html


# The form's parts, and the reader's own waiting comments, in an article page shared between
# readers (articles.page_cache).
captcha_slot = page_cache.ReaderSlot("captcha", captcha_part)
timestamp_slot = page_cache.ReaderSlot("timestamp", lambda request, page: new_timestamp())
own_comments_slot = page_cache.ReaderSlot(
    "own_comments", lambda request, page: own_comments_html(request, page.article_id)
)


@register.inclusion_tag("comments/includes/comment_section.html", takes_context=True)
def comment_section(context, article):
    """The comments slot of an article page: approved comments, the reader's own waiting ones and
    the form. The approved comments come rendered from the cache; a moderator's decision drops
    that copy at once (see signals)."""
    request = context.get("request")
    policy = ModerationPolicy.load()
    shell = captcha_slot.in_shell(context)

    closed = policy.comments_closed(article)
    form = None
    if not closed:
        form = CommentForm(article=article, policy=policy)
        if shell:
            form.use_placeholders(
                captcha_key=captcha_slot.placeholder, timestamp=timestamp_slot.placeholder
            )
    # Staff who answer as the newsroom get a form under each comment, never shared: their
    # pages are always rendered for them alone (articles.page_cache).
    user = getattr(request, "user", None)
    answering = bool(
        not closed
        and user is not None
        and user.is_authenticated
        and user.has_perm("comments.answer_comment")
    )
    return {
        "article": article,
        "request": request,
        "listing": _approved_listing(
            article,
            requested_page(request),
            closed=closed,
            answering_request=request if answering else None,
        ),
        "own_comments": (
            own_comments_slot.placeholder if shell else own_comments_html(request, article.pk)
        ),
        "closed": closed,
        "form": form,
        # In a shell, the whole captcha part is the slot: a crawler gets no challenge.
        "captcha_part": captcha_slot.placeholder if shell else None,
    }


def requested_page(request):
    try:
        number = int(request.GET.get(PAGE_PARAMETER, 1)) if request else 1
    except (TypeError, ValueError):
        number = 1
    # Bounded, so that made-up page numbers cannot fill the cache.
    return min(max(number, 1), MAX_PAGE)


def _comments_close_at(article):
    return ModerationPolicy.load().closes_at(article)


# What else makes a shared page show the wrong comments: an approved, rejected or erased comment
# changes the listing's version; each page of comments is its own page; the form goes when
# comments close.
page_cache.register_version_key(listing_version_key)
page_cache.register_variant(requested_page)
page_cache.register_expiry(_comments_close_at)


def arrange(threads, replies):
    """Nest the approved `replies` under their `threads`: each comment gets `shown_replies`,
    and each reply `answered`, the comment it answers as shown on the page, or None when that
    comment is no longer public (the reply then joins its thread's first level)."""
    shown = {comment.pk: comment for comment in [*threads, *replies]}
    for comment in shown.values():
        comment.shown_replies = []
    for reply in replies:
        reply.answered = shown.get(reply.parent_id)
        home = reply.answered or shown.get(reply.thread_id)
        if home is not None:
            home.shown_replies.append(reply)
    return threads


def _approved_listing(article, requested, *, closed=False, answering_request=None):
    """The rendered heading, page of threads and pagination, from the cache. A page holds
    COMMENTS_PER_PAGE whole threads: their first comments, then all their approved replies, in
    one query each whatever their number. "Reply" links show while comments are open. For a
    member of staff who answers (`answering_request`), rendered afresh with their forms."""
    answering = answering_request is not None
    version = Comment.objects.listing_version(article.pk)
    key = f"comments:listing:{article.pk}:{version}:{requested}:{int(closed)}:{get_language()}"
    listing = None if answering else cache.get(key)
    if listing is None:
        threads = Comment.objects.for_article(article).threads()
        count = threads.count()
        per_page = settings.COMMENTS_PER_PAGE
        last = max((count + per_page - 1) // per_page, 1)
        number = min(requested, last)
        start = (number - 1) * per_page
        page = threads[start : start + per_page]
        listing = render_to_string(
            "comments/includes/comment_listing.html",
            {
                "comments": arrange(list(page), list(Comment.objects.replies_in(page))),
                "article": article,
                "closed": closed,
                "answering": answering,
                "comment_count": count,
                "page_number": number,
                "page_count": last,
                "page_parameter": PAGE_PARAMETER,
                "previous_page": number - 1 if number > 1 else None,
                "next_page": number + 1 if number < last else None,
            },
            request=answering_request,
        )
        if not answering:
            cache.set(key, listing, timeout=LISTING_CACHE_SECONDS)
    return mark_safe(listing)  # noqa: S308 - rendered from our own autoescaped template


@register.simple_tag
def comment_counts(articles):
    """Approved-comment counts for a whole list of articles in one query:
    `{% comment_counts object_list as counts %}` then `{{ counts|count_for:article }}`."""
    return Comment.objects.counts_by_article(articles)


@register.filter
def count_for(counts, article):
    return (counts or {}).get(getattr(article, "pk", article), 0)


@register.filter(is_safe=True)
def comment_text(value):
    """A reader's text, escaped: line breaks kept, links clickable but never endorsed."""
    html = urlize(str(value), nofollow=True, autoescape=True)
    # Reader text was escaped above, so this attribute can only come from urlize itself.
    html = html.replace('rel="nofollow"', 'rel="nofollow ugc noopener"')
    return mark_safe(linebreaksbr(html, autoescape=False))  # noqa: S308


@register.simple_tag
def captcha_failed_help():
    return captcha_contact_message()
