"""A conversation under an article: a reader answers another, a moderator approves the reply, a
journalist answers from the queue, and every reader sees the thread with the newsroom's badge."""

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from staff import roles
from tests.comments.factories import ApprovedCommentFactory

from .steps import log_in, open_article, send_comment, staff_member

pytestmark = pytest.mark.django_db(transaction=True)

AWAITING = "Votre commentaire est en attente de modération"


def test_a_reply_a_moderator_and_the_newsroom_make_a_conversation(
    live_server, page, new_page, article, axe, screenshot
):
    question = "Est-ce que la passerelle est accessible aux vélos ? Le panneau n'est pas clair."
    martine = ApprovedCommentFactory(article=article, name="Martine R.", text=question)
    reply = "Oui, j'y passe à vélo tous les matins : il faut juste ralentir au milieu."

    # A reader answers Martine: without JavaScript's help, on the form's own page.
    open_article(page, live_server, article)
    page.locator(f"#comment-{martine.pk}").get_by_role("link", name="Répondre à Martine R.").click()
    expect(page.locator(".comment-form__replying")).to_contain_text("En réponse à Martine R.")
    expect(page.locator(".comment-page__answered")).to_contain_text(question)
    send_comment(page, "Sophie", reply)
    expect(page.locator(".messages")).to_have_text(AWAITING)
    own = page.locator(".comment--pending")
    expect(own).to_contain_text(reply)
    expect(own).to_contain_text("En réponse à Martine R.")
    sent = Comment.objects.get(name="Sophie")
    assert (sent.parent_id, sent.depth, sent.status) == (martine.pk, 1, Comment.Status.PENDING)

    # The moderator sees the reply with the comment it answers, and approves it.
    desk = new_page()
    log_in(desk, live_server, staff_member(roles.MODERATOR, "nadia", "Nadia", "Benali"))
    desk.goto(f"{live_server.url}/admin/comments/comment/")
    row = desk.locator("#result_list tbody tr", has_text=reply)
    expect(row).to_contain_text("En réponse à Martine R.")
    row.get_by_role("button", name="Approuver").click()
    expect(desk.locator(".messagelist")).to_contain_text("Sophie")

    # A journalist answers Martine from the queue, beside her comment.
    newsroom = new_page()
    log_in(newsroom, live_server, staff_member(roles.JOURNALIST, "camille", "Camille", "Roux"))
    newsroom.goto(f"{live_server.url}/admin/comments/comment/")
    newsroom.locator("#result_list tbody tr", has_text=question, has_not_text=reply).get_by_role(
        "link", name="Répondre"
    ).click()
    answer = "Bonjour, la mairie confirme : vélos bienvenus, à l'allure du pas."
    newsroom.get_by_label("Répondre au nom de la rédaction").fill(answer)
    newsroom.get_by_role("button", name="Publier la réponse").click()
    expect(newsroom.locator(".messagelist")).to_contain_text("Martine R.")

    # Any reader sees the thread: the reply and the answer, each saying whom it answers.
    reader = new_page()
    open_article(reader, live_server, article)
    thread = reader.locator(f"#comment-{martine.pk}")
    replies = thread.locator(".comment-list--replies > .comment")
    expect(replies).to_have_count(2)
    expect(replies.nth(0)).to_contain_text(reply)
    expect(replies.nth(0)).to_contain_text("En réponse à Martine R.")
    expect(replies.nth(1)).to_contain_text(answer)
    expect(replies.nth(1).locator(".comment__badge")).to_have_text("La rédaction")
    expect(replies.nth(1)).to_contain_text("Camille Roux")
    expect(reader.locator("#comments-title")).to_have_text("1 commentaire")

    assert axe(reader) == []
    thread.scroll_into_view_if_needed()
    screenshot(reader, "comment-thread", clip=thread.bounding_box() | {"x": 0, "width": 1280})
