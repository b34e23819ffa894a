"""Fragments kept in this process's memory (rendered HTML, or other data derived from a version), keyed by
everything they depend on.

Some pages render the same costly fragment on every request from rows that never change in place: a
portret version (an edit makes a new version with a new checksum), a submitted answer with the
passages marked in it (the submission's checksum changes with its text; a new, changed or removed
annotation changes the placements). So the key names every input (version, checksum, placements, the
view) and a change makes a new key instead of needing an invalidation. A value is only ever reused for
an equal key, so it may be shared between users only when the key holds everything that differs
between them; callers treat it as read-only.

Each worker keeps at most ``max_entries`` values per cache; the least recently used goes first.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

T = TypeVar("T")
_ALL: weakref.WeakSet[FragmentCache[Any]] = weakref.WeakSet()


class FragmentCache(Generic[T]):
    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, T] = OrderedDict()
        self._lock = threading.Lock()
        _ALL.add(self)

    def get(self, key: Hashable, render: Callable[[], T]) -> T:
        """The value for ``key``: kept from before, or ``render()`` (outside the lock) and kept."""
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                return self._entries[key]
        value = render()
        with self._lock:
            self._entries[key] = value
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


def forget_all() -> None:
    """Empty every cache of this process. Keys name rows by id, which a new database hands out again: the
    tests call this for each new app (a deployment starts each worker with nothing kept)."""
    for cache in list(_ALL):
        cache.clear()
