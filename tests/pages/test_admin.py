import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from pages.models import Page
from tests.articles.factories import StaffUserFactory

from .factories import PageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = StaffUserFactory(username="hugo")
    user.groups.add(Group.objects.get(name="Editor"))
    client.force_login(user)
    return user


def test_an_editor_writes_a_page_and_the_save_records_who(client, editor):
    response = client.post(
        reverse("admin:pages_page_add"),
        {
            "title": "À propos",
            "slug": "a-propos",
            "body": "<p>Trois journalistes.</p><script>x()</script>",
            "language": "fr",
            "is_published": "on",
            "order": "0",
        },
    )

    assert response.status_code == 302
    page = Page.objects.get()
    assert (page.body, page.updated_by) == ("<p>Trois journalistes.</p>", editor)


def test_the_forms_say_what_they_do_and_keep_what_is_typed(client, editor):
    page = PageFactory(title="À propos")

    add = client.get(reverse("admin:pages_page_add")).content.decode()
    change = client.get(reverse("admin:pages_page_change", args=[page.pk])).content.decode()

    assert "<h1>Ajouter une page du site</h1>" in add
    assert "<h1>Modifier la page du site</h1>" in change
    # The desk autosaves the form (KeepsWriting).
    assert "desk/autosave" in add


def test_the_list_runs_the_same_queries_for_one_page_or_twenty(
    client, editor, django_assert_max_num_queries
):
    PageFactory.create_batch(20, updated_by=editor)

    with django_assert_max_num_queries(12):
        response = client.get(reverse("admin:pages_page_changelist"))

    assert response.status_code == 200
