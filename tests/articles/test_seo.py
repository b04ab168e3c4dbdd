import datetime
import json
import re
import xml.etree.ElementTree as ET

import extruct
import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.articles.factories import (
    ArticleFactory,
    PublishedArticleFactory,
    ScheduledArticleFactory,
    SectionFactory,
    StaffUserFactory,
)

from .reader import editor_client, reader_client

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML = "{http://www.w3.org/1999/xhtml}"
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)


def hours_ago(hours):
    return timezone.now() - datetime.timedelta(hours=hours)


def fetch_xml(url):
    response = reader_client().get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)  # noqa: S314 - our own response


def urls_of(urlset):
    assert urlset.tag == f"{SITEMAP}urlset"
    return {url.findtext(f"{SITEMAP}loc"): url for url in urlset.findall(f"{SITEMAP}url")}


# --- Sitemaps ------------------------------------------------------------------------------------


def test_sitemap_lists_home_sections_and_published_articles_with_lastmod():
    culture = SectionFactory(name="Culture", slug="culture")
    SectionFactory(name="Sport", slug="sport")
    article = PublishedArticleFactory(section=culture, slug="le-festival")
    PublishedArticleFactory(section=culture, slug="the-festival", language="en")
    ArticleFactory(slug="brouillon", section=culture)
    ScheduledArticleFactory(slug="programme", section=culture)

    urls = urls_of(fetch_xml(reverse("sitemap")))

    # The front page and the sections in both languages; each article once, in its language.
    assert set(urls) == {
        "http://testserver/",
        "http://testserver/en/",
        "http://testserver/rubrique/culture/",
        "http://testserver/en/section/culture/",
        "http://testserver/rubrique/sport/",
        "http://testserver/en/section/sport/",
        "http://testserver/article/le-festival/",
        "http://testserver/en/article/the-festival/",
    }
    # The sitemap gives the date in the newsroom's time zone.
    updated = timezone.localdate(article.updated_at).isoformat()
    assert urls["http://testserver/article/le-festival/"].findtext(f"{SITEMAP}lastmod") == updated
    assert urls["http://testserver/rubrique/culture/"].findtext(f"{SITEMAP}lastmod") == updated
    assert urls["http://testserver/"].findtext(f"{SITEMAP}lastmod") == updated
    # A section without a published article has no last-modified date to give.
    assert urls["http://testserver/rubrique/sport/"].find(f"{SITEMAP}lastmod") is None


def test_the_sitemap_names_each_language_version_of_the_front_page_and_sections():
    SectionFactory(name="Culture", slug="culture")

    urls = urls_of(fetch_xml(reverse("sitemap")))

    for url in ["http://testserver/en/section/culture/", "http://testserver/rubrique/culture/"]:
        alternates = {
            link.get("hreflang"): link.get("href")
            for link in urls[url].findall(f"{XHTML}link")
            if link.get("rel") == "alternate"
        }
        assert alternates == {
            "fr": "http://testserver/rubrique/culture/",
            "en": "http://testserver/en/section/culture/",
            "x-default": "http://testserver/rubrique/culture/",
        }


def test_news_sitemap_holds_the_last_48_hours():
    fresh = PublishedArticleFactory(
        title="Crue : l'alerte levée & les routes rouvertes",
        slug="crue",
        published_at=hours_ago(47),
    )
    PublishedArticleFactory(slug="ancien", published_at=hours_ago(49))
    ScheduledArticleFactory(slug="demain")
    ArticleFactory(slug="brouillon")

    urls = urls_of(fetch_xml(reverse("news_sitemap")))

    assert list(urls) == ["http://testserver/article/crue/"]
    news = urls["http://testserver/article/crue/"].find(f"{NEWS}news")
    assert news.findtext(f"{NEWS}publication/{NEWS}name") == "L'Écho du Val"
    assert news.findtext(f"{NEWS}publication/{NEWS}language") == "fr"
    assert news.findtext(f"{NEWS}title") == "Crue : l'alerte levée & les routes rouvertes"
    published = datetime.datetime.fromisoformat(news.findtext(f"{NEWS}publication_date"))
    assert published == fresh.published_at.replace(microsecond=0)


def test_news_sitemap_can_be_empty():
    urlset = fetch_xml(reverse("news_sitemap"))

    assert urls_of(urlset) == {}


def test_robots_txt_names_both_sitemaps_with_absolute_urls():
    response = reader_client().get("/robots.txt")

    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml\n" in text
    assert "Sitemap: http://testserver/sitemap-news.xml\n" in text
    assert "Disallow: /recherche/\n" in text
    assert "Disallow: /en/search/\n" in text


# --- Article page metadata ----------------------------------------------------------------------


@pytest.fixture
def article():
    author = StaffUserFactory(username="claire", first_name="Claire", last_name="Mercier")
    return PublishedArticleFactory(
        with_image=True,
        slug="la-passerelle",
        title="La passerelle rouvre",
        standfirst="Après deux ans de travaux.",
        author=author,
        section=SectionFactory(name="Vie locale", slug="vie-locale"),
    )


def json_ld(page):
    scripts = JSON_LD.findall(page)
    assert len(scripts) == 1
    return json.loads(scripts[0])


def test_article_page_has_a_canonical_link_in_every_language(article):
    french = reader_client().get(article.get_absolute_url()).content.decode()
    with translation.override("en"):
        english = reader_client().get(article.get_absolute_url()).content.decode()

    canonical = '<link rel="canonical" href="http://testserver/article/la-passerelle/">'
    assert canonical in french
    assert canonical in english


def test_article_page_has_open_graph_and_twitter_tags_with_an_image_rendition(article):
    page = reader_client().get(article.get_absolute_url()).content.decode()

    assert '<meta property="og:type" content="article">' in page
    assert '<meta property="og:title" content="La passerelle rouvre">' in page
    assert '<meta property="og:description" content="Après deux ans de travaux.">' in page
    assert '<meta property="og:url" content="http://testserver/article/la-passerelle/">' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page
    image = re.search(r'<meta property="og:image" content="([^"]+)">', page).group(1)
    assert image.startswith("http://testserver/media/CACHE/")
    assert image.endswith(".jpg")
    assert f'<meta name="twitter:image" content="{image}">' in page
    assert '<meta property="og:image:alt" content="Une rivière au lever du jour">' in page


def test_an_article_without_image_gets_a_small_card():
    article = PublishedArticleFactory()

    page = reader_client().get(article.get_absolute_url()).content.decode()

    assert '<meta name="twitter:card" content="summary">' in page
    assert "og:image" not in page
    assert "image" not in json_ld(page)


def test_json_ld_is_a_news_article_with_the_required_fields(article):
    page = reader_client().get(article.get_absolute_url()).content.decode()

    data = json_ld(page)
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "La passerelle rouvre"
    assert data["image"][0].startswith("http://testserver/media/CACHE/")
    published = datetime.datetime.fromisoformat(data["datePublished"])
    modified = datetime.datetime.fromisoformat(data["dateModified"])
    assert published == article.published_at.replace(microsecond=0)
    assert modified == article.updated_at.replace(microsecond=0)
    # In the newsroom's time zone, as the page shows it.
    assert published.utcoffset() == timezone.localtime(article.published_at).utcoffset()
    assert data["author"] == [
        {"@type": "Person", "name": "Claire Mercier", "url": "http://testserver/auteur/claire/"}
    ]
    assert data["publisher"]["@type"] == "NewsMediaOrganization"
    assert data["publisher"]["name"] == "L'Écho du Val"
    assert data["mainEntityOfPage"]["@id"] == "http://testserver/article/la-passerelle/"
    assert data["articleSection"] == "Vie locale"


def test_json_ld_keeps_a_hostile_title_as_data():
    hostile = 'Fin </script><script>alert("x")</script> & <!-- suite'
    article = PublishedArticleFactory(title=hostile)

    page = reader_client().get(article.get_absolute_url()).content.decode()

    data = json_ld(page)
    assert data["headline"] == hostile
    raw = JSON_LD.search(page).group(1)
    assert "<" not in raw
    assert ">" not in raw
    assert "<script>alert" not in page


def test_previews_tell_search_engines_to_keep_away():
    draft = ArticleFactory()

    page = editor_client().get(draft.get_absolute_url()).content.decode()

    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "datePublished" not in json_ld(page)


def test_aggregators_find_the_publishers_logo_keywords_and_image_size(article):
    article.tags.add("travaux", "mobilité")
    article.save()
    page = reader_client().get(article.get_absolute_url()).content.decode()

    data = extruct.extract(page, base_url="http://testserver/", syntaxes=["json-ld", "opengraph"])

    (news,) = data["json-ld"]
    assert news["publisher"]["logo"] == {
        "@type": "ImageObject",
        "url": "http://testserver/static/logo.png",
        "width": 144,
        "height": 144,
    }
    assert sorted(news["keywords"]) == ["mobilité", "travaux"]
    assert news["inLanguage"] == "fr"
    (graph,) = data["opengraph"]
    properties = graph["properties"]
    assert ("og:image:width", "1200") in properties
    assert ("og:image:height", "630") in properties
    assert ("og:locale", "fr_FR") in properties
    assert ("article:author", "http://testserver/auteur/claire/") in properties
    tags = sorted(value for name, value in properties if name == "article:tag")
    assert tags == ["mobilité", "travaux"]
