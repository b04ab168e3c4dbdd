"""SQLite's writers queue on a file lock (operations/sqlite/base.py): each transaction waits for
the one before to end, however it ends, and no longer than the database's timeout.

Each test opens its own file database: the suite's SQLite database lives in memory, where
only one process can write anyway."""

import fcntl
import threading
import time

import pytest
from django.db import OperationalError, connections, transaction

from operations.sqlite.base import DatabaseWrapper

ALIAS = "writer_lock"


@pytest.fixture
def database(tmp_path, django_db_blocker):
    """Settings for a file database with one table, and a way to open connections to it."""
    settings = {
        **connections.settings["default"],
        "ENGINE": "operations.sqlite",
        "NAME": str(tmp_path / "site.sqlite3"),
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 5},
    }
    opened = []

    def connect(**options):
        wrapper = DatabaseWrapper(
            {**settings, "OPTIONS": {**settings["OPTIONS"], **options}}, alias=ALIAS
        )
        # Registered in this thread only: each thread has its own connections, and closes them.
        connections[ALIAS] = wrapper
        if threading.current_thread() is threading.main_thread():
            opened.append(wrapper)
        return wrapper

    with django_db_blocker.unblock():
        with connect().cursor() as cursor:
            cursor.execute("CREATE TABLE visit (id INTEGER PRIMARY KEY, who TEXT)")
        yield connect
    for wrapper in opened:
        wrapper.close()
    del connections[ALIAS]


def insert(who):
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("INSERT INTO visit (who) VALUES (%s)", [who])


def visitors():
    with connections[ALIAS].cursor() as cursor:
        cursor.execute("SELECT who FROM visit ORDER BY id")
        return [who for (who,) in cursor.fetchall()]


def another_worker_writes(database, who, *, timeout=5):
    """Start another worker (a thread with its own connection) writing `who` in a transaction.
    Returns the thread, and a dict that receives the visitors it then reads, or the error it
    raised, and when it finished."""
    outcome = {}

    def run():
        database(timeout=timeout)
        try:
            with transaction.atomic(using=ALIAS):
                insert(who)
                outcome["visitors"] = visitors()
        except OperationalError as error:
            outcome["error"] = error
        finally:
            outcome["finished"] = time.monotonic()
            connections[ALIAS].close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def finished(thread):
    thread.join(5)
    assert not thread.is_alive()


def test_a_transaction_waits_for_the_one_in_progress_and_sees_its_write(database):
    database()
    with transaction.atomic(using=ALIAS):
        insert("first")
        thread, outcome = another_worker_writes(database, "second")
        time.sleep(0.2)
        assert "finished" not in outcome
        committed = time.monotonic()
    finished(thread)

    assert outcome["visitors"] == ["first", "second"]
    assert outcome["finished"] >= committed


def test_a_rolled_back_transaction_lets_the_next_one_in(database):
    database()

    def failing_request():
        with transaction.atomic(using=ALIAS):
            insert("abandoned")
            raise RuntimeError("the request failed")

    with pytest.raises(RuntimeError):
        failing_request()
    thread, outcome = another_worker_writes(database, "next", timeout=0.5)
    finished(thread)

    assert outcome["visitors"] == ["next"]


def test_a_writer_gives_up_after_the_timeout_then_can_write_again(database):
    database()
    with transaction.atomic(using=ALIAS):
        insert("long")
        thread, outcome = another_worker_writes(database, "never", timeout=0.2)
        finished(thread)

    assert "database is locked" in str(outcome["error"])
    thread, outcome = another_worker_writes(database, "later", timeout=0.2)
    finished(thread)
    assert outcome["visitors"] == ["long", "later"]


def test_a_closed_connection_gives_the_lock_back(database):
    first = database()
    transaction.atomic(using=ALIAS).__enter__()
    insert("interrupted")
    # A worker's connection closed mid-transaction (a timeout, a crash): SQLite rolls back.
    first.close()
    thread, outcome = another_worker_writes(database, "next", timeout=0.5)
    finished(thread)

    assert outcome["visitors"] == ["next"]


def test_an_in_memory_database_has_no_lock_file():
    wrapper = DatabaseWrapper({**connections.settings["default"], "NAME": ":memory:"})

    assert wrapper.lock_path() is None


def is_locked(path):
    """Whether a writer holds the lock file, as another process would find it."""
    with open(path, "a") as lock_file:
        try:
            fcntl.flock(lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(lock_file, fcntl.LOCK_UN)
        return False


def test_the_lock_is_held_from_the_start_of_a_transaction_to_its_end(database):
    wrapper = database()
    with transaction.atomic(using=ALIAS):
        held = is_locked(wrapper.lock_path())
        insert("reader")
        with transaction.atomic(using=ALIAS):  # a savepoint changes nothing
            insert("nested")
        still_held = is_locked(wrapper.lock_path())

    assert (held, still_held) == (True, True)
    assert not is_locked(wrapper.lock_path())
