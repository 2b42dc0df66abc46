"""SQL for search by meaning in the SQLite store: embeddings by id or by filter,
with the paragraph each belongs to and what its citation needs."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from onrecord.enrich.vectors import from_bytes, normalised
from onrecord.store.base import ParagraphRow, SpanVector, VectorHit

__all__ = [
    "embedding_fingerprint",
    "embedding_ids",
    "embedding_vectors",
    "scored_hits",
    "sentence_vectors",
]

_SELECT = """
    SELECT a.id, a.label, a.start, a."end", a.vector,
           d.id || '#p' || (p.idx + 1), d.id, d.title, d.date, d.source_url, d.kind,
           d.language, p.start, p."end", p.body, t.kind, t.speaker_id, t.speaker, t.label, t.role
    FROM annotations a
    JOIN paragraphs p ON p.doc = a.doc AND p.idx = a.paragraph
    JOIN documents d ON d.rowid = a.doc
    JOIN turns t ON t.doc = p.doc AND t.idx = p.turn
    WHERE a.layer = 'embedding' AND a.vector IS NOT NULL
"""
_MAX_EXACT = 400_000  # rows an exact (filtered) search may scan


def embedding_fingerprint(db: sqlite3.Connection) -> tuple[int, int]:
    """(how many embeddings, largest id): read from the index on layer alone."""
    count, largest = db.execute(
        "SELECT count(*), coalesce(max(id), 0) FROM annotations WHERE layer = 'embedding'"
    ).fetchone()
    return int(count), int(largest)


def embedding_ids(db: sqlite3.Connection) -> npt.NDArray[np.int64]:
    rows = db.execute("SELECT id FROM annotations WHERE layer = 'embedding' ORDER BY id").fetchall()
    return np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))


def embedding_vectors(
    db: sqlite3.Connection, ids: Sequence[int], dimensions: int
) -> npt.NDArray[np.int8]:
    """The stored vectors of ``ids``, in that order."""
    found: dict[int, bytes] = {}
    for begin in range(0, len(ids), 900):  # SQLite's limit on bound parameters
        chunk = ids[begin : begin + 900]
        marks = ", ".join("?" * len(chunk))
        found.update(db.execute(f"SELECT id, vector FROM annotations WHERE id IN ({marks})", chunk))
    return from_bytes([found[i] for i in ids], dimensions)


def scored_hits(
    db: sqlite3.Connection,
    query: npt.NDArray[np.float32],
    *,
    ids: Sequence[int] | None,
    unit: str | None,
    filter_sql: tuple[str, list[Any]],
    limit: int,
    dimensions: int,
) -> list[VectorHit]:
    """Embeddings among ``ids`` (or all that pass the filters), best ``limit`` by exact cosine."""
    where, params = filter_sql
    sql = _SELECT + where
    if unit is not None:
        sql += " AND a.label = ?"
        params = [*params, unit]
    if ids is not None:
        if not ids:
            return []
        sql += f" AND a.id IN ({', '.join('?' * len(ids))})"
        params = [*params, *ids]
    rows = db.execute(sql + f" LIMIT {_MAX_EXACT}", params).fetchall()
    if not rows:
        return []
    vectors = normalised(from_bytes([r[4] for r in rows], dimensions))
    similarities = vectors @ query
    order = sorted(range(len(rows)), key=lambda i: (-similarities[i], rows[i][0]))[:limit]
    return [_hit(rows[i], float(similarities[i])) for i in order]


def _hit(values: Sequence[Any], similarity: float) -> VectorHit:
    (pid, doc_id, title, date, url, kind, language, start, end, text) = values[5:15]
    turn_kind, speaker_id, speaker, label, role = values[15:20]
    row = ParagraphRow(
        pid, doc_id, title, date, url, kind, language, start, end, text,
        turn_kind, speaker_id, speaker, label, role, similarity,
    )  # fmt: skip
    return VectorHit(
        id=values[0], row=row, unit=values[1], start=values[2], end=values[3],
        similarity=similarity,
    )  # fmt: skip


def sentence_vectors(
    db: sqlite3.Connection, paragraph_ids: Sequence[str]
) -> dict[str, list[SpanVector]]:
    """Each paragraph's sentence vectors in text order."""
    found: dict[str, list[SpanVector]] = {pid: [] for pid in paragraph_ids}
    for paragraph_id in paragraph_ids:
        doc_id, _, number = paragraph_id.rpartition("#p")
        if not number.isdigit():
            continue
        rows = db.execute(
            'SELECT a.start, a."end", a.vector FROM annotations a '
            "JOIN documents d ON d.rowid = a.doc "
            "WHERE d.id = ? AND a.paragraph = ? AND a.layer = 'embedding' "
            "AND a.label = 'sentence' AND a.vector IS NOT NULL ORDER BY a.start",
            (doc_id, int(number) - 1),
        )
        found[paragraph_id] = [SpanVector(*row) for row in rows]
    return found
