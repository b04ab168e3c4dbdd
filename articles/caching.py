"""Two small tools the apps' caches share.

Version tokens: a key in the cache whose value names the current copies of something (an
article's comment list, the eligible donation prompts, the shared article pages). Copies are
stored under the token; replacing the token makes every copy unreachable at once, on every
worker. A missing token (never set, evicted, a cache restarted) is simply started again, which
also makes the old copies unreachable: the safe direction.

Process copies: what a worker read from the shared cache last, kept unpickled, for entries
whose key already names their version (so a copy is as good as the cache's) or that are checked
again on use.
"""

import contextlib
import contextvars
import uuid

from django.core.cache import cache

# The keys asked to be replaced inside `replacing_versions_once()`, or None outside it.
_pending = contextvars.ContextVar("articles_caching_pending", default=None)


def new_token():
    return uuid.uuid4().hex


def version(key):
    """The token at `key`, started if missing."""
    return cache.get_or_set(key, new_token, timeout=None)


def versions(keys):
    """{key: token} for every key, in one read when they all exist."""
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            found[key] = version(key)
    return {key: found[key] for key in keys}


def replace_version(key):
    """Replace the token at `key`: every copy stored under the old one becomes unreachable."""
    pending = _pending.get()
    if pending is not None:
        pending.add(key)
        return
    cache.set(key, new_token(), timeout=None)


@contextlib.contextmanager
def replacing_versions_once():
    """Inside it, each key asked to be replaced is replaced once, on the way out, in one write.

    For work that saves many objects at once (the WordPress importer's post with its hundred
    comments, each of whose saves replaces its article's comment listing): one replacement per
    key, rather than one per save, each a file written when the cache is a folder. Nothing
    reads a new copy in between but the work itself, which runs inside a transaction whose
    changes no reader sees before the end either.
    """
    if _pending.get() is not None:
        yield
        return
    token = _pending.set(set())
    try:
        yield
    finally:
        keys = _pending.get()
        _pending.reset(token)
        if keys:
            cache.set_many({key: new_token() for key in keys}, timeout=None)


class ProcessCopies(dict):
    """A dict of at most `limit` entries, emptied when full: the few entries a busy worker
    needs are back after one read each."""

    def __init__(self, limit):
        super().__init__()
        self.limit = limit

    def keep(self, key, value):
        if key not in self and len(self) >= self.limit:
            self.clear()
        self[key] = value
        return value


# --- The photo library's generation ------------------------------------------------------------

#: Replaced whenever a photo of the library changes (its file, description or credit): what
#: shows photos (article bodies as readers and feeds get them, shared article pages) is stored
#: under it, and a new token makes every such copy unreachable at once.
PHOTO_GENERATION_KEY = "articles:photo-generation"


def photo_generation():
    """The photo library's current generation token."""
    return version(PHOTO_GENERATION_KEY)


def replace_photo_generation():
    """A photo changed: every copy that shows photos becomes unreachable."""
    replace_version(PHOTO_GENERATION_KEY)
