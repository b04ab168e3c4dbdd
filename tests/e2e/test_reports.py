"""The report page on its own, in French: what the conversation's journey (test_conversations.py)
does not go through. Its mistakes, and a reader who reports the same comment twice."""

import pytest
from playwright.sync_api import expect

from tests.comments.factories import ApprovedCommentFactory

from .steps import open_article, report_comment

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_report_page_says_what_is_missing_and_counts_a_reader_once(
    live_server, page, article, axe
):
    troll = ApprovedCommentFactory(
        article=article, name="Corbeau", text="Vous êtes tous des imbéciles."
    )
    open_article(page, live_server, article)
    comment = page.locator(f"#comment-{troll.pk}")
    comment.get_by_role("link", name="Signaler le commentaire de Corbeau").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Signaler un commentaire")
    assert axe(page) == []

    # Without a reason, the form says so, with the focus on what to correct, and keeps the
    # reader there.
    page.get_by_role("button", name="Envoyer le signalement").click()
    errors = page.get_by_role("alert")
    expect(errors).to_contain_text("Votre signalement n'est pas encore envoyé :")
    expect(errors).to_contain_text("Veuillez choisir une raison.")
    expect(errors).to_be_focused()
    assert axe(page) == []
    errors.get_by_role("link", name="Veuillez choisir une raison.").click()
    expect(page.get_by_label("Indésirable", exact=True)).to_be_focused()

    page.get_by_label("Injurieux ou haineux").check()
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.locator(".messages")).to_have_text("Merci : la rédaction va relire ce commentaire.")

    # The same reader again: thanked, not counted twice.
    report_comment(comment, "Corbeau", "Hors sujet")
    expect(page.locator(".messages")).to_have_text("Vous avez déjà signalé ce commentaire : merci.")
    expect(comment).to_be_visible()
    assert troll.reports.count() == 1
