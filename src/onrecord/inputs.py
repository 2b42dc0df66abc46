"""Where inputs and the database are found, and parsing without storing.

``parse_inputs`` is the ingest pipeline up to the store: read every input, parse
it (in worker processes when asked), and yield a document or an error for each,
in input order. ``Corpus.ingest`` stores what it yields.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from onrecord.errors import InputError
from onrecord.ingest.records import RecordLine
from onrecord.ingest.sources import DEFAULT_MAX_BYTES, Skipped, read_inputs
from onrecord.model import Document, RawDocument
from onrecord.parse.pool import parse_items
from onrecord.parse.speakers import SpeakerDirectory

__all__ = [
    "DEFAULT_DB",
    "default_db_path",
    "default_speakers_path",
    "parse_inputs",
    "parse_path",
]

DEFAULT_DB = "onrecord.db"


def default_db_path() -> Path:
    """``$ONRECORD_DB`` when set, else ``onrecord.db`` in the working directory."""
    return Path(os.environ.get("ONRECORD_DB") or DEFAULT_DB)


def default_speakers_path() -> Path | None:
    """``$ONRECORD_SPEAKERS`` when set, else ``speakers.toml`` here if it exists."""
    configured = os.environ.get("ONRECORD_SPEAKERS")
    if configured:
        return Path(configured)
    local = Path("speakers.toml")
    return local if local.is_file() else None


def parse_inputs(
    paths: Iterable[str | Path],
    *,
    speakers: SpeakerDirectory | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    fmt: str | None = None,
    workers: int = 0,
) -> Iterator[Document | InputError | Skipped]:
    """Parse without storing: a document or an error for every input, in input order.

    ``workers`` other processes parse while this one reads (0: parse here).
    """
    directory = speakers or SpeakerDirectory.load(default_speakers_path())
    items: Iterator[RawDocument | RecordLine | InputError | Skipped] = read_inputs(
        paths, max_bytes=max_bytes, fmt=fmt
    )
    parsed: Iterator[Document | InputError | Skipped] = parse_items(items, directory, workers)
    yield from parsed


def parse_path(path: str | Path, speakers: SpeakerDirectory | None = None) -> Iterator[Document]:
    """Every document in ``path``; raises the first input error met."""
    for item in parse_inputs([path], speakers=speakers):
        if isinstance(item, InputError):
            raise item
        if isinstance(item, Document):
            yield item
