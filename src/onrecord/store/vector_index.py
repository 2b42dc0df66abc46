"""An approximate nearest-neighbour index of the stored embeddings (usearch HNSW).

The database holds every vector; the index is derived data, kept in a file
beside the database so it need not be rebuilt on every start. Its keys are
annotation ids, which the store never reuses, so the pair (number of
vectors, largest id) tells whether index and database hold the same set: an
added vector raises the largest id, a removed one lowers the count. When
they differ the index is brought up to date — missing vectors added in id
order, vanished ones removed — and saved.

Insertion uses one thread, so the same database gives the same graph and the
same answers. Callers re-score what the index returns with exact cosines
from the database, so a similarity shown to a user is never approximate.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Fingerprint", "VectorIndex"]

Fingerprint = tuple[int, int]  # (how many vectors, largest id)
_CONNECTIVITY = 16
_EXPANSION_ADD = 128
# Candidates the search keeps while walking the graph. At 1M synthetic vectors
# (bench/bench_ann.py) 96 gave recall@10 0.961; the figure for this value is in
# docs/benchmarks.md.
_EXPANSION_SEARCH = 200
_ADD_BATCH = 20_000


class VectorIndex:
    """Embeddings of one store, searchable by cosine similarity."""

    def __init__(self, path: Path | None, dimensions: int) -> None:
        self.path = path
        self.dimensions = dimensions
        self._index: Any = None
        self._fingerprint: Fingerprint = (0, 0)

    def _new(self) -> Any:
        from usearch.index import Index

        return Index(
            ndim=self.dimensions,
            metric="cos",
            dtype="i8",
            connectivity=_CONNECTIVITY,
            expansion_add=_EXPANSION_ADD,
            expansion_search=_EXPANSION_SEARCH,
        )

    def _load(self) -> None:
        if self._index is not None:
            return
        self._index = self._new()
        meta = self._meta_path()
        if self.path is not None and self.path.is_file() and meta is not None and meta.is_file():
            try:
                self._index.load(str(self.path))
                count, largest = json.loads(meta.read_text(encoding="utf-8"))["fingerprint"]
                self._fingerprint = (int(count), int(largest))
            except (OSError, ValueError, KeyError, RuntimeError):
                # A damaged or foreign file: it is derived data, so start afresh.
                self._index = self._new()
                self._fingerprint = (0, 0)

    def _meta_path(self) -> Path | None:
        return None if self.path is None else self.path.with_name(self.path.name + ".json")

    def sync(
        self,
        fingerprint: Fingerprint,
        all_ids: Callable[[], npt.NDArray[np.int64]],
        vectors: Callable[[Sequence[int]], npt.NDArray[np.int8]],
        threads: int = 1,
    ) -> None:
        """Make the index hold exactly the database's vectors, if it does not already.

        One thread by default, so a database always gives the same graph;
        more build faster (benchmarks) at the cost of that guarantee.
        """
        self._load()
        if fingerprint == self._fingerprint:
            return
        wanted = all_ids()
        held = np.fromiter(iter(self._index.keys), dtype=np.int64, count=len(self._index))
        stale = np.setdiff1d(held, wanted, assume_unique=True)
        if stale.size:
            self._index.remove(stale.tolist())
        missing = np.setdiff1d(wanted, held, assume_unique=True)
        for begin in range(0, missing.size, _ADD_BATCH):
            keys = missing[begin : begin + _ADD_BATCH]
            self._index.add(keys, vectors(keys.tolist()), threads=threads)
        self._fingerprint = fingerprint
        self._save()

    def _save(self) -> None:
        meta = self._meta_path()
        if self.path is None or meta is None:
            return
        # Write to temporary names and rename: a crash leaves the old pair or
        # the new pair, and a mismatched pair is only a rebuild.
        temporary = self.path.with_name(self.path.name + ".tmp")
        self._index.save(str(temporary))
        temporary.replace(self.path)
        meta.write_text(json.dumps({"fingerprint": list(self._fingerprint)}), encoding="utf-8")

    @property
    def expansion(self) -> int:
        """Candidates kept while searching: more is slower and finds more of the true nearest."""
        self._load()
        return int(self._index.expansion_search)

    @expansion.setter
    def expansion(self, value: int) -> None:
        self._load()
        self._index.expansion_search = value

    def search(self, query: npt.NDArray[np.int8], count: int) -> list[int]:
        """Ids of up to ``count`` nearest vectors, nearest first."""
        self._load()
        if len(self._index) == 0 or count <= 0:
            return []
        matches = self._index.search(query, min(count, len(self._index)), threads=1)
        return [int(key) for key in matches.keys]
