"""SQL for corpus-wide layers in the SQLite store: the statements that talking
points are made of, and the atomic replacement of a layer across documents."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence

from onrecord.model import Annotation
from onrecord.store.base import StatementRow
from onrecord.store.sqlite_annotations import insert_annotations

__all__ = ["replace_layer", "statement_rows"]

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
