import pytest

from staff import roles
from tests.articles.factories import UserFactory

from .people import member


@pytest.fixture
def people(db):
    """One account per role, in its group exactly as the demo makes them."""
    return {
        "journalist": member("claire", roles.JOURNALIST),
        "editor": member("hugo", roles.EDITOR),
        "moderator": member("nadia", roles.MODERATOR),
        "superuser": UserFactory(username="admin", is_staff=True, is_superuser=True),
    }


@pytest.fixture
def colleague(db):
    """Another journalist, whose articles the actor did not write."""
    return member("louis", roles.JOURNALIST)
