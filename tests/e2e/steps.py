"""What people do in the browser, written once for every journey."""

import re

from captcha.models import CaptchaStore
from django.contrib.auth.models import Permission

from articles.factories import StaffUserFactory

PASSWORD = "correct horse battery staple"


def staff_user(username, *permissions):
    """A staff account holding exactly these permissions ("app_label.codename")."""
    user = StaffUserFactory(username=username, password=PASSWORD)
    for permission in permissions:
        app_label, codename = permission.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return user


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#id_password").press("Enter")
    page.wait_for_url(re.compile(r"/admin/$"))


def captcha_answer(page):
    """The right answer to the captcha the page shows, read from the server's own store."""
    hashkey = page.locator("input[name='captcha_0']").input_value()
    return CaptchaStore.objects.get(hashkey=hashkey).response


def comment_form(page):
    return page.locator("#comment-form form")
