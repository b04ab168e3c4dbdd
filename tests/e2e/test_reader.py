"""A reader's visit, in French: the article, its comments, their moderation, a donation."""

import re

import pytest
from playwright.sync_api import expect

from comments.models import Comment
from donations.models import DonationClick, DonationPrompt
from staff import roles
from tests.comments.factories import ApprovedCommentFactory, PendingCommentFactory

from .steps import (
    DONATION_HOST,
    MOBILE,
    captcha_answer,
    comment_form,
    log_in,
    open_article,
    serve_payment_provider,
    staff_member,
    take_time_over_the_comment,
)

pytestmark = pytest.mark.django_db(transaction=True)

NAME_REQUIRED = "S'il vous plaît entrez votre nom ici"
CAPTCHA_FAILED = "Captcha verification failed!"
CAPTCHA_CONTACT = "Le score de l'utilisateur captcha a échoué. Contactez nous s'il vous plait!"
AWAITING = "Votre commentaire est en attente de modération"


def test_reader_sees_the_photo_caption_and_a_view_count_that_grows(
    live_server, page, new_page, article, screenshot
):
    ApprovedCommentFactory(
        article=article, name="Jeanne", text="Enfin ! On attendait ça depuis deux ans."
    )
    open_article(page, live_server, article)

    figure = page.locator("article figure")
    expect(figure.locator("img")).to_have_attribute("alt", article.photo_alt_text)
    expect(figure.locator("figcaption")).to_contain_text(article.photo_caption_text)
    expect(figure.locator("figcaption .credit")).to_have_text("Claire Mercier")
    # The caption sits under the photo, not beside or over it.
    image_box = figure.locator("img").bounding_box()
    caption_box = figure.locator("figcaption").bounding_box()
    assert caption_box["y"] >= image_box["y"] + image_box["height"]
    expect(page.locator(".article__body h2")).to_have_text("Un chantier plus long que prévu")
    expect(page.locator(".article__views")).to_have_text("1 vue")

    page.reload()
    expect(page.locator(".article__views")).to_have_text("2 vues")
    screenshot(page, "article-desktop", full_page=True)

    mobile = new_page(viewport=MOBILE, is_mobile=True, has_touch=True, device_scale_factor=2)
    open_article(mobile, live_server, article)
    expect(mobile.locator(".article__views")).to_have_text("3 vues")
    # Nothing wider than the phone's screen: no sideways scrolling.
    assert mobile.evaluate("document.documentElement.scrollWidth") <= MOBILE["width"]
    screenshot(mobile, "article-mobile", full_page=True)


def test_reader_comments_past_each_error_and_a_moderator_decides(
    live_server, page, new_page, article, screenshot
):
    text = "Enfin ! Mes enfants vont de nouveau à l'école à pied."
    open_article(page, live_server, article)
    form = comment_form(page)
    expect(page.locator("#comment-form h2")).to_have_text("Laisser un commentaire")

    # No name: the form comes back with the message, and what the reader typed.
    form.get_by_label("Commentaire", exact=True).fill(text)
    form.get_by_label("Recopiez les caractères de l'image").fill(captcha_answer(page))
    form.get_by_role("button", name="Envoyer mon commentaire").click()
    name = form.get_by_label("Nom", exact=True)
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(page.locator(".form-field--error")).to_have_count(1)
    expect(page.locator(".form-field--error")).to_contain_text(NAME_REQUIRED)
    expect(page.locator("#comment-errors")).to_contain_text(NAME_REQUIRED)
    expect(form.get_by_label("Commentaire", exact=True)).to_have_value(text)

    # A wrong captcha answer: both lines of the reference message, the text still there.
    name.fill("Lucie")
    form.get_by_label("Recopiez les caractères de l'image").fill("NOPE")
    form.get_by_role("button", name="Envoyer mon commentaire").click()
    captcha_error = page.locator(".form-field--captcha .errorlist")
    expect(captcha_error).to_contain_text(CAPTCHA_FAILED)
    expect(captcha_error).to_contain_text(CAPTCHA_CONTACT)
    expect(captcha_error.get_by_role("link", name="Contactez nous")).to_have_attribute(
        "href", re.compile(r"^mailto:")
    )
    expect(form.get_by_label("Nom", exact=True)).to_have_value("Lucie")
    expect(form.get_by_label("Commentaire", exact=True)).to_have_value(text)
    expect(page.get_by_text(NAME_REQUIRED)).to_have_count(0)
    screenshot(page, "comment-captcha-error", full_page=True)

    # The right answer: the reader is told it waits, and sees it marked as waiting.
    form.get_by_label("Recopiez les caractères de l'image").fill(captcha_answer(page))
    take_time_over_the_comment(page)
    form.get_by_role("button", name="Envoyer mon commentaire").click()
    expect(page.locator(".messages")).to_have_text(AWAITING)
    expect(page.locator("h1")).to_have_text(article.title)
    own = page.locator(".comment--pending")
    expect(own).to_contain_text(text)
    expect(own).to_contain_text("vous seul voyez ce commentaire")
    comment = Comment.objects.get(text=text)
    assert comment.status == Comment.Status.PENDING

    # Anyone else: nothing yet.
    neighbour = new_page()
    open_article(neighbour, live_server, article)
    expect(neighbour.locator("#comments-title")).to_have_text("0 commentaire")
    expect(neighbour.get_by_text(text)).to_have_count(0)

    # The neighbour posts too; this one will be refused.
    refused = "Cette passerelle est une honte, tout le monde le sait."
    neighbour_form = comment_form(neighbour)
    neighbour_form.get_by_label("Nom", exact=True).fill("Marc")
    neighbour_form.get_by_label("Commentaire", exact=True).fill(refused)
    neighbour_form.get_by_label("Recopiez les caractères de l'image").fill(
        captcha_answer(neighbour)
    )
    take_time_over_the_comment(neighbour)
    neighbour_form.get_by_role("button", name="Envoyer mon commentaire").click()
    expect(neighbour.locator(".messages")).to_have_text(AWAITING)

    # The moderator's queue opens on the waiting comments, oldest first.
    moderator = staff_member(roles.MODERATOR, "nadia", "Nadia", "Benali")
    desk = new_page()
    log_in(desk, live_server, moderator)
    desk.goto(f"{live_server.url}/admin/comments/comment/")
    rows = desk.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(text)
    expect(rows.nth(1)).to_contain_text(refused)
    # The moderator folds the admin's menu away to give the queue the whole width.
    desk.locator("#toggle-nav-sidebar").click()
    screenshot(desk, "moderation-queue")

    rows.filter(has_text=text).get_by_role("button", name="Approuver").click()
    expect(desk.locator(".messagelist")).to_contain_text("Lucie")
    expect(rows).to_have_count(1)
    rows.filter(has_text=refused).get_by_role("button", name="Refuser").click()
    expect(desk.locator(".messagelist")).to_contain_text("Marc")
    expect(rows).to_have_count(0)

    # The reader reloads: the comment is public, no longer marked as waiting.
    page.reload()
    expect(page.locator("#comments-title")).to_have_text("1 commentaire")
    expect(page.locator(".comment-list .comment")).to_have_count(1)
    expect(page.locator(".comment-list .comment")).to_contain_text(text)
    expect(page.locator(".comment--pending")).to_have_count(0)
    # The refused comment appears nowhere, not even to its author.
    for visitor in (page, neighbour):
        visitor.reload()
        expect(visitor.get_by_text(refused)).to_have_count(0)
        expect(visitor.get_by_text(text)).to_have_count(1)


def test_reader_gives_a_suggested_amount_and_the_click_is_counted(live_server, page, article):
    payment_pages = serve_payment_provider(page, DonationPrompt.objects.get(), DONATION_HOST)
    open_article(page, live_server, article)

    prompt = page.get_by_role("complementary", name="Soutien")
    expect(prompt).to_contain_text("Soutenez L'Écho du Val à partir de seulement 5 €.")
    prompt.get_by_role("link", name="Donner 10 €").click()
    page.wait_for_url(f"{DONATION_HOST}/**")

    assert page.url == f"{DONATION_HOST}/echo-du-val?montant=10"
    assert payment_pages == [page.url]
    expect(page.locator("h1")).to_have_text("Page de paiement")
    click = DonationClick.objects.get()
    assert click.section == article.section

    # The newsroom sees the click in its results.
    editor = staff_member(roles.EDITOR, "hugo", "Hugo", "Lambert")
    log_in(page, live_server, editor)
    page.goto(f"{live_server.url}/admin/donations/donationprompt/")
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    expect(row.locator("td.field-clicks")).to_have_text("1")
    expect(row.locator("td.field-impressions")).to_have_text("1")
    expect(row.locator("td.field-rate")).to_have_text("100,0 %")
    page.goto(f"{live_server.url}/admin/donations/donationclick/")
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list td.field-amount_shown")).to_have_text("10 €")


def test_moderator_sees_the_decision_buttons_without_scrolling_sideways(live_server, page):
    PendingCommentFactory(text="Une remarque assez longue pour occuper sa colonne. " * 3)
    log_in(page, live_server, staff_member(roles.MODERATOR, "nadia", "Nadia", "Benali"))
    page.goto(f"{live_server.url}/admin/comments/comment/")

    for name in ("Approuver", "Refuser", "Indésirable"):
        button = page.locator("#result_list").get_by_role("button", name=name)
        expect(button).to_be_in_viewport()
