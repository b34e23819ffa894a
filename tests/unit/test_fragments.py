"""The in-memory cache of rendered fragments: a value per key, rendered once, the least recently shown dropped first."""

from __future__ import annotations

from peerreview.fragments import FragmentCache, forget_all


def test_a_value_is_rendered_once_per_key_and_the_least_recently_shown_goes_first():
    cache: FragmentCache[str] = FragmentCache(2)
    rendered: list[str] = []

    def get(key: str) -> str:
        return cache.get(key, lambda: rendered.append(key) or key.upper())

    assert [get("a"), get("b"), get("a")] == ["A", "B", "A"]
    assert rendered == ["a", "b"]
    get("c")  # a third key: "b" was shown least recently
    assert len(cache) == 2
    get("a")
    get("b")
    assert rendered == ["a", "b", "c", "b"]


def test_forget_all_empties_every_cache_of_the_process():
    first: FragmentCache[int] = FragmentCache(4)
    second: FragmentCache[int] = FragmentCache(4)
    first.get("x", lambda: 1)
    second.get("y", lambda: 2)
    forget_all()
    assert (len(first), len(second)) == (0, 0)
    assert first.get("x", lambda: 3) == 3  # computed again
