"""Every admin page reads as French: titles agreed with the model's name, capitalised labels."""

import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.urls import reverse
from taggit.models import Tag

from comments.models import ModerationPolicy
from desk.titles import AdminTitles, TitledAdmin
from tests.articles.factories import (
    ArticleFactory,
    AuthorProfileFactory,
    ModeratorFactory,
    SectionFactory,
    SuperuserFactory,
    UserFactory,
)
from tests.comments.factories import ApprovedCommentFactory
from tests.donations.factories import DonationClickFactory, DonationPromptFactory
from tests.photos.factories import PhotoFactory

pytestmark = pytest.mark.django_db

#: One object of each model, to open its change and delete pages; other models (a desk's own,
#: say) are tested on their first row, when they have one.
MAKERS = {
    "articles.article": ArticleFactory,
    "articles.section": SectionFactory,
    "articles.authorprofile": AuthorProfileFactory,
    "photos.photo": PhotoFactory,
    "comments.comment": ApprovedCommentFactory,
    "comments.moderationpolicy": ModerationPolicy.load,
    "donations.donationprompt": DonationPromptFactory,
    "donations.donationclick": DonationClickFactory,
    "auth.user": UserFactory,
    "auth.group": lambda: Group.objects.create(name="Pigistes"),
    "taggit.tag": lambda: Tag.objects.create(name="travaux"),
    "axes.accessattempt": lambda: AccessAttempt.objects.create(
        username="x", ip_address="192.0.2.1", failures_since_start=1
    ),
    "axes.accesslog": lambda: AccessLog.objects.create(username="x", ip_address="192.0.2.1"),
    "axes.accessfailurelog": lambda: AccessFailureLog.objects.create(
        username="x", ip_address="192.0.2.1"
    ),
}

#: What Django's French catalogue writes from a model's name, and no French sentence holds.
WRONG = [
    "Ajout de ",
    "Modification de ",
    "Affichage de ",
    " de article",
    "Ajouter article",
    "Ajouter photo",
    "Sélectionnez l’objet",
]

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label_lower)
PAGES = ["add", "change", "changelist", "delete"]


@pytest.fixture
def superuser(client):
    user = SuperuserFactory(username="direction")
    client.force_login(user)
    return user


def page_url(model, page, superuser):
    opts = model._meta
    name = f"admin:{opts.app_label}_{opts.model_name}_{page}"
    if page in {"add", "changelist"}:
        return reverse(name)
    maker = MAKERS.get(opts.label_lower)
    obj = maker() if maker else model._default_manager.first()
    if obj is None:
        pytest.skip(f"no {opts.label} to open")
    return reverse(name, args=[obj.pk])


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label_lower)
def test_no_admin_page_builds_a_wrong_french_title(client, superuser, model, page):
    response = client.get(page_url(model, page, superuser), HTTP_ACCEPT_LANGUAGE="fr", follow=True)
    if response.status_code == 403:
        pytest.skip("the admin does not offer this page")

    assert response.status_code == 200
    html = response.content.decode()
    for wrong in WRONG:
        assert wrong not in html
    for label in re.findall(r"<label[^>]*>\s*([^<\s][^<]*)</label>", html):
        assert not label[0].islower(), label
    headings = re.findall(r"<h1[^>]*>\s*([^<\s][^<]*)<", html) + re.findall(
        r'<h2[^>]*class="fieldset-heading"[^>]*>\s*([^<\s][^<]*)<', html
    )
    for heading in headings:
        assert not heading[0].islower(), heading


@pytest.mark.parametrize(
    ("url", "title"),
    [
        (reverse("admin:articles_article_add"), "Ajouter un article"),
        (reverse("admin:articles_section_add"), "Ajouter une rubrique"),
        (reverse("admin:photos_photo_add"), "Ajouter une photo"),
        (reverse("admin:donations_donationprompt_add"), "Ajouter un appel aux dons"),
        (reverse("admin:auth_user_add"), "Ajouter un utilisateur"),
        (reverse("admin:taggit_tag_add"), "Ajout : Étiquette"),
    ],
)
def test_the_add_page_is_titled_in_a_french_sentence(client, superuser, url, title):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="fr")

    assert f"<h1>{title}</h1>" in response.content.decode()
    assert f"<title>{title} | " in response.content.decode()


def test_the_change_list_names_its_add_button_and_the_change_page_its_object(client, superuser):
    article = ArticleFactory(title="La passerelle rouvre")

    changelist = client.get(reverse("admin:articles_article_changelist")).content.decode()
    change = client.get(reverse("admin:articles_article_change", args=[article.pk]))
    delete = client.get(reverse("admin:articles_article_delete", args=[article.pk]))

    assert re.search(r'class="addlink">\s*Ajouter un article\s*</a>', changelist)
    assert "<h1>Articles</h1>" in changelist
    assert "<h1>Modifier l’article</h1>" in change.content.decode()
    assert "<h1>Supprimer l’article</h1>" in delete.content.decode()
    assert '<h2 id="fieldset-0-1-heading" class="fieldset-heading">Photo</h2>' in (
        change.content.decode()
    )


def test_whoever_may_only_view_reads_a_view_title(client):
    client.force_login(ModeratorFactory())
    article = ArticleFactory()

    response = client.get(reverse("admin:articles_article_change", args=[article.pk]))

    assert "<h1>Consulter l’article</h1>" in response.content.decode()


def test_every_registered_admin_is_titled():
    assert all(
        isinstance(model_admin, TitledAdmin) for model_admin in admin.site._registry.values()
    )


def test_a_model_without_phrases_gets_neutral_ones():
    titles = AdminTitles.neutral(Tag._meta)

    assert str(titles.add) == "Ajout : Étiquette"
    assert str(titles.delete) == "Suppression : Étiquette"
