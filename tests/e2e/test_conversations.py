"""A conversation under an article, as issue 18 tells it: a reader answers another and asks to
hear of it, a moderator approves the reply, a journalist answers from the queue, the reader's
mailbox holds the two emails and their unsubscribe links work, and readers' reports take an
abusive comment down and back to the queue."""

import re
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from comments.models import Comment, CommenterNotice, CommenterOptOut
from staff import roles
from tests.comments.factories import ApprovedCommentFactory

from .steps import (
    answer_from_the_queue,
    comment_form,
    log_in,
    open_article,
    report_comment,
    run_background_jobs,
    send_comment,
    staff_member,
)

pytestmark = pytest.mark.django_db(transaction=True)

READER = "sophie@example.org"
SITE = "[L'Écho du Val]"
REPORTED = "Merci : la rédaction va relire ce commentaire."


def link_after(intro, email):
    """The address on the line after `intro` in an email's body."""
    return re.search(rf"{re.escape(intro)}\n(http://\S+)", email.body).group(1)


def an_hour_later(hours=1):
    """`hours` and a minute from now, the hourly round (`send_commenter_notices`, from cron)
    queues what waited for its hour, and the worker sends it."""
    with time_machine.travel(timezone.now() + timezone.timedelta(hours=hours, minutes=1)):
        call_command("send_commenter_notices", stdout=StringIO())
        run_background_jobs()


def test_a_conversation_its_emails_and_its_reports(
    live_server, page, new_page, article, settings, axe, screenshot
):
    settings.NEWSROOM_URL = live_server.url
    question = "Est-ce que la passerelle est accessible aux vélos ? Le panneau n'est pas clair."
    martine = ApprovedCommentFactory(article=article, name="Martine R.", text=question)
    insult = "Vous êtes tous des imbéciles, et la passerelle est une honte."
    troll = ApprovedCommentFactory(article=article, name="Corbeau", text=insult)
    reply = "Oui, j'y passe à vélo tous les matins : il faut juste ralentir au milieu."
    answer = "Bonjour, la mairie confirme : vélos bienvenus, à l'allure du pas."

    # Sophie answers Martine on the reply form's own page, and asks to hear of it. The boxes
    # come once she gives an address.
    open_article(page, live_server, article)
    expect(page.locator("#comments-title")).to_have_text("2 commentaires")
    page.locator(f"#comment-{martine.pk}").get_by_role("link", name="Répondre à Martine R.").click()
    expect(page.locator(".comment-form__replying")).to_contain_text("En réponse à Martine R.")
    expect(page.locator(".comment-page__answered")).to_contain_text(question)
    form = comment_form(page)
    notices = form.get_by_role("group", name="E-mails au sujet de votre commentaire")
    expect(notices).to_be_hidden()
    form.get_by_label("E-mail (facultatif)").fill(READER)
    expect(notices).to_be_visible()
    published_box = notices.get_by_label("Prévenez-moi quand mon commentaire est publié")
    answered_box = notices.get_by_label("Prévenez-moi quand quelqu'un me répond")
    expect(published_box).not_to_be_checked()
    expect(answered_box).not_to_be_checked()
    published_box.check()
    answered_box.check()
    send_comment(page, "Sophie", reply)
    expect(page.locator(".messages")).to_have_text("Votre commentaire est en attente de modération")
    own = page.locator(".comment--pending")
    expect(own).to_contain_text(reply)
    expect(own).to_contain_text("En réponse à Martine R.")
    expect(own).to_contain_text("En attente de modération")

    # The moderator reads the reply with the comment it answers, and approves it: Sophie's
    # first email.
    desk = new_page()
    log_in(desk, live_server, staff_member(roles.MODERATOR, "nadia", "Nadia", "Benali"))
    desk.goto(f"{live_server.url}/admin/comments/comment/")
    row = desk.locator("#result_list tbody tr", has_text=reply)
    expect(row).to_contain_text("En réponse à Martine R.")
    expect(row).to_contain_text(question[:40])
    row.get_by_role("button", name="Approuver").click()
    expect(desk.locator(".messagelist")).to_contain_text("Le commentaire de Sophie est approuvé.")
    run_background_jobs()
    assert [email.to for email in mail.outbox] == [[READER]]
    published = mail.outbox[0]
    assert published.subject == f"{SITE} Votre commentaire est publié"
    assert f"Votre commentaire sur « {article.title} » est publié." in published.body

    # A journalist answers Sophie from the queue, beside her reply. The answer is published at
    # once; its email waits for the hour since the last one about this conversation.
    newsroom = new_page()
    log_in(newsroom, live_server, staff_member(roles.JOURNALIST, "camille", "Camille", "Roux"))
    answer_from_the_queue(newsroom, live_server, reply, answer)
    expect(newsroom.locator(".messagelist")).to_have_text("Votre réponse à Sophie est publiée.")
    run_background_jobs()
    assert len(mail.outbox) == 1
    an_hour_later()
    assert [email.to for email in mail.outbox] == [[READER], [READER]]
    answered = mail.outbox[1]
    assert answered.subject == f"{SITE} La rédaction a répondu à votre commentaire"
    assert (
        f"Camille Roux, pour la rédaction, a répondu à votre commentaire sur « {article.title} » :"
        in answered.body
    )
    assert answer in answered.body

    # Sophie follows the email, in a new tab, to the conversation: Martine, her reply, the
    # newsroom's answer, each saying whom it answers; a conversation counts once.
    tab = page.context.new_page()
    tab.goto(link_after("Lisez la conversation sous l'article :", answered))
    thread = tab.locator(f"#comment-{martine.pk}")
    sophie = thread.get_by_role("list", name="Réponses à Martine R.").locator("xpath=./li")
    expect(sophie).to_have_count(1)
    expect(sophie).to_contain_text(reply)
    expect(sophie.locator(".comment__context").first).to_have_text("En réponse à Martine R.")
    newsroom_answer = sophie.get_by_role("list", name="Réponses à Sophie").locator("xpath=./li")
    expect(newsroom_answer).to_have_count(1)
    expect(newsroom_answer).to_contain_text(answer)
    expect(newsroom_answer.locator(".comment__author")).to_have_text("Camille Roux")
    expect(newsroom_answer.locator(".comment__badge")).to_have_text("La rédaction")
    expect(newsroom_answer.locator(".comment__context")).to_have_text("En réponse à Sophie")
    expect(tab.locator("#comments-title")).to_have_text("2 commentaires")
    assert axe(tab) == []
    thread.scroll_into_view_if_needed()
    screenshot(tab, "comment-thread", clip=thread.bounding_box() | {"x": 0, "width": 1280})

    # Both emails carry the same signed link, in their body and in the headers of RFC 8058.
    unsubscribe = link_after(
        "Pour ne plus recevoir d'e-mails de notre part, ouvrez ce lien :", published
    )
    for email in (published, answered):
        assert unsubscribe in email.body
        assert email.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
        assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # Opening the link only asks: a mail scanner that follows it unsubscribes nobody.
    tab.goto(unsubscribe)
    expect(tab.get_by_role("heading", level=1)).to_have_text("Ne plus recevoir nos e-mails")
    stop = tab.get_by_role("button", name="Ne plus m'envoyer d'e-mails")
    expect(stop).to_be_visible()
    assert axe(tab) == []

    # Her mail client's one-click unsubscribe, from the second email's headers: a bare POST,
    # without cookies or a form of ours.
    mail_client = new_page().request
    one_click = mail_client.post(
        answered.extra_headers["List-Unsubscribe"].strip("<>"),
        form={"List-Unsubscribe": "One-Click"},
        max_redirects=0,
    )
    assert one_click.status == 200
    assert "nous n'écrirons plus jamais à cette adresse" in one_click.text()

    # The journalist adds a detail: nothing more reaches Sophie, then or hours later.
    detail = "Précision : l'arrêté municipal sera affiché aux deux entrées dès lundi."
    answer_from_the_queue(newsroom, live_server, reply, detail)
    expect(newsroom.locator(".messagelist")).to_have_text("Votre réponse à Sophie est publiée.")
    run_background_jobs()
    assert len(mail.outbox) == 2
    an_hour_later(hours=3)
    assert len(mail.outbox) == 2

    # The button on the page she opened says it is done.
    stop.click()
    expect(tab.get_by_role("status")).to_have_text(
        "C'est fait : nous n'écrirons plus jamais à cette adresse au sujet des commentaires."
    )

    # Another reader reports the newsroom's answer: one report leaves it on the page.
    readers = [new_page() for _ in range(3)]
    paul = readers[0]
    open_article(paul, live_server, article)
    first_answer = paul.locator(".comment--newsroom", has_text=answer)
    report_comment(first_answer, "Camille Roux", "Autre", "La réponse ne cite pas l'arrêté.")
    expect(paul.locator(".messages")).to_have_text(REPORTED)
    expect(paul.locator(".comment--newsroom", has_text=answer)).to_be_visible()

    # Three readers report the abusive comment: at the third, it leaves the page at once.
    for number, reader in enumerate(readers, start=1):
        if number > 1:
            open_article(reader, live_server, article)
        report_comment(
            reader.locator(f"#comment-{troll.pk}"),
            "Corbeau",
            "Injurieux ou haineux",
            f"Insulte n° {number}",
        )
        expect(reader.locator(".messages")).to_have_text(REPORTED)
        expect(reader.locator(f"#comment-{troll.pk}")).to_have_count(0 if number == 3 else 1)
    paul.reload()
    expect(paul.locator(f"#comment-{troll.pk}")).to_have_count(0)
    expect(paul.locator("#comments-title")).to_have_text("1 commentaire")
    expect(paul.locator(f"#comment-{martine.pk}")).to_contain_text(answer)

    # The moderator finds it back in the queue with the readers' reasons; the reported list
    # also shows the answer still under the threshold.
    desk.goto(f"{live_server.url}/admin/comments/comment/")
    row = desk.locator("#result_list tbody tr", has_text=insult)
    expect(row).to_contain_text("retiré après 3 signalements")
    expect(row).to_contain_text("3 signalements :")
    for number in (1, 2, 3):
        expect(row).to_contain_text(f"Injurieux ou haineux — Insulte n° {number}")
    desk.get_by_role("link", name="Signalés").click()
    rows = desk.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    reported_answer = rows.filter(has_text=answer)
    expect(reported_answer).to_contain_text("1 signalement :")
    expect(reported_answer).to_contain_text("Autre — La réponse ne cite pas l'arrêté.")

    # What the journey left in the database.
    sent = Comment.objects.get(name="Sophie")
    assert (sent.parent, sent.depth, sent.status, sent.language) == (
        martine,
        1,
        Comment.Status.APPROVED,
        "fr",
    )
    assert (sent.notify_on_publish, sent.notify_on_reply) == (True, True)
    answers = list(sent.replies.order_by("pk"))
    assert [(a.text, a.by_newsroom, a.staff_author.username) for a in answers] == [
        (answer, True, "camille"),
        (detail, True, "camille"),
    ]
    assert answers[0].status == Comment.Status.APPROVED
    assert list(answers[0].reports.values_list("reason", flat=True)) == ["other"]
    troll.refresh_from_db()
    assert troll.status == Comment.Status.PENDING
    assert troll.taken_down_at is not None
    assert sorted(troll.reports.values_list("reason", "note")) == [
        ("abuse", "Insulte n° 1"),
        ("abuse", "Insulte n° 2"),
        ("abuse", "Insulte n° 3"),
    ]
    assert CommenterOptOut.objects.count() == 1
    assert CommenterOptOut.covers(READER)
    assert not CommenterNotice.objects.for_address(READER).exists()
