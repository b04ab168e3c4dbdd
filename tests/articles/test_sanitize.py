import pytest
from django_prose_editor.config import allowlist_from_extensions

from articles.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, EDITOR_EXTENSIONS, sanitize_html
from tests.articles.factories import ArticleFactory


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        ("<p>Avant<script>alert('x')</script> après</p>", "<p>Avant après</p>"),
        ('<p><img src="x.png" onerror="alert(1)">Texte</p>', "<p>Texte</p>"),
        ('<p onclick="steal()">Texte</p>', "<p>Texte</p>"),
        ('<p style="color: red">Texte</p>', "<p>Texte</p>"),
        ('<a href="javascript:alert(1)">lien</a>', '<a rel="noopener">lien</a>'),
        ('<a href="JaVaScRiPt:alert(1)">lien</a>', '<a rel="noopener">lien</a>'),
        ('<a href="data:text/html,<b>x</b>">lien</a>', '<a rel="noopener">lien</a>'),
        ("<iframe src='https://evil.example'></iframe><p>Reste</p>", "<p>Reste</p>"),
        ("<style>p{}</style><p>Reste</p>", "<p>Reste</p>"),
        ("<!-- note interne --><p>Reste</p>", "<p>Reste</p>"),
        ("<h1>Titre</h1><h4>Petit</h4>", "TitrePetit"),
        ("<p></p>", ""),
    ],
)
def test_sanitiser_removes_what_could_run_or_restyle(dirty, clean):
    assert sanitize_html(dirty) == clean


def test_sanitiser_keeps_what_the_editor_writes():
    html = (
        "<h2>Intertitre</h2><h3>Sous-titre</h3>"
        "<p><strong>Gras</strong>, <em>italique</em>,<br>"
        '<a href="https://example.org/rapport" title="Le rapport">un lien</a>, '
        '<a href="mailto:redaction@example.org">un courriel</a></p>'
        '<ul><li>un</li></ul><ol start="3"><li>trois</li></ol>'
        "<blockquote><p>Une citation.</p></blockquote>"
    )
    expected = html.replace('title="Le rapport">', 'title="Le rapport" rel="noopener">').replace(
        'redaction@example.org">', 'redaction@example.org" rel="noopener">'
    )
    assert sanitize_html(html) == expected


@pytest.mark.django_db
def test_saving_an_article_sanitises_its_body():
    article = ArticleFactory(
        body=(
            '<p onmouseover="x()">Bonjour<script>alert(1)</script></p>'
            '<p><a href="javascript:alert(document.cookie)">clic</a></p>'
            '<img src=x onerror="alert(1)">'
        )
    )

    article.refresh_from_db()
    assert article.body == '<p>Bonjour</p><p><a rel="noopener">clic</a></p>'


@pytest.mark.django_db
def test_a_clean_body_is_stored_unchanged():
    body = "<h2>Les faits</h2><p>Le conseil a voté <strong>à l'unanimité</strong>.</p>"
    article = ArticleFactory(body=body)

    article.refresh_from_db()
    assert article.body == body


# --- Figures and tables: what the editor inserts, exactly as the readers' page expects it --------

UUID = "9c9de5e8-0a1e-484a-b099-e80766180a6d"

CONTRACT = [
    '<figure data-photo="42" data-width="text"></figure>',
    '<figure data-photo="42" data-width="full" data-alt="Deux cyclistes sur la passerelle" '
    'data-caption="La passerelle, le jour de la réouverture." data-credit="Claire Mercier">'
    "</figure>",
    '<figure data-photo="7"></figure>',
    '<figure data-gallery="42,43,44"></figure>',
    '<figure data-gallery="1,2"></figure>',
    '<figure data-gallery="1,2,3,4,5,6,7,8,9,10,11,12"></figure>',
    '<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ" data-embed-title="Le titre">'
    "</figure>",
    '<figure data-embed="youtube" data-embed-id="a-B_c1D2e3F"></figure>',
    '<figure data-embed="vimeo" data-embed-id="76979871" data-embed-title="Le débat"></figure>',
    '<figure data-embed="dailymotion" data-embed-id="x8abc12" data-embed-title="Le match">'
    "</figure>",
    f'<figure data-embed="peertube" data-embed-id="{UUID}" data-embed-host="video.example.org" '
    'data-embed-title="La conférence"></figure>',
    '<figure data-embed="peertube" data-embed-id="kkGMgK9ZtnKfYAgnEtQxbv" '
    'data-embed-host="video.example.org" data-embed-title="Le court"></figure>',
    '<figure data-pullquote="" data-quote="Le texte cité" data-source="Qui l\'a dit"></figure>',
    '<figure data-pullquote="" data-quote="Sans source."></figure>',
    "<table><tbody>"
    "<tr><th><p>Commune</p></th><th><p>Habitants</p></th></tr>"
    "<tr><td><p>Le Bourg</p></td><td><p><strong>1 234</strong></p></td></tr>"
    "</tbody></table>",
    "<table><thead><tr><th><p>A</p></th></tr></thead><tbody><tr><td><p>1</p></td></tr></tbody>"
    "</table>",
]


@pytest.fixture(autouse=True)
def _peertube(settings):
    settings.ARTICLES_PEERTUBE_HOSTS = ["video.example.org"]


@pytest.mark.parametrize("html", CONTRACT)
def test_the_editors_figures_and_tables_are_kept_exactly(html):
    body = f"<p>Avant.</p>{html}<p>Après.</p>"

    assert sanitize_html(body) == body
    assert sanitize_html(sanitize_html(body)) == body


@pytest.mark.parametrize(
    "dirty",
    [
        # What a figure must never become: markup of its own, or anything that loads or runs.
        '<iframe src="https://www.youtube.com/embed/dQw4w9WgXcQ"></iframe>',
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
        '<img src="https://evil.example/pixel.gif" alt="">',
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="">',
        '<object data="https://evil.example/x.swf"></object>',
        '<video src="https://evil.example/x.mp4"></video>',
        # Photos and galleries: numbers only, 2 to 12 of them in a gallery.
        '<figure data-photo="javascript:alert(1)"></figure>',
        '<figure data-photo="data:text/html,x"></figure>',
        '<figure data-photo="42 onload=alert(1)"></figure>',
        '<figure data-photo="-1"></figure>',
        '<figure data-photo=""></figure>',
        '<figure data-gallery="42"></figure>',
        '<figure data-gallery="1,2,3,4,5,6,7,8,9,10,11,12,13"></figure>',
        '<figure data-gallery="1,,2"></figure>',
        '<figure data-gallery="1, 2"></figure>',
        '<figure data-gallery="1,x"></figure>',
        # Videos: known providers, their own ids, listed PeerTube instances only.
        '<figure data-embed="youtube.com.evil.example" data-embed-id="dQw4w9WgXcQ"></figure>',
        '<figure data-embed="evil" data-embed-id="dQw4w9WgXcQ"></figure>',
        '<figure data-embed="YouTube" data-embed-id="dQw4w9WgXcQ"></figure>',
        '<figure data-embed="youtube"></figure>',
        '<figure data-embed="youtube" data-embed-id="dQw4w9WgXc"></figure>',
        '<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQQ"></figure>',
        '<figure data-embed="youtube" data-embed-id="javascript:x"></figure>',
        '<figure data-embed="youtube" data-embed-id="../../evil"></figure>',
        '<figure data-embed="youtube" data-embed-id="dQw4w9WgXc&quot;"></figure>',
        '<figure data-embed="vimeo" data-embed-id="abc"></figure>',
        '<figure data-embed="dailymotion" data-embed-id="x8-abc"></figure>',
        f'<figure data-embed="peertube" data-embed-id="{UUID}"></figure>',
        f'<figure data-embed="peertube" data-embed-id="{UUID}" data-embed-host="evil.example">'
        "</figure>",
        f'<figure data-embed="peertube" data-embed-id="{UUID}" '
        'data-embed-host="video.example.org.evil.example"></figure>',
        f'<figure data-embed="peertube" data-embed-id="{UUID}" '
        'data-embed-host="https://video.example.org"></figure>',
        '<figure data-embed="peertube" data-embed-id="../api" data-embed-host="video.example.org">'
        "</figure>",
        # Pull quotes: some text to quote.
        '<figure data-pullquote=""></figure>',
        '<figure data-pullquote="" data-quote="   "></figure>',
        # A figure of no kind, or of two.
        "<figure></figure>",
        '<figure class="figure"><img src="x.jpg"><figcaption>Légende</figcaption></figure>',
        '<figure data-photo="42" data-embed="youtube" data-embed-id="dQw4w9WgXcQ"></figure>',
        '<figure data-photo="42" data-gallery="42,43"></figure>',
        '<figure data-pullquote="" data-quote="x" data-photo="42"></figure>',
    ],
)
def test_a_figure_that_is_not_the_editors_is_dropped_whole(dirty):
    assert sanitize_html(f"<p>Avant.</p>{dirty}<p>Après.</p>") == "<p>Avant.</p><p>Après.</p>"


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        # An attribute of the wrong shape, or of another kind, goes; the figure stays.
        (
            '<figure data-photo="42" data-width="huge"></figure>',
            '<figure data-photo="42"></figure>',
        ),
        (
            '<figure data-photo="42" data-quote="x" data-embed-title="y" data-gallery-x="1">'
            "</figure>",
            '<figure data-photo="42"></figure>',
        ),
        (
            '<figure data-photo="42" style="position:fixed" class="x" id="y" '
            'onclick="alert(1)" data-src="javascript:alert(1)"></figure>',
            '<figure data-photo="42"></figure>',
        ),
        # Empty overrides mean the library's own: they are left out.
        (
            '<figure data-photo="42" data-width="text" data-alt="" data-caption=" " '
            'data-credit="AFP"></figure>',
            '<figure data-photo="42" data-width="text" data-credit="AFP"></figure>',
        ),
        # Only PeerTube videos name a host.
        (
            '<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ" '
            'data-embed-host="video.example.org" data-embed-title="T"></figure>',
            '<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ" data-embed-title="T">'
            "</figure>",
        ),
        # Hosts are compared, and kept, in lower case.
        (
            f'<figure data-embed="peertube" data-embed-id="{UUID}" '
            'data-embed-host="Video.Example.ORG"></figure>',
            f'<figure data-embed="peertube" data-embed-id="{UUID}" '
            'data-embed-host="video.example.org"></figure>',
        ),
        # The marker's value means nothing.
        (
            '<figure data-pullquote="javascript:x" data-quote="Dit."></figure>',
            '<figure data-pullquote="" data-quote="Dit."></figure>',
        ),
        # A figure holds nothing: whatever is inside goes, nested figures included.
        (
            '<figure data-photo="42"><img src="x" onerror="alert(1)"><figcaption>Texte'
            '</figcaption><figure data-photo="43"></figure><script>alert(1)</script></figure>',
            '<figure data-photo="42"></figure>',
        ),
    ],
)
def test_a_figure_keeps_only_its_own_attributes_with_values_of_the_right_shape(dirty, clean):
    assert sanitize_html(dirty) == clean


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        (
            '<figure data-photo="42" data-caption="&quot;&gt;&lt;script&gt;alert(1)'
            '&lt;/script&gt;"></figure>',
            '<figure data-photo="42" data-caption="&quot;&gt;&lt;script&gt;alert(1)'
            '&lt;/script&gt;"></figure>',
        ),
        (
            "<figure data-pullquote data-quote='Il a dit : \"non\" & <b>rien</b>' "
            'data-source="L\'élu"></figure>',
            '<figure data-pullquote="" data-quote="Il a dit : &quot;non&quot; &amp; '
            '&lt;b&gt;rien&lt;/b&gt;" data-source="L\'élu"></figure>',
        ),
        (
            '<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ" '
            'data-embed-title="javascript:alert(1)"></figure>',
            '<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ" '
            'data-embed-title="javascript:alert(1)"></figure>',
        ),
    ],
)
def test_the_text_a_journalist_writes_in_a_figure_stays_text(dirty, clean):
    assert sanitize_html(dirty) == clean
    assert sanitize_html(clean) == clean


def test_a_peertube_instance_taken_off_the_list_no_longer_shows(settings):
    video = (
        f'<figure data-embed="peertube" data-embed-id="{UUID}" '
        'data-embed-host="video.example.org"></figure>'
    )
    assert sanitize_html(video) == video

    settings.ARTICLES_PEERTUBE_HOSTS = []

    assert sanitize_html(video) == ""


@pytest.mark.parametrize(
    ("dirty", "clean"),
    [
        # No merged cells: colspan and rowspan never stay.
        (
            '<table><tbody><tr><th colspan="2"><p>A</p></th></tr>'
            '<tr><td rowspan="2"><p>1</p></td><td colspan="1" rowspan="1"><p>2</p></td></tr>'
            "</tbody></table>",
            "<table><tbody><tr><th><p>A</p></th></tr>"
            "<tr><td><p>1</p></td><td><p>2</p></td></tr></tbody></table>",
        ),
        # Nor styles, classes, widths or column groups.
        (
            '<table style="width:100%" class="data" border="1">'
            '<colgroup><col style="width:50px"></colgroup><tbody>'
            '<tr><td style="background:url(javascript:alert(1))" width="50"><p>1</p></td></tr>'
            "</tbody></table>",
            "<table><tbody><tr><td><p>1</p></td></tr></tbody></table>",
        ),
        # A cell holds what a paragraph may hold, no more.
        (
            '<table><tbody><tr><td><p><a href="javascript:alert(1)">x</a><img src=x></p>'
            "<iframe src=//evil.example></iframe></td></tr></tbody></table>",
            '<table><tbody><tr><td><p><a rel="noopener">x</a></p></td></tr></tbody></table>',
        ),
    ],
)
def test_tables_keep_their_rows_and_cells_and_nothing_else(dirty, clean):
    assert sanitize_html(dirty) == clean


def test_the_editor_declares_exactly_what_the_sanitiser_keeps_of_figures_and_tables():
    """DJANGO_PROSE_EDITOR_EXTENSIONS (the editor's side) and the sanitiser agree."""
    declared = allowlist_from_extensions(EDITOR_EXTENSIONS)

    assert declared["attributes"]["figure"] == ALLOWED_ATTRIBUTES["figure"]
    assert {"figure", "table", "thead", "tbody", "tr", "th", "td"} <= declared["tags"]
    assert declared["tags"] <= ALLOWED_TAGS
    assert "colspan" not in declared["attributes"].get("td", set())


@pytest.mark.django_db
def test_an_article_keeps_the_figures_of_its_body():
    body = "".join(CONTRACT)

    article = ArticleFactory(body=f"{body}<iframe src='https://evil.example'></iframe>")

    article.refresh_from_db()
    assert article.body == body
