from unittest import mock

from django.core.cache import cache

from articles import caching


def test_inside_replacing_versions_once_each_key_is_replaced_once_on_the_way_out():
    before = caching.version("a")
    caching.version("b")

    with (
        mock.patch.object(cache, "set_many", wraps=cache.set_many) as writes,
        caching.replacing_versions_once(),
    ):
        for _ in range(50):
            caching.replace_version("a")
        with caching.replacing_versions_once():
            caching.replace_version("a")
        # Nothing is replaced before the end.
        assert caching.version("a") == before

    writes.assert_called_once()
    assert list(writes.call_args.args[0]) == ["a"]
    assert caching.version("a") != before
    # A key nobody asked for stays as it was.
    assert cache.get("b") == caching.version("b")


def test_outside_it_a_key_is_replaced_at_once():
    before = caching.version("a")

    caching.replace_version("a")

    assert caching.version("a") != before
