import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertInHTML

from donations.models import DonationPrompt, PromptSectionStat
from tests.articles.factories import SectionFactory, StaffUserFactory
from tests.donations.factories import (
    DonationClickFactory,
    DonationPromptFactory,
    InactivePromptFactory,
    PromptSectionStatFactory,
)

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:donations_donationprompt_changelist")


def editor(*codenames):
    user = StaffUserFactory()
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return user


def test_changelist_shows_impressions_clicks_and_click_through_rate(admin_client):
    prompt = DonationPromptFactory(name="Appel de rentrée")
    PromptSectionStatFactory(prompt=prompt, impressions=1500, clicks=30)
    PromptSectionStatFactory(prompt=prompt, impressions=500, clicks=15)
    DonationPromptFactory(name="Jamais vu")

    response = admin_client.get(CHANGELIST)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<td class="field-impressions">2000</td>' in html
    assert '<td class="field-clicks">45</td>' in html
    assert '<td class="field-rate">2,2 %</td>' in html
    assert '<td class="field-rate">—</td>' in html


def test_changelist_query_count_does_not_grow_with_prompts(admin_client):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(CHANGELIST).status_code == 200
        return len(queries)

    for prompt in DonationPromptFactory.create_batch(2):
        PromptSectionStatFactory(prompt=prompt, impressions=10, clicks=1)
    few = count()
    for prompt in DonationPromptFactory.create_batch(20):
        PromptSectionStatFactory(prompt=prompt, impressions=10, clicks=1)

    assert count() == few


def test_changelist_sorts_by_click_through_rate(admin_client):
    low = DonationPromptFactory(name="Faible")
    PromptSectionStatFactory(prompt=low, impressions=100, clicks=1)
    high = DonationPromptFactory(name="Fort")
    PromptSectionStatFactory(prompt=high, impressions=100, clicks=9)

    response = admin_client.get(CHANGELIST, {"o": "-9"})

    assert [p.name for p in response.context["cl"].result_list] == ["Fort", "Faible"]


def test_change_form_shows_results_per_section(admin_client):
    prompt = DonationPromptFactory()
    PromptSectionStatFactory(
        prompt=prompt, section=SectionFactory(name="Culture"), impressions=200, clicks=5
    )
    PromptSectionStatFactory(prompt=prompt, section=None, impressions=40, clicks=4)

    response = admin_client.get(reverse("admin:donations_donationprompt_change", args=[prompt.pk]))

    html = response.content.decode()
    assert "Résultats par rubrique" in html
    for cell in (
        '<td class="field-place"><p>Culture</p></td>',
        '<td class="field-impressions"><p>200</p></td>',
        '<td class="field-rate"><p>2,5 %</p></td>',
        '<td class="field-place"><p>Page de soutien</p></td>',
        '<td class="field-rate"><p>10,0 %</p></td>',
    ):
        assertInHTML(cell, html)
    assert f'href="/admin/donations/donationprompt/{prompt.pk}/preview/"' in html


def test_editor_creates_and_schedules_a_prompt(admin_client, admin_user):
    section = SectionFactory()
    data = {
        "name": "Campagne de Noël",
        "heading": "Soutien",
        "message": "Soutenez-nous dès {minimum}.",
        "minimum_amount": "3",
        "currency": "EUR",
        "suggested_amounts": "3,10 ,  25",
        "button_label": "Donner",
        "destination_url": "https://dons.example.org/noel",
        "amount_parameter": "montant",
        "is_active": "on",
        "starts_at_0": "01/12/2026",
        "starts_at_1": "00:00",
        "ends_at_0": "31/12/2026",
        "ends_at_1": "23:59",
        "weight": "2",
        "placement": "after_paragraph",
        "paragraph_number": "3",
        "sections": [section.pk],
        "section_stats-TOTAL_FORMS": "0",
        "section_stats-INITIAL_FORMS": "0",
    }

    response = admin_client.post(reverse("admin:donations_donationprompt_add"), data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    prompt = DonationPrompt.objects.get()
    assert prompt.suggested_amounts == "3, 10, 25"
    assert prompt.created_by == admin_user
    assert timezone.localtime(prompt.starts_at).isoformat() == "2026-12-01T00:00:00+01:00"
    assert timezone.localtime(prompt.ends_at).isoformat() == "2026-12-31T23:59:00+01:00"
    assert list(prompt.sections.all()) == [section]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"destination_url": "http://dons.example.org/"}, "destination_url", "https://"),
        ({"suggested_amounts": "1, 10"}, "suggested_amounts", "inférieurs au montant minimum"),
        ({"suggested_amounts": "5, dix"}, "suggested_amounts", "n'est pas un montant"),
        ({"weight": "0"}, "weight", "au moins 1"),
        ({"minimum_amount": "0"}, "minimum_amount", "supérieur à zéro"),
        ({"placement": "after_paragraph"}, "paragraph_number", "après quel paragraphe"),
    ],
)
def test_the_form_explains_mistakes_in_french(admin_client, change, field, message):
    data = {
        "name": "Appel",
        "heading": "Soutien",
        "message": "Merci.",
        "minimum_amount": "5",
        "currency": "EUR",
        "suggested_amounts": "5, 10",
        "button_label": "Donner",
        "destination_url": "https://dons.example.org/",
        "weight": "1",
        "placement": "after_body",
        "section_stats-TOTAL_FORMS": "0",
        "section_stats-INITIAL_FORMS": "0",
        **change,
    }

    response = admin_client.post(reverse("admin:donations_donationprompt_add"), data)

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert message in " ".join(errors[field])
    assert not DonationPrompt.objects.exists()


def test_preview_renders_the_readers_markup_without_counting(admin_client):
    prompt = DonationPromptFactory(
        heading="Soutien",
        message="À partir de {minimum}.",
        destination_url="https://dons.example.org/val",
        amount_parameter="montant",
    )

    response = admin_client.get(prompt.get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert [t.name for t in response.templates][:2] == [
        "donations/preview.html",
        "base.html",
    ]
    assert "donations/includes/prompt.html" in [t.name for t in response.templates]
    assert f'<h2 class="donation__heading" id="donation-{prompt.pk}-heading">Soutien</h2>' in html
    assert "<p>À partir de 5\xa0€.</p>" in html
    assert 'href="https://dons.example.org/val?montant=10"' in html
    assert html.count("<h1") == 1
    assert not PromptSectionStat.objects.exists()


def test_preview_warns_when_readers_do_not_see_the_prompt(admin_client):
    response = admin_client.get(InactivePromptFactory().get_absolute_url())

    assert "Les lecteurs ne voient pas cet appel en ce moment" in response.content.decode()


def test_preview_needs_permission_to_view_prompts(client):
    prompt = DonationPromptFactory()

    client.force_login(editor())
    assert client.get(prompt.get_absolute_url()).status_code == 403
    client.force_login(editor("view_donationprompt"))
    assert client.get(prompt.get_absolute_url()).status_code == 200


def test_preview_of_an_unknown_prompt_is_a_404(admin_client):
    url = reverse("admin:donations_donationprompt_preview", args=[987654])

    assert admin_client.get(url).status_code == 404


def test_actions_switch_prompts_on_and_off(admin_client):
    prompts = DonationPromptFactory.create_batch(2)

    response = admin_client.post(
        CHANGELIST,
        {"action": "deactivate", "_selected_action": [p.pk for p in prompts]},
        follow=True,
    )

    assert "2 appels désactivés." in response.content.decode()
    assert not DonationPrompt.objects.filter(is_active=True).exists()

    admin_client.post(
        CHANGELIST, {"action": "activate", "_selected_action": [prompts[0].pk]}, follow=True
    )
    assert list(DonationPrompt.objects.filter(is_active=True)) == [prompts[0]]


def test_actions_need_the_change_permission(client):
    client.force_login(editor("view_donationprompt"))

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert 'name="action"' not in response.content.decode()


def test_click_log_is_read_only_and_shows_amounts(admin_client):
    DonationClickFactory(amount=10, prompt__currency="EUR")
    DonationClickFactory(amount=None)
    url = reverse("admin:donations_donationclick_changelist")

    with CaptureQueriesContext(connection) as queries:
        html = admin_client.get(url).content.decode()

    assert "10\xa0€" in html
    assert "sans montant" in html
    assert admin_client.get(reverse("admin:donations_donationclick_add")).status_code == 403
    DonationClickFactory.create_batch(10)
    with CaptureQueriesContext(connection) as more:
        admin_client.get(url)
    assert len(more) == len(queries)
