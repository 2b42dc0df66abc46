"""Exports streamed over HTTP: ``onrecord.export`` writes into a queue, the response reads it.

``onrecord.export.export`` writes to a file object; here the file object is a bounded
queue drained by the response, so memory stays constant whatever the corpus size and a
client that goes away stops the export. The export runs on its own Corpus handle (its
cursor lives as long as the stream, longer than a request's lease).
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Iterator
from typing import IO, Any, cast

from onrecord.export import export
from onrecord.serve.pool import CorpusPool

__all__ = ["MEDIA_TYPES", "stream_export"]

MEDIA_TYPES = {
    "jsonl": "application/x-ndjson",
    "csv": "text/csv; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
}
_CHUNK = 64 * 1024
_DONE = object()


class _CancelledError(Exception):
    """The client stopped reading."""


class _QueueWriter(io.RawIOBase):
    """A write-only stream whose bytes go, in chunks, to a bounded queue."""

    def __init__(self, sink: queue.Queue[object], cancelled: threading.Event) -> None:
        self._sink = sink
        self._cancelled = cancelled
        self._buffer = bytearray()
        self._written = 0

    def writable(self) -> bool:
        return True

    def tell(self) -> int:  # pyarrow asks where it is
        return self._written

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self._buffer += chunk
        self._written += len(chunk)
        if len(self._buffer) >= _CHUNK:
            self.drain()
        return len(chunk)

    def drain(self) -> None:
        if self._buffer:
            self._put(bytes(self._buffer))
            self._buffer.clear()

    def _put(self, item: object) -> None:
        while True:
            if self._cancelled.is_set():
                raise _CancelledError
            try:
                self._sink.put(item, timeout=0.5)
                return
            except queue.Full:
                continue


def stream_export(
    pool: CorpusPool, fmt: str, level: str, filters: dict[str, str | None]
) -> Iterator[bytes]:
    """The export's bytes in chunks. Bad filters raise here, before any byte is sent."""
    corpus = pool.open()
    try:
        documents = corpus.documents(**filters)
    except BaseException:
        corpus.close()
        raise
    sink: queue.Queue[object] = queue.Queue(maxsize=8)
    cancelled = threading.Event()

    def produce() -> None:
        writer = _QueueWriter(sink, cancelled)
        outcome: object = _DONE
        try:
            export(documents, fmt, cast(IO[bytes], writer), level)
            writer.drain()
        except _CancelledError:
            return
        except Exception as error:  # handed to the reader, which raises it
            outcome = error
        finally:
            corpus.close()
        try:
            writer._put(outcome)
        except _CancelledError:
            return

    def chunks() -> Iterator[bytes]:
        thread = threading.Thread(target=produce, name="onrecord-export", daemon=True)
        thread.start()
        try:
            while True:
                item = sink.get()
                if item is _DONE:
                    return
                if isinstance(item, Exception):
                    raise item
                assert isinstance(item, bytes)
                yield item
        finally:
            cancelled.set()

    return chunks()
