"""Compact, immutable maps from name keys to place numbers.

The world layer has about 700,000 distinct name keys. Held as Python dicts
they cost ~150 MB of memory and most of a second to unpickle; here the keys
live in a `marisa-trie <https://github.com/pytries/marisa-trie>`_ (a few MB,
loaded in milliseconds, looked up in C) and the values in NumPy arrays
indexed by the trie's key id.

* :class:`KeyTable` maps a key to a tuple of place numbers (CSR layout).
* :class:`KeyInts` maps a key to one integer.
* :class:`KeyStack` reads several key tables as one, each shifted by the
  place-number offset of its segment (used to stack user layers over the
  cached default index without rebuilding it).

Example:
    >>> t = KeyTable.build({"qamishli": [3, 7], "hasakah": [5]})
    >>> t.get("qamishli"), t.get("nowhere"), "hasakah" in t, len(t)
    ((3, 7), (), True, 2)
    >>> KeyInts.build({"deir": 3}).get("deir")
    3
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence

import marisa_trie
import numpy as np

__all__ = ["KeyInts", "KeyStack", "KeyTable"]


def _trie(keys: Iterable[str]) -> marisa_trie.Trie:
    return marisa_trie.Trie(list(keys))


class _TrieKeys:
    """Membership, iteration and size of a map whose keys live in ``self._trie``."""

    __slots__ = ()
    _trie: marisa_trie.Trie

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and key in self._trie

    def __iter__(self) -> Iterator[str]:
        return iter(self._trie.keys())

    def __len__(self) -> int:
        return len(self._trie)

    def prefixes(self, text: str) -> list[str]:
        """The keys that ``text`` starts with (one walk down the trie).

        Example:
            >>> KeyInts.build({"al": 1, "al walid": 2, "walid": 3}).prefixes("al walid crossing")
            ['al', 'al walid']
        """
        return self._trie.prefixes(text)


class KeyTable(_TrieKeys, Mapping[str, tuple[int, ...]]):
    """Key → tuple of place numbers, stored as a trie plus CSR arrays."""

    __slots__ = ("_members", "_offsets", "_trie")

    def __init__(self, trie: marisa_trie.Trie, offsets: np.ndarray, members: np.ndarray) -> None:
        self._trie = trie
        self._offsets = offsets
        self._members = members

    @classmethod
    def build(cls, mapping: Mapping[str, Sequence[int]]) -> "KeyTable":
        """Freeze ``mapping``; keys with no members are dropped."""
        items = {k: v for k, v in mapping.items() if len(v)}
        trie = _trie(items)
        counts = np.zeros(len(trie) + 1, dtype=np.int64)
        ordered: list[Sequence[int]] = [()] * len(trie)
        for key, members in items.items():
            kid = trie[key]
            ordered[kid] = members
            counts[kid + 1] = len(members)
        offsets = np.cumsum(counts).astype(np.int64)
        flat = [i for members in ordered for i in members]
        return cls(trie, offsets, np.asarray(flat, dtype=np.int32))

    def get(self, key: str, default: tuple[int, ...] = ()) -> tuple[int, ...]:  # type: ignore[override]
        kid = self._trie.get(key)
        if kid is None:
            return default
        return tuple(self._members[self._offsets[kid] : self._offsets[kid + 1]].tolist())

    def __getitem__(self, key: str) -> tuple[int, ...]:
        found = self.get(key, None)  # type: ignore[arg-type]
        if found is None:
            raise KeyError(key)
        return found

    def shifted(self, offset: int) -> "KeyTable":
        """The same table with every place number increased by ``offset``."""
        return KeyTable(self._trie, self._offsets, self._members + np.int32(offset))


class KeyInts(_TrieKeys, Mapping[str, int]):
    """Key → one integer (token widths, place ids → place numbers)."""

    __slots__ = ("_trie", "_values")

    def __init__(self, trie: marisa_trie.Trie, values: np.ndarray) -> None:
        self._trie = trie
        self._values = values

    @classmethod
    def build(cls, mapping: Mapping[str, int], dtype: type = np.int32) -> "KeyInts":
        trie = _trie(mapping)
        values = np.zeros(len(trie), dtype=dtype)
        for key, value in mapping.items():
            values[trie[key]] = value
        return cls(trie, values)

    def get(self, key: str, default: int | None = None) -> int | None:  # type: ignore[override]
        kid = self._trie.get(key)
        return default if kid is None else int(self._values[kid])

    def __getitem__(self, key: str) -> int:
        kid = self._trie.get(key)
        if kid is None:
            raise KeyError(key)
        return int(self._values[kid])

    def shifted(self, offset: int) -> "KeyInts":
        """The same map with every value increased by ``offset``."""
        return KeyInts(self._trie, self._values + self._values.dtype.type(offset))


class KeyStack(Mapping):
    """Several key maps read as one: tuples are concatenated, integers combined.

    ``combine`` merges the integer values of :class:`KeyInts` parts (``max``
    for token widths, "first wins" for ids); ``refine`` may filter a merged
    tuple (the gazetteer uses it to hide world rows that a user row of the
    same name shadows).
    """

    def __init__(
        self,
        parts: Sequence[Mapping],
        *,
        combine: Callable[[int, int], int] | None = None,
        refine: Callable[[list[tuple[int, ...]]], tuple[int, ...]] | None = None,
    ) -> None:
        self._parts = tuple(parts)
        self._combine = combine
        self._refine = refine

    def get(self, key, default=None):  # type: ignore[override]
        found = [got for part in self._parts if (got := part.get(key)) not in (None, ())]
        if not found:
            return () if default is None and self._combine is None else default
        if self._combine is not None:
            value = found[0]
            for other in found[1:]:
                value = self._combine(value, other)
            return value
        if len(found) == 1:
            return found[0]
        if self._refine is not None:
            return self._refine(found)
        return tuple(i for part in found for i in part)

    def __getitem__(self, key):
        value = self.get(key, None)
        if value is None or value == ():
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return any(key in part for part in self._parts)

    def __iter__(self) -> Iterator[str]:
        seen: set[str] = set()
        for part in self._parts:
            for key in part:
                if key not in seen:
                    seen.add(key)
                    yield key

    def __len__(self) -> int:
        return sum(1 for _ in self)

    def __bool__(self) -> bool:
        return any(len(part) for part in self._parts)

    def prefixes(self, text: str) -> list[str]:
        """The keys of any part that ``text`` starts with."""
        return sorted({key for part in self._parts for key in part.prefixes(text)}, key=len)
