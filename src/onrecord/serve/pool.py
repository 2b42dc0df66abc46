"""A few ``Corpus`` handles shared by the server's worker threads.

A ``Corpus`` holds one SQLite connection, and a connection must not run two queries
at once; a single shared handle would serialise every request. Each request leases
a handle for its duration instead, so up to ``size`` queries run side by side (SQLite
in WAL mode lets readers proceed in parallel) and the rest wait their turn.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from onrecord.corpus import Corpus

__all__ = ["CorpusPool"]


class CorpusPool:
    """Up to ``size`` open ``Corpus`` handles on one database, opened on first need."""

    def __init__(self, db_path: str | Path, size: int = 4, speakers: str | Path | None = None):
        if size < 1:
            raise ValueError("a pool needs at least one handle")
        self.db_path = Path(db_path)
        self.speakers = speakers
        self.size = size
        self._free: queue.LifoQueue[Corpus] = queue.LifoQueue()
        self._opened: list[Corpus] = []
        self._lock = threading.Lock()

    def open(self) -> Corpus:
        """A new handle of this pool's database, not shared (the caller closes it)."""
        return Corpus(self.db_path, speakers=self._speakers_in_force())

    def _speakers_in_force(self) -> Path | None:
        """The analyst's table once it exists (a server may start before it is written)."""
        path = Path(self.speakers) if self.speakers else None
        return path if path is not None and path.is_file() else None

    @contextmanager
    def lease(self) -> Iterator[Corpus]:
        """A handle for this thread alone until the block ends."""
        corpus = self._take()
        try:
            yield corpus
        finally:
            self._free.put(corpus)

    def _take(self) -> Corpus:
        try:
            return self._free.get_nowait()
        except queue.Empty:
            pass
        with self._lock:
            if len(self._opened) < self.size:
                corpus = self.open()
                self._opened.append(corpus)
                return corpus
        return self._free.get()

    def reload_speakers(self) -> None:
        """Every open handle takes the analyst's speaker table as it now is on disk."""
        from onrecord.parse.speakers import SpeakerDirectory

        directory = SpeakerDirectory.load(self._speakers_in_force())
        with self._lock:
            for corpus in self._opened:
                corpus.speaker_directory = directory

    def close(self) -> None:
        with self._lock:
            for corpus in self._opened:
                corpus.close()
            self._opened.clear()
            self._free = queue.LifoQueue()
