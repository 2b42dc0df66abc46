"""Parse in worker processes while the caller stores: ingest on every core.

The caller's process reads inputs and writes the store; ``workers`` other
processes parse. Results come back in input order (so "first copy wins"
stays deterministic) and at most a few batches are in flight, so memory
stays flat however large the corpus. The distributed runner will do the
same across machines; this is the one-machine version.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from typing import TypeVar

from onrecord.errors import InputError
from onrecord.ingest.records import RecordLine
from onrecord.model import Document, RawDocument
from onrecord.parse.parser import parse
from onrecord.parse.speakers import SpeakerDirectory
from onrecord.workers import ordered_batches

__all__ = ["default_workers", "parse_items"]

T = TypeVar("T")

_BATCH = 16  # documents per task: fewer round trips between processes
_IN_FLIGHT_PER_WORKER = 4  # batches queued per worker before reading more input

_directory: SpeakerDirectory | None = None
_PARSEABLE = (RawDocument, RecordLine)


def default_workers() -> int:
    """Processes to parse in besides the caller's: all cores but the one that writes."""
    return max(0, (os.cpu_count() or 1) - 1)


def parse_one(item: RawDocument | RecordLine, directory: SpeakerDirectory) -> Document | InputError:
    """A document, or the error that says why this input is not one."""
    raw = item.read() if isinstance(item, RecordLine) else item
    if isinstance(raw, InputError):
        return raw
    try:
        return parse(raw, directory)
    except InputError as error:
        return error
    except Exception as error:  # a parser bug must not end a batch
        reason = f"internal error while parsing: {type(error).__name__}: {error}"
        return InputError(raw.source, reason, line=raw.line)


def parse_items(
    items: Iterable[RawDocument | RecordLine | T], directory: SpeakerDirectory, workers: int
) -> Iterator[Document | InputError | T]:
    """Parse the raw documents among ``items``, passing everything else through."""
    if workers <= 0:
        for item in items:
            yield parse_one(item, directory) if isinstance(item, _PARSEABLE) else item
        return
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    task: Callable[[list[RawDocument | RecordLine | T]], list[Document | InputError | T]]
    task = _parse_batch
    with context.Pool(workers, initializer=_init_worker, initargs=(directory,)) as pool:
        yield from ordered_batches(pool, task, items, _BATCH, workers * _IN_FLIGHT_PER_WORKER)


def _init_worker(directory: SpeakerDirectory) -> None:
    global _directory
    _directory = directory


def _parse_batch(batch: list[RawDocument | RecordLine | T]) -> list[Document | InputError | T]:
    assert _directory is not None, "worker not initialised"
    return [parse_one(i, _directory) if isinstance(i, _PARSEABLE) else i for i in batch]
