import random

import pytest

from donations.templatetags import donations as donation_tags


@pytest.fixture
def seeded_draw(monkeypatch):
    """Make the draw between prompts repeatable: a seeded source instead of the system's."""
    monkeypatch.setattr(donation_tags, "rng", random.Random(20241105))
