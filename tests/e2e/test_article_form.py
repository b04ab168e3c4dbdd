"""The form made for writing: a journalist types a long headline and sees it whole with its count,
writes the body and sees its words and reading time follow, reads the article's address, and
previews the unsaved page at a phone's and a desktop's width."""

import re

import pytest
from playwright.sync_api import expect

from articles.models import Article
from staff import roles
from tests.articles.factories import SectionFactory

from .steps import log_in, staff_member
from .test_accessibility import format_violations

pytestmark = pytest.mark.django_db(transaction=True)

# Ninety characters.
HEADLINE = (
    "Après deux ans de travaux, la passerelle du moulin rouvre aux piétons et aux vélos (vidéo)"
)


def test_a_journalist_writes_with_counts_and_previews_the_unsaved_page(
    live_server, new_page, axe, screenshot
):
    assert len(HEADLINE) == 90
    SectionFactory(name="Vie locale", slug="vie-locale")
    desk = new_page()
    log_in(desk, live_server, staff_member(roles.JOURNALIST, "claire", "Claire", "Mercier"))
    desk.goto(f"{live_server.url}/admin/articles/article/add/")
    expect(desk.locator("h1")).to_have_text("Ajouter un article")

    # The headline, whole, with its count; Enter does not break it.
    headline = desk.get_by_label("Titre")
    headline.fill(HEADLINE)
    headline.press("Enter")
    expect(headline).to_have_value(HEADLINE)
    expect(desk.locator("#id_title_count")).to_have_text("90 caractères")
    # Whole: the field scrolls neither way.
    overflow = headline.evaluate(
        "field => [field.scrollWidth - field.clientWidth, field.scrollHeight - field.clientHeight]"
    )
    assert overflow == [0, 0]
    headline.press("Tab")  # the slug is made as the headline is left
    expect(desk.locator(".article-address__url")).to_have_text(
        re.compile(r"^http://[^/]+/article/apres-deux-ans-de-travaux-la-passerelle-[a-z-]+/$")
    )

    desk.get_by_label("Chapô").fill("Fermée depuis la crue.")
    expect(desk.locator("#id_standfirst_count")).to_have_text("22 caractères")

    # The body: its words and reading time follow the typing.
    expect(desk.locator("#id_body_count")).to_have_text("0 mot")
    body = desk.locator(".prose-editor .ProseMirror[contenteditable=true]")
    body.click()
    desk.keyboard.type("Les piétons retrouvent leur raccourci dès ce matin.")
    expect(desk.locator("#id_body_count")).to_have_text("8 mots · 1 min de lecture")
    # The count is read out once typing pauses, politely.
    expect(desk.get_by_role("status").filter(has_text="8 mots")).to_have_count(1)
    # The editor's toolbar speaks French.
    expect(desk.locator(".prose-menubar button[title='Gras']")).to_have_count(1)
    expect(desk.locator(".prose-menubar button[title='bold']")).to_have_count(0)

    desk.locator("#id_section + .select2").click()
    desk.locator(".select2-search__field").fill("Vie")
    desk.locator(".select2-results__option", has_text="Vie locale").click()

    violations = axe(desk)
    assert not violations, format_violations(violations)
    desk.evaluate("window.scrollTo(0, 0)")
    screenshot(desk, "article-form")

    # The preview, in a new tab, at both widths; nothing is saved.
    with desk.context.expect_page() as opened:
        desk.get_by_role("button", name="Prévisualiser la page").click()
    preview = opened.value
    preview.wait_for_load_state()
    expect(preview.locator("h1")).to_contain_text("Prévisualisation")
    frames = preview.locator("iframe")
    expect(frames).to_have_count(2)
    for index, width in enumerate([390, 1280]):
        frame = preview.frame_locator("iframe").nth(index)
        expect(frame.locator("h1")).to_have_text(HEADLINE)
        assert preview.locator("iframe").nth(index).get_attribute("width") == str(width)
        inner = preview.frames[index + 1]
        assert inner.evaluate("window.innerWidth") == width
    violations = axe(preview)
    assert not violations, format_violations(violations)
    assert not Article.objects.exists()
