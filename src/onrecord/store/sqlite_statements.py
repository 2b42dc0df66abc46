"""SQL for corpus-wide layers in the SQLite store: the statements that talking
points are made of, and the atomic replacement of a layer across documents."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Mapping, Sequence
from typing import Any

from onrecord.model import Annotation
from onrecord.store.base import ParagraphVector, StatementRow
from onrecord.store.sqlite_annotations import insert_annotations

__all__ = ["load_model", "paragraph_vectors", "replace_layer", "save_model", "statement_rows"]

# Speech sentences with a vector, in corpus order: undated documents last.
_STATEMENTS = """
    SELECT d.id, d.date, d.language, a.paragraph, a.start, a."end",
           substr(p.body, a.start - p.start + 1, a."end" - a.start),
           t.speaker_id, a.vector
    FROM annotations a
    JOIN documents d ON d.rowid = a.doc
    JOIN paragraphs p ON p.doc = a.doc AND p.idx = a.paragraph
    JOIN turns t ON t.doc = p.doc AND t.idx = p.turn
    WHERE a.layer = 'embedding' AND a.label = 'sentence' AND a.vector IS NOT NULL
      AND t.kind = 'speech'
    ORDER BY d.date IS NULL, d.date, d.id, a.start, a."end"
"""


def statement_rows(db: sqlite3.Connection) -> list[StatementRow]:
    return [StatementRow(*row) for row in db.execute(_STATEMENTS)]


def replace_layer(
    db: sqlite3.Connection, layer: str, annotations: Mapping[str, Sequence[Annotation]]
) -> None:
    """In one transaction, each listed document's ``layer`` becomes its annotations."""
    db.execute("BEGIN IMMEDIATE")
    try:
        for doc_id, rows in annotations.items():
            found = db.execute("SELECT rowid FROM documents WHERE id = ?", (doc_id,)).fetchone()
            if found is None:
                continue  # removed since it was read; nothing of it to keep
            db.execute("DELETE FROM annotations WHERE doc = ? AND layer = ?", (found[0], layer))
            starts = [
                r[0]
                for r in db.execute(
                    "SELECT start FROM paragraphs WHERE doc = ? ORDER BY idx", (found[0],)
                )
            ]
            insert_annotations(db, found[0], starts, rows)
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


_PARAGRAPHS = """
    SELECT d.id, d.date, d.language, a.paragraph, a.start, a."end", p.body, a.vector
    FROM annotations a
    JOIN documents d ON d.rowid = a.doc
    JOIN paragraphs p ON p.doc = a.doc AND p.idx = a.paragraph
    JOIN turns t ON t.doc = p.doc AND t.idx = p.turn
    WHERE a.layer = 'embedding' AND a.label = 'paragraph' AND a.vector IS NOT NULL
      AND t.kind = 'speech'
    ORDER BY d.date IS NULL, d.date, d.id, a.start
"""


def paragraph_vectors(db: sqlite3.Connection) -> list[ParagraphVector]:
    return [ParagraphVector(*row) for row in db.execute(_PARAGRAPHS)]


def save_model(db: sqlite3.Connection, name: str, meta: dict[str, Any], data: bytes) -> None:
    db.execute(  # one statement: atomic on its own (the connection autocommits)
        "INSERT OR REPLACE INTO models (name, meta, data) VALUES (?, ?, ?)",
        (name, json.dumps(meta, ensure_ascii=False, sort_keys=True), data),
    )


def load_model(db: sqlite3.Connection, name: str) -> tuple[dict[str, Any], bytes] | None:
    row = db.execute("SELECT meta, data FROM models WHERE name = ?", (name,)).fetchone()
    return None if row is None else (json.loads(row[0]), bytes(row[1]))
