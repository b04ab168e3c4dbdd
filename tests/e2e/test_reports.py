"""Readers who ask to hear of their comment, and readers who report one, in French."""

import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment, CommenterOptOut, NotificationThrottle
from staff import roles
from tests.comments.factories import ApprovedCommentFactory, PendingCommentFactory

from .steps import (
    captcha_answer,
    comment_form,
    log_in,
    open_article,
    staff_member,
    take_time_over_the_comment,
    wait_for,
)

pytestmark = pytest.mark.django_db(transaction=True)


def unsubscribe_link(email):
    return re.search(r"(http://\S+/desinscription/\S+/)", email.body).group(1)


def test_a_reader_hears_of_their_comment_and_unsubscribes(
    live_server, page, new_page, article, settings, axe
):
    settings.NEWSROOM_URL = live_server.url
    mail.outbox = []
    open_article(page, live_server, article)
    form = comment_form(page)
    notices = form.locator("#comment-notices")
    # With JavaScript, the boxes come once an address is typed.
    expect(notices).to_be_hidden()
    form.get_by_label("Nom").fill("Léa")
    form.get_by_label("E-mail (facultatif)").fill("lea@example.org")
    expect(notices).to_be_visible()
    form.get_by_label("Prévenez-moi quand mon commentaire est publié").check()
    form.get_by_label("Prévenez-moi quand quelqu'un me répond").check()
    text = "La passerelle était très attendue par les écoles."
    form.get_by_label("Commentaire", exact=True).fill(text)
    form.locator("input[name='captcha_1']").fill(captcha_answer(page))
    take_time_over_the_comment(page)
    form.get_by_role("button", name="Envoyer mon commentaire").click()
    expect(page.locator(".messages")).to_contain_text("en attente de modération")
    comment = Comment.objects.get(text=text)
    assert (comment.notify_on_publish, comment.notify_on_reply, comment.language) == (
        True,
        True,
        "fr",
    )

    moderator = staff_member(roles.MODERATOR, "nadia", "Nadia", "Benali")
    desk = new_page()
    log_in(desk, live_server, moderator)
    desk.goto(f"{live_server.url}/admin/comments/comment/")
    desk.locator("#result_list tbody tr", has_text=text).get_by_role(
        "button", name="Approuver"
    ).click()
    expect(desk.locator(".messagelist")).to_contain_text("Léa")
    wait_for(lambda: len(mail.outbox) == 1)
    assert mail.outbox[0].to == ["lea@example.org"]
    assert mail.outbox[0].subject == "[L'Écho du Val] Votre commentaire est publié"

    # An hour later, another reader's answer is approved.
    NotificationThrottle.objects.filter(key__startswith="reader:").update(
        last_sent_at=timezone.now() - timezone.timedelta(hours=2)
    )
    reply = PendingCommentFactory(name="Marc", email="marc@example.org", text="Tout à fait.")
    comment.place_reply(reply)
    reply.save()
    desk.goto(f"{live_server.url}/admin/comments/comment/")
    desk.locator("#result_list tbody tr", has_text="Tout à fait.").get_by_role(
        "button", name="Approuver"
    ).click()
    expect(desk.locator(".messagelist")).to_contain_text("Marc")
    wait_for(lambda: len(mail.outbox) == 2)
    answered = mail.outbox[1]
    assert "Marc a répondu à votre commentaire" in answered.body
    assert answered.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    link = unsubscribe_link(answered)
    assert answered.extra_headers["List-Unsubscribe"] == f"<{link}>"

    # The link works in the browser: a page, a button.
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Ne plus recevoir nos e-mails")
    assert axe(page) == []
    page.get_by_role("button", name="Ne plus m'envoyer d'e-mails").click()
    expect(page.locator(".unsubscribe-page")).to_contain_text("nous n'écrirons plus jamais")
    assert CommenterOptOut.covers("lea@example.org")


def test_three_readers_report_an_abusive_comment(live_server, new_page, article, axe):
    ApprovedCommentFactory(article=article, name="Jeanne", text="Enfin ! Bravo aux ouvriers.")
    abusive = ApprovedCommentFactory(
        article=article, name="Troll", text="Vous êtes tous des imbéciles."
    )

    readers = [new_page() for _ in range(3)]
    for number, reader in enumerate(readers):
        open_article(reader, live_server, article)
        reader.locator(f"#comment-{abusive.pk}").get_by_role(
            "link", name="Signaler le commentaire de Troll"
        ).click()
        expect(reader.locator("h1")).to_contain_text("Signaler un commentaire")
        if number == 0:
            assert axe(reader) == []
            # Without a reason, the form says so and keeps the reader there.
            reader.get_by_role("button", name="Envoyer le signalement").click()
            expect(reader.locator("#report-errors")).to_contain_text("Veuillez choisir une raison.")
            assert axe(reader) == []
        reader.get_by_label("Injurieux ou haineux").check()
        reader.get_by_label("Quelque chose à ajouter ? (facultatif)").fill(
            f"Insulte n° {number + 1}"
        )
        reader.get_by_role("button", name="Envoyer le signalement").click()
        expect(reader.locator(".messages")).to_contain_text("la rédaction va relire ce commentaire")

    # The comment left the page at once, for every reader.
    readers[0].reload()
    expect(readers[0].locator(f"#comment-{abusive.pk}")).to_have_count(0)
    expect(readers[0].locator(".comment-list")).to_contain_text("Bravo aux ouvriers")

    abusive.refresh_from_db()
    assert abusive.status == Comment.Status.PENDING
    assert abusive.reports.count() == 3

    moderator = staff_member(roles.MODERATOR, "nadia", "Nadia", "Benali")
    desk = new_page()
    log_in(desk, live_server, moderator)
    desk.goto(f"{live_server.url}/admin/comments/comment/")
    row = desk.locator("#result_list tbody tr", has_text="Vous êtes tous des imbéciles.")
    expect(row).to_contain_text("retiré après 3 signalements")
    expect(row).to_contain_text("Injurieux ou haineux — Insulte n° 2")
    desk.get_by_role("link", name="Signalés").click()
    expect(desk.locator("#result_list tbody tr")).to_have_count(1)
