import pytest

from comments.models import ModerationPolicy
from tests.articles.factories import PublishedArticleFactory


@pytest.fixture
def article(db):
    return PublishedArticleFactory()


@pytest.fixture
def policy(db):
    return ModerationPolicy.load()
