"""SQLite, with the site's writers queueing on a file lock rather than on SQLite's sleeps.

SQLite lets one connection write at a time. A connection that finds the write lock taken retries
on its busy timeout, sleeping 1, 2, 5, 10, 15, 20, 25… ms between tries whatever the holder does
meanwhile. Every article view is a short write, so under load gunicorn's workers spend part of
their time asleep while the lock is free: two processes committing short transactions as fast
as they can managed 4,500 a second that way, 6,000 to 7,000 queued here (2 CPUs).

Here a transaction first takes an exclusive flock() on a file beside the database, so a writer
waiting for another is let in as soon as that one commits or rolls back. It waits at most the
database's timeout, then fails like SQLite would ("database is locked"). SQLite's own locking
still guards everything (a write outside a transaction, another program): this lock only orders
the transactions that go through it. In-memory databases, and systems without flock(), have
SQLite's locking alone.
"""

import os
import time

from django.db.backends.sqlite3 import base
from django.db.utils import OperationalError

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

#: Longest pause between two tries: a waiting writer rarely waits longer than one transaction.
LONGEST_PAUSE = 0.002


class DatabaseWrapper(base.DatabaseWrapper):
    _lock_file = None  # the lock file's descriptor, open with the connection
    _holds_lock = False

    def lock_path(self):
        """The file whose lock orders writers, or None when they cannot be ordered here."""
        if fcntl is None or self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}-writer.lock"

    def _start_transaction_under_autocommit(self):
        self._take_write_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._release_write_lock()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._release_write_lock()
            if self._lock_file is not None:
                os.close(self._lock_file)
                self._lock_file = None

    def _take_write_lock(self):
        if self._holds_lock:
            return
        if self._lock_file is None:
            path = self.lock_path()
            if path is None:
                return
            self._lock_file = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + self.settings_dict["OPTIONS"].get("timeout", 5)
        pause = 0.0001
        while True:
            try:
                fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise OperationalError("database is locked") from None
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE)
            else:
                self._holds_lock = True
                return

    def _release_write_lock(self):
        if self._holds_lock:
            self._holds_lock = False
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)
