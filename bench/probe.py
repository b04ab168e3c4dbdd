"""The benchmark's in-process side: run by bench/run.py with the same environment as the gunicorn
server it measures, against the same database. Each subcommand prints one JSON object.

    prepare   the URLs to load, what a comment submission needs (CSRF secret, timestamp), the
              user agents and the session cookie of the readers and crawler loading them
    counters  the view count of the measured article and the comments on the posted one
    queries   SQL queries per page, through Django's test client (the same middleware stack)
    admin     the moderation queue's response time and queries for a logged-in superuser
"""

import json
import os
import statistics
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings.bench")
django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import translation  # noqa: E402

from articles.models import Article  # noqa: E402
from bench.management.commands.generate_scale_data import (  # noqa: E402
    EMPTY_ARTICLE_SLUG,
    FIFTY_ARTICLE_SLUG,
    THREAD_ARTICLE_SLUG,
)
from comments.models import Comment, ModerationPolicy  # noqa: E402

HOST = "127.0.0.1"
#: A browser's user agent: requests without one (or from a robot) do not count as views.
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
#: Another browser, the reader with a session's: the server's access log tells their requests
#: from the anonymous reader's by it.
SESSION_USER_AGENT = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36"
)
#: A search engine's crawler: served the shared page, counted nowhere.
CRAWLER_USER_AGENT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
#: A feed reader asking for the feed again, with the validators of its last answer.
FEED_READER_USER_AGENT = "NetNewsWire (RSS Reader; https://netnewswire.com/)"
#: The name the benchmark signs its comments with, to count them afterwards.
BENCH_COMMENTER = "Banc d'essai"
#: The reader with a session signs theirs otherwise, and on another article: never counted with
#: the comment run's.
SESSION_COMMENTER = "Lectrice du banc"
#: A fixed CSRF secret: the benchmark sends it as the cookie and as the form field.
CSRF_SECRET = "benchbenchbenchbenchbenchbench42"  # noqa: S105
ADMIN_USERNAME = "bench-admin"
ADMIN_RUNS = 7


def article(slug):
    return Article.objects.get(slug=slug)


def reverse_or_none(name, **kwargs):
    try:
        with translation.override(settings.LANGUAGE_CODE):
            return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def busiest_tag():
    """The slug of the tag on most published articles, or None."""
    from django.db.models import Count
    from taggit.models import Tag

    tags = Tag.objects.filter(
        taggit_taggeditem_items__object_id__in=Article.objects.published().values("pk")
    )
    tag = tags.annotate(uses=Count("taggit_taggeditem_items")).order_by("-uses", "pk").first()
    return tag and tag.slug


def urls():
    """Every endpoint the benchmark loads; None for one the project does not have (yet). The
    crawler and the reader with a session load the anonymous reader's article; the feed's 304
    is the feed asked again with the validators of a first answer (bench/run.py)."""
    measured, posted = article(FIFTY_ARTICLE_SLUG), article(THREAD_ARTICLE_SLUG)
    found = {
        "floor": reverse_or_none("bench_floor"),
        "home": reverse_or_none("articles:home"),
        "article": reverse_or_none("articles:detail", slug=measured.slug),
        "section": reverse_or_none("articles:section", slug=measured.section.slug),
        "author": reverse_or_none("articles:author", username=measured.author.get_username()),
        "most_read": reverse_or_none("articles:most_read"),
        "feed": reverse_or_none("feed_rss"),
        "comment": reverse_or_none("comments:post", article_id=posted.pk),
    }
    tag = busiest_tag()
    found["tag"] = tag and reverse_or_none("articles:tag", slug=tag)
    found["crawler"] = found["session"] = found["article"]
    found["feed_304"] = found["feed"]
    return found


def comment_timestamp():
    """The form's signed "shown at" time, a minute ago: a reader who took their time."""
    try:
        from comments.forms import TIMESTAMP_SALT
    except ImportError:
        return ""
    from django.core import signing

    return signing.dumps(time.time() - 60, salt=TIMESTAMP_SALT)


def prepare():
    # Every request of the benchmark comes from 127.0.0.1: the per-address limit stays on (its
    # query runs) but at its highest, or the comment run would measure 429 pages.
    policy = ModerationPolicy.load()
    policy.rate_limit_count = 32767
    policy.save()
    return {
        "urls": urls(),
        "user_agent": USER_AGENT,
        "crawler_user_agent": CRAWLER_USER_AGENT,
        "session_user_agent": SESSION_USER_AGENT,
        "feed_reader_user_agent": FEED_READER_USER_AGENT,
        "session_cookie": session_cookie(),
        "csrf_secret": CSRF_SECRET,
        "commenter": BENCH_COMMENTER,
        "timestamp": comment_timestamp(),
        "captcha_test_mode": bool(getattr(settings, "CAPTCHA_TEST_MODE", False)),
        "counters": counters(),
    }


def counters():
    posted = article(THREAD_ARTICLE_SLUG)
    statuses = (
        Comment.objects.for_article(posted)
        .filter(name=BENCH_COMMENTER)
        .values_list("status", flat=True)
    )
    by_status = {}
    for status in statuses:
        by_status[status] = by_status.get(status, 0) + 1
    return {
        "views": article(FIFTY_ARTICLE_SLUG).view_count,
        "bench_comments": sum(by_status.values()),
        "bench_comments_by_status": by_status,
        "comments_total": Comment.objects.count(),
    }


def client(user_agent=USER_AGENT):
    return Client(SERVER_NAME=HOST, HTTP_USER_AGENT=user_agent)


def session_cookie():
    """The Cookie header of a reader who just commented on the measured article, as a real
    submission leaves it: their session, which makes every article page show them their comment
    while it waits for a moderator. None when the submission failed."""
    url = reverse_or_none("comments:post", article_id=article(FIFTY_ARTICLE_SLUG).pk)
    if url is None:
        return None
    browser = client(SESSION_USER_AGENT)
    response = browser.post(url, {**comment_data(0), "name": SESSION_COMMENTER})
    if response.status_code != 302:
        return None
    # The "thank you" message, read once as the browser would: later pages have none.
    browser.get(response["Location"])
    cookie = browser.cookies.get(settings.SESSION_COOKIE_NAME)
    return f"{settings.SESSION_COOKIE_NAME}={cookie.value}" if cookie else None


def capture(send):
    """Queries of the second identical request (the first one warms per-process caches)."""
    send()
    with CaptureQueriesContext(connection) as captured:
        response = send()
    return {
        "status": response.status_code,
        "queries": len(captured.captured_queries),
        "sql": [query["sql"] for query in captured.captured_queries],
    }


def comment_data(n):
    return {
        "name": BENCH_COMMENTER,
        "email": "",
        "text": f"Un commentaire du banc d'essai, numéro {n} ({time.time()}).",
        "captcha_0": "bench",
        "captcha_1": "PASSED",
        "website": "",
        "timestamp": comment_timestamp(),
    }


def queries():
    found = urls()
    pages = {
        "home": found["home"],
        "article": found["article"],
        "section": found["section"],
        "feed": found["feed"],
        "floor": found["floor"],
        "article_0_comments": reverse_or_none("articles:detail", slug=EMPTY_ARTICLE_SLUG),
        "article_thread": reverse_or_none("articles:detail", slug=THREAD_ARTICLE_SLUG),
    }
    pages.update({name: found[name] for name in ("author", "tag", "most_read")})
    result = {}
    for name, url in pages.items():
        if url is None:
            continue
        result[name] = capture(lambda url=url: client().get(url))
    if found["crawler"]:
        result["crawler"] = capture(lambda: client(CRAWLER_USER_AGENT).get(found["crawler"]))
    cookie = session_cookie()
    if cookie:
        name, value = cookie.split("=", 1)
        reader = client(SESSION_USER_AGENT)
        reader.cookies[name] = value
        result["session"] = capture(lambda: reader.get(found["session"]))
    if found["feed"]:
        answer = client().get(found["feed"])
        validators = {
            header: answer[field]
            for header, field in (
                ("HTTP_IF_NONE_MATCH", "ETag"),
                ("HTTP_IF_MODIFIED_SINCE", "Last-Modified"),
            )
            if answer.has_header(field)
        }
        if validators:
            feed_reader = client(FEED_READER_USER_AGENT)
            result["feed_304"] = capture(lambda: feed_reader.get(found["feed"], **validators))
    if found["comment"]:
        counter = iter(range(10**6))
        result["comment"] = capture(
            lambda: client().post(found["comment"], comment_data(next(counter)))
        )
    result["thread_comments"] = (
        Comment.objects.approved().for_article(article(THREAD_ARTICLE_SLUG)).count()
    )
    return result


def admin():
    from django.contrib.auth import get_user_model

    users = get_user_model()
    user = users.objects.filter(username=ADMIN_USERNAME).first()
    if user is None:
        user = users.objects.create_superuser(ADMIN_USERNAME, "bench@example.org", None)
    try:
        changelist = reverse("admin:comments_comment_changelist")
    except NoReverseMatch:
        return {"error": "the comments admin is not registered yet"}
    browser = client()
    browser.force_login(user)
    result = {"comments": Comment.objects.count()}
    # The bare list, and the pending queue that moderators are sent to by email.
    for name, url in {"changelist": changelist, "pending": f"{changelist}?status=pending"}.items():
        started = time.perf_counter()
        first = capture(lambda url=url: browser.get(url))
        # Two requests already ran; a page that takes seconds is timed once more, not seven times.
        runs = ADMIN_RUNS if time.perf_counter() - started < 2 else 1
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            browser.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        result[name] = {
            "url": url,
            "status": first["status"],
            "queries": first["queries"],
            "sql": first["sql"],
            "median_ms": statistics.median(timings),
            "max_ms": max(timings),
        }
    return result


COMMANDS = {"prepare": prepare, "counters": counters, "queries": queries, "admin": admin}

if __name__ == "__main__":
    json.dump(COMMANDS[sys.argv[1]](), sys.stdout, default=str)
