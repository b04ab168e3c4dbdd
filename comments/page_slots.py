"""The comments' part in article pages shared between readers (articles.page_cache): each
reader's own captcha challenge and form start time, and what makes a shared page stale."""

from articles import page_cache

from .captcha_batch import batch
from .forms import new_timestamp
from .models import ModerationPolicy, listing_version_key
from .templatetags.comments import requested_page


def new_captcha_key(request, page):
    return batch.take()


def new_form_timestamp(request, page):
    return new_timestamp()


def comments_close_at(article):
    return ModerationPolicy.load().closes_at(article)


def connect():
    # Not in the view's transaction: a new batch commits on its own, without holding the
    # write lock the other readers' views wait for.
    page_cache.register_slot("captcha", new_captcha_key)
    page_cache.register_slot("timestamp", new_form_timestamp)
    # An approved, rejected or erased comment changes the listing's version.
    page_cache.register_version_key(listing_version_key)
    # Each page of comments is its own page.
    page_cache.register_variant(requested_page)
    page_cache.register_expiry(comments_close_at)
