"""What people do in the browser, written once for every journey."""

import re
from urllib.parse import urlsplit

from captcha.models import CaptchaStore
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from playwright.sync_api import expect

from staff import roles
from tests.articles.factories import StaffUserFactory
from tests.comments.helpers import signed_timestamp

PASSWORD = "correct horse battery staple"
DESKTOP = {"width": 1280, "height": 900}
MOBILE = {"width": 390, "height": 844}
# The payment provider in the tests: its pages are answered by page.route(), never fetched.
DONATION_HOST = "https://dons.example.org"


def staff_member(role, username, first_name, last_name):
    """A staff account in one of the newsroom's roles (staff/roles.py), nothing more."""
    roles.sync(exact=False)
    user = StaffUserFactory(
        username=username, first_name=first_name, last_name=last_name, password=PASSWORD
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/admin/$"))


def open_for_review(new_page, live_server, title):
    """An editor logs in and opens the article `title`, waiting for review, from the list;
    return the editor's page."""
    chief = new_page()
    log_in(chief, live_server, staff_member(roles.EDITOR, "hugo", "Hugo", "Lambert"))
    chief.goto(f"{live_server.url}/admin/articles/article/")
    row = chief.locator("#result_list tbody tr", has_text=title)
    expect(row).to_contain_text("En relecture")
    row.get_by_role("link", name=title).click()
    return chief


def captcha_answer(page):
    """The right answer to the captcha the page shows, read from the server's own store."""
    hashkey = page.locator("input[name='captcha_0']").input_value()
    return CaptchaStore.objects.get(hashkey=hashkey).response


def comment_form(page):
    return page.locator("#comment-form form")


def take_time_over_the_comment(page, seconds=60):
    """Sign the comment form's start time as if it had been shown `seconds` ago, as the server
    would have: a browser driven by a test types in milliseconds, which the moderation policy's
    minimum typing time would take for a robot. The live server runs in this process, with the
    same secret key."""
    comment_form(page).locator("input[name='timestamp']").evaluate(
        "(input, value) => { input.value = value; }", signed_timestamp(seconds)
    )


# The sky of draw_photo() at each time of day: its colour at the top and at the horizon, and the
# sun's.
SKIES = {
    "dawn": ((120, 160, 215), (240, 210, 125), "#ffd98a"),  # pale blue to warm orange
    "noon": ((60, 120, 200), (175, 210, 240), "#fff8e0"),  # deep blue to haze
    "dusk": ((55, 45, 105), (235, 115, 75), "#ffb27a"),  # violet to red
}


def draw_photo(width=1600, height=900, light="dawn"):
    """A JPEG that looks like a photo in the screenshots: a river under a footbridge, at dawn
    unless `light` says another time of day (SKIES), so that photos side by side differ."""
    from io import BytesIO

    from PIL import Image, ImageDraw

    top, bottom, sun = SKIES[light]
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    horizon = int(height * 0.55)
    for y in range(horizon):  # the sky, from its top to the horizon
        t = y / horizon
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(high + (low - high) * t) for high, low in zip(top, bottom, strict=True)),
        )
    draw.ellipse([width * 0.68, horizon - 110, width * 0.68 + 160, horizon + 50], fill=sun)
    hills = [(0, horizon), (width * 0.2, horizon - 120), (width * 0.45, horizon - 40)]
    hills += [(width * 0.7, horizon - 150), (width, horizon - 60), (width, horizon)]
    draw.polygon(hills, fill="#4d6b45")
    for y in range(horizon, height):  # the river, darker towards the viewer
        t = (y - horizon) / (height - horizon)
        draw.line(
            [(0, y), (width, y)], fill=(int(70 - 40 * t), int(110 - 50 * t), int(140 - 50 * t))
        )
    deck = horizon + 40
    draw.rectangle([0, deck, width, deck + 28], fill="#6b4a2b")  # the footbridge
    draw.line([(0, deck - 40), (width, deck - 40)], fill="#4a321d", width=8)
    for x in range(0, width, 80):
        draw.line([(x, deck - 40), (x, deck)], fill="#4a321d", width=6)
    for x in (width * 0.25, width * 0.6):
        draw.rectangle([x, deck + 28, x + 60, height], fill="#7d7a74")  # the piers
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def open_article(page, live_server, article, prefix=""):
    page.goto(f"{live_server.url}{prefix}{article.get_absolute_url()}")
    expect(page.locator("h1")).to_have_text(article.title)


FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {
        html: el.outerHTML.slice(0, 160),
        body: el === document.body,
        visible: box.width > 0 && box.height > 0 && box.bottom > 0 && box.right > 0
            && box.top < window.innerHeight && box.left < window.innerWidth
            && style.visibility !== "hidden" && style.opacity !== "0",
        outlined: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2)
            || style.boxShadow !== "none",
    };
}"""


def press(page, key):
    """Press a key that moves the focus; the focus must land on something a sighted keyboard user
    sees, drawn with a visible focus indicator."""
    page.keyboard.press(key)
    focused = page.evaluate(FOCUSED)
    assert not focused["body"], f"{key} lost the focus"
    assert focused["visible"], f"{key} moved the focus out of sight: {focused['html']}"
    assert focused["outlined"], (
        f"{key} moved the focus without a visible outline: {focused['html']}"
    )
    return focused


def tab_to(page, locator, *, key="Tab", limit=60):
    """Press Tab (or Shift+Tab) until `locator` has the focus, checking every stop on the way."""
    target = locator.element_handle()
    for _ in range(limit):
        press(page, key)
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{limit} presses of {key} never reached {locator}")


def serve_payment_provider(page, prompt, host):
    """Answer the payment provider's pages inside the browser, so nothing leaves the machine;
    return the list of its addresses the reader reached.

    Playwright cannot intercept the request a redirect makes (microsoft/playwright#3993), so the
    newsroom's click endpoint is fetched by Playwright itself: the click is counted for real and
    its redirect checked, then the browser is sent on by a page that refreshes to the same
    address, a fresh navigation that page.route() does answer.
    """
    reached = []
    clicks = set()
    for language in ("fr", "en"):
        with translation.override(language):
            clicks.add(reverse("donations:click", args=[prompt.pk]))

    def through_newsroom(route):
        response = route.fetch(max_redirects=0)
        assert response.status == 302, response.status
        target = response.headers["location"]
        assert target.startswith(f"{host}/"), target
        headers = {"content-type": "text/html; charset=utf-8"}
        if "set-cookie" in response.headers:
            headers["set-cookie"] = response.headers["set-cookie"]
        route.fulfill(
            headers=headers,
            body=f'<!doctype html><meta http-equiv="refresh" content="0; url={escape(target)}">',
        )

    def provider(route):
        reached.append(route.request.url)
        route.fulfill(
            content_type="text/html; charset=utf-8",
            body="<!doctype html><title>Paiement</title><h1>Page de paiement</h1>",
        )

    page.route(lambda url: urlsplit(url).path in clicks, through_newsroom)
    page.route(f"{host}/**", provider)
    return reached


# YouTube's privacy-enhanced player, as the tests answer it (page.route()): never fetched.
VIDEO_PLAYER_HOST = "https://www.youtube-nocookie.com"


def serve_video_player(page):
    """Answer YouTube's privacy-enhanced player inside the browser with a small page of its own,
    so that a frame loads without anything leaving the machine; return the list of the player's
    addresses the page asked for."""
    reached = []

    def player(route):
        reached.append(route.request.url)
        route.fulfill(
            content_type="text/html; charset=utf-8",
            body=(
                '<!doctype html><html lang="fr"><title>Lecteur vidéo</title>'
                "<h1>Lecteur vidéo</h1><p>La vidéo se lit ici.</p></html>"
            ),
        )

    page.route(f"{VIDEO_PLAYER_HOST}/**", player)
    return reached


def pick_section(page, name):
    """Chooses the article's section in its autocomplete field, by typing part of its name."""
    page.locator("#id_section + .select2").click()
    page.locator(".select2-search__field").fill(name[:3])
    page.locator(".select2-results__option", has_text=name).click()


def leave_page(page):
    """What the browser tells a page it is leaving (a closed tab, another address): its
    `pagehide` event, on which the desk's autosave goes out (static/desk/autosave.js)."""
    page.evaluate("window.dispatchEvent(new PageTransitionEvent('pagehide'))")


def wait_for(condition, *, attempts=100):
    """Waits, a tenth of a second at a time, for `condition()` (a look at the database) to
    hold: what the browser sent on its own reaches the server in its own time."""
    import time

    for _attempt in range(attempts):
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError("the condition never held")


def send_comment(page, name, text):
    """Fill the comment form the page shows (a comment or a reply) and send it, past the
    captcha and the minimum typing time."""
    form = comment_form(page)
    form.get_by_label("Nom", exact=True).fill(name)
    form.get_by_role("textbox", name="Commentaire").fill(text)
    form.get_by_label("Recopiez les caractères de l'image").fill(captcha_answer(page))
    take_time_over_the_comment(page)
    form.get_by_role("button", name="Envoyer mon commentaire").click()


def answer_from_the_queue(page, live_server, comment_text, answer):
    """A member of staff who answers readers (logged in on `page`) answers the published comment
    that says `comment_text`, from the moderation queue, as the newsroom."""
    page.goto(f"{live_server.url}/admin/comments/comment/?status=approved")
    # Not the rows of its answers, which quote it.
    quoted = page.locator(".comment-parent", has_text=comment_text)
    row = page.locator("#result_list tbody tr", has_text=comment_text, has_not=quoted)
    row.get_by_role("link", name="Répondre", exact=True).click()
    expect(page.locator(".comment-answered")).to_contain_text(comment_text)
    page.get_by_label("Répondre au nom de la rédaction").fill(answer)
    page.get_by_role("button", name="Publier la réponse").click()


def report_comment(comment, author, reason, note=""):
    """Report `comment` (its place on the article page) by `author` from its "Signaler" link, on
    the report's own page, giving `reason` (its label) and `note`."""
    page = comment.page
    comment.get_by_role("link", name=f"Signaler le commentaire de {author}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Signaler un commentaire")
    expect(page.locator(".report-page__comment figcaption")).to_have_text(author)
    page.get_by_label(reason, exact=True).check()
    if note:
        page.get_by_label("Quelque chose à ajouter ? (facultatif)").fill(note)
    page.get_by_role("button", name="Envoyer le signalement").click()


def run_background_jobs():
    """What the worker (`manage.py db_worker`) does between two steps: run every job queued so
    far, the emails among them, then stop."""
    from io import StringIO

    from django.core.management import call_command

    call_command("db_worker", batch=True, startup_delay=False, reload=False, stdout=StringIO())
