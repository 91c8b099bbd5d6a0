"""A least-recently-used map bounded by weight: the media service's caches of sizes, content
types, small files and image facts."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)


_V = TypeVar("_V")


def _one(_value: object) -> int:
    return 1


class Lru(Generic[_V]):
    """A least-recently-used map holding at most `capacity` of weight (entries, by default).

    Media under a key never change, so entries never go stale; deletions evict explicitly.
    """

    def __init__(self, capacity: int, weigh: Callable[[_V], int] = _one) -> None:
        self.capacity = capacity
        self._weigh = weigh
        self._weight = 0
        self._items: OrderedDict[str, _V] = OrderedDict()

    def get(self, key: str) -> _V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: str, value: _V) -> None:
        self._discard(key)
        self._items[key] = value
        self._weight += self._weigh(value)
        while self._weight > self.capacity and self._items:
            _key, evicted = self._items.popitem(last=False)
            self._weight -= self._weigh(evicted)

    def _discard(self, key: str) -> None:
        value = self._items.pop(key, None)
        if value is not None:
            self._weight -= self._weigh(value)

    def evict_prefix(self, prefix: str) -> None:
        for key in [key for key in self._items if key.startswith(prefix)]:
            self._discard(key)
