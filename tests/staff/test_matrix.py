"""Who may do what, proved with the requests a browser (or someone forging one) would send.

Every cell of roles × actions posts a real admin request (change forms, workflow buttons, actions,
bulk actions, deletes, revision restores, moderation clicks) and checks what happened in the
database, not which buttons were shown. `matrix_markdown()` prints the same table for the README.
"""

import datetime
from pathlib import Path

import pytest
import reversion
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Article, Section
from comments.models import Comment, ModerationPolicy
from donations.models import DonationPrompt
from pages.models import Page
from photos.models import Photo
from tests.articles.factories import (
    ArticleFactory,
    InReviewArticleFactory,
    PublishedArticleFactory,
    SectionFactory,
)
from tests.comments.factories import ApprovedCommentFactory, PendingCommentFactory
from tests.donations.factories import DonationPromptFactory
from tests.pages.factories import PublishedPageFactory
from tests.photos.factories import PhotoFactory
from tests.photos.images import jpeg_bytes

from .people import ROLES

pytestmark = pytest.mark.django_db

ARTICLES = reverse("admin:articles_article_changelist")
COMMENTS = reverse("admin:comments_comment_changelist")
PROMPTS = reverse("admin:donations_donationprompt_changelist")


def change_url(obj):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])


def delete_url(obj):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_delete", args=[obj.pk])


def article_data(article, **overrides):
    """What the article's change form posts, as a browser would send it."""
    when = timezone.localtime(article.published_at) if article.published_at else None
    data = {
        "title": article.title,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "photo_alt": "",
        "photo_caption": "",
        "photo_credit": "",
        "section": article.section_id,
        "author": article.author_id,
        "tags": "",
        "published_at_0": when.strftime("%d/%m/%Y") if when else "",
        "published_at_1": when.strftime("%H:%M:%S") if when else "",
        "comments_open": "on",
        "language": "fr",
        "version_token": article.version_token,
    }
    data.update(overrides)
    return data


def tomorrow():
    return timezone.localtime() + datetime.timedelta(days=1)


def reload(obj):
    return type(obj)._base_manager.filter(pk=obj.pk).first()


def bulk(client, url, action, objects, **extra):
    return client.post(
        url, {"action": action, "_selected_action": [o.pk for o in objects], **extra}
    )


# --- The actions: each posts its request and says whether it took effect. --------------------


def view_articles(client, me, colleague):
    return client.get(ARTICLES).status_code == 200


def add_article(client, me, colleague):
    section = SectionFactory()
    client.post(
        reverse("admin:articles_article_add"),
        {
            "title": "Nouvel article",
            "slug": "nouvel-article",
            "standfirst": "",
            "body": "<p>Texte.</p>",
            "photo_alt": "",
            "photo_caption": "",
            "photo_credit": "",
            "section": section.pk,
            "tags": "",
            "published_at_0": "",
            "published_at_1": "",
            "comments_open": "on",
            "language": "fr",
        },
    )
    return Article.objects.filter(slug="nouvel-article", author=me).exists()


def _edit(client, article):
    client.post(change_url(article), article_data(article, title="Titre corrigé"))
    return reload(article).title == "Titre corrigé"


def edit_own_draft(client, me, colleague):
    return _edit(client, ArticleFactory(author=me))


def edit_own_in_review(client, me, colleague):
    return _edit(client, InReviewArticleFactory(author=me))


def edit_own_published(client, me, colleague):
    return _edit(client, PublishedArticleFactory(author=me))


def edit_colleague_draft(client, me, colleague):
    return _edit(client, ArticleFactory(author=colleague))


def post_publication_date(client, me, colleague):
    article = ArticleFactory(author=me)
    date = tomorrow()
    client.post(
        change_url(article),
        article_data(article, published_at_0=date.strftime("%d/%m/%Y"), published_at_1="06:30:00"),
    )
    return reload(article).published_at is not None


def post_status(client, me, colleague):
    article = ArticleFactory(author=me)
    client.post(change_url(article), article_data(article, status="published"))
    return reload(article).status == Article.Status.PUBLISHED


def _button(client, article, step, **overrides):
    client.post(change_url(article), article_data(article, _workflow=step, **overrides))
    return reload(article)


def submit_button(client, me, colleague):
    article = _button(client, ArticleFactory(author=me), "submit_for_review")
    return article.status == Article.Status.IN_REVIEW


def publish_button(client, me, colleague):
    return _button(client, ArticleFactory(author=me), "publish").is_published


def schedule_button(client, me, colleague):
    date = tomorrow()
    article = _button(
        client,
        ArticleFactory(author=me),
        "publish",
        published_at_0=date.strftime("%d/%m/%Y"),
        published_at_1="06:30:00",
    )
    return article.is_scheduled


def unpublish_button(client, me, colleague):
    article = _button(client, PublishedArticleFactory(author=me), "unpublish")
    return article.status == Article.Status.DRAFT


def send_back_button(client, me, colleague):
    # Even on one's own article in review: sending back is an editor's decision.
    article = _button(
        client, InReviewArticleFactory(author=me), "send_back", review_note="À vérifier."
    )
    return article.status == Article.Status.DRAFT


def bulk_submit_own(client, me, colleague):
    article = ArticleFactory(author=me)
    bulk(client, ARTICLES, "submit_for_review", [article])
    return reload(article).status == Article.Status.IN_REVIEW


def bulk_submit_colleague(client, me, colleague):
    article = ArticleFactory(author=colleague)
    bulk(client, ARTICLES, "submit_for_review", [article])
    return reload(article).status == Article.Status.IN_REVIEW


def bulk_publish(client, me, colleague):
    article = InReviewArticleFactory(author=me)
    bulk(client, ARTICLES, "publish", [article])
    return reload(article).status == Article.Status.PUBLISHED


def bulk_unpublish(client, me, colleague):
    article = PublishedArticleFactory(author=colleague)
    bulk(client, ARTICLES, "unpublish", [article])
    return reload(article).status == Article.Status.DRAFT


def bulk_send_back(client, me, colleague):
    article = InReviewArticleFactory(author=colleague)
    bulk(client, ARTICLES, "send_back", [article])
    return reload(article).status == Article.Status.DRAFT


def delete_article(client, me, colleague):
    article = ArticleFactory(author=me)
    client.post(delete_url(article), {"post": "yes"})
    return reload(article) is None


def bulk_delete_articles(client, me, colleague):
    article = ArticleFactory(author=me)
    bulk(client, ARTICLES, "delete_selected", [article], post="yes")
    return reload(article) is None


def restore_revision(client, me, colleague):
    article = ArticleFactory(author=me, title="Titre d'origine")
    with reversion.create_revision():
        article.save()
    article.title = "Titre modifié"
    with reversion.create_revision():
        article.save()
    from reversion.models import Version

    oldest = Version.objects.get_for_object(article).last()
    url = reverse("admin:articles_article_revision", args=[article.pk, oldest.pk])
    client.post(url, article_data(reload(article), title="Titre d'origine", version_token=""))
    return reload(article).title == "Titre d'origine"


def add_section(client, me, colleague):
    client.post(
        reverse("admin:articles_section_add"),
        {"name": "Sports", "slug": "sports", "description": "", "order": "0"},
    )
    return Section.objects.filter(slug="sports").exists()


def add_tag(client, me, colleague):
    client.post(
        reverse("admin:taggit_tag_add"),
        {
            "name": "élections",
            "slug": "elections",
            "taggit_taggeditem_items-TOTAL_FORMS": "0",
            "taggit_taggeditem_items-INITIAL_FORMS": "0",
        },
    )
    return Tag.objects.filter(slug="elections").exists()


def add_prompt(client, me, colleague):
    client.post(
        reverse("admin:donations_donationprompt_add"),
        {
            "name": "Campagne de Noël",
            "heading": "Soutien",
            "message": "Soutenez-nous dès {minimum}.",
            "minimum_amount": "3",
            "currency": "EUR",
            "suggested_amounts": "3, 10, 25",
            "button_label": "Donner",
            "destination_url": "https://dons.example.org/noel",
            "amount_parameter": "montant",
            "is_active": "on",
            "starts_at_0": "01/12/2026",
            "starts_at_1": "00:00",
            "ends_at_0": "",
            "ends_at_1": "",
            "weight": "1",
            "placement": "after_body",
            "paragraph_number": "",
            "section_stats-TOTAL_FORMS": "0",
            "section_stats-INITIAL_FORMS": "0",
        },
    )
    return DonationPrompt.objects.filter(name="Campagne de Noël").exists()


def _page_data(**overrides):
    return {
        "title": "Mentions légales",
        "slug": "mentions-legales",
        "body": "<p>Éditeur : L'Écho du Val.</p>",
        "language": "fr",
        "is_published": "on",
        "show_in_footer": "on",
        "order": "1",
        **overrides,
    }


def add_page(client, me, colleague):
    client.post(reverse("admin:pages_page_add"), _page_data())
    return Page.objects.filter(slug="mentions-legales", show_in_footer=True).exists()


def change_page(client, me, colleague):
    page = PublishedPageFactory(title="À propos", slug="a-propos")
    client.post(
        reverse("admin:pages_page_change", args=[page.pk]),
        _page_data(title="Qui sommes-nous", slug="a-propos"),
    )
    return reload(page).title == "Qui sommes-nous"


def bulk_switch_off_prompts(client, me, colleague):
    prompt = DonationPromptFactory(is_active=True)
    bulk(client, PROMPTS, "deactivate", [prompt])
    return not reload(prompt).is_active


def _decide(client, decision):
    comment = PendingCommentFactory()
    client.post(reverse("admin:comments_comment_decide", args=[comment.pk, decision]))
    return reload(comment).status


def approve_comment(client, me, colleague):
    return _decide(client, "approve") == Comment.Status.APPROVED


def reject_comment(client, me, colleague):
    return _decide(client, "reject") == Comment.Status.REJECTED


def spam_comment(client, me, colleague):
    return _decide(client, "spam") == Comment.Status.SPAM


def bulk_approve_comments(client, me, colleague):
    comment = PendingCommentFactory()
    bulk(client, COMMENTS, "approve_selected", [comment])
    return reload(comment).status == Comment.Status.APPROVED


def fix_comment_typo(client, me, colleague):
    comment = PendingCommentFactory(text="Merci pour cet aticle.")
    client.post(
        change_url(comment),
        {
            "name": comment.name,
            "email": comment.email,
            "text": "Merci pour cet article.",
            "status": comment.status,
        },
    )
    return reload(comment).text == "Merci pour cet article."


def see_comment_ip(client, me, colleague):
    comment = PendingCommentFactory(ip_address="198.51.100.77")
    response = client.get(change_url(comment))
    return response.status_code == 200 and "198.51.100.77" in response.content.decode()


def answer_from_queue(client, me, colleague):
    comment = ApprovedCommentFactory()
    client.post(
        reverse("admin:comments_comment_answer", args=[comment.pk]),
        {"text": "La rédaction vous répond."},
    )
    return Comment.objects.filter(parent=comment, by_newsroom=True, status="approved").exists()


def answer_on_article_page(client, me, colleague):
    comment = ApprovedCommentFactory()
    client.post(reverse("comments:answer", args=[comment.pk]), {"text": "La rédaction répond."})
    return Comment.objects.filter(parent=comment, by_newsroom=True, status="approved").exists()


def delete_comment(client, me, colleague):
    comment = PendingCommentFactory()
    client.post(delete_url(comment), {"post": "yes"})
    return reload(comment) is None


def change_policy(client, me, colleague):
    policy = ModerationPolicy.load()
    client.post(
        change_url(policy),
        {
            "hold_all": "on",
            "max_links": "7",
            "moderation_words": "",
            "disallowed_words": "",
            "use_honeypot": "on",
            "min_seconds_to_submit": "5",
            "close_after_days": "90",
            "rate_limit_count": str(policy.rate_limit_count),
            "rate_limit_minutes": str(policy.rate_limit_minutes),
            "report_threshold": str(policy.report_threshold),
            "personal_report_threshold": str(policy.personal_report_threshold),
            "reports_per_hour": str(policy.reports_per_hour),
        },
    )
    return ModerationPolicy.load().max_links == 7


def upload_photo(client, me, colleague):
    client.post(
        reverse("admin:photos_photo_add"),
        {
            "image": SimpleUploadedFile("halle.jpg", jpeg_bytes()),
            "alt_text": "La halle un samedi matin",
            "caption": "",
            "credit": "",
            "source": "",
        },
    )
    return Photo.objects.filter(alt_text="La halle un samedi matin").exists()


def pick_library_photo(client, me, colleague):
    """The library's photos, as the article form's photo field searches them."""
    photo = PhotoFactory(caption="Le marché du jeudi")
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "marché",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "photo",
        },
    )
    return response.status_code == 200 and str(photo.pk) in response.content.decode()


def describe_library_photo(client, me, colleague):
    photo = PhotoFactory(caption="Avant")
    client.post(
        change_url(photo),
        {"alt_text": photo.alt_text, "caption": "Après", "credit": "", "source": ""},
    )
    return reload(photo).caption == "Après"


def delete_unused_photo(client, me, colleague):
    photo = PhotoFactory()
    client.post(delete_url(photo), {"post": "yes"})
    return reload(photo) is None


J, E, M, S = "journalist", "editor", "moderator", "superuser"

#: (what is tried, the request, the roles it succeeds for)
MATRIX = [
    ("Open the article list", view_articles, {J, E, M, S}),
    ("Write a new article", add_article, {J, E, S}),
    ("Edit their own draft (change form)", edit_own_draft, {J, E, S}),
    ("Edit their own article in review", edit_own_in_review, {J, E, S}),
    ("Edit their own published article", edit_own_published, {E, S}),
    ("Edit a colleague's draft", edit_colleague_draft, {E, S}),
    ("Post a publication date in the change form", post_publication_date, {E, S}),
    ("Post a status in the change form", post_status, set()),
    ("“Submit for review” button on their draft", submit_button, {J, E, S}),
    ("“Publish” button on their draft", publish_button, {E, S}),
    ("“Publish” with a future date (schedule)", schedule_button, {E, S}),
    ("“Unpublish” button on their published article", unpublish_button, {E, S}),
    ("“Send back” button on their article in review", send_back_button, {E, S}),
    ("Bulk “submit for review”, their draft", bulk_submit_own, {J, E, S}),
    ("Bulk “submit for review”, a colleague's draft", bulk_submit_colleague, {E, S}),
    ("Bulk “publish”", bulk_publish, {E, S}),
    ("Bulk “unpublish”", bulk_unpublish, {E, S}),
    ("Bulk “send back”", bulk_send_back, {E, S}),
    ("Delete an article", delete_article, {E, S}),
    ("Bulk delete articles", bulk_delete_articles, {E, S}),
    ("Restore an earlier revision", restore_revision, {E, S}),
    ("Upload a photo to the library", upload_photo, {J, E, S}),
    ("Pick a library photo for an article", pick_library_photo, {J, E, S}),
    ("Change a library photo's description", describe_library_photo, {E, S}),
    ("Delete an unused library photo", delete_unused_photo, {E, S}),
    ("Add a section", add_section, {E, S}),
    ("Add a tag", add_tag, {E, S}),
    ("Add a donation prompt", add_prompt, {E, S}),
    ("Bulk switch off donation prompts", bulk_switch_off_prompts, {E, S}),
    ("Add a site page (“Mentions légales”)", add_page, {E, S}),
    ("Change a site page", change_page, {E, S}),
    ("Approve a comment (row button)", approve_comment, {M, S}),
    ("Reject a comment (row button)", reject_comment, {M, S}),
    ("Mark a comment as spam (row button)", spam_comment, {M, S}),
    ("Bulk approve comments", bulk_approve_comments, {M, S}),
    ("Fix a typo in a comment", fix_comment_typo, {M, S}),
    ("See a commenter's IP address", see_comment_ip, {M, S}),
    ("Answer a reader as the newsroom (queue)", answer_from_queue, {J, E, M, S}),
    ("Answer a reader as the newsroom (article page)", answer_on_article_page, {J, E, M, S}),
    ("Delete a comment", delete_comment, {S}),
    ("Change the moderation policy", change_policy, {M, S}),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("action", "allowed"),
    [pytest.param(action, allowed, id=action.__name__) for _label, action, allowed in MATRIX],
)
def test_matrix(client, people, colleague, role, action, allowed):
    me = people[role]
    client.force_login(me)

    assert action(client, me, colleague) is (role in allowed)


def matrix_markdown():
    """The table for the README: `python -c "from tests.staff.test_matrix import …"`."""
    names = {J: "Journalist", E: "Editor", M: "Moderator", S: "Superuser"}
    lines = [
        "| Action | " + " | ".join(names[r] for r in ROLES) + " |",
        "|---|" + "---|" * len(ROLES),
    ]
    for label, _action, allowed in MATRIX:
        cells = " | ".join("yes" if role in allowed else "no" for role in ROLES)
        lines.append(f"| {label} | {cells} |")
    return "\n".join(lines)


def test_the_readme_shows_this_table():
    """README's role table is this one: regenerate it with matrix_markdown() when a row changes."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")

    assert matrix_markdown() in readme
