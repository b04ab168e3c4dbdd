"""A journalist enriches an article's text in the editor: a photo uploaded on the spot, a gallery,
a video, a pull quote and a table, each stored in the body as the readers' page expects it."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from photos.models import Photo
from staff import roles
from tests.articles.factories import SectionFactory
from tests.photos.factories import PhotoFactory

from .steps import draw_photo, log_in, staff_member

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Le marché couvert rouvre ses portes"
CAPTION = "Les étals, le matin de la réouverture."
QUOTE = "On attendait ce jour depuis huit mois."


def test_journalist_inserts_photos_a_video_a_pull_quote_and_a_table(
    live_server, new_page, tmp_path
):
    SectionFactory(name="Vie locale", slug="vie-locale")
    hall = PhotoFactory(
        alt_text="La halle du marché vue de la place",
        caption="La halle un samedi matin.",
        credit="Hugo Lambert",
    )
    upload = tmp_path / "etals.jpg"
    upload.write_bytes(draw_photo())

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
    card = body.locator("figure.newsroom-figure-photo")
    expect(card).to_contain_text(f"{CAPTION} — Claire Mercier")
    expect(card.locator("img")).to_have_attribute("alt", "Des étals de fruits sous la verrière")
    fruit = Photo.objects.get(alt_text="Des étals de fruits sous la verrière")
    assert fruit.uploaded_by == journalist
    desk.keyboard.type("Les horaires ne changent pas.")

    # A gallery of the two photos, the hall first.
    desk.get_by_role("button", name="Insérer une galerie de photos").click()
    dialog = desk.get_by_role("dialog", name="Insérer une galerie")
    dialog.get_by_role("button", name=re.compile("Les étals de fruits")).click()
    dialog.get_by_role("button", name=re.compile("La halle un samedi matin")).click()
    expect(dialog.get_by_text("2 photos dans la galerie.")).to_be_visible()
    dialog.get_by_role("button", name="Monter : La halle un samedi matin. — Hugo Lambert").click()
    expect(dialog.locator("ol li")).to_have_text([re.compile("La halle"), re.compile("Les étals")])
    dialog.get_by_role("button", name="Insérer", exact=True).click()
    expect(body.locator("figure.newsroom-figure-gallery")).to_contain_text("Galerie de 2 photos")
    expect(body.locator("figure.newsroom-figure-gallery img")).to_have_count(2)

    # A video: an address that only looks like YouTube is refused, the real one is taken.
    desk.get_by_role("button", name="Insérer une vidéo").click()
    dialog = desk.get_by_role("dialog", name="Insérer une vidéo")
    dialog.get_by_label("Adresse de la vidéo").fill(
        "https://youtube.com.evil.example/watch?v=dQw4w9WgXcQ"
    )
    dialog.get_by_label("Titre").fill("La réouverture en images")
    dialog.get_by_role("button", name="Insérer", exact=True).click()
    address = dialog.get_by_label("Adresse de la vidéo")
    expect(address).to_have_attribute("aria-invalid", "true")
    expect(address).to_be_focused()
    expect(address).to_have_accessible_description(re.compile("https://.*YouTube"))
    address.fill("https://www.youtube.com/watch?v=dQw4w9WgXcQ")
    dialog.get_by_role("button", name="Insérer", exact=True).click()
    expect(body.locator("figure.newsroom-figure-embed")).to_contain_text(
        "YouTube — La réouverture en images"
    )

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

    desk.locator("input[name=_save]").first.click()
    expect(desk.locator(".messagelist")).to_contain_text(TITLE)

    article = Article.objects.get(title=TITLE)
    assert article.body == (
        "<p>Après huit mois de travaux, les commerçants retrouvent leurs étals.</p>"
        f'<figure data-photo="{fruit.pk}" data-width="full" data-caption="{CAPTION}"></figure>'
        "<p>Les horaires ne changent pas.</p>"
        f'<figure data-gallery="{hall.pk},{fruit.pk}"></figure>'
        '<figure data-embed="youtube" data-embed-id="dQw4w9WgXcQ" '
        'data-embed-title="La réouverture en images"></figure>'
        f'<figure data-pullquote="" data-quote="{QUOTE}" data-source="Marie Dupuis, primeur">'
        "</figure>"
        "<table><tbody>"
        "<tr><th><p>Jour</p></th><th><p>Horaires</p></th></tr>"
        "<tr><td><p>Mardi</p></td><td><p>7 h – 13 h</p></td></tr>"
        "<tr><td><p>Samedi</p></td><td><p></p></td></tr>"
        "</tbody></table>"
    )

    # Opened again, the editor shows each figure as it was left.
    desk.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    expect(body.locator("figure.newsroom-figure")).to_have_count(4)
    expect(body.locator("figure.newsroom-figure-photo")).to_contain_text(CAPTION)
    expect(body.locator("table th")).to_have_text(["Jour", "Horaires"])
