"""Exports of a whole corpus, streamed: JSONL (complete records), CSV, Parquet.

JSONL holds every document exactly as ``onrecord parse --json`` prints it;
CSV and Parquet hold one row per paragraph (or per turn, or per document)
with all citation fields. Documents are read from the store one at a
time, so an export of any size runs in constant memory.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import IO, Any

from onrecord.errors import QueryError
from onrecord.model import Document

__all__ = ["FORMATS", "LEVELS", "export", "rows"]

FORMATS = ("jsonl", "csv", "parquet")
LEVELS = ("paragraphs", "turns", "documents", "annotations")
_PARQUET_BATCH = 5000

_COLUMNS: dict[str, tuple[str, ...]] = {
    "paragraphs": (
        "doc_id", "paragraph_id", "paragraph_index", "start", "end", "turn", "turn_kind",
        "speaker_id", "speaker", "label", "role", "date", "title", "place", "kind", "language",
        "source_url", "text",
    ),
    "turns": (
        "doc_id", "turn", "turn_kind", "speaker_id", "speaker", "label", "role", "start", "end",
        "label_start", "label_end", "continues", "date", "title", "place", "kind", "language",
        "source_url", "text",
    ),
    "annotations": (
        "doc_id", "layer", "start", "end", "label", "value", "enricher", "version", "date",
        "title", "place", "kind", "language", "source_url", "text",
    ),
    "documents": (
        "doc_id", "title", "date", "place", "kind", "language", "source_url", "paragraphs",
        "turns", "speakers", "warnings", "input_file", "input_sha256", "parser_version", "text",
    ),
}  # fmt: skip


def rows(documents: Iterable[Document], level: str) -> Iterator[dict[str, Any]]:
    """Flat rows for CSV and Parquet, one per paragraph, turn or document."""
    for document in documents:
        if level == "paragraphs":
            yield from _paragraph_rows(document)
        elif level == "turns":
            yield from _turn_rows(document)
        elif level == "annotations":
            yield from _annotation_rows(document)
        else:
            yield _document_row(document)


def _common(document: Document) -> dict[str, Any]:
    return {
        "doc_id": document.id,
        "date": document.date,
        "title": document.title,
        "place": document.place,
        "kind": document.kind.value,
        "language": document.language,
        "source_url": document.source_url,
    }


def _paragraph_rows(document: Document) -> Iterator[dict[str, Any]]:
    common = _common(document)
    for paragraph in document.paragraphs:
        turn = document.turns[paragraph.turn]
        yield {
            **common,
            "paragraph_id": paragraph.id,
            "paragraph_index": paragraph.index,
            "start": paragraph.start,
            "end": paragraph.end,
            "turn": turn.index,
            "turn_kind": turn.kind.value,
            "speaker_id": turn.speaker_id,
            "speaker": turn.speaker,
            "label": turn.label,
            "role": turn.role,
            "text": document.paragraph_text(paragraph),
        }


def _turn_rows(document: Document) -> Iterator[dict[str, Any]]:
    common = _common(document)
    for turn in document.turns:
        yield {
            **common,
            "turn": turn.index,
            "turn_kind": turn.kind.value,
            "speaker_id": turn.speaker_id,
            "speaker": turn.speaker,
            "label": turn.label,
            "role": turn.role,
            "start": turn.start,
            "end": turn.end,
            "label_start": turn.label_start,
            "label_end": turn.label_end,
            "continues": turn.continues,
            "text": document.text[turn.start : turn.end],
        }


def _annotation_rows(document: Document) -> Iterator[dict[str, Any]]:
    common = _common(document)
    for annotation in document.annotations:
        yield {
            **common,
            "layer": annotation.layer,
            "start": annotation.start,
            "end": annotation.end,
            "label": annotation.label,
            "value": None if annotation.value is None else json.dumps(annotation.value),
            "enricher": annotation.enricher,
            "version": annotation.version,
            "text": document.text[annotation.start : annotation.end],
        }


def _document_row(document: Document) -> dict[str, Any]:
    speakers = sorted({t.speaker_id for t in document.turns if t.speaker_id})
    return {
        **_common(document),
        "paragraphs": len(document.paragraphs),
        "turns": len(document.turns),
        "speakers": ";".join(speakers),
        "warnings": ";".join(w.code for w in document.warnings),
        "input_file": document.provenance.input_file,
        "input_sha256": document.provenance.input_sha256,
        "parser_version": document.provenance.parser_version,
        "text": document.text,
    }


def export(
    documents: Iterable[Document], fmt: str, out: IO[bytes], level: str = "paragraphs"
) -> int:
    """Write ``documents`` to ``out`` in ``fmt``; return the number of rows written."""
    if fmt not in FORMATS:
        raise QueryError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if level not in LEVELS:
        raise QueryError(f"unknown export level {level!r}; choose one of {', '.join(LEVELS)}")
    if fmt == "jsonl":
        return _write_jsonl(documents, out)
    if fmt == "csv":
        return _write_csv(rows(documents, level), level, out)
    return _write_parquet(rows(documents, level), level, out)


def _write_jsonl(documents: Iterable[Document], out: IO[bytes]) -> int:
    count = 0
    for document in documents:
        out.write(json.dumps(document.to_dict(), ensure_ascii=False).encode("utf-8") + b"\n")
        count += 1
    return count


def _write_csv(records: Iterable[dict[str, Any]], level: str, out: IO[bytes]) -> int:
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.DictWriter(text, fieldnames=_COLUMNS[level])
    writer.writeheader()
    count = 0
    for record in records:
        writer.writerow(record)
        count += 1
    text.flush()
    text.detach()
    return count


def _write_parquet(records: Iterable[dict[str, Any]], level: str, out: IO[bytes]) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema([(name, _arrow_type(name)) for name in _COLUMNS[level]])
    count = 0
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        batch: list[dict[str, Any]] = []
        for record in records:
            batch.append(record)
            if len(batch) >= _PARQUET_BATCH:
                writer.write_table(pa.Table.from_pylist(batch, schema=schema))
                count += len(batch)
                batch = []
        if batch or count == 0:
            writer.write_table(pa.Table.from_pylist(batch, schema=schema))
            count += len(batch)
    return count


_INTEGER_COLUMNS = frozenset(
    "start end turn paragraph_index label_start label_end continues paragraphs turns".split()
)


def _arrow_type(name: str) -> Any:
    import pyarrow as pa

    return pa.int64() if name in _INTEGER_COLUMNS else pa.string()
