"""The reader's journey with the keyboard alone (Tab, Shift+Tab, Enter, Space), in English."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

from comments.models import Comment
from donations.models import DonationPrompt

from .steps import (
    DONATION_HOST,
    captcha_answer,
    comment_form,
    press,
    serve_payment_provider,
    tab_to,
    take_time_over_the_comment,
)

pytestmark = pytest.mark.django_db(transaction=True)


def test_reader_journey_with_the_keyboard_alone_in_english(live_server, new_page, article):
    page = new_page(locale="en-GB")
    payment_pages = serve_payment_provider(page, DonationPrompt.objects.get(), DONATION_HOST)
    with translation.override("en"):
        article_url = article.get_absolute_url()
    assert article_url.startswith("/en/")

    # From the English home page: the first stop is the skip link, then on to the story.
    page.goto(f"{live_server.url}/en/")
    assert "Skip to content" in press(page, "Tab")["html"]
    tab_to(page, page.get_by_role("link", name=article.title).first)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}{article_url}")
    expect(page.locator("h1")).to_have_text(article.title)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".article__views")).to_have_text("1 view")

    # A comment without a name.
    text = "Great news: my children can walk to school again."
    form = comment_form(page)
    tab_to(page, form.get_by_label("Comment", exact=True))
    page.keyboard.type(text)
    tab_to(page, form.get_by_label("Type the characters shown in the image"))
    page.keyboard.type(captcha_answer(page))
    tab_to(page, form.get_by_role("button", name="Send my comment"))
    page.keyboard.press("Enter")
    summary = page.locator("#comment-errors")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("Please enter your name here")
    expect(form.get_by_label("Comment", exact=True)).to_have_value(text)

    # The summary's link takes the reader to the field to fix.
    tab_to(page, summary.get_by_role("link", name="Please enter your name here"))
    page.keyboard.press("Enter")
    expect(form.get_by_label("Name", exact=True)).to_be_focused()
    page.keyboard.type("Lucy")

    # A wrong answer, sent with Enter from the captcha field.
    tab_to(page, form.get_by_label("Type the characters shown in the image"))
    page.keyboard.type("NOPE")
    page.keyboard.press("Enter")
    expect(summary).to_be_focused()
    captcha_error = page.locator(".form-field--captcha .errorlist")
    expect(captcha_error).to_contain_text("Captcha verification failed!")
    expect(captcha_error).to_contain_text("The captcha user score failed. Please contact us!")
    expect(form.get_by_label("Name", exact=True)).to_have_value("Lucy")
    expect(form.get_by_label("Comment", exact=True)).to_have_value(text)

    # The right answer, and Space on the button.
    tab_to(page, form.get_by_label("Type the characters shown in the image"))
    page.keyboard.type(captcha_answer(page))
    take_time_over_the_comment(page)
    tab_to(page, form.get_by_role("button", name="Send my comment"))
    page.keyboard.press("Space")
    expect(page.locator(".messages")).to_have_text("Your comment is awaiting moderation")
    expect(page.locator(".comment--pending")).to_contain_text(text)
    assert Comment.objects.get(text=text).status == Comment.Status.PENDING
    # The browser starts the next Tab from the comment the address points at, once it has
    # scrolled there; pressed before, Shift+Tab would leave the page.
    page.wait_for_load_state("load")
    expect(page.locator(".comment--pending")).to_be_in_viewport()

    # Back up to the donation prompt, above the comments, and give €10.
    tab_to(page, page.get_by_role("link", name="Give €10"), key="Shift+Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{DONATION_HOST}/**")
    assert page.url == f"{DONATION_HOST}/echo-du-val?montant=10"
    assert payment_pages == [page.url]
    expect(page.locator("h1")).to_have_text("Page de paiement")
