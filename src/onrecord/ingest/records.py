"""Corpus files: JSON Lines, JSON and CSV, one document per record, streamed.

A record needs a text field (``text`` by default, or ``body``, ``content``,
``transcript``); ``id``, ``title``, ``date``, ``place``, ``source_url`` (or
``url``) and ``language`` are used when present, and everything else is
kept in ``meta``. A bad record is reported with its line and the file goes
on; a file is never held in memory whole (except a ``.json`` file, which is
one JSON value and is bounded by the size limit).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, NamedTuple

from onrecord.errors import (
    EmptyInputError,
    FormatError,
    InputError,
    InputTooLargeError,
    RecordError,
)
from onrecord.ingest.decode import decode_bytes
from onrecord.model import RawDocument

__all__ = [
    "TEXT_FIELDS",
    "RecordLine",
    "Skipped",
    "read_csv",
    "read_json",
    "read_jsonl",
    "record_to_raw",
]

TEXT_FIELDS = ("text", "body", "content", "transcript")


@dataclass(frozen=True, slots=True)
class Skipped:
    """An input passed over on purpose (documentation, an index file), and why."""

    source: str
    reason: str


_KNOWN = {"id", "title", "date", "place", "source_url", "url", "language", "lang", "meta"}


class RecordLine(NamedTuple):
    """One line of a JSONL corpus, not yet decoded.

    Lines travel as bytes so that decoding, like parsing, happens in the
    worker processes of a parallel ingest; ``read`` makes the document.
    """

    source: str
    line: int
    data: bytes

    def read(self) -> RawDocument | InputError:
        """The raw document on this line, or what is wrong with the line."""
        value = _decoded(self)
        if isinstance(value, InputError):
            return value
        return _raw_or_error(value, self.source, self.line, hashlib.sha256(self.data).hexdigest())


def read_jsonl(
    stream: BinaryIO, source: str, max_bytes: int
) -> Iterator[RecordLine | InputError | Skipped]:
    """One document per line; blank lines are skipped, bad lines reported."""
    for number, line in enumerate(_bounded_lines(stream, max_bytes), start=1):
        if isinstance(line, InputError):
            yield InputTooLargeError(source, line.reason, line=number)
            continue
        if not line.strip():
            continue
        record = RecordLine(source, number, line)
        if number == 1:
            value = _decoded(record)
            if not isinstance(value, InputError) and _is_index_record(value):
                # Corpora ship side files (pair lists, manifests) in the same
                # format; a file whose first record has no text is one of those.
                fields = ", ".join(sorted(value)[:6])
                reason = f"not a transcript corpus: records have no text field ({fields})"
                yield Skipped(source, reason)
                return
        yield record


def _decoded(record: RecordLine) -> Any:
    """The JSON value of a line, or the error that says why there is none."""
    try:
        text, _ = decode_bytes(record.data, record.source, record.line)
        return json.loads(text)
    except InputError as error:
        return error
    except json.JSONDecodeError as error:
        reason = f"broken JSON line: {error.msg} (column {error.colno})"
        return FormatError(record.source, reason, line=record.line)


def _is_index_record(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and not any(f in value for f in TEXT_FIELDS)


def _bounded_lines(stream: BinaryIO, max_bytes: int) -> Iterator[bytes | InputError]:
    """Lines of ``stream``; a line longer than ``max_bytes`` is skipped, not read whole."""
    while True:
        line = stream.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            while line and not line.endswith(b"\n"):
                line = stream.readline(1 << 20)
            yield InputError("", f"record larger than the limit of {max_bytes:,} bytes")
            continue
        yield line


def read_json(data: bytes, source: str) -> Iterator[RawDocument | InputError]:
    """A JSON array of records, an object with a list of records, or one record."""
    text, _ = decode_bytes(data, source)
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        yield FormatError(source, f"not valid JSON: {error.msg} (line {error.lineno})")
        return
    records: list[Any]
    if isinstance(value, list):
        records = value
    elif isinstance(value, dict) and not any(f in value for f in TEXT_FIELDS):
        lists = [v for v in value.values() if isinstance(v, list)]
        if len(lists) != 1:
            yield FormatError(source, "a JSON object with no text field and no list of records")
            return
        records = lists[0]
    else:
        records = [value]
    for number, record in enumerate(records, start=1):
        digest = hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()
        yield _raw_or_error(record, source, number, digest)


def read_csv(stream: BinaryIO, source: str, max_bytes: int) -> Iterator[RawDocument | InputError]:
    """One document per row of a CSV file with a header row."""
    csv.field_size_limit(min(max_bytes, sys.maxsize))
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    try:
        yield from _csv_rows(csv.DictReader(text), source)
    finally:
        text.detach()  # the caller owns the binary stream and closes it


def _csv_rows(reader: csv.DictReader[str], source: str) -> Iterator[RawDocument | InputError]:
    try:
        fields = reader.fieldnames
        if not fields or not any(f in fields for f in TEXT_FIELDS):
            yield FormatError(source, f"CSV header has no text column (one of {TEXT_FIELDS})")
            return
        for row in reader:
            record = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
            digest = hashlib.sha256(json.dumps(record, sort_keys=True).encode()).hexdigest()
            yield _raw_or_error(record, source, reader.line_num, digest)
    except UnicodeDecodeError as error:
        yield FormatError(
            source, f"not UTF-8 at byte {error.start}; the rest of the file is skipped"
        )
    except csv.Error as error:
        yield FormatError(source, f"malformed CSV: {error}", line=reader.line_num)


def _raw_or_error(value: Any, source: str, line: int, sha256: str) -> RawDocument | InputError:
    try:
        return record_to_raw(value, source, line, sha256)
    except InputError as error:
        return error


def record_to_raw(value: Any, source: str, line: int, sha256: str) -> RawDocument:
    """A raw document from one corpus record (a mapping)."""
    if not isinstance(value, dict):
        raise FormatError(
            source, f"a record must be a JSON object, not {type(value).__name__}", line=line
        )
    text_field = next((f for f in TEXT_FIELDS if f in value), None)
    if text_field is None:
        raise RecordError(source, f"record has no text field (one of {TEXT_FIELDS})", line=line)
    text = value[text_field]
    if not isinstance(text, str):
        raise RecordError(
            source, f"field '{text_field}' is {type(text).__name__}, not text", line=line
        )
    if not text.strip():
        raise EmptyInputError(source, f"field '{text_field}' is empty", line=line)
    meta = dict(value["meta"]) if isinstance(value.get("meta"), dict) else {}
    meta.update({k: v for k, v in value.items() if k not in _KNOWN and k != text_field})
    return RawDocument(
        text=text,
        source=source,
        input_sha256=sha256,
        reader="records",
        line=line,
        id=_optional_str(value.get("id")),
        source_url=_optional_str(value.get("source_url") or value.get("url")),
        title=_optional_str(value.get("title")),
        date=_optional_str(value.get("date")),
        place=_optional_str(value.get("place")),
        language=_optional_str(value.get("language") or value.get("lang")),
        meta=meta,
    )


def _optional_str(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = str(value).strip()
    return text or None
