import datetime
import re
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime
from pathlib import Path

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.articles.factories import (
    ArticleFactory,
    PublishedArticleFactory,
    ScheduledArticleFactory,
    SectionFactory,
    StaffUserFactory,
)
from tests.photos.factories import PhotoFactory

from .reader import reader_client

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def fetch(url):
    response = reader_client().get(url)
    assert response.status_code == 200
    return response, ET.fromstring(response.content)  # noqa: S314 - our own response


@pytest.fixture
def articles():
    culture = SectionFactory(name="Culture", slug="culture")
    author = StaffUserFactory(username="claire", first_name="Claire", last_name="Mercier")
    return {
        "festival": PublishedArticleFactory(
            title="Le festival <ouvre> & s'agrandit",
            standfirst="Trois jours de concerts.",
            section=culture,
            author=author,
            tags=["musique"],
            published_at=timezone.now() - datetime.timedelta(hours=2),
        ),
        "bridge": PublishedArticleFactory(
            title="Le pont rouvre", published_at=timezone.now() - datetime.timedelta(hours=1)
        ),
        "draft": ArticleFactory(title="Brouillon", section=culture),
        "scheduled": ScheduledArticleFactory(title="Programmé", section=culture),
    }


def test_site_rss_feed_is_valid_rss_2(articles):
    response, rss = fetch(reverse("feed_rss"))

    assert response["Content-Type"].startswith("application/rss+xml")
    assert rss.tag == "rss"
    assert rss.get("version") == "2.0"
    channel = rss.find("channel")
    for required in ("title", "link", "description"):
        assert channel.findtext(required)
    assert channel.findtext("title") == "L'Écho du Val"
    assert channel.findtext("link") == "http://testserver/"
    assert channel.findtext("language") == "fr"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == [
        "Le pont rouvre",
        "Le festival <ouvre> & s'agrandit",
    ]
    festival = items[1]
    assert festival.findtext("link") == "http://testserver/article/{}/".format(
        articles["festival"].slug
    )
    assert festival.findtext("guid") == festival.findtext("link")
    assert festival.findtext("description") == "Trois jours de concerts."
    assert festival.findtext("category") == "musique"
    assert festival.findtext("{http://purl.org/dc/elements/1.1/}creator") == "Claire Mercier"
    assert parsedate_to_datetime(festival.findtext("pubDate")) == articles[
        "festival"
    ].published_at.replace(microsecond=0)


def test_site_atom_feed_is_valid_atom(articles):
    response, feed = fetch(reverse("feed_atom"))

    assert response["Content-Type"].startswith("application/atom+xml")
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.findtext(f"{ATOM}{required}")
    assert feed.find(f"{ATOM}link[@rel='self']").get("href") == "http://testserver/feeds/atom/"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 2
    for entry in entries:
        for required in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{required}")
        assert entry.find(f"{ATOM}link").get("href").startswith("http://testserver/article/")
        assert entry.findtext(f"{ATOM}author/{ATOM}name")
    festival = entries[1]
    assert festival.findtext(f"{ATOM}title") == "Le festival <ouvre> & s'agrandit"
    assert festival.findtext(f"{ATOM}author/{ATOM}name") == "Claire Mercier"
    assert festival.findtext(f"{ATOM}author/{ATOM}uri") == "http://testserver/auteur/claire/"


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_section_feeds_hold_only_that_sections_published_articles(articles, kind):
    _response, feed = fetch(reverse(f"section_feed_{kind}", kwargs={"slug": "culture"}))

    if kind == "rss":
        titles = [item.findtext("title") for item in feed.iter("item")]
        assert feed.find("channel").findtext("title") == "Culture · L'Écho du Val"
    else:
        titles = [entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")]
    assert titles == ["Le festival <ouvre> & s'agrandit"]


def test_an_unknown_sections_feed_is_404():
    assert reader_client().get("/feeds/nulle-part/rss/").status_code == 404


def test_feeds_cost_the_same_queries_with_2_or_20_articles(django_assert_max_num_queries):
    for _ in range(2):
        PublishedArticleFactory(tags=["eau", "climat"])
    reader_client().get(reverse("feed_rss"))
    for _ in range(18):
        PublishedArticleFactory(tags=["eau"], section=SectionFactory())

    # Built again after the change: when the next scheduled article comes out, the articles
    # with section and byline, then their tags in one go.
    with django_assert_max_num_queries(3):
        reader_client().get(reverse("feed_rss"))


def test_a_feed_is_built_once_per_change_and_answers_304_from_its_kept_copy(
    django_assert_num_queries,
):
    PublishedArticleFactory(title="Première crue")
    first = reader_client().get(reverse("feed_rss"))
    assert first.status_code == 200

    with django_assert_num_queries(0):
        again = reader_client().get(reverse("feed_rss"))
        unchanged = reader_client().get(reverse("feed_rss"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.content == first.content
    assert again["ETag"] == first["ETag"]
    assert again["Last-Modified"] == first["Last-Modified"]
    assert unchanged.status_code == 304
    assert unchanged.content == b""

    PublishedArticleFactory(title="Deuxième crue")
    changed = reader_client().get(reverse("feed_rss"), HTTP_IF_NONE_MATCH=first["ETag"])
    assert changed.status_code == 200
    assert "Deuxième crue" in changed.content.decode()


def test_pages_advertise_their_feeds(articles):
    home = reader_client().get("/").content.decode()
    section = reader_client().get("/rubrique/culture/").content.decode()

    assert 'type="application/rss+xml"' in home
    assert 'href="/feeds/rss/"' in home
    assert 'href="/feeds/atom/"' in home
    assert 'href="/feeds/culture/rss/"' in section
    assert 'href="/feeds/culture/atom/"' in section


# --- Photos and the newsroom's logo, as feed readers and aggregators read them ------------------


@pytest.fixture
def illustrated():
    return PublishedArticleFactory(
        title="La rivière en crue",
        photo=PhotoFactory(
            caption="Le pont submergé, samedi matin.", credit="Photo Claire Mercier"
        ),
    )


@pytest.mark.parametrize("name", ["feed_rss", "feed_atom"])
def test_each_entry_carries_its_photo_with_caption_and_credit(illustrated, name):
    PublishedArticleFactory(title="Sans photo")

    feed = feedparser.parse(reader_client().get(reverse(name)).content)

    assert not feed.bozo, feed.bozo_exception
    entries = {entry.title: entry for entry in feed.entries}
    entry = entries["La rivière en crue"]
    (enclosure,) = entry.enclosures
    assert enclosure.href.startswith("http://testserver/media/CACHE/")
    assert enclosure.href.endswith(".jpg")
    assert enclosure.type == "image/jpeg"
    photo = illustrated.photo.syndicated()
    assert int(enclosure.length) == photo["length"] > 0
    (media,) = entry.media_content
    assert media["url"] == enclosure.href
    assert media["medium"] == "image"
    assert (int(media["width"]), int(media["height"])) == (photo["width"], photo["height"])
    assert entry.media_credit[0]["content"] == "Photo Claire Mercier"
    # feedparser reads media:description as the entry's content.
    assert entry.content[0].value == "Le pont submergé, samedi matin."
    assert entries["Sans photo"].enclosures == []
    assert "media_content" not in entries["Sans photo"]


def test_the_rss_channel_and_the_atom_feed_carry_the_newsrooms_logo(illustrated):
    rss = feedparser.parse(reader_client().get(reverse("feed_rss")).content)
    atom = feedparser.parse(reader_client().get(reverse("feed_atom")).content)

    assert rss.feed.image.href == "http://testserver/static/logo.png"
    assert rss.feed.image.width == 144
    assert atom.feed.logo == "http://testserver/static/logo.png"
    assert atom.feed.icon == "http://testserver/static/logo.png"


def test_an_entry_links_to_its_article_in_the_articles_language():
    PublishedArticleFactory(slug="the-flood", title="The flood", language="en")
    PublishedArticleFactory(slug="la-crue", title="La crue", language="fr")

    feed = feedparser.parse(reader_client().get(reverse("feed_rss")).content)

    links = {entry.title: entry.link for entry in feed.entries}
    assert links == {
        "The flood": "http://testserver/en/article/the-flood/",
        "La crue": "http://testserver/article/la-crue/",
    }


def test_photos_in_feeds_cost_no_query(illustrated, django_assert_max_num_queries):
    reader_client().get(reverse("feed_rss"))

    with django_assert_max_num_queries(2):
        reader_client().get(reverse("feed_rss"))


def test_a_feed_reads_each_photo_once_per_change_not_on_every_request(illustrated, settings):
    first = feedparser.parse(reader_client().get(reverse("feed_rss")).content)
    href = first.entries[0].enclosures[0].href
    rendition = Path(settings.MEDIA_ROOT) / href.removeprefix("http://testserver/media/")
    aside = rendition.rename(rendition.with_suffix(".aside"))

    # The file is not read again while the photo is unchanged...
    again = feedparser.parse(reader_client().get(reverse("feed_rss")).content)
    # ...and is, once it has changed.
    illustrated.photo.caption = "Le pont submergé, samedi à l'aube."
    illustrated.photo.save()
    unreadable = feedparser.parse(reader_client().get(reverse("feed_rss")).content)
    aside.rename(rendition)
    illustrated.photo.save()
    edited = feedparser.parse(reader_client().get(reverse("feed_rss")).content)

    assert again.entries[0].enclosures[0].href == href
    assert unreadable.entries[0].enclosures == []
    assert edited.entries[0].enclosures[0].href == href
    assert edited.entries[0].content[0].value == "Le pont submergé, samedi à l'aube."


# --- The article's text, as feed readers get it ---------------------------------------------

CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"


@pytest.fixture
def rich():
    photo = PhotoFactory(image__width=400, image__height=300, alt_text="Le pont")
    return PublishedArticleFactory(
        slug="la-crue",
        title="La crue",
        body=(
            '<p>Voir <a href="/rubrique/culture/">la rubrique</a>.</p>'
            f'<figure data-photo="{photo.pk}" data-width="full"></figure>'
            '<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ"'
            ' data-embed-title="Le pont sous l\'eau"></figure>'
        ),
    )


def entry_content(kind):
    """The article's text in the feed's only entry, as the XML carries it."""
    _response, feed = fetch(reverse(f"feed_{kind}"))
    if kind == "rss":
        return feed.find("channel/item").findtext(CONTENT)
    content = feed.find(f"{ATOM}entry/{ATOM}content")
    assert content.get("type") == "html"
    return content.text


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_entries_carry_the_text_with_absolute_addresses_and_videos_as_links(rich, kind):
    content = entry_content(kind)

    assert '<a href="http://testserver/rubrique/culture/"' in content
    assert re.search(r'<img src="http://testserver/media/CACHE/[^"]+\.jpg" width="400"', content)
    assert 'alt="Le pont"' in content
    assert (
        '<p><a href="https://www.youtube.com/watch?v=dQw4w9WgXcQ">'
        "Le pont sous l&#x27;eau (vidéo sur YouTube)</a></p>"
    ) in content
    for absent in ("<button", "<iframe", "<script", "youtube-nocookie", 'src="/', 'href="/'):
        assert absent not in content


def test_feed_readers_read_the_text():
    PublishedArticleFactory(body="<p>Premier paragraphe.</p><h2>Ensuite</h2>")

    feed = feedparser.parse(reader_client().get(reverse("feed_atom")).content)

    assert not feed.bozo, feed.bozo_exception
    (content,) = feed.entries[0].content
    assert content.type == "text/html"
    assert content.value == "<p>Premier paragraphe.</p><h2>Ensuite</h2>"


def test_the_texts_photos_cost_one_query_once_then_none(rich):
    PublishedArticleFactory(body="<p>Sans photo.</p>")

    with CaptureQueriesContext(connection) as first:
        reader_client().get(reverse("feed_rss"))
    photos = [query for query in first.captured_queries if 'FROM "photos_photo"' in query["sql"]]
    with CaptureQueriesContext(connection) as again:
        reader_client().get(reverse("feed_rss"))

    assert len(photos) == 1
    # The articles with section and byline, then their tags: as without photos.
    assert len(again.captured_queries) <= 2


@pytest.mark.parametrize("name", ["feed_rss", "feed_atom"])
def test_a_feed_reader_asking_again_gets_304_until_an_article_is_published(articles, name):
    url = reverse(name)
    first = reader_client().get(url)
    assert first.status_code == 200
    assert first.has_header("ETag")
    assert first.has_header("Last-Modified")

    by_etag = reader_client().get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    by_date = reader_client().get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert (by_etag.status_code, by_etag.content) == (304, b"")
    assert (by_date.status_code, by_date.content) == (304, b"")

    PublishedArticleFactory(title="Une nouvelle")
    fresh = reader_client().get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert fresh.status_code == 200
    assert "Une nouvelle" in fresh.content.decode()
