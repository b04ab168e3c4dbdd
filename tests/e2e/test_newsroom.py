"""The newsroom's side: a journalist writes and illustrates an article, an editor publishes it."""

import pytest
from playwright.sync_api import expect

from articles.models import Article
from staff import roles
from tests.articles.factories import SectionFactory

from .steps import draw_photo, log_in, open_for_review, staff_member

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "Le conseil municipal vote la rénovation du lavoir"
HEADING = "Un budget de 40 000 euros"


def test_journalist_writes_and_submits_an_article_and_an_editor_publishes_it(
    live_server, new_page, tmp_path, screenshot
):
    SectionFactory(name="Vie locale", slug="vie-locale")
    photo = tmp_path / "lavoir.jpg"
    photo.write_bytes(draw_photo())

    # The journalist writes.
    desk = new_page()
    log_in(desk, live_server, staff_member(roles.JOURNALIST, "claire", "Claire", "Mercier"))
    desk.goto(f"{live_server.url}/admin/articles/article/add/")
    desk.get_by_label("Titre").fill(TITLE)
    desk.get_by_label("Titre").press("Tab")  # the slug is made as the title field is left
    expect(desk.get_by_label("Identifiant d'URL")).to_have_value(
        "le-conseil-municipal-vote-la-renovation-du-lavoir"
    )
    desk.get_by_label("Chapô").fill("Les travaux commenceront au printemps.")

    # The body, in the rich text editor: a paragraph, a subheading from the menu, a paragraph.
    body = desk.locator(".prose-editor .ProseMirror[contenteditable=true]")
    body.click()
    desk.keyboard.type("Le vote a eu lieu jeudi soir, à l'unanimité.")
    desk.keyboard.press("Enter")
    desk.locator(".prose-menubar__selected").click()
    desk.locator(".prose-menubar__option[data-name=heading2]").click()
    desk.keyboard.type(HEADING)
    desk.keyboard.press("Enter")
    desk.keyboard.type("La commune en paiera la moitié.")
    expect(body.locator("h2")).to_have_text(HEADING)
    expect(body.locator("p")).to_have_count(2)

    # The photo, with what readers will read about it.
    desk.locator("#id_new_photo").set_input_files(photo)
    desk.get_by_label("Texte alternatif pour cet article").fill("Le lavoir du bourg et son bassin")
    desk.get_by_label("Légende pour cet article").fill("Le lavoir, fermé au public depuis 2019.")
    desk.get_by_label("Crédit pour cet article").fill("Claire Mercier")
    desk.locator("#id_section + .select2").click()
    desk.locator(".select2-search__field").fill("Vie")
    desk.locator(".select2-results__option", has_text="Vie locale").click()

    desk.evaluate("window.scrollTo(0, 0)")
    screenshot(desk, "article-editor")

    # A journalist may submit, not publish.
    workflow = desk.locator(".article-workflow")
    expect(workflow.get_by_role("button")).to_have_text(["Enregistrer et soumettre pour relecture"])
    workflow.get_by_role("button", name="Enregistrer et soumettre pour relecture").click()
    expect(desk.locator(".messagelist")).to_contain_text(
        f"« {TITLE} » attend maintenant sa relecture"
    )
    article = Article.objects.get(title=TITLE)
    assert article.status == Article.Status.IN_REVIEW
    assert article.author.username == "claire"

    # The editor publishes it from the list.
    chief = open_for_review(new_page, live_server, TITLE)
    expect(chief.locator(".prose-editor .ProseMirror[contenteditable=true] h2")).to_have_text(
        HEADING
    )
    chief.locator(".article-workflow").get_by_role("button", name="Enregistrer et publier").click()
    expect(chief.locator(".messagelist")).to_contain_text(f"« {TITLE} » est publié.")

    # Readers see it as written.
    reader = new_page()
    reader.goto(f"{live_server.url}/")
    reader.get_by_role("link", name=TITLE).first.click()
    expect(reader.locator("h1")).to_have_text(TITLE)
    expect(reader.locator(".article__body h2")).to_have_text(HEADING)
    expect(reader.locator(".article__body p")).to_have_count(2)
    figure = reader.locator("article figure")
    expect(figure.locator("img")).to_have_attribute("alt", "Le lavoir du bourg et son bassin")
    expect(figure.locator("figcaption")).to_contain_text("Le lavoir, fermé au public depuis 2019.")
    expect(figure.locator("figcaption .credit")).to_have_text("Claire Mercier")
    assert figure.locator("img").evaluate("image => image.complete && image.naturalWidth > 0")
