"""Captcha challenges stored a batch at a time for shared article pages."""

import datetime

import pytest
import time_machine
from captcha.models import CaptchaStore
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comments.captcha_batch import HAND_OUT_FOR, ChallengeBatch

pytestmark = pytest.mark.django_db


def test_each_reader_gets_a_stored_challenge_no_one_else_got(django_capture_on_commit_callbacks):
    batch = ChallengeBatch(smallest=5, largest=20)

    with django_capture_on_commit_callbacks(execute=True):
        keys = [batch.take()]
    with CaptureQueriesContext(connection) as queries:
        keys += [batch.take() for _ in range(4)]

    assert len(set(keys)) == 5
    assert len(queries) == 0
    stored = CaptchaStore.objects.filter(hashkey__in=keys)
    assert stored.count() == 5
    lifetime = min(challenge.expiration for challenge in stored) - timezone.now()
    assert lifetime > datetime.timedelta(minutes=55)


def test_a_batch_grows_while_it_runs_out_and_shrinks_when_it_expires_unused(
    django_capture_on_commit_callbacks,
):
    batch = ChallengeBatch(smallest=4, largest=16)

    def use(count):
        # Each reader's request commits on its own.
        for _ in range(count):
            with django_capture_on_commit_callbacks(execute=True):
                batch.take()

    use(4)  # the first batch of 4, used up
    use(1)  # the next one is twice as large
    assert batch.size == 8
    use(8)
    assert batch.size == 16
    use(16)
    assert batch.size == 16  # no larger than largest

    with time_machine.travel(timezone.now() + HAND_OUT_FOR + datetime.timedelta(seconds=1)):
        use(1)
    assert batch.size == 8


def test_a_batch_rolled_back_is_never_handed_out(django_capture_on_commit_callbacks):
    batch = ChallengeBatch(smallest=5, largest=5)

    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                lost = batch.take()
                raise RuntimeError("the request failed")
        except RuntimeError:
            pass
        kept = [batch.take() for _ in range(3)]

    assert not CaptchaStore.objects.filter(hashkey=lost).exists()
    assert CaptchaStore.objects.filter(hashkey__in=kept).count() == 3
