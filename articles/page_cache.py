"""The article page, rendered once and served to every reader with their own parts filled in.

A story that spreads brings thousands of readers to one page. Rendering it for each of them
(sections, body, comments, form) costs far more than everything else a request does, and all
but a few bytes come out the same. So a reader's visit renders the page once as a *shell*: the
same HTML with a placeholder wherever something belongs to one request (the view count, the
CSRF token, the captcha, the comment form's start time, the donation prompt drawn for them, the
address the language switcher returns to, the messages waiting for them, their own comments
awaiting moderation). Later readers get the shell from the cache with those slots filled in, at
the cost of the writes their visit makes anyway: the view and the prompt impression, in one
statement on PostgreSQL and one short transaction on SQLite (see Article.count_view; captcha
challenges are stored a batch at a time, each still shown to one reader: see
comments/captcha_batch.py).

Correctness does not rest on expiry:

- the view's UPDATE only matches the article if it is still published and its ``updated_at`` is
  the one the shell was rendered from, so an edit, an unpublication or a new slug falls back to
  a full render at once, whichever worker or cache holds the shell (a visit that counts nothing
  asks the same with one SELECT);
- the shell records the version keys it was rendered under (the approved comments' listing
  version, the site-wide generation bumped when sections, the moderation policy or author
  profiles change) and is served only while they are unchanged;
- it lives ``ARTICLE_PAGE_CACHE_SECONDS`` at most (and never past the moment comments close),
  which bounds anything time-dependent.

Every GET shares the shell but staff's (previews, the newsroom's answer forms): telling staff
apart reads the session, so it is only asked of a request with a session cookie. A reader with a
session (one who just commented) or a message waiting is served from the shell with those parts
as slots, filled from their own session and cookies; a shell never holds any of them, since
every such part is a slot whoever's visit renders it. A crawler is served the same shell, but its
visit counts nothing (`counts_visit`): no view, no prompt impression (`Page.on_write` runs
nothing), and no captcha challenge stored for it (its form asks for one first).

Each part that belongs to one reader is a `ReaderSlot`, declared once next to the template tag
that prints it: the tag prints the slot's placeholder in a shell, and the slot's filler gives each
reader their part. ``articles`` owns the mechanism and the slots of its own page; ``comments``
and ``donations`` declare theirs in their template tags, which their ``apps.py`` imports at
start-up, so that this module never imports them and every slot is known before the first
shell is served.
"""

import datetime
import functools
import hashlib
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language

from . import caching
from .bots import is_crawler
from .models import Article

GENERATION_KEY = "articles:page-generation"
# Names the shape of Shell below: change it with the shape, so that a deployment never reads a
# shell pickled by the previous code.
SHELL_KEY_PREFIX = "articles:page-shell:v1"

# The reader slots, by name.
_slots = {}
# Functions of an article id naming a cache key whose value the shell depends on.
_version_keys = []
# Functions of the request naming a variant of the page (the comments page, say).
_variants = []
# Functions of an article giving the moment its page changes by itself (comments closing), or None.
_expiries = []

# The context variable that makes a rendering a shell: set by render_shell, read by ReaderSlot.
_IN_SHELL = "page_shell"


class ReaderSlot:
    """A part of the article page that belongs to one reader.

    `fill(request, page)` gives the part's HTML, escaped, for each reader of a shared page.
    Fillers run before the transaction that records the view and only read; a write they need
    (a count) goes through `page.on_write`, so that the reader's writes share one commit and
    the write lock (database-wide on SQLite) is held for the writes alone. A slot declared
    with `after_writes=True` is filled once those writes are done, and so sees
    `page.view_count` with this reader's view in it.

    Declaring a slot registers it. The template tag that prints the part is decorated with
    `tag`; where the part is not a simple tag's output, the code asks `in_shell(context)` and
    writes `placeholder`.
    """

    def __init__(self, name, fill, *, after_writes=False):
        if name in _slots:
            raise ImproperlyConfigured(f"Two reader slots of the article page are named {name!r}.")
        self.name = name
        self.fill = fill
        self.after_writes = after_writes
        _slots[name] = self
        _slot_pattern.cache_clear()

    def __repr__(self):
        return f"<ReaderSlot {self.name}>"

    @cached_property
    def placeholder(self):
        """What a shell holds where this slot goes. Derived from the secret key, so that a
        reader cannot write one into a comment and have it replaced; plain word characters, so
        escaping and URL patterns leave it alone."""
        digest = hashlib.sha256(f"newsroom-page-slot:{self.name}:{settings.SECRET_KEY}".encode())
        return f"nrslot{self.name}{digest.hexdigest()[:20]}"

    def in_shell(self, context):
        """Whether `context` renders a shell, where this slot prints its placeholder."""
        return bool(context.get(_IN_SHELL))

    def tag(self, function):
        """Decorate a simple tag's function (`takes_context=True`): in a shell, the tag prints
        this slot's placeholder instead of calling `function`."""

        @functools.wraps(function)
        def tag(context, *args, **kwargs):
            if self.in_shell(context):
                return self.placeholder
            return function(context, *args, **kwargs)

        return tag


def reader_slots():
    """The declared reader slots, by name."""
    return dict(_slots)


def register_version_key(key_for_article):
    """Serve a shell only while the cache value at `key_for_article(article_id)` is unchanged."""
    _version_keys.append(key_for_article)


def register_variant(variant_for_request):
    """Keep one shell per value of `variant_for_request(request)` (a page number, say)."""
    _variants.append(variant_for_request)


def register_expiry(change_time_for_article):
    """Never serve a shell past `change_time_for_article(article)`, when it is not None."""
    _expiries.append(change_time_for_article)


def forget_all():
    """Every shell becomes unreachable: for changes that show on every article page."""
    caching.replace_version(GENERATION_KEY)


def is_shareable(request):
    """Whether this request may be answered from a shell (see the module's docstring)."""
    if not settings.ARTICLE_PAGE_CACHE_SECONDS or request.method != "GET":
        return False
    # Finding out who the user is reads the session: only a visitor with one can be staff.
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return not request.user.is_staff
    return True


def counts_visit(request):
    """Whether this visit is a reader's, counted (a view, a prompt's impression) and given a
    captcha challenge of their own: a crawler's is served the same page with none of these."""
    return not is_crawler(request)


@dataclass
class Page:
    """What a slot's filler knows of the page it fills."""

    article_id: int
    section_id: int
    view_count: int | None = None
    # Whether the visit counts (see counts_visit): a crawler's does not.
    counted: bool = True
    # Writes a filler asks for (a count), run in the transaction that records the view.
    writes: list = field(default_factory=list)

    def on_write(self, write):
        """Run `write()` in the view's transaction: outside it a filler only reads, so that
        the write lock is held for the writes alone. A visit that counts nothing runs none. A
        write that also gives its SQL (`sql_after`, see Article.count_view) goes in the view's
        own statement on PostgreSQL."""
        if self.counted:
            self.writes.append(write)

    def write(self):
        for write in self.writes:
            write()


@dataclass
class Shell:
    html: str
    article_id: int
    section_id: int
    # The saved state of the article it was rendered from.
    updated_at: object
    versions: dict
    expires_at: object
    # The slots the HTML holds: the comment form's are missing when comments are closed.
    slots: frozenset


def _shell_key(slug, request):
    variant = ":".join(str(variant(request)) for variant in _variants)
    return f"{SHELL_KEY_PREFIX}:{get_language()}:{slug}:{variant}"


def version_names(article_id):
    """The cache keys a rendering that shows the article depends on: the generation and the
    registered version keys (its comments, the photo library). The shared list pages
    (list_pages) check them for each article they show."""
    return [GENERATION_KEY, *(key_for(article_id) for key_for in _version_keys)]


def current_versions(article_id):
    """The version keys a shell of the article depends on, as they stand. Every one is a
    random token replaced on change; a missing one is started here, so that the render that
    follows reads the same value."""
    return caching.versions(version_names(article_id))


def render_shell(template_name, context, request):
    """The page rendered as a shell: every reader slot holds its placeholder."""
    context = {**context, _IN_SHELL: True, "csrf_token": csrf_slot.placeholder}
    return render_to_string(template_name, context, request=request)


def serve(request, slug):
    """The page for this reader from its shell, counting the view; None when there is no
    current shell (the caller renders the page in full)."""
    key = _shell_key(slug, request)
    local = _local_shells.get(key)
    if local is not None and _is_current(local):
        html = _serve_from(local, request)
        if html is not None:
            return html
        # The article changed: another worker may have rendered it again already.
        _local_shells.pop(key, None)
    shell = cache.get(key)
    if shell is None or shell is local or not _is_current(shell):
        return None
    html = _serve_from(shell, request)
    if html is not None:
        _local_shells.keep(key, shell)
    return html


def _serve_from(shell, request):
    page = Page(shell.article_id, shell.section_id, counted=counts_visit(request))
    if not page.counted:
        page.view_count = Article.read_view_count(
            shell.article_id, if_unchanged_since=shell.updated_at
        )
        if page.view_count is None:
            return None
        return _substitute(shell.html, _fill(request, page, shell.slots))
    parts = _fill(request, page, shell.slots, after_writes=False)
    # The view and the slots' writes together: one statement on PostgreSQL, one transaction
    # elsewhere.
    page.view_count = Article.count_view(
        shell.article_id, if_unchanged_since=shell.updated_at, along_with=page.writes
    )
    if page.view_count is None:
        # Edited, unpublished or gone since: nothing was counted.
        return None
    parts.update(_fill(request, page, shell.slots, after_writes=True))
    return _substitute(shell.html, parts)


def _is_current(shell):
    if shell.expires_at <= timezone.now():
        return False
    return cache.get_many(list(shell.versions)) == shell.versions


# The shells this process served last, unpickled: reading a whole page from the shared cache
# costs more than the rest of the request. A copy here is checked like one from the cache
# (versions, expiry, and the view's UPDATE against updated_at), so it is never served stale.
_local_shells = caching.ProcessCopies(limit=200)


def store(request, slug, article, html, versions):
    """Keep `html`, rendered with placeholders from `article` under `versions`, for the next
    readers."""
    lifetime = settings.ARTICLE_PAGE_CACHE_SECONDS
    changes = [expiry(article) for expiry in _expiries]
    expires_at = min(
        [timezone.now() + datetime.timedelta(seconds=lifetime), *filter(None, changes)]
    )
    shell = Shell(
        html=html,
        article_id=article.pk,
        section_id=article.section_id,
        updated_at=article.updated_at,
        versions=versions,
        expires_at=expires_at,
        slots=slots_in(html),
    )
    key = _shell_key(slug, request)
    cache.set(key, shell, timeout=lifetime)
    _local_shells.keep(key, shell)


def slots_in(html):
    return frozenset(name for name, slot in _slots.items() if slot.placeholder in html)


def fill(html, request, page):
    """`html`, a shell whose view `page` already counted, with this reader's parts."""
    present = slots_in(html)
    parts = _fill(request, page, present, after_writes=False)
    if page.writes:
        with transaction.atomic():
            page.write()
    parts.update(_fill(request, page, present, after_writes=True))
    return _substitute(html, parts)


def render_preview(template_name, context, request, article):
    """The page of `article`, which may be unsaved, as a reader would get it, with nothing counted
    or kept: rendered as a shell, then filled for this request without the writes its slots ask
    for (the view, a donation prompt's impression), and never stored."""
    html = render_shell(template_name, context, request)
    page = Page(article.pk, article.section_id, article.view_count)
    present = slots_in(html)
    parts = _fill(request, page, present, after_writes=False)
    parts.update(_fill(request, page, present, after_writes=True))
    return _substitute(html, parts)


def _fill(request, page, present, *, after_writes=None):
    """The parts of the slots `present`: those filled before the writes, or after them, or
    (None) all of them."""
    return {
        slot.placeholder: slot.fill(request, page)
        for name, slot in _slots.items()
        if name in present and after_writes in (None, slot.after_writes)
    }


@functools.cache
def _slot_pattern():
    return re.compile("|".join(re.escape(slot.placeholder) for slot in _slots.values()))


def _substitute(html, parts):
    """Every placeholder replaced with its part, in one pass over the page."""
    return _slot_pattern().sub(lambda match: parts[match.group(0)], html)


# The token of the page's forms: Django's {% csrf_token %} prints the context's, which
# render_shell sets to this placeholder.
csrf_slot = ReaderSlot("csrf", lambda request, page: get_token(request))
