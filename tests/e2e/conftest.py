"""Browser tests: Debian's Chromium driven by Playwright against a live server.

Run with `make e2e`, which installs Chromium (from Debian) and axe-core (from npm) when missing.
"""

import os
from pathlib import Path

import pytest
from django.core.files.base import ContentFile

from tests.articles.factories import PublishedArticleFactory, SectionFactory, StaffUserFactory
from tests.donations.factories import DonationPromptFactory
from tests.photos.factories import PhotoFactory

from .steps import DESKTOP, DONATION_HOST, draw_photo

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    # Playwright's sync API runs an event loop in the test's thread; the ORM calls the tests
    # make there are still synchronous and safe. Set here, not at import, so that only browser
    # runs carry it (`check --deploy` warns about it).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run `make e2e`, which installs it.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                # Nothing leaves the machine: every host but the live server fails to resolve.
                # Tests that follow a link elsewhere answer it themselves with page.route().
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def reader_user_agent(browser):
    # Headless Chromium says "HeadlessChrome", which the view counter rightly takes for a robot.
    # Readers use the ordinary browser, so the tests present its user agent.
    return (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{browser.version} Safari/537.36"
    )


@pytest.fixture
def new_page(browser, reader_user_agent):
    """Open a page in a fresh browser context: its own cookies, as another person would."""
    contexts = []

    def open_page(*, viewport=DESKTOP, locale="fr-FR", **options):
        context = browser.new_context(
            viewport=viewport, locale=locale, user_agent=reader_user_agent, **options
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def axe():
    """Run axe-core on a page; return the serious and critical violations."""

    source = AXE_JS.read_text()

    def check(page):
        # Evaluated through the DevTools protocol, so the page's strict CSP stays on.
        page.evaluate(source)
        result = page.evaluate("async () => await axe.run(document)")
        return [
            violation
            for violation in result["violations"]
            if violation["impact"] in {"serious", "critical"}
        ]

    return check


@pytest.fixture
def screenshot():
    def take(page, name, **kwargs):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), **kwargs)

    return take


@pytest.fixture
def article():
    """The story of the reader journeys: a photo with caption and credit, a subheading, a
    donation prompt for every section, and the comment policy as a newsroom runs it."""
    DonationPromptFactory(
        heading="Soutien",
        message="Soutenez L'Écho du Val à partir de seulement {minimum}.",
        destination_url=f"{DONATION_HOST}/echo-du-val",
        amount_parameter="montant",
        suggested_amounts="5, 10, 20",
    )
    return PublishedArticleFactory(
        section=SectionFactory(name="Vie locale", slug="vie-locale"),
        author=StaffUserFactory(username="claire", first_name="Claire", last_name="Mercier"),
        title="La passerelle du moulin rouvre après deux ans de travaux",
        standfirst="Fermée depuis la crue, elle relie de nouveau les deux rives du bourg.",
        body=(
            "<p>Les piétons et les cyclistes retrouvent leur raccourci dès ce matin : la "
            "passerelle du moulin, fermée depuis la crue de l'hiver 2024, a rouvert à 7 heures.</p>"
            "<p>La mairie annonce une inauguration samedi, avec les écoles du bourg.</p>"
            "<h2>Un chantier plus long que prévu</h2>"
            "<p>Les deux piles ont dû être reprises en entier, et le tablier remplacé par un "
            "platelage de chêne local. Le coût final dépasse d'un tiers le budget voté.</p>"
        ),
        photo=PhotoFactory(
            image=ContentFile(draw_photo(), name="passerelle.jpg"),
            caption="La passerelle vue depuis la rive gauche, au matin de la réouverture.",
            credit="Claire Mercier",
            alt_text="Une passerelle de bois au-dessus d'une rivière",
        ),
    )
