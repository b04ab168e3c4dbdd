import pytest

from articles.factories import PublishedArticleFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_home_page_in_a_real_browser(live_server, page, axe):
    article = PublishedArticleFactory(title="La passerelle rouvre")

    page.goto(live_server.url + "/")

    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_role("link", name=article.title).first.click()
    assert page.locator("h1").inner_text() == article.title
    assert axe(page) == []
