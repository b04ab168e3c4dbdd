"""A rich article from the newsroom to its readers: a journalist puts two library photos (one
picked, one uploaded on the spot), a gallery, a video, a pull quote and a table in its text, each
stored in the body as the readers' page expects it, and submits it; an editor publishes it; a
reader sees every photo with its caption and credit, and loads the video only by pressing play."""

import re
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from articles.models import Article
from photos.models import Photo
from staff import roles
from tests.articles.factories import SectionFactory
from tests.photos.factories import PhotoFactory

from .steps import (
    MOBILE,
    draw_photo,
    log_in,
    open_for_review,
    serve_video_player,
    staff_member,
)
from .test_accessibility import format_violations

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Le marché couvert rouvre ses portes"
CAPTION = "Les étals, le matin de la réouverture."
QUOTE = "On attendait ce jour depuis huit mois."
VIDEO_TITLE = "La réouverture en images"
# The button's visible words, and the title only screen readers hear.
PLAY = re.compile(rf"^Lire la vidéo ?: {VIDEO_TITLE}$")


def test_journalist_writes_a_rich_article_an_editor_publishes_it_and_a_reader_reads_it(
    live_server, new_page, tmp_path, axe, screenshot
):
    SectionFactory(name="Vie locale", slug="vie-locale")
    hall = PhotoFactory(
        image=ContentFile(draw_photo(light="noon"), name="halle.jpg"),
        alt_text="La halle du marché vue de la place",
        caption="La halle un samedi matin.",
        credit="Hugo Lambert",
    )
    square = PhotoFactory(
        image=ContentFile(draw_photo(light="dusk"), name="place.jpg"),
        alt_text="La fontaine de la place entourée d'étals",
        caption="La place du marché, un samedi de foire.",
        credit="Inès Robert",
    )
    upload = tmp_path / "etals.jpg"
    upload.write_bytes(draw_photo())

    # --- The journalist writes -----------------------------------------------------------------
    desk = new_page()
    journalist = staff_member(roles.JOURNALIST, "claire", "Claire", "Mercier")
    log_in(desk, live_server, journalist)
    desk.goto(f"{live_server.url}/admin/articles/article/add/")
    desk.get_by_label("Titre").fill(TITLE)
    desk.get_by_label("Titre").press("Tab")
    desk.locator("#id_section + .select2").click()
    desk.locator(".select2-search__field").fill("Vie")
    desk.locator(".select2-results__option", has_text="Vie locale").click()

    body = desk.locator(".prose-editor .ProseMirror[contenteditable=true]")
    body.click()
    desk.keyboard.type("Après huit mois de travaux, les commerçants retrouvent leurs étals.")
    desk.keyboard.press("Enter")

    # A photo picked from the library, found by a word of its caption, the text's width.
    desk.get_by_role("button", name="Insérer une photo de la photothèque").click()
    dialog = desk.get_by_role("dialog", name="Insérer une photo")
    expect(dialog.get_by_label("Rechercher dans la photothèque")).to_be_focused()
    desk.keyboard.type("samedi")
    expect(dialog.get_by_text("2 photos trouvées.")).to_be_visible()
    results = dialog.locator(".newsroom-picker-results button")
    expect(results).to_have_count(2)
    expect(results.locator("img")).to_have_count(2)
    for image in results.locator("img").all():
        expect(image).to_have_js_property("complete", True)
    screenshot(desk, "photo-dialog")
    dialog.get_by_role("button", name=re.compile("La halle un samedi matin")).click()
    expect(
        dialog.get_by_text("Photo choisie : La halle un samedi matin. — Hugo Lambert")
    ).to_be_visible()
    expect(dialog.get_by_label("La largeur du texte")).to_be_checked()
    dialog.get_by_role("button", name="Insérer", exact=True).click()
    expect(dialog).to_have_count(0)
    picked = body.locator("figure.newsroom-figure-photo").first
    expect(picked).to_contain_text("La halle un samedi matin. — Hugo Lambert")
    expect(picked.locator("img")).to_have_attribute("alt", "La halle du marché vue de la place")
    desk.keyboard.type("Les horaires ne changent pas.")

    # A photo, uploaded to the library from the dialog, full width, with its own caption here.
    desk.get_by_role("button", name="Insérer une photo de la photothèque").click()
    dialog = desk.get_by_role("dialog", name="Insérer une photo")
    expect(
        dialog.get_by_role("button", name=re.compile("La halle un samedi matin"))
    ).to_be_visible()
    dialog.get_by_text("Envoyer une nouvelle photo").click()
    sending = dialog.locator("details")
    sending.get_by_label("Fichier de la photo").set_input_files(upload)
    sending.get_by_label("Texte alternatif (obligatoire)").fill(
        "Des étals de fruits sous la verrière"
    )
    sending.get_by_label("Légende").fill("Les étals de fruits.")
    sending.get_by_label("Crédit").fill("Claire Mercier")
    sending.get_by_role("button", name="Ajouter à la photothèque").click()
    expect(dialog.get_by_text("La photo est dans la photothèque, et choisie.")).to_be_visible()
    expect(
        dialog.get_by_text("Photo choisie : Les étals de fruits. — Claire Mercier")
    ).to_be_visible()
    dialog.get_by_label("Toute la largeur de la page").check()
    dialog.get_by_role("group", name="Pour cet article seulement").get_by_label("Légende").fill(
        CAPTION
    )
    dialog.get_by_role("button", name="Insérer", exact=True).click()
    expect(dialog).to_have_count(0)
    expect(body.locator("figure.newsroom-figure-photo")).to_have_count(2)
    card = body.locator("figure.newsroom-figure-photo").last
    expect(card).to_contain_text(f"{CAPTION} — Claire Mercier")
    expect(card.locator("img")).to_have_attribute("alt", "Des étals de fruits sous la verrière")
    fruit = Photo.objects.get(alt_text="Des étals de fruits sous la verrière")
    assert fruit.uploaded_by == journalist
    desk.keyboard.type("Les fruits et légumes sont sous la verrière.")

    # A gallery of three photos, the hall moved first.
    desk.get_by_role("button", name="Insérer une galerie de photos").click()
    dialog = desk.get_by_role("dialog", name="Insérer une galerie")
    dialog.get_by_role("button", name=re.compile("Les étals de fruits")).click()
    dialog.get_by_role("button", name=re.compile("La halle un samedi matin")).click()
    dialog.get_by_role("button", name=re.compile("La place du marché")).click()
    expect(dialog.get_by_text("3 photos dans la galerie.")).to_be_visible()
    dialog.get_by_role("button", name="Monter : La halle un samedi matin. — Hugo Lambert").click()
    expect(dialog.locator("ol li")).to_have_text(
        [re.compile("La halle"), re.compile("Les étals"), re.compile("La place")]
    )
    dialog.get_by_role("button", name="Insérer", exact=True).click()
    expect(body.locator("figure.newsroom-figure-gallery")).to_contain_text("Galerie de 3 photos")
    expect(body.locator("figure.newsroom-figure-gallery img")).to_have_count(3)

    # A video: an address that only looks like YouTube is refused, the real one is taken.
    desk.get_by_role("button", name="Insérer une vidéo").click()
    dialog = desk.get_by_role("dialog", name="Insérer une vidéo")
    dialog.get_by_label("Adresse de la vidéo").fill(
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ"
    )
    dialog.get_by_label("Titre").fill(VIDEO_TITLE)
    dialog.get_by_role("button", name="Insérer", exact=True).click()
    address = dialog.get_by_label("Adresse de la vidéo")
    expect(address).to_have_attribute("aria-invalid", "true")
    expect(address).to_be_focused()
    expect(address).to_have_accessible_description(re.compile("https://.*YouTube"))
    address.fill("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    dialog.get_by_role("button", name="Insérer", exact=True).click()
    expect(body.locator("figure.newsroom-figure-embed")).to_contain_text(f"YouTube — {VIDEO_TITLE}")

    # A pull quote.
    desk.get_by_role("button", name="Insérer une citation en exergue").click()
    dialog = desk.get_by_role("dialog", name="Insérer une citation en exergue")
    dialog.get_by_label("Citation").fill(QUOTE)
    dialog.get_by_label("Qui l'a dit").fill("Marie Dupuis")
    dialog.get_by_role("button", name="Insérer", exact=True).click()
    quote = body.locator("figure.newsroom-figure-pullquote")
    expect(quote).to_contain_text(f"« {QUOTE} »")

    # Changed with the keyboard alone: the arrow selects the quote, Enter opens its dialog.
    desk.keyboard.press("ArrowUp")
    desk.keyboard.press("Enter")
    dialog = desk.get_by_role("dialog", name="Modifier la citation")
    expect(dialog.get_by_label("Citation")).to_be_focused()
    desk.keyboard.press("Tab")
    expect(dialog.get_by_label("Qui l'a dit")).to_be_focused()
    desk.keyboard.press("End")
    desk.keyboard.type(", primeur")
    desk.keyboard.press("Enter")
    expect(dialog).to_have_count(0)
    expect(quote).to_contain_text("— Marie Dupuis, primeur")

    # A table with its header row, one row added from the menu; cells cannot be merged.
    desk.get_by_role("button", name="Insérer un tableau").click()
    dialog = desk.get_by_role("dialog", name="Insérer un tableau")
    dialog.get_by_label("Lignes, ligne d'en-tête comprise").fill("2")
    dialog.get_by_label("Colonnes").fill("2")
    dialog.get_by_role("button", name="Insérer", exact=True).click()
    for text in ("Jour", "Horaires", "Mardi", "7 h – 13 h"):
        desk.keyboard.type(text)
        desk.keyboard.press("Tab")
    # Tab in the last cell adds a row.
    desk.keyboard.type("Samedi")
    desk.get_by_role("button", name="Ajouter une colonne").click()
    expect(body.locator("table th")).to_have_count(3)
    desk.keyboard.press("Tab")  # into the new column, after "Samedi"
    desk.get_by_role("button", name="Supprimer la colonne").click()
    expect(body.locator("table th")).to_have_count(2)
    expect(desk.get_by_role("button", name=re.compile("ombiner|usionner|erge"))).to_have_count(0)
    expect(body.locator("table tr")).to_have_count(3)

    # Photographed with the cursor back in the text, where the insert buttons work, once every
    # card's thumbnail has arrived.
    body.get_by_text("Les horaires ne changent pas.").click()
    expect(desk.get_by_role("button", name="Insérer un tableau")).to_be_enabled()
    expect(body.locator("figure.newsroom-figure img")).to_have_count(5)
    for image in body.locator("figure.newsroom-figure img").all():
        expect(image).to_have_js_property("complete", True)
    screenshot(desk.locator(".form-row.field-body"), "rich-editor")

    # A journalist may submit, not publish.
    workflow = desk.locator(".article-workflow")
    expect(workflow.get_by_role("button")).to_have_text(["Enregistrer et soumettre pour relecture"])
    workflow.get_by_role("button", name="Enregistrer et soumettre pour relecture").click()
    expect(desk.locator(".messagelist")).to_contain_text(
        f"« {TITLE} » attend maintenant sa relecture"
    )

    article = Article.objects.get(title=TITLE)
    assert article.status == Article.Status.IN_REVIEW
    stored = (
        "<p>Après huit mois de travaux, les commerçants retrouvent leurs étals.</p>"
        f'<figure data-photo="{hall.pk}" data-width="text"></figure>'
        "<p>Les horaires ne changent pas.</p>"
        f'<figure data-photo="{fruit.pk}" data-width="full" data-caption="{CAPTION}"></figure>'
        "<p>Les fruits et légumes sont sous la verrière.</p>"
        f'<figure data-gallery="{hall.pk},{fruit.pk},{square.pk}"></figure>'
        '<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ" '
        f'data-embed-title="{VIDEO_TITLE}"></figure>'
        f'<figure data-pullquote="" data-quote="{QUOTE}" data-source="Marie Dupuis, primeur">'
        "</figure>"
        "<table><tbody>"
        "<tr><th><p>Jour</p></th><th><p>Horaires</p></th></tr>"
        "<tr><td><p>Mardi</p></td><td><p>7 h – 13 h</p></td></tr>"
        "<tr><td><p>Samedi</p></td><td><p></p></td></tr>"
        "</tbody></table>"
    )
    assert article.body == stored

    # --- The editor opens it, finds each figure as it was left, and publishes it --------------
    chief = open_for_review(new_page, live_server, TITLE)
    body = chief.locator(".prose-editor .ProseMirror[contenteditable=true]")
    expect(body.locator("figure.newsroom-figure")).to_have_count(5)
    expect(body.locator("figure.newsroom-figure-photo")).to_contain_text(
        ["La halle un samedi matin. — Hugo Lambert", f"{CAPTION} — Claire Mercier"]
    )
    expect(body.locator("figure.newsroom-figure-gallery img")).to_have_count(3)
    expect(body.locator("figure.newsroom-figure-embed")).to_contain_text(VIDEO_TITLE)
    expect(body.locator("figure.newsroom-figure-pullquote")).to_contain_text(QUOTE)
    expect(body.locator("table th")).to_have_text(["Jour", "Horaires"])
    chief.locator(".article-workflow").get_by_role("button", name="Enregistrer et publier").click()
    expect(chief.locator(".messagelist")).to_contain_text(f"« {TITLE} » est publié.")
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    assert article.body == stored

    # --- A reader reads it ---------------------------------------------------------------------
    newsroom = urlsplit(live_server.url).netloc
    reader = new_page()
    requested = []
    reader.on("request", lambda request: requested.append(request.url))
    players = serve_video_player(reader)
    reader.goto(f"{live_server.url}{article.get_absolute_url()}")
    expect(reader.locator("h1")).to_have_text(TITLE)
    text = reader.locator(".article__body")

    # Every photo, with its caption and credit: the two in the text, then the gallery's three.
    photos = text.locator("figure.body-photo, figure.gallery__photo")
    expect(photos).to_have_count(5)
    expect(text.locator(".gallery > li")).to_have_count(3)
    described = [
        ("La halle du marché vue de la place", "La halle un samedi matin.", "Hugo Lambert"),
        ("Des étals de fruits sous la verrière", CAPTION, "Claire Mercier"),
        ("La halle du marché vue de la place", "La halle un samedi matin.", "Hugo Lambert"),
        ("Des étals de fruits sous la verrière", "Les étals de fruits.", "Claire Mercier"),
        (
            "La fontaine de la place entourée d'étals",
            "La place du marché, un samedi de foire.",
            "Inès Robert",
        ),
    ]
    for figure, (alt, caption, credit) in zip(photos.all(), described, strict=True):
        show_photo(figure)
        expect(figure.locator("img")).to_have_attribute("alt", alt)
        expect(figure.locator("figcaption")).to_be_visible()
        expect(figure.locator("figcaption")).to_have_text(f"{caption} {credit}")
        expect(figure.locator("figcaption .credit")).to_be_visible()
        expect(figure.locator("figcaption .credit")).to_have_text(credit)

    # The full-width photo is wider than the text around it, and fills its figure.
    paragraph = text.locator("p").first.bounding_box()["width"]
    full = text.locator("figure.body-photo--full")
    assert full.locator("img").bounding_box()["width"] > paragraph
    assert full.locator("img").bounding_box()["width"] == full.bounding_box()["width"]

    # The video is a placeholder naming its provider and title; nothing comes from YouTube.
    video = text.locator("figure.embed")
    expect(video.locator(".embed__notice")).to_have_text(
        "Lire cette vidéo charge du contenu depuis YouTube, qui peut déposer des cookies "
        "et enregistrer votre visite."
    )
    expect(video.locator("figcaption")).to_have_text(f"{VIDEO_TITLE} (vidéo sur YouTube)")
    play = video.get_by_role("button", name=PLAY)
    expect(play).to_be_visible()
    expect(video.get_by_role("link", name="Regarder sur YouTube")).to_have_attribute(
        "href", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    )
    expect(video.locator("iframe")).to_have_count(0)

    # The pull quote, and the table with its column headers.
    pull_quote = text.locator("figure.pullquote")
    expect(pull_quote.locator("blockquote")).to_have_text(QUOTE)
    expect(pull_quote.locator("figcaption")).to_have_text("Marie Dupuis, primeur")
    table = text.get_by_role("region", name="Tableau 1").get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_text(["Jour", "Horaires"])
    expect(table.get_by_role("row")).to_have_count(3)
    expect(table.get_by_role("cell")).to_have_text(["Mardi", "7 h – 13 h", "Samedi", ""])

    reader.evaluate("window.scrollTo(0, 0)")
    violations = axe(reader)
    assert violations == [], format_violations(violations)
    screenshot(reader, "rich-article", full_page=True)
    # Everything so far (the page, its photos, the screenshot, axe) came from the newsroom alone.
    assert hosts(requested) == {newsroom}
    assert players == []

    # Pressed with the keyboard, play loads YouTube's privacy-enhanced player, and only then.
    play.focus()
    expect(play).to_be_focused()
    reader.keyboard.press("Enter")
    frame = video.locator("iframe")
    expect(frame).to_have_attribute(
        "src", re.compile(r"^https://www\.youtube-nocookie\.com/embed/dQw4w9WgXcQ\?")
    )
    expect(frame).to_be_focused()
    expect(frame).to_have_attribute("title", f"{VIDEO_TITLE} (vidéo sur YouTube)")
    expect(video.get_by_role("button")).to_have_count(0)
    expect(reader.frame_locator("figure.embed iframe").locator("h1")).to_have_text("Lecteur vidéo")
    assert hosts(players) == {"www.youtube-nocookie.com"}
    assert hosts(requested) == {newsroom, "www.youtube-nocookie.com"}
    violations = axe(reader)
    assert violations == [], format_violations(violations)

    # On a phone: nothing wider than the screen, and still nothing from YouTube.
    phone = new_page(viewport=MOBILE, is_mobile=True, has_touch=True, device_scale_factor=2)
    requested = []
    phone.on("request", lambda request: requested.append(request.url))
    serve_video_player(phone)
    phone.goto(f"{live_server.url}{article.get_absolute_url()}")
    for figure in phone.locator(".article__body figure.body-photo, figure.gallery__photo").all():
        show_photo(figure)
    expect(phone.get_by_role("button", name=PLAY)).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    phone.evaluate("window.scrollTo(0, 0)")
    screenshot(phone, "rich-article-mobile", full_page=True)
    assert hosts(requested) == {newsroom}


def show_photo(figure):
    """Scroll a photo into view, as a reader would, and wait until it has arrived: photos in a
    text load lazily, and a full-page screenshot does not scroll."""
    image = figure.locator("img")
    image.scroll_into_view_if_needed()
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("image => image.naturalWidth") > 0


def hosts(urls):
    """The hosts (and ports) the addresses `urls` went to; data: addresses go nowhere."""
    return {urlsplit(url).netloc for url in urls if urlsplit(url).scheme != "data"}
