"""Captcha challenges made ahead, a batch at a time, for article pages shared between readers.

Every article page shows the comment form, and django-simple-captcha stores one challenge per
form shown: one INSERT per reader, built through the ORM. Here a worker stores a batch of
challenges in one INSERT and hands each to exactly one reader, so every reader still gets a
challenge of their own (unlike the library's pool, which shows the same challenge to several
readers). A batch is handed out for a few minutes at most, so a challenge always has nearly
its whole CAPTCHA_TIMEOUT left when a reader gets it. Challenges a worker never handed out
expire and go with `captcha_clean` like any other.
"""

import collections
import datetime
import secrets
import threading

from captcha.conf import settings as captcha_settings
from captcha.models import CaptchaStore
from django.conf import settings
from django.db import transaction
from django.utils import timezone

# How long a batch is handed out: a small part of the challenges' lifetime.
HAND_OUT_FOR = datetime.timedelta(minutes=5)


class ChallengeBatch:
    """The batch grows while readers use up each one before its time is out, and shrinks
    when one expires half unused: a busy page stores a challenge per reader in a few large
    INSERTs, a quiet one wastes few."""

    def __init__(self, smallest, largest):
        self.smallest, self.largest = smallest, largest
        self.size = smallest
        self._keys = collections.deque()
        self._until = None
        self._lock = threading.Lock()

    def clear(self):
        """Hand out nothing stored so far (for a database emptied under a running process,
        as between tests)."""
        with self._lock:
            self._keys.clear()
            self._until = None

    def take(self):
        """The key of a stored challenge that no other reader got."""
        now = timezone.now()
        with self._lock:
            if self._keys and self._until > now:
                return self._keys.popleft()
            if self._until is not None:
                if self._keys and len(self._keys) > self.size // 2:
                    self.size = max(self.smallest, self.size // 2)
                elif not self._keys:
                    self.size = min(self.largest, self.size * 2)
            self._keys.clear()
            size = self.size
        return self._store_batch(now, size)

    def _store_batch(self, now, size):
        expiration = now + datetime.timedelta(minutes=int(captcha_settings.CAPTCHA_TIMEOUT))
        challenges = []
        for _ in range(size):
            challenge, response = captcha_settings.get_challenge()()
            challenges.append(
                CaptchaStore(
                    challenge=challenge,
                    response=response.lower(),
                    hashkey=secrets.token_hex(20),
                    expiration=expiration,
                )
            )
        CaptchaStore.objects.bulk_create(challenges)
        first, *rest = [challenge.hashkey for challenge in challenges]

        def hand_out_the_rest():
            with self._lock:
                self._keys = collections.deque(rest)
                self._until = now + HAND_OUT_FOR

        # Only once they are committed: a rolled-back batch was never stored.
        transaction.on_commit(hand_out_the_rest)
        return first


batch = ChallengeBatch(smallest=10, largest=settings.COMMENTS_CAPTCHA_BATCH)
