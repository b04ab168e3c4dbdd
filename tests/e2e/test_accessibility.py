"""axe-core and the house rules on the pages readers use most: no serious or critical violation,
one h1, every field labelled, every error tied to its field, enough contrast."""

import pytest
from playwright.sync_api import expect

from tests.articles.factories import PublishedArticleFactory, SectionFactory
from tests.comments.factories import ApprovedCommentFactory
from tests.donations.factories import DonationPromptFactory

from .steps import comment_form

pytestmark = pytest.mark.django_db(transaction=True)

# Form controls a person fills in or operates (the captcha's key is type=hidden).
FIELDS = "input:not([type=hidden]), select, textarea"

UNLABELLED_FIELDS = """(selector) => [...document.querySelectorAll(selector)]
    .filter((field) => !(field.labels && field.labels.length && field.labels[0].innerText.trim())
        && !field.getAttribute("aria-label") && !field.getAttribute("aria-labelledby"))
    .map((field) => field.outerHTML)"""

DESCRIPTIONS = """(selector) => [...document.querySelectorAll(selector)]
    .filter((field) => field.getAttribute("aria-invalid") === "true")
    .map((field) => ({
        field: field.name,
        ids: (field.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean),
        texts: (field.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean)
            .map((id) => document.getElementById(id)?.innerText.trim() ?? null),
    }))"""


@pytest.fixture
def commented_article():
    section = SectionFactory(name="Vie locale", slug="vie-locale")
    DonationPromptFactory()
    PublishedArticleFactory.create_batch(3, section=section, with_image=True)
    article = PublishedArticleFactory(
        section=section,
        title="Le marché couvert garde ses halles",
        with_image=True,
        tags=["marché", "patrimoine"],
    )
    ApprovedCommentFactory(article=article, name="Lucie", text="Bonne nouvelle pour le bourg.")
    ApprovedCommentFactory(article=article, name="Marc", text="Et le parking ?\nIl reste payant.")
    return article


def assert_page_is_accessible(page, axe):
    violations = axe(page)
    assert violations == [], format_violations(violations)
    # Contrast once more on its own: every text checked, none left undecided (axe leaves text
    # over images or gradients "incomplete", which the run above does not report).
    contrast = page.evaluate("async () => await axe.run(document, {runOnly: ['color-contrast']})")
    assert [rule["id"] for rule in contrast["passes"]] == ["color-contrast"]
    assert contrast["incomplete"] == [], format_violations(contrast["incomplete"])
    expect(page.locator("h1")).to_have_count(1)
    assert page.evaluate(UNLABELLED_FIELDS, FIELDS) == []


def format_violations(violations):
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n  "
        + "\n  ".join(node["html"] for node in v["nodes"][:5])
        for v in violations
    )


def test_home_page(live_server, page, axe, commented_article):
    page.goto(live_server.url + "/")

    expect(page.locator("html")).to_have_attribute("lang", "fr")
    page.get_by_role("link", name=commented_article.title).first.click()
    expect(page.locator("h1")).to_have_text(commented_article.title)
    page.go_back()
    assert_page_is_accessible(page, axe)


def test_article_page_with_comments(live_server, page, axe, commented_article):
    page.goto(live_server.url + commented_article.get_absolute_url())

    expect(page.locator("#comments-title")).to_have_text("2 commentaires")
    expect(page.locator(".comment-list .comment")).to_have_count(2)
    assert_page_is_accessible(page, axe)


def test_comment_form_with_errors(live_server, page, axe, commented_article):
    page.goto(live_server.url + commented_article.get_absolute_url())
    form = comment_form(page)
    form.get_by_label("Recopiez les caractères de l'image").fill("NOPE")
    form.get_by_role("button", name="Envoyer mon commentaire").click()

    # Name, comment and captcha are wrong; each says why, and the summary links to each field.
    summary = page.locator("#comment-errors")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_count(3)
    for link in summary.get_by_role("link").all():
        target = link.get_attribute("href").removeprefix("#")
        expect(page.locator(f"[id='{target}']")).to_have_attribute("aria-invalid", "true")
    described = {field["field"]: field for field in page.evaluate(DESCRIPTIONS, FIELDS)}
    assert sorted(described) == ["captcha_1", "name", "text"]
    assert "S'il vous plaît entrez votre nom ici" in described["name"]["texts"]
    assert "S'il vous plaît entrez votre commentaire!" in described["text"]["texts"]
    assert any(
        text and text.startswith("Captcha verification failed!")
        for text in described["captcha_1"]["texts"]
    )
    assert_page_is_accessible(page, axe)
