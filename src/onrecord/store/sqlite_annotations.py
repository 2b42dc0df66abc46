"""SQL for reading annotations from the SQLite store.

Annotations are rows keyed by document and offsets; each also records the
paragraph it starts in, so its speaker and citation come from one join
(paragraph → turn) and its words from the paragraph's stored body rather
than from the whole document text.
"""

from __future__ import annotations

import bisect
import json
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Any

from onrecord.model import Annotation
from onrecord.store.base import AnnotationQuery, AnnotationRow, KeyCount, annotation_key

__all__ = [
    "annotation_counts",
    "annotation_keys_matching",
    "annotation_months",
    "annotation_rows",
    "count_annotations",
    "insert_annotations",
]

_FROM = """
    FROM annotations a
    JOIN documents d ON d.rowid = a.doc
    LEFT JOIN paragraphs p ON p.doc = a.doc AND p.idx = a.paragraph
    LEFT JOIN turns t ON t.doc = p.doc AND t.idx = p.turn
"""
_ROW_COLUMNS = """
    d.id, CASE WHEN a.paragraph IS NULL THEN NULL ELSE d.id || '#p' || (a.paragraph + 1) END,
    d.title, d.date, d.source_url, d.language, a.layer, a.start, a."end",
    CASE WHEN p.rowid IS NULL THEN NULL ELSE substr(p.body, a.start - p.start + 1,
         a."end" - a.start) END,
    a.label, a.key, a.score, a.value, t.kind, t.idx, t.speaker_id, t.speaker, t.role,
    a.enricher, a.enricher_version
"""


def insert_annotations(
    db: sqlite3.Connection,
    rowid: int,
    paragraph_starts: Sequence[int],
    annotations: Iterable[Annotation],
) -> None:
    """Insert ``annotations`` of document ``rowid``; ``paragraph_starts`` sorted ascending."""
    db.executemany(
        'INSERT INTO annotations (doc, layer, start, "end", label, value, enricher, '
        "enricher_version, paragraph, key, score, vector) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                rowid,
                a.layer,
                a.start,
                a.end,
                a.label,
                None if a.value is None else json.dumps(a.value, ensure_ascii=False),
                a.enricher,
                a.version,
                _paragraph_at(paragraph_starts, a.start),
                annotation_key(a),
                _score(a),
                a.vector,
            )
            for a in annotations
        ],
    )


def _paragraph_at(starts: Sequence[int], offset: int) -> int | None:
    position = bisect.bisect_right(starts, offset) - 1
    return position if position >= 0 else None


def _score(annotation: Annotation) -> float | None:
    score = (annotation.value or {}).get("score")
    return float(score) if isinstance(score, int | float) else None


def _where(query: AnnotationQuery, filter_sql: tuple[str, list[Any]]) -> tuple[str, list[Any]]:
    clauses = ["a.layer = ?"]
    params: list[Any] = [query.layer]
    for column, values in (("a.label", query.labels), ("a.key", query.keys)):
        if values is not None:
            clauses.append(f"{column} IN ({', '.join('?' * len(values))})")
            params.extend(values)
    if query.min_score is not None:
        clauses.append("a.score >= ?")
        params.append(query.min_score)
    if query.speech_only:
        clauses.append("t.kind = 'speech'")
    where, filter_params = filter_sql
    return "WHERE " + " AND ".join(clauses) + where, params + filter_params


def annotation_rows(
    db: sqlite3.Connection, query: AnnotationQuery, filter_sql: tuple[str, list[Any]]
) -> list[AnnotationRow]:
    """The page of annotations ``query`` selects."""
    where, params = _where(query, filter_sql)
    order = (
        "a.score DESC, d.date, d.id, a.start"
        if query.order == "score"
        else 'd.date, d.id, a.start, a."end"'
    )
    sql = f"SELECT {_ROW_COLUMNS} {_FROM} {where} ORDER BY {order} LIMIT ? OFFSET ?"
    rows = db.execute(sql, (*params, query.limit, query.offset)).fetchall()
    return [_annotation_row(row) for row in rows]


def _annotation_row(row: Sequence[Any]) -> AnnotationRow:
    value = None if row[13] is None else json.loads(row[13])
    return AnnotationRow(
        doc_id=row[0],
        paragraph_id=row[1],
        title=row[2],
        date=row[3],
        source_url=row[4],
        language=row[5],
        layer=row[6],
        start=row[7],
        end=row[8],
        text=row[9] or "",
        label=row[10],
        key=row[11],
        score=row[12],
        value=value,
        turn_kind=row[14],
        turn=row[15],
        speaker_id=row[16],
        speaker=row[17],
        role=row[18],
        enricher=row[19],
        version=row[20],
    )


def count_annotations(
    db: sqlite3.Connection, query: AnnotationQuery, filter_sql: tuple[str, list[Any]]
) -> int:
    where, params = _where(query, filter_sql)
    return int(db.execute(f"SELECT count(*) {_FROM} {where}", params).fetchone()[0])


def annotation_counts(
    db: sqlite3.Connection, query: AnnotationQuery, filter_sql: tuple[str, list[Any]]
) -> list[KeyCount]:
    """Keys of the selected annotations with mentions, documents and speakers.

    A key's label is its mentions' label; an entity named both as a country
    and by its adjective ("Russia", "Russian": COUNTRY and NORP) is a COUNTRY.
    """
    where, params = _where(query, filter_sql)
    having = ""
    if query.min_documents is not None:
        having = "HAVING count(DISTINCT a.doc) >= ?"
        params = [*params, query.min_documents]
    sql = f"""
        SELECT a.key, max(json_extract(a.value, '$.name')),
               coalesce(max(CASE WHEN a.label != 'NORP' THEN a.label END), max(a.label)),
               count(*),
               count(DISTINCT a.doc), count(DISTINCT t.speaker_id), min(d.date), max(d.date)
        {_FROM} {where} AND a.key IS NOT NULL
        GROUP BY a.key {having}
        ORDER BY count(*) DESC, a.key
        LIMIT ? OFFSET ?
    """
    rows = db.execute(sql, (*params, query.limit, query.offset)).fetchall()
    return [KeyCount(*row) for row in rows]


def annotation_keys_matching(db: sqlite3.Connection, layer: str, name: str) -> tuple[str, ...]:
    needle = " ".join(name.split()).casefold()
    rows = db.execute(
        "SELECT DISTINCT key FROM annotations WHERE layer = ? AND key IS NOT NULL AND ("
        "lower(key) = ? OR lower(json_extract(value, '$.name')) = ? OR lower(label) = ?)",
        (layer, needle, needle, needle),
    ).fetchall()
    return tuple(sorted(row[0] for row in rows))


def annotation_months(
    db: sqlite3.Connection, query: AnnotationQuery, filter_sql: tuple[str, list[Any]]
) -> list[tuple[str, str, int]]:
    where, params = _where(query, filter_sql)
    sql = f"""
        SELECT a.key, coalesce(substr(d.date, 1, 7), 'undated'), count(*)
        {_FROM} {where} AND a.key IS NOT NULL
        GROUP BY 1, 2 ORDER BY 1, 2
    """
    return [(row[0], row[1], row[2]) for row in db.execute(sql, params)]
