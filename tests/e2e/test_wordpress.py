"""A newsroom moved in from WordPress: a reader who follows an old address lands on the article,
with its photo and caption, its comments threaded, and its view count (README, "Moving from
WordPress")."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from .steps import draw_photo

EXPORT = Path(__file__).resolve().parents[1] / "wordpress" / "fixtures" / "old-newsroom.xml"


@pytest.fixture
def imported(tmp_path, monkeypatch, django_user_model):
    """The export imported with a copy of the old site's uploads folder holding the photo."""
    # Nothing is downloaded: the photo is in the uploads folder, and a miss fails at once.
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")
    uploads = tmp_path / "uploads"
    (uploads / "2021" / "03").mkdir(parents=True)
    (uploads / "2021" / "03" / "marche-couvert.jpg").write_bytes(draw_photo(light="noon"))
    django_user_model.objects.create_superuser("admin", "admin@example.org", "x")
    call_command(
        "import_wordpress",
        str(EXPORT),
        "--uploads",
        str(uploads),
        "--no-download",
        stdout=io.StringIO(),
    )


@pytest.mark.parametrize(
    "old_address", ["/2021/03/04/le-marche-couvert-rouvre/", "/?p=7"], ids=["permalink", "p"]
)
def test_an_old_wordpress_address_leads_to_the_imported_article(
    live_server, page, axe, imported, old_address
):
    redirects = []
    page.on(
        "response",
        lambda response: (
            redirects.append((response.status, response.headers.get("location")))
            if 300 <= response.status < 400
            else None
        ),
    )

    page.goto(live_server.url + old_address)

    assert redirects == [(301, "/article/le-marche-couvert-rouvre/")]
    assert page.url == live_server.url + "/article/le-marche-couvert-rouvre/"
    expect(page.locator("h1")).to_have_text("Le marché couvert rouvre ses portes")
    # The featured image, with its alternative text, caption and credit.
    figure = page.locator(".article__figure").first
    photo = figure.get_by_role("img", name="Des étals de légumes sous une charpente de bois")
    expect(photo).to_be_visible()
    assert photo.evaluate("image => image.complete && image.naturalWidth > 0")
    expect(figure.locator("figcaption")).to_contain_text(
        "Les étals du marché couvert, samedi à l'ouverture."
    )
    expect(figure.locator("figcaption")).to_contain_text("Jeanne Roux")
    # The thread: Sophie's reply under Bernard's comment.
    bernard = page.locator(".comment", has_text="Enfin ! Le fromager est revenu.").first
    reply = bernard.locator(".comment-list--replies .comment")
    expect(reply).to_have_count(1)
    expect(reply).to_contain_text("Et la boulangère aussi, Bernard.")
    expect(reply.locator(".comment__context")).to_contain_text("En réponse à Bernard")
    # WordPress's count, and this reader's view on top.
    views = page.locator(".article__views").inner_text()
    assert re.sub(r"\s", "", views) == "4322vues", views

    assert axe(page) == []


def test_the_old_legal_notice_leads_to_the_site_page(live_server, page, axe, imported):
    page.goto(live_server.url + "/mentions-legales/")

    assert page.url == live_server.url + "/page/mentions-legales/"
    expect(page.locator("h1")).to_have_text("Mentions légales")
    expect(page.locator(".article__body")).to_contain_text("association loi de 1901")
    assert axe(page) == []
