import pytest

from articles.sanitize import sanitize_html
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
