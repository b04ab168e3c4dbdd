"""The body editor's own extensions: the video check its dialog asks the server for, how the
editor is told about its modules and endpoints, and the words of its dialogs."""

import json
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import trans_real

from tests.articles.factories import (
    EditorFactory,
    JournalistFactory,
    ModeratorFactory,
    SuperuserFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EMBED = reverse("admin:articles_article_embed")
ADD = reverse("admin:articles_article_add")
EDITOR_MODULES = Path(__file__).resolve().parents[2] / "static" / "articles" / "editor"

STAFF = {
    "journalist": JournalistFactory,
    "editor": EditorFactory,
    "moderator": ModeratorFactory,
    "superuser": SuperuserFactory,
}


@pytest.fixture
def journalist(client):
    user = JournalistFactory(username="claire")
    client.force_login(user)
    return user


# --- The video check ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "allowed"),
    [("journalist", True), ("editor", True), ("moderator", False), ("superuser", True)],
)
def test_video_addresses_are_checked_for_those_who_write_articles(client, role, allowed):
    client.force_login(STAFF[role]())

    response = client.get(EMBED, {"url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ"})

    assert response.status_code == (200 if allowed else 403)


def test_without_a_staff_session_the_video_check_sends_to_the_login_page(client):
    client.force_login(UserFactory(username="lecteur"))

    for response in (
        client.get(EMBED, {"url": "https://youtu.be/dQw4w9WgXcQ"}),
        Client().get(EMBED),
    ):
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))


def test_the_video_check_only_answers_get(client, journalist):
    assert client.post(EMBED, {"url": "https://youtu.be/dQw4w9WgXcQ"}).status_code == 405


@pytest.mark.parametrize(
    ("url", "answer"),
    [
        (
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=42",
            {"provider": "youtube", "id": "dQw4w9WgXcQ", "host": "", "label": "YouTube"},
        ),
        (
            "https://youtu.be/dQw4w9WgXcQ",
            {"provider": "youtube", "id": "dQw4w9WgXcQ", "host": "", "label": "YouTube"},
        ),
        (
            "https://vimeo.com/76979871",
            {"provider": "vimeo", "id": "76979871", "host": "", "label": "Vimeo"},
        ),
        (
            "https://www.dailymotion.com/video/x8abc12",
            {"provider": "dailymotion", "id": "x8abc12", "host": "", "label": "Dailymotion"},
        ),
        (
            "https://video.example.org/w/9c9de5e8-0a1e-484a-b099-e80766180a6d",
            {
                "provider": "peertube",
                "id": "9c9de5e8-0a1e-484a-b099-e80766180a6d",
                "host": "video.example.org",
                "label": "PeerTube",
            },
        ),
    ],
)
def test_a_video_address_becomes_its_provider_and_id(client, journalist, settings, url, answer):
    settings.ARTICLES_PEERTUBE_HOSTS = ["video.example.org"]

    response = client.get(EMBED, {"url": url})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == answer


@pytest.mark.parametrize(
    "url",
    [
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://www.youtube.com.evil.example/watch?v=dQw4w9WgXcQ",
        "https://evil.example/?u=https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "javascript:alert(1)//https://www.youtube.com/watch?v=dQw4w9WgXcQ",
        "data:text/html,<iframe src=https://www.youtube.com/embed/dQw4w9WgXcQ>",
        "https://peertube.evil.example/w/9c9de5e8-0a1e-484a-b099-e80766180a6d",
        "",
    ],
)
def test_an_address_that_is_not_a_video_the_newsroom_shows_is_refused_with_a_reason(
    client, journalist, settings, url
):
    settings.ARTICLES_PEERTUBE_HOSTS = ["video.example.org"]

    response = client.get(EMBED, {"url": url})

    assert response.status_code == 400
    error = response.json()["error"]
    # In the journalist's language, naming what is accepted.
    assert "adresse" in error
    assert "YouTube" in error
    assert "PeerTube (video.example.org)" in error


def test_a_youtube_address_without_a_video_says_so(client, journalist):
    response = client.get(EMBED, {"url": "https://www.youtube.com/@lechodeval"})

    assert response.status_code == 400
    assert "YouTube" in response.json()["error"]


# --- The editor in the article form --------------------------------------------------------------


def editor_config(client):
    content = client.get(ADD).content.decode()
    attribute = re.search(r'data-django-prose-editor-configurable="([^"]*)"', content)
    return json.loads(attribute[1].replace("&quot;", '"').replace("&amp;", "&"))


def test_the_editor_loads_the_newsrooms_extensions_and_knows_their_endpoints(client, journalist):
    config = editor_config(client)

    assert config["js_modules"] == [
        "/static/articles/editor/photos.js",
        "/static/articles/editor/embeds.js",
        "/static/articles/editor/pullquote.js",
        "/static/articles/editor/table.js",
    ]
    extensions = config["extensions"]
    assert extensions["Photo"] == {
        "chooseUrl": reverse("admin:photos_photo_choose"),
        "uploadUrl": reverse("admin:photos_photo_upload"),
    }
    assert extensions["Gallery"]["chooseUrl"] == reverse("admin:photos_photo_choose")
    assert (extensions["Gallery"]["minPhotos"], extensions["Gallery"]["maxPhotos"]) == (2, 12)
    assert extensions["Embed"] == {"checkUrl": EMBED}
    for name in ("PullQuote", "SimpleTable", "TableRow", "TableHeader", "TableCell"):
        assert extensions[name] is True
    # Tiptap's own table, with its menu of merging buttons, is not the one offered.
    assert "Table" not in extensions
    assert {"group": "insert"} in extensions["Menu"]["groups"]


def test_the_extensions_modules_are_static_files_of_the_project():
    for module in ("photos", "embeds", "pullquote", "table", "dialogs"):
        assert finders.find(f"articles/editor/{module}.js")
    assert finders.find("articles/editor/editor.css")


def test_the_editors_modules_import_only_the_editor_and_each_other():
    """The admin's Content-Security-Policy allows scripts from the site only: no module may
    import from elsewhere, and the import map knows only the editor."""
    for module in EDITOR_MODULES.glob("*.js"):
        imports = re.findall(r'^import .* from "([^"]+)";$', module.read_text(), re.MULTILINE)
        assert imports, module.name
        assert set(imports) <= {"django-prose-editor/editor", "./dialogs.js"}, module.name


# --- The dialogs' words --------------------------------------------------------------------------


def editor_messages():
    """Every message the editor's modules give gettext, and every (singular, plural) they give
    ngettext."""
    messages, plurals = set(), set()
    string = r'"((?:[^"\\]|\\.)*)"'
    for module in EDITOR_MODULES.glob("*.js"):
        source = module.read_text()
        messages |= set(re.findall(rf"\bgettext\(\s*{string}", source))
        plurals |= set(re.findall(rf"\bngettext\(\s*{string},\s*{string}", source))
    return messages, plurals


#: The same in French.
SAME_IN_FRENCH = {"Photo", "%(provider)s — %(title)s", "— %(source)s"}


def test_every_word_of_the_editors_dialogs_has_its_french_translation():
    messages, plurals = editor_messages()
    assert len(messages) > 50
    assert len(plurals) == 3
    french = trans_real.DjangoTranslation("fr", domain="djangojs")

    assert {
        message for message in messages - SAME_IN_FRENCH if french.gettext(message) == message
    } == set()
    assert {
        plural for singular, plural in plurals if french.ngettext(singular, plural, 2) == plural
    } == set()


def test_the_admin_gives_the_dialogs_their_french_words(client, journalist):
    catalogue = client.get(reverse("admin:jsi18n")).content.decode()

    for french in ("Insérer une photo de la photothèque", "Galerie", "Tableau", "Citation"):
        assert json.dumps(french) in catalogue
    # django-prose-editor's own words are still there.
    assert "Ouvrir dans une nouvelle fen" in catalogue


def test_the_english_admin_keeps_the_dialogs_english_words(client, journalist, english_newsroom):
    with translation.override("en"):
        catalogue = client.get(reverse("admin:jsi18n")).content.decode()

    assert json.dumps("Galerie") not in catalogue
    assert json.dumps("Insérer une photo de la photothèque") not in catalogue
