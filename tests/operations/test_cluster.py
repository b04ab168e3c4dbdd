"""Newsroom as a cluster (tests/cluster.py): two application servers with no shared disk,
behind nginx, on PostgreSQL, Redis and SeaweedFS, with one background worker. `make cluster`
runs these in order and prints what each proved; `.ci/run` runs them too.

Each test states one promise of README's "Running several servers" and checks it where a
reader or a journalist would: through server A, server B or the balancer, then in the database.
"""

import html
import re
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.cluster import Background, Cluster, Visitor, captcha_answer, form_values, wait_until, wrk
from tests.photos.images import jpeg_bytes

pytestmark = pytest.mark.cluster

#: The demo's accounts (staff/demo_accounts.py).
JOURNALIST = ("claire", "demo-claire-2024")
EDITOR = ("hugo", "demo-hugo-2024")
MODERATOR = ("nadia", "demo-nadia-2024")
#: What the moderation policy asks of a reader before sending (min_seconds_to_submit).
TYPING_SECONDS = 5.5


def proved(text):
    print(f"\nPROVED: {text}", flush=True)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    with Cluster(tmp_path_factory.mktemp("cluster")) as running:
        print(
            f"\ncluster: nginx :{running.balancer.port} -> A :{running.a.port}, "
            f"B :{running.b.port}; worker; PostgreSQL {running.database}; Redis; "
            f"SeaweedFS :{running.store.s3_port}",
            flush=True,
        )
        yield running


def article_path(cluster, visitor, slug):
    """The article's address, as the front page links it."""
    home = visitor.get("/")
    found = re.search(rf'href="(/[^"]*/{re.escape(slug)}/)"', home.text)
    assert found, f"{slug} is not on the front page"
    return found.group(1)


def commentable_article(cluster):
    """A published demo article whose comments are open, as (id, slug)."""
    return (
        cluster.db()
        .execute(
            "SELECT id, slug FROM articles_article WHERE status = 'published' "
            "AND published_at BETWEEN now() - interval '30 days' AND now() "
            "ORDER BY published_at DESC LIMIT 1"
        )
        .fetchone()
    )


def send_comment(cluster, reader, path, *, name, text, via=None):
    """A reader opens the article, types, waits as a person does, and sends. A form that comes
    back (a captcha the server no longer knows, after a server died with it) is answered again
    with its new challenge, as the reader would: the text is still there. Returns the answers
    the reader got, the last one showing the comment sent."""
    page = reader.get(path)
    form = form_values(page.text, with_field="captcha_0")
    action = form.action
    _key, answer = captcha_answer(cluster, page.text)
    form.update(name=name, text=text, captcha_1=answer)
    time.sleep(TYPING_SECONDS)
    sender = reader.on(via) if via else reader
    answers = []
    for _attempt in range(3):
        response = sender.post(action, form.pairs())
        answers.append(response.status_code)
        assert response.status_code < 500, f"{response.status_code} for {name}"
        if any("#comment-" in hop.headers.get("Location", "") for hop in response.history):
            return answers  # sent: back on the article, at the comment
        if "déjà envoyé ce commentaire" in html.unescape(response.text):
            return answers  # sent before its server died: the reader is told so
        # The form came back: the text the reader typed is still in it.
        assert text in html.unescape(response.text), (
            f"{name}'s text was lost: {response.status_code}"
        )
        form = form_values(response.text, with_field="captcha_0")
        _key, answer = captcha_answer(cluster, response.text)
        form.update(captcha_1=answer)
    raise AssertionError(f"{name}'s comment never went through: {answers}")


def test_a_photo_uploaded_through_a_reaches_readers_through_b(cluster):
    journalist = Visitor(cluster.a.url(""))
    journalist.log_in(*JOURNALIST)
    page = journalist.get("/admin/articles/article/add/")
    form = form_values(page.text, form_id="article_form")
    section = cluster.one("SELECT id FROM articles_section ORDER BY id LIMIT 1")
    form.update(
        title="Le barrage vu du ciel",
        slug="le-barrage-vu-du-ciel",
        standfirst="Des images prises par un drone au-dessus de la retenue.",
        body="<p>La retenue est à son plus bas niveau depuis dix ans.</p>",
        section=str(section),
        photo_alt="La retenue du barrage, presque vide, vue d'un drone",
        photo_caption="La retenue en novembre",
        photo_credit="Claire Mercier",
        _workflow="submit_for_review",
    )
    photo = jpeg_bytes((1600, 1000))
    sent = journalist.post(
        "/admin/articles/article/add/",
        form.pairs(),
        files={"new_photo": ("barrage.jpg", photo, "image/jpeg")},
    )
    assert sent.status_code == 200
    assert "errornote" not in sent.text, sent.text[:3000]
    article_id, photo_id = (
        cluster.db()
        .execute("SELECT id, photo_id FROM articles_article WHERE slug = 'le-barrage-vu-du-ciel'")
        .fetchone()
    )
    assert photo_id is not None
    photo_name = cluster.one("SELECT image FROM photos_photo WHERE id = %s", photo_id)
    assert not list(cluster.directory.glob(f"*/media/**/{photo_name.rsplit('/', 1)[-1]}"))
    proved("a journalist's photo uploaded through A went to the store, not to A's disk")

    # The renditions are a job queued by A's request and made by the worker.
    job = wait_until(
        lambda: (
            cluster.db()
            .execute(
                "SELECT status, worker_ids FROM django_tasks_database_dbtaskresult "
                "WHERE task_path LIKE 'photos.%%' AND status = 'SUCCESSFUL' LIMIT 1"
            )
            .fetchone()
        ),
        what="the photo's renditions job",
    )
    assert job[1], "no worker took the job"
    proved(f"the renditions job queued by A was done by the worker ({job[1][0]})")

    editor = Visitor(cluster.b.url(""))
    editor.log_in(*EDITOR)
    change = f"/admin/articles/article/{article_id}/change/"
    form = form_values(editor.get(change).text, form_id="article_form")
    form.update(_workflow="publish")
    published = editor.post(change, form.pairs())
    assert published.status_code == 200
    assert cluster.one("SELECT status FROM articles_article WHERE id = %s", article_id) == (
        "published"
    )

    reader = Visitor(cluster.b.url(""))
    path = article_path(cluster, reader, "le-barrage-vu-du-ciel")
    article = reader.get(path)
    assert article.status_code == 200
    store = f"{cluster.store.endpoint_url}/{cluster.store.bucket}/"
    images = re.findall(rf'(?:src|srcset)="({re.escape(store)}[^" ]+)', article.text)
    assert images, "the article shows no photo from the store"
    assert "/media/" not in article.text
    for address in set(images):
        image = reader.get(address)
        assert image.status_code == 200
        assert image.headers["Content-Type"].startswith("image/")
    proved(
        f"the editor published it through B and a reader got it through B with its photo "
        f"({len(set(images))} files from the store's public address)"
    )


def test_a_comment_approved_on_a_leaves_the_queue_and_shows_on_b_at_once(cluster):
    _article_id, slug = commentable_article(cluster)
    reader = Visitor(cluster.a.url(""), address="198.51.100.10")
    path = article_path(cluster, reader, slug)
    text = "Merci pour ce reportage, la vallée mérite qu’on en parle."
    send_comment(cluster, reader, path, name="Lucie", text=text)
    comment_id = cluster.one(
        "SELECT id FROM comments_comment WHERE text = %s AND status = 'pending'", text
    )
    assert comment_id

    # B's page is served (and kept) without it, to every anonymous reader.
    for _visit in range(3):
        assert text not in Visitor(cluster.b.url("")).read(path)

    # The moderators' email is a job A's request queued; the worker sent it, A did not.
    wait_until(lambda: cluster.sent_mail("worker"), what="the moderators' email")
    assert not cluster.sent_mail("a")
    assert not cluster.sent_mail("b")
    proved("the moderators' email for a comment sent through A was sent by the worker")

    moderator = Visitor(cluster.a.url(""))
    moderator.log_in(*MODERATOR)
    queue = moderator.get("/admin/comments/comment/?status=pending")
    assert text in html.unescape(queue.text)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', queue.text).group(1)
    decided = moderator.post(
        f"/admin/comments/comment/{comment_id}/decide/approve/",
        {"csrfmiddlewaretoken": token},
    )
    assert decided.status_code == 200

    assert text not in moderator.read("/admin/comments/comment/?status=pending")
    assert text not in moderator.on(cluster.b.url("")).read(
        "/admin/comments/comment/?status=pending"
    )
    assert text in Visitor(cluster.b.url("")).read(path)
    proved("a comment approved on A left the queue on A and B and showed on B's page at once")


def test_view_counts_stay_exact_under_load_spread_over_both_servers(cluster):
    _article_id, slug = commentable_article(cluster)
    path = article_path(cluster, Visitor(cluster.balancer.url("")), slug)
    count = "SELECT view_count FROM articles_article WHERE slug = %s"
    before = cluster.one(count, slug)
    served_before = cluster.served(cluster.a, path) + cluster.served(cluster.b, path)
    answered_before, _retried = cluster.balancer.answered_by(path)

    load = wrk(cluster.balancer.url(path), seconds=8)

    # Every request the servers answered is counted once, whichever server answered it.
    def served_now():
        return cluster.served(cluster.a, path) + cluster.served(cluster.b, path) - served_before

    assert load["non_2xx"] == 0
    assert not load["socket_errors"]
    # The requests wrk left under way finish on their own: the count is read once they have.
    counted = wait_until(
        lambda: cluster.one(count, slug) - before == served_now() and served_now(),
        seconds=10,
        what="views counted = views answered",
    )
    answered, _retried = cluster.balancer.answered_by(path)
    a, b = (
        answered.get(f"127.0.0.1:{server.port}", 0)
        - answered_before.get(f"127.0.0.1:{server.port}", 0)
        for server in (cluster.a, cluster.b)
    )
    # Round robin: both took their share.
    assert min(a, b) > max(a, b) / 3, (a, b)
    proved(
        f"wrk through nginx: the servers answered {counted} views (A {a}, B {b}; wrk left "
        f"{counted - load['requests']} under way when its time was up) and the count went up "
        f"by {counted}: exact"
    )


def test_a_server_killed_mid_load_loses_no_comment_and_the_other_keeps_answering(cluster):
    _article_id, slug = commentable_article(cluster)
    balancer = cluster.balancer.url("")
    path = article_path(cluster, Visitor(balancer), slug)
    texts = [f"Témoignage n° {number} : l’eau est montée jusqu’au seuil." for number in range(12)]

    def send(number):
        # Each reader from an address of their own: the policy allows 5 comments per address.
        reader = Visitor(balancer, address=f"198.51.100.{100 + number}")
        time.sleep(number * 0.6)
        answers = send_comment(cluster, reader, path, name=f"Lecteur {number}", text=texts[number])
        return answers, time.monotonic()

    _answered, retried_before = cluster.balancer.answered_by(path)
    load = Background(lambda: wrk(cluster.balancer.url(path), seconds=14, connections=8))
    with ThreadPoolExecutor(4) as readers:
        sending = [readers.submit(send, number) for number in range(len(texts))]
        time.sleep(7)
        cluster.kill(cluster.a)
        killed_at = time.monotonic()
        results = [future.result() for future in sending]
    report = load.result()
    assert time.monotonic() - killed_at > 2, "the load ended before the kill"

    # Readers were still sending when A died, and every comment is there once.
    assert sum(finished > killed_at for _answers, finished in results) >= 3
    for text in texts:
        assert cluster.one("SELECT count(*) FROM comments_comment WHERE text = %s", text) == 1
    # No reader saw an error: what A had under way was answered by B.
    assert report["non_2xx"] == 0, report["report"]
    _answered, retried = cluster.balancer.answered_by(path)
    after = [Visitor(balancer).get(path).status_code for _ in range(10)]
    assert after == [200] * 10
    sent_again = sum(len(answers) > 1 for answers, _finished in results)
    proved(
        f"A killed mid-load: all {len(texts)} comments stored exactly once ({sent_again} sent "
        f"again by their reader), {report['requests']} page views with no error "
        f"({retried - retried_before} passed to B by nginx), B answering alone after"
    )
