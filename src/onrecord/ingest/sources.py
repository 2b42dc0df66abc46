"""Where documents come from: files, directories (recursively) and stdin.

``read_inputs`` turns paths into a stream of raw documents and input
errors, one per problem, so that a batch goes on past a bad file. Nothing
is held in memory beyond one document (or one ``.json`` file).
"""

from __future__ import annotations

import hashlib
import io
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import BinaryIO

from onrecord.errors import (
    FormatError,
    InputError,
    InputTooLargeError,
    UnreadableInputError,
)
from onrecord.ingest.decode import decode_bytes
from onrecord.ingest.html import read_html
from onrecord.ingest.records import RecordLine, Skipped, read_csv, read_json, read_jsonl
from onrecord.model import RawDocument

__all__ = ["DEFAULT_MAX_BYTES", "FORMATS", "Skipped", "read_inputs"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
STDIN = "-"

FORMATS = {
    ".txt": "text",
    ".text": "text",
    ".md": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".csv": "csv",
}
# Documentation that lives beside corpora, not transcripts.
_DOC_FILES = ("readme", "license", "licence", "changelog", "copying", "notice", "sources")


Item = RawDocument | RecordLine | InputError | Skipped


def read_inputs(
    paths: Iterable[str | Path], *, max_bytes: int = DEFAULT_MAX_BYTES, fmt: str | None = None
) -> Iterator[Item]:
    """Raw documents from every path (``-`` is stdin), with one error per problem."""
    for path in paths:
        if str(path) == STDIN:
            yield from _read_stdin(max_bytes, fmt)
            continue
        path = Path(path)
        if path.is_dir():
            yield from _walk(path, max_bytes)
        elif path.exists():
            yield from _read_file(path, max_bytes, fmt)
        else:
            yield UnreadableInputError(path, "no such file or directory")


def _walk(directory: Path, max_bytes: int) -> Iterator[Item]:
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if name.startswith("."):
                continue
            if name.lower().startswith(_DOC_FILES):
                yield Skipped(str(path), "documentation file, not a transcript")
                continue
            yield from _read_file(path, max_bytes, None)


def _read_file(path: Path, max_bytes: int, fmt: str | None) -> Iterator[Item]:
    kind = fmt or FORMATS.get(path.suffix.lower())
    if kind is None:
        yield FormatError(
            path,
            f"unknown format '{path.suffix or '(no extension)'}'; "
            f"known: {', '.join(sorted(FORMATS))} (or pass --format)",
        )
        return
    try:
        size = path.stat().st_size
        with path.open("rb") as stream:
            if kind == "jsonl":
                yield from read_jsonl(stream, str(path), max_bytes)
            elif kind == "csv":
                yield from read_csv(stream, str(path), max_bytes)
            else:
                if size > max_bytes:
                    yield InputTooLargeError(
                        path, f"{size:,} bytes is over the limit of {max_bytes:,} (--max-bytes)"
                    )
                    return
                yield from _read_single(stream.read(), str(path), kind)
    except OSError as error:
        yield UnreadableInputError(path, f"cannot read: {error.strerror or error}")


def _read_single(data: bytes, source: str, kind: str) -> Iterator[Item]:
    try:
        if kind == "json":
            yield from read_json(data, source)
            return
        sha256 = hashlib.sha256(data).hexdigest()
        text, notes = decode_bytes(data, source)
        if kind == "html":
            raw = read_html(text, source, sha256)
            yield replace(raw, notes=raw.notes + notes)
        else:
            yield RawDocument(
                text=text, source=source, input_sha256=sha256, reader="text", notes=notes
            )
    except InputError as error:
        yield error


def _read_stdin(max_bytes: int, fmt: str | None) -> Iterator[Item]:
    stream: BinaryIO = sys.stdin.buffer
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        yield InputTooLargeError("<stdin>", f"over the limit of {max_bytes:,} bytes (--max-bytes)")
        return
    kind = fmt or _sniff(data)
    if kind in ("jsonl", "csv"):
        reader = read_jsonl if kind == "jsonl" else read_csv
        yield from reader(io.BytesIO(data), "<stdin>", max_bytes)
        return
    yield from _read_single(data, "<stdin>", kind)


def _sniff(data: bytes) -> str:
    head = data.lstrip()[:512].lower()
    if head.startswith(b"{"):
        return "jsonl"
    if head.startswith(b"["):
        return "json"
    if head.startswith((b"<!doctype html", b"<html")) or b"<body" in head:
        return "html"
    return "text"
