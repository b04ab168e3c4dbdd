"""An article's text as readers, feeds and search get it: photos, galleries, videos, pull quotes
and tables (articles/body.py), and the article page that shows it."""

import json
import re
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import escape
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from pytest_django.asserts import assertInHTML

from articles import body, caching
from tests.articles.factories import PublishedArticleFactory
from tests.photos.factories import PhotoFactory

from .reader import reader_client

pytestmark = pytest.mark.django_db

YOUTUBE_ID = "dQw4w9WgXcQ"
PROVIDER_HOSTS = ("youtube", "youtu.be", "vimeo", "dailymotion", "dai.ly", "video.example.org")


class Elements(HTMLParser):
    """Every element of a piece of HTML as (tag, {attribute: value}), and its text."""

    def __init__(self, html):
        super().__init__()
        self.elements = []
        self.text = []
        self.feed(str(html))
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag):
        return [attributes for name, attributes in self.elements if name == tag]

    def one(self, tag):
        (attributes,) = self.all(tag)
        return attributes


def small_photo(**kwargs):
    """A library photo small enough that it has one rendition per format (fast to make)."""
    return PhotoFactory(image__width=400, image__height=300, **kwargs)


def photo_node(photo, **attributes):
    data = " ".join(f'{name}="{escape(value)}"' for name, value in attributes.items())
    return f'<figure data-photo="{photo.pk}" {data}></figure>'


def embed_node(provider="youtube", video_id=YOUTUBE_ID, title="La crue du Tarn", host=None):
    host = f' data-embed-host="{host}"' if host else ""
    return (
        f'<figure data-embed="{provider}" data-embed-id="{escape(video_id)}"'
        f' data-embed-title="{escape(title)}"{host}></figure>'
    )


# --- Which photos a body shows -------------------------------------------------------------


def test_photo_ids_lists_photos_and_gallery_members_in_order_each_once():
    html = (
        '<p>Texte</p><figure data-photo="7" data-width="full"></figure>'
        '<figure data-gallery="3, 7,12,x,3"></figure>'
        f"{embed_node()}"
        '<figure data-pullquote="" data-quote="Oui" data-source="Lui"></figure>'
        '<figure data-photo="-4"></figure><figure data-photo="5"></figure>'
    )

    assert body.photo_ids(html) == [7, 3, 12, 5]
    assert body.photo_ids("") == []
    assert body.photo_ids(None) == []


# --- Photos and galleries ----------------------------------------------------------------------


def expected_figure(photo, *, css_class, sizes, alt, caption, credit):
    picture = photo.picture
    return (
        f'<figure class="{css_class}"><picture>'
        f'<source type="image/webp" srcset="{picture["webp_srcset"]}" sizes="{sizes}">'
        f'<img src="{picture["src"]}" srcset="{picture["jpeg_srcset"]}" sizes="{sizes}"'
        f' width="{picture["width"]}" height="{picture["height"]}" alt="{escape(alt)}"'
        ' loading="lazy" decoding="async"></picture>'
        f'<figcaption>{escape(caption)} <span class="credit">{escape(credit)}</span></figcaption>'
        "</figure>"
    )


def test_a_photo_is_a_responsive_figure_with_its_caption_and_credit():
    photo = small_photo(alt_text="Le pont submergé", caption="Samedi matin.", credit="C. Mercier")
    html = f"<p>Avant</p>{photo_node(photo, **{'data-width': 'text'})}<p>Après</p>"

    rendered = body.render(html, {photo.pk: photo})

    assertInHTML(
        expected_figure(
            photo,
            css_class="body-photo",
            sizes=body.TEXT_SIZES,
            alt="Le pont submergé",
            caption="Samedi matin.",
            credit="C. Mercier",
        ),
        rendered,
    )
    assert rendered.startswith("<p>Avant</p><figure")
    assert rendered.endswith("</figure><p>Après</p>")
    assert photo.picture["webp_srcset"].endswith("w")


def test_what_the_article_writes_replaces_the_librarys_description_for_it_alone():
    photo = small_photo(alt_text="Un pont", caption="Le pont.", credit="Agence")
    overridden = photo_node(
        photo,
        **{"data-alt": "Le pont sous l'eau", "data-caption": "Sous l'eau.", "data-credit": "C. M."},
    )
    # Empty overrides are no overrides.
    plain = photo_node(photo, **{"data-alt": "", "data-caption": " ", "data-credit": ""})

    rendered = Elements(body.render(overridden + plain, {photo.pk: photo}))

    assert [img["alt"] for img in rendered.all("img")] == ["Le pont sous l'eau", "Un pont"]
    text = "".join(rendered.text)
    assert "Sous l'eau." in text
    assert "C. M." in text
    assert "Le pont." in text
    assert "Agence" in text


def test_a_photo_without_caption_or_credit_has_no_figcaption():
    photo = small_photo(caption="", credit="")

    rendered = Elements(body.render(photo_node(photo), {photo.pk: photo}))

    assert rendered.all("figcaption") == []


def test_a_full_width_photo_gets_its_class_and_the_pages_width():
    photo = small_photo()

    rendered = Elements(body.render(photo_node(photo, **{"data-width": "full"}), {photo.pk: photo}))

    assert rendered.one("figure")["class"] == "body-photo body-photo--full"
    assert rendered.one("img")["sizes"] == body.FULL_WIDTH_SIZES
    assert rendered.one("source")["sizes"] == body.FULL_WIDTH_SIZES


@pytest.mark.parametrize(
    ("width", "height", "shown"),
    # The widest rendition of a large photo; a smaller photo's own size, never upscaled.
    [(2400, 1350, ("1600", "900")), (1000, 500, ("1000", "500"))],
)
def test_a_full_width_photo_may_grow_to_its_widest_rendition(width, height, shown):
    photo = PhotoFactory(image__width=width, image__height=height)
    full = photo_node(photo, **{"data-width": "full"})

    rendered = Elements(body.render(full + photo_node(photo), {photo.pk: photo}))

    full_width, text_width = rendered.all("img")
    assert (full_width["width"], full_width["height"]) == shown
    # In the text's column the attributes stay those of the rendition closest to its width.
    assert text_width["width"] == "800"


def test_a_gallery_is_a_list_of_figures_in_the_bodys_order():
    first, second, third = small_photo(alt_text="Un"), small_photo(alt_text="Deux"), small_photo()
    html = f'<figure data-gallery="{second.pk},{first.pk},{third.pk}"></figure>'

    rendered = Elements(body.render(html, {p.pk: p for p in (first, second, third)}))

    assert rendered.one("ul") == {"class": "gallery", "role": "list"}
    assert len(rendered.all("li")) == 3
    assert [img["alt"] for img in rendered.all("img")][:2] == ["Deux", "Un"]
    assert {img["sizes"] for img in rendered.all("img")} == {body.GALLERY_SIZES}
    assert all(img["loading"] == "lazy" for img in rendered.all("img"))
    # No script: the grid is the stylesheet's.
    assert rendered.all("script") == []
    assert rendered.all("button") == []


def test_a_photo_or_gallery_member_that_is_not_in_the_library_is_left_out_silently():
    kept = small_photo(alt_text="Gardée")
    html = (
        "<p>Début</p>"
        '<figure data-photo="999999" data-caption="Photo supprimée"></figure>'
        f'<figure data-gallery="999998,{kept.pk}"></figure>'
        '<figure data-gallery="999997,999996"></figure>'
        '<figure data-photo="pas-un-nombre"></figure>'
        "<p>Fin</p>"
    )

    rendered = body.render(html, {kept.pk: kept})

    elements = Elements(rendered)
    assert [img["alt"] for img in elements.all("img")] == ["Gardée"]
    assert len(elements.all("ul")) == 1
    assert "Photo supprimée" not in rendered
    assert rendered.startswith("<p>Début</p><ul")
    assert rendered.endswith("</ul><p>Fin</p>")


# --- Videos ----------------------------------------------------------------------------------


def test_a_video_is_a_placeholder_naming_the_provider_and_the_title():
    rendered = body.render(embed_node(title="La crue du Tarn"), {})

    elements = Elements(rendered)
    assert elements.one("figure") == {"class": "embed"}
    assert elements.one("figcaption") is not None
    assertInHTML("<figcaption>La crue du Tarn (vidéo sur YouTube)</figcaption>", rendered)
    assertInHTML(
        '<p class="embed__notice">Lire cette vidéo charge du contenu depuis YouTube, qui peut '
        "déposer des cookies et enregistrer votre visite.</p>",
        rendered,
    )
    button = elements.one("button")
    assert button["type"] == "button"
    assert "hidden" in button
    assert (
        button["data-embed-src"]
        == f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}?autoplay=1"
    )
    assert button["data-embed-title"] == "La crue du Tarn (vidéo sur YouTube)"
    assertInHTML(
        '<button type="button" class="embed__play" hidden'
        f' data-embed-src="https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}?autoplay=1"'
        ' data-embed-title="La crue du Tarn (vidéo sur YouTube)">'
        'Lire la vidéo<span class="visually-hidden">: La crue du Tarn</span></button>',
        rendered,
    )
    assertInHTML(
        f'<a href="https://www.youtube.com/watch?v={YOUTUBE_ID}" rel="noopener">'
        "Regarder sur YouTube</a>",
        rendered,
    )


@pytest.mark.parametrize(
    ("node", "player", "watch", "link"),
    [
        (
            embed_node(),
            f"https://www.youtube-nocookie.com/embed/{YOUTUBE_ID}?autoplay=1",
            f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
            "Regarder sur YouTube",
        ),
        (
            embed_node("vimeo", "76979871"),
            "https://player.vimeo.com/video/76979871?dnt=1&autoplay=1",
            "https://vimeo.com/76979871",
            "Regarder sur Vimeo",
        ),
        (
            embed_node("dailymotion", "x8abc12"),
            "https://www.dailymotion.com/embed/video/x8abc12?autoplay=1",
            "https://www.dailymotion.com/video/x8abc12",
            "Regarder sur Dailymotion",
        ),
        (
            embed_node("peertube", "kkGMgK9ZtnKfYAgnEtQxbv", host="video.example.org"),
            "https://video.example.org/videos/embed/kkGMgK9ZtnKfYAgnEtQxbv?autoplay=1",
            "https://video.example.org/w/kkGMgK9ZtnKfYAgnEtQxbv",
            "Regarder sur video.example.org (PeerTube)",
        ),
    ],
)
def test_the_placeholder_makes_no_request_to_the_provider(node, player, watch, link, settings):
    settings.ARTICLES_PEERTUBE_HOSTS = ["video.example.org"]

    rendered = body.render(f"<p>Texte</p>{node}", {})

    elements = Elements(rendered)
    # Nothing the browser would load on its own: no frame, image, script, style or object.
    for tag in ("iframe", "img", "picture", "source", "script", "link", "object", "embed", "video"):
        assert elements.all(tag) == [], tag
    # The provider's addresses are the plain link's and the button's data, nowhere else.
    mentions = [
        (tag, name, value)
        for tag, attributes in elements.elements
        for name, value in attributes.items()
        if "//" in (value or "") and any(host in value for host in PROVIDER_HOSTS)
    ]
    assert mentions == [
        ("button", "data-embed-src", player),
        ("a", "href", watch),
    ]
    assert elements.one("a")["rel"] == "noopener"
    assert link in elements.text


@pytest.mark.parametrize(
    "node",
    [
        embed_node(video_id="too-short"),
        embed_node(video_id='dQw4w9WgXcQ"><script>alert(1)</script>'),
        embed_node("myspace", "42"),
        # PeerTube instances are the newsroom's choice (ARTICLES_PEERTUBE_HOSTS, empty here).
        embed_node("peertube", "kkGMgK9ZtnKfYAgnEtQxbv", host="video.example.org"),
        '<figure data-embed=""></figure>',
    ],
)
def test_a_video_the_newsroom_cannot_show_is_left_out(node):
    assert body.render(f"<p>Texte</p>{node}", {}) == "<p>Texte</p>"
    assert body.embeds_in(node) == []


def test_a_video_without_a_title_is_named_by_its_provider():
    rendered = body.render(embed_node("vimeo", "76979871", title=""), {})

    assertInHTML("<figcaption>Une vidéo sur Vimeo</figcaption>", rendered)


def test_videos_speak_the_active_language():
    with translation.override("en"):
        rendered = body.render(embed_node(), {})

    assert "Watch on YouTube" in rendered
    assert "Playing this video loads content from YouTube" in rendered
    assert "Play the video" in rendered


# --- Pull quotes and tables --------------------------------------------------------------------


def test_a_pull_quote_is_shown_once_to_eyes_and_not_read_twice():
    html = '<figure data-pullquote="" data-quote="L\'eau monte." data-source="Le maire"></figure>'

    rendered = body.render(html, {})

    assertInHTML(
        '<figure class="pullquote" aria-hidden="true"><blockquote><p>L\'eau monte.</p>'
        "</blockquote><figcaption>Le maire</figcaption></figure>",
        rendered,
    )
    # Nothing in it can take the focus, so no keyboard user lands in hidden content.
    assert not re.search(r"<(a|button|input|iframe)\b|tabindex", rendered)


def test_a_pull_quote_without_source_or_words():
    assert "figcaption" not in body.render(
        '<figure data-pullquote="" data-quote="Oui"></figure>', {}
    )
    assert (
        body.render('<figure data-pullquote="" data-quote=" " data-source="X"></figure>', {}) == ""
    )


TABLE = (
    "<table><tbody>"
    "<tr><th><p>Commune</p></th><th><p>Hauteur</p></th></tr>"
    "<tr><td><p>Millau</p></td><td><p>4,2 m</p></td></tr>"
    "<tr><th><p>Total</p></th><td><p>—</p></td></tr>"
    "</tbody></table>"
)


def test_a_tables_first_row_heads_its_columns():
    rendered = body.render(TABLE + TABLE, {})

    elements = Elements(rendered)
    assert [th.get("scope") for th in elements.all("th")] == ["col", "col", None] * 2
    assert len(elements.all("tbody")) == 2
    assert [div["aria-label"] for div in elements.all("div")] == ["Tableau 1", "Tableau 2"]
    assertInHTML(
        '<div class="table-scroll" role="region" tabindex="0" aria-label="Tableau 1">'
        + TABLE.replace("<th>", '<th scope="col">', 2)
        + "</div>",
        rendered,
    )


def test_a_table_without_tbody_gets_one():
    rendered = body.render("<table><tr><th>A</th></tr><tr><td>1</td></tr></table>", {})

    assert "<tbody><tr>" in rendered
    assert "</tr></tbody></table>" in rendered


# --- Hostile bodies ----------------------------------------------------------------------------

HOSTILE = [
    '"><script>alert(1)</script>',
    "' onmouseover='alert(1)",
    '" onerror="alert(1)',
    "javascript:alert(1)",
    "</figure><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
]


def dangerous(html):
    """What would run, or reach another site, in `html`."""
    found = []
    for tag, attributes in Elements(html).elements:
        if tag in {"script", "iframe", "object", "embed", "style", "base", "form", "meta"}:
            found.append(f"<{tag}>")
        for name, value in attributes.items():
            if name.startswith("on") or name in {"style", "srcdoc", "formaction"}:
                found.append(f"{tag} {name}")
            if name in {"href", "src", "srcset", "data-embed-src"} and (
                value or ""
            ).strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                found.append(f"{tag} {name}={value}")
        if tag == "img" and not attributes.get("src", "").startswith("/media/"):
            found.append(f"img {attributes.get('src')}")
    return found


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_attributes_in_a_body_that_bypassed_the_sanitiser_stay_text(value):
    photo = small_photo()
    html = (
        photo_node(photo, **{"data-alt": value, "data-caption": value, "data-credit": value})
        + f'<figure data-gallery="{photo.pk}"></figure>'
        + embed_node(title=value)
        + f'<figure data-pullquote="" data-quote="{escape(value)}" data-source="{escape(value)}">'
        "</figure>" + TABLE
    )

    rendered = body.render(html, {photo.pk: photo})

    assert dangerous(rendered) == []
    assert "<script" not in rendered
    elements = Elements(rendered)
    assert elements.all("img")[0]["alt"] == value.strip()
    assert elements.one("button")["data-embed-title"].startswith(value.strip())
    assert value.strip() in "".join(elements.text)


def test_markup_hidden_in_a_figure_or_around_it_never_reaches_readers():
    photo = small_photo()
    html = (
        f'<figure data-photo="{photo.pk}"><script>alert(1)</script>'
        '<img src="https://tracker.example/p.gif" onerror="alert(1)"></figure>'
        '<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ" data-embed-title="T">'
        '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe></figure>'
        '<p onclick="alert(1)" style="color:red">Texte</p><script>alert(2)</script>'
        '<a href="javascript:alert(3)">lien</a><img src="https://tracker.example/q.gif">'
        '<iframe src="https://evil.example/"></iframe>'
        "<table><tr><th onclick=\"alert(4)\" scope='row'>A</th></tr></table>"
        '<figure data-photo="x" onclick="alert(5)"><figure>nested</figure></figure><p>Fin</p>'
    )

    rendered = body.render(html, {photo.pk: photo})

    assert dangerous(rendered) == []
    assert "alert" not in rendered
    assert "Texte" in rendered
    assert rendered.endswith("<p>Fin</p>")
    assert [th.get("scope") for th in Elements(rendered).all("th")] == ["col"]


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=80))
def test_whatever_a_pull_quote_holds_comes_out_as_the_same_text(text):
    html = f'<figure data-pullquote="" data-quote="{escape(text)}" data-source="x"></figure>'

    rendered = body.render(html, {})

    if not text.strip():
        assert rendered == ""
        return
    elements = Elements(rendered)
    assert [tag for tag, _attributes in elements.elements] == [
        "figure",
        "blockquote",
        "p",
        "figcaption",
    ]
    assert "".join(elements.text) == text.strip() + "x"


# --- Search ------------------------------------------------------------------------------------


def test_search_text_holds_the_words_pull_quotes_and_the_articles_own_captions():
    html = (
        "<h2>Crue</h2><p>L&#39;eau <strong>monte</strong>&nbsp;vite.</p><p>eau</p><p>feu</p>"
        '<figure data-photo="4" data-width="full" data-alt="Texte de remplacement"'
        ' data-caption="Le pont &amp; la rive" data-credit="Claire Mercier"></figure>'
        '<figure data-gallery="4,5"></figure>'
        f"{embed_node(title='Reportage au bord du Tarn')}"
        '<figure data-pullquote="" data-quote="Jamais vu ça" data-source="Le maire"></figure>'
        "<table><tbody><tr><th><p>Commune</p></th></tr><tr><td><p>Millau</p></td></tr></tbody>"
        "</table>"
    )

    text = body.search_text(html)

    assert text == (
        "Crue L'eau monte vite. eau feu Le pont & la rive Claire Mercier "
        "Reportage au bord du Tarn Jamais vu ça Le maire Commune Millau"
    )
    for markup in ("h2", "strong", "data-", "figure", "youtube", "dQw4w9WgXcQ", "4,5"):
        assert markup not in text


def test_search_text_of_nothing():
    assert body.search_text("") == ""
    assert body.search_text(None) == ""


# --- The article form ----------------------------------------------------------------------


def test_validate_names_missing_photos_and_videos_that_cannot_be_shown():
    html = (
        '<figure data-photo="4"></figure><figure data-photo="5"></figure>'
        '<figure data-gallery="4,6,7"></figure><figure data-gallery="4,8"></figure>'
        '<figure data-gallery=""></figure><figure data-photo="abc"></figure>'
        + embed_node(video_id="nope", title="Le débat")
        + embed_node()
    )

    messages = body.validate(html, existing_photo_ids=[4])

    assert messages == [
        "La photo n° 5 n'est plus dans la photothèque : retirez-la du texte, ou choisissez-en "
        "une autre.",
        "Une galerie contient des photos qui ne sont plus dans la photothèque (n° 6, 7) : "
        "retirez-les de la galerie.",
        "Une galerie contient une photo qui n'est plus dans la photothèque (n° 8) : retirez-la "
        "de la galerie.",
        "Une galerie du texte ne contient aucune photo : supprimez-la, ou ajoutez-en.",
        "Une photo du texte a perdu son lien avec la photothèque : supprimez-la et insérez-la "
        "de nouveau.",
        "La vidéo « Le débat » ne peut pas être montrée : insérez-la de nouveau depuis son "
        "adresse sur YouTube, Vimeo ou Dailymotion.",
    ]


def test_a_valid_body_has_nothing_to_say():
    html = f'<p>Texte</p><figure data-photo="4"></figure>{embed_node()}' + TABLE

    assert body.validate(html, existing_photo_ids={4}) == []
    assert body.validate("", existing_photo_ids=[]) == []


# --- Feeds -------------------------------------------------------------------------------------


def test_feeds_get_absolute_addresses_plain_images_and_videos_as_links():
    photo = small_photo(alt_text="Le pont")
    html = (
        '<p><a href="/rubrique/culture/">Culture</a> et <a href="suite/">la suite</a></p>'
        f"{photo_node(photo)}{embed_node()}"
    )

    rendered = body.render_for_feed(html, {photo.pk: photo}, "https://news.example.org/article/a/")

    elements = Elements(rendered)
    assert [a["href"] for a in elements.all("a")] == [
        "https://news.example.org/rubrique/culture/",
        "https://news.example.org/article/a/suite/",
        f"https://www.youtube.com/watch?v={YOUTUBE_ID}",
    ]
    img = elements.one("img")
    assert img["src"] == "https://news.example.org" + photo.picture["src"]
    assert img["alt"] == "Le pont"
    assert elements.all("button") == elements.all("iframe") == elements.all("script") == []
    assert "La crue du Tarn (vidéo sur YouTube)" in elements.text


# --- The article page ----------------------------------------------------------------------


def rich_body(photos, gallery):
    """Five photos, a gallery and two videos, with a pull quote and a table."""
    return (
        "<p>Premier paragraphe.</p>"
        + "".join(photo_node(photo, **{"data-width": "text"}) for photo in photos)
        + f'<figure data-gallery="{",".join(str(photo.pk) for photo in gallery)}"></figure>'
        + embed_node()
        + embed_node("vimeo", "76979871", title="Le barrage")
        + '<figure data-pullquote="" data-quote="Jamais vu ça" data-source="Le maire"></figure>'
        + TABLE
    )


def render_tag(article):
    return Template("{% load articles %}{% article_body article %}").render(
        Context({"article": article})
    )


def test_the_tag_fetches_the_photos_in_one_query_then_none(django_assert_num_queries):
    photos = [small_photo() for _ in range(5)]
    gallery = [small_photo() for _ in range(3)]
    article = PublishedArticleFactory(body=rich_body(photos, gallery))

    with django_assert_num_queries(1):
        first = render_tag(article)
    with django_assert_num_queries(0):
        again = render_tag(article)

    assert first == again
    assert len(Elements(first).all("img")) == 8
    assert first.endswith('<script src="/static/js/embeds.js" defer></script>')


def test_a_body_without_photos_costs_no_query_and_loads_no_script(django_assert_num_queries):
    article = PublishedArticleFactory(body="<p>Rien que du texte.</p>")

    with django_assert_num_queries(0):
        rendered = render_tag(article)

    assert rendered == "<p>Rien que du texte.</p>"


def test_a_change_in_the_library_shows_once_its_generation_is_replaced():
    photo = small_photo(caption="Avant")
    article = PublishedArticleFactory(body=photo_node(photo))
    render_tag(article)

    photo.caption = "Après"
    photo.save()
    caching.replace_photo_generation()

    assert "Après" in render_tag(article)


def test_a_change_in_the_library_makes_the_shared_article_pages_stale():
    article = PublishedArticleFactory(body=photo_node(small_photo()))
    reader_client().get(article.get_absolute_url())

    with CaptureQueriesContext(connection) as shared:
        reader_client().get(article.get_absolute_url())
    shared_queries = len(shared.captured_queries)
    caching.replace_photo_generation()
    with CaptureQueriesContext(connection) as again:
        reader_client().get(article.get_absolute_url())

    # Served from the shared page, then rendered again (the article, its comments…).
    assert len(again.captured_queries) > shared_queries


def test_the_article_page_shows_the_rendered_body_in_the_articles_language(settings):
    photo = small_photo(alt_text="Le pont")
    article = PublishedArticleFactory(
        language="en", body=f"<p>The bridge.</p>{photo_node(photo)}{embed_node()}"
    )

    page = reader_client().get(article.get_absolute_url()).content.decode()

    body_html = page.split('<div class="article__body" lang="en">', 1)[1]
    assert body_html.startswith('<p>The bridge.</p><figure class="body-photo"><picture>')
    # The placeholder speaks the article's language, like the text around it (lang="en"),
    # whatever the interface's; the page loads its script.
    assert "Watch on YouTube" in body_html
    assert "Regarder" not in body_html
    assert '<script src="/static/js/embeds.js" defer></script></div>' in body_html
    assert "<iframe" not in page


def test_structured_data_lists_every_photo_lead_first():
    lead, inside, gallery = small_photo(), small_photo(), small_photo()
    article = PublishedArticleFactory(
        photo=lead,
        body=(
            f"{photo_node(inside)}{photo_node(lead)}"
            f'<figure data-gallery="{gallery.pk},999999"></figure>'
        ),
    )

    page = reader_client().get(article.get_absolute_url()).content.decode()

    data = json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)
    )
    assert data["image"][0] == "http://testserver" + lead.social.url
    assert data["image"][1:] == [
        "http://testserver" + photo.rendition(photo.rendition_widths()[-1]).url
        for photo in (inside, gallery)
    ]
