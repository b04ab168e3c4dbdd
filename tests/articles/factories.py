"""Factories for the articles app: used by the tests and by the demo content."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from articles.models import Article, AuthorProfile, Section
from staff import roles
from tests.photos.factories import PhotoFactory


class UserFactory(DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        # The role factories' groups need no second save.
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("password")


class StaffUserFactory(UserFactory):
    is_staff = True


def in_role(name):
    """Puts the new account in a role's group (staff/roles.py), as the demo's accounts are."""

    def join(user, create, extracted, **kwargs):
        if create:
            user.groups.add(Group.objects.get(name=name))

    return factory.PostGeneration(join)


class JournalistFactory(StaffUserFactory):
    role = in_role(roles.JOURNALIST)


class EditorFactory(StaffUserFactory):
    role = in_role(roles.EDITOR)


class ModeratorFactory(StaffUserFactory):
    role = in_role(roles.MODERATOR)


class SuperuserFactory(StaffUserFactory):
    is_superuser = True


class AuthorProfileFactory(DjangoModelFactory):
    class Meta:
        model = AuthorProfile
        django_get_or_create = ["user"]

    user = factory.SubFactory(StaffUserFactory)
    job_title = "Journaliste"
    bio = factory.Faker("paragraph", nb_sentences=3, locale="fr_FR")


class SectionFactory(DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Rubrique {n}")
    slug = factory.Sequence(lambda n: f"rubrique-{n}")


class ArticleFactory(DjangoModelFactory):
    """A draft."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Article numéro {n}")
    slug = factory.Sequence(lambda n: f"article-{n}")
    standfirst = factory.Faker("sentence", nb_words=16, locale="fr_FR")
    body = factory.LazyFunction(lambda: "<p>Un paragraphe.</p><h2>Un intertitre</h2><p>Suite.</p>")
    section = factory.SubFactory(SectionFactory)
    author = factory.SubFactory(StaffUserFactory)
    status = Article.Status.DRAFT

    class Params:
        # `ArticleFactory(with_image=True)`: a lead photo from the library (tests/photos).
        with_image = factory.Trait(photo=factory.SubFactory(PhotoFactory))

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.add(*extracted)


class InReviewArticleFactory(ArticleFactory):
    status = Article.Status.IN_REVIEW


class PublishedArticleFactory(ArticleFactory):
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))


class ScheduledArticleFactory(ArticleFactory):
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
