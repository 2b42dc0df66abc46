"""The embedded default store: one SQLite file with an FTS5 index.

Durability: WAL journal, one transaction per batch of documents. A
document's rows (document, turns, paragraphs, index entries) are written
in the same transaction as the deletion of its older version, so an ingest
killed at any moment leaves each document either whole or absent.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from onrecord.enrich.vectors import to_bytes
from onrecord.errors import NotFoundError, SchemaError, StoreError
from onrecord.model import (
    Annotation,
    Document,
    DocumentKind,
    Paragraph,
    ParseWarning,
    Provenance,
    Turn,
    TurnKind,
)
from onrecord.query.stemming import index_body
from onrecord.query.syntax import Node
from onrecord.store.base import (
    AnnotationQuery,
    AnnotationRow,
    Filters,
    KeyCount,
    ParagraphRow,
    ParagraphVector,
    SpanVector,
    SpeakerRow,
    StatementRow,
    Store,
    VectorHit,
    WriteOutcome,
    WriteStatus,
)
from onrecord.store.fts5 import to_fts5, words_to_fts5_any
from onrecord.store.schema import MIGRATIONS, SCHEMA_VERSION
from onrecord.store.sqlite_annotations import (
    annotation_counts,
    annotation_keys_matching,
    annotation_months,
    annotation_rows,
    count_annotations,
    insert_annotations,
)
from onrecord.store.sqlite_statements import (
    load_model,
    paragraph_vectors,
    replace_layer,
    save_model,
    statement_rows,
)
from onrecord.store.sqlite_vectors import (
    embedding_fingerprint,
    embedding_ids,
    embedding_vectors,
    scored_hits,
    sentence_vectors,
)
from onrecord.store.vector_index import VectorIndex

__all__ = ["SQLiteStore"]

_DIMENSIONS = 512  # of the stored embeddings (onrecord.enrich.encoder.DIMENSIONS)
_OVERSAMPLE = 4  # index candidates per wanted hit, before filters and exact re-scoring
_FILTERED_CANDIDATES = 400

_DOC_COLUMNS = (
    "id, source_url, title, date, place, kind, language, input_file, input_sha256, reader, "
    "parser, parser_version, record_line, speakers_fingerprint, source_key, warnings, meta, "
    "ingested_at, text"
)
# Citation fields of chosen paragraphs; {source} yields (prow, score) rows.
_PARAGRAPH_SELECT = """
    SELECT d.id || '#p' || (p.idx + 1), d.id, d.title, d.date, d.source_url, d.kind,
           d.language, p.start, p."end", p.body, t.kind, t.speaker_id, t.speaker,
           t.label, t.role, chosen.score
    FROM {source} AS chosen
    JOIN paragraphs p ON p.rowid = chosen.prow
    JOIN documents d ON d.rowid = p.doc
    JOIN turns t ON t.doc = p.doc AND t.idx = p.turn
    ORDER BY chosen.score, p.rowid
"""


class SQLiteStore(Store):
    """A :class:`Store` in one SQLite file (``:memory:`` for tests)."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self._db.execute("PRAGMA foreign_keys = ON")
            if self.path != ":memory:":
                self._db.execute("PRAGMA journal_mode = WAL")
            # WAL with NORMAL survives a killed process; only power loss can
            # lose the last commits, never corrupt the file.
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA busy_timeout = 10000")
            self._db.execute("PRAGMA cache_size = -16384")  # 16 MiB of pages, a fixed ceiling
            self._db.execute("PRAGMA temp_store = MEMORY")
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise StoreError(f"{self.path}: cannot open the database: {error}") from error
        index_path = None if self.path == ":memory:" else Path(f"{self.path}.vectors")
        self._vectors = VectorIndex(index_path, _DIMENSIONS)
        self._fingerprint: tuple[int, int] = (0, 0)
        self._fingerprint_state: tuple[int, int] | None = None

    @property
    def location(self) -> str:
        return self.path

    # --- schema ----------------------------------------------------------

    def _migrate(self) -> None:
        version = self._db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise SchemaError(
                f"{self.path}: database schema version {version} is newer than this "
                f"onrecord understands ({SCHEMA_VERSION}); upgrade onrecord"
            )
        for number in range(version, SCHEMA_VERSION):
            self._db.execute("BEGIN IMMEDIATE")
            try:
                for statement in MIGRATIONS[number]:
                    self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {number + 1}")
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    # --- writing ---------------------------------------------------------

    def write(self, documents: Iterable[Document], batch_size: int = 500) -> Iterator[WriteOutcome]:
        batch: list[WriteOutcome] = []
        self._db.execute("BEGIN IMMEDIATE")
        try:
            for document in documents:
                batch.append(self._write_one(document))
                if len(batch) >= batch_size:
                    self._db.execute("COMMIT")
                    yield from batch
                    batch = []
                    self._db.execute("BEGIN IMMEDIATE")
            self._db.execute("COMMIT")
        except BaseException:
            if self._db.in_transaction:
                self._db.execute("ROLLBACK")
            raise
        yield from batch

    def _write_one(self, document: Document) -> WriteOutcome:
        existing = self._db.execute(
            "SELECT rowid, input_sha256, parser_version, speakers_fingerprint "
            "FROM documents WHERE id = ?",
            (document.id,),
        ).fetchone()
        provenance = document.provenance
        if existing is not None and tuple(existing[1:]) == (
            provenance.input_sha256,
            provenance.parser_version,
            provenance.speakers_fingerprint,
        ):
            return WriteOutcome(document.id, WriteStatus.UNCHANGED)
        if existing is not None:
            self._delete_rowid(existing[0])
        replaced = self._delete_older_versions(document)
        self._insert(document)
        status = WriteStatus.ADDED if existing is None else WriteStatus.UPDATED
        return WriteOutcome(document.id, status, replaced)

    def _delete_older_versions(self, document: Document) -> tuple[str, ...]:
        """An edited single-document file gets a new id: its old version goes."""
        key = _source_key(document)
        if key is None:
            return ()
        rows = self._db.execute(
            "SELECT rowid, id FROM documents WHERE source_key = ? AND id != ?", (key, document.id)
        ).fetchall()
        for rowid, _ in rows:
            self._delete_rowid(rowid)
        return tuple(doc_id for _, doc_id in rows)

    def _insert(self, document: Document) -> None:
        provenance = document.provenance
        cursor = self._db.execute(
            f"INSERT INTO documents ({_DOC_COLUMNS}) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                document.id,
                document.source_url,
                document.title,
                document.date,
                document.place,
                document.kind.value,
                document.language,
                provenance.input_file,
                provenance.input_sha256,
                provenance.reader,
                provenance.parser,
                provenance.parser_version,
                provenance.record_line,
                provenance.speakers_fingerprint,
                _source_key(document),
                json.dumps([w.to_dict() for w in document.warnings], ensure_ascii=False),
                json.dumps(document.meta, ensure_ascii=False, sort_keys=True),
                datetime.now(UTC).isoformat(timespec="seconds"),
                document.text,
            ),
        )
        rowid = cursor.lastrowid
        self._db.executemany(
            'INSERT INTO turns (doc, idx, kind, speaker_id, speaker, label, role, start, "end", '
            "label_start, label_end, continues) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    rowid,
                    t.index,
                    t.kind.value,
                    t.speaker_id,
                    t.speaker,
                    t.label,
                    t.role,
                    t.start,
                    t.end,
                    t.label_start,
                    t.label_end,
                    t.continues,
                )
                for t in document.turns
            ],
        )
        self._insert_paragraphs(rowid, document)
        forms = {
            (t.speaker_id, form.casefold(), is_label)
            for t in document.turns
            if t.speaker_id
            for form, is_label in ((t.speaker_id, 0), (t.speaker, 0), (t.label, 1))
            if form
        }
        self._db.executemany("INSERT OR IGNORE INTO speaker_forms VALUES (?, ?, ?)", forms)
        if rowid is not None:
            self._insert_annotations(rowid, document.annotations)

    def _insert_annotations(self, rowid: int, annotations: Sequence[Annotation]) -> None:
        if not annotations:
            return
        starts = [
            r[0]
            for r in self._db.execute(
                "SELECT start FROM paragraphs WHERE doc = ? ORDER BY idx", (rowid,)
            )
        ]
        insert_annotations(self._db, rowid, starts, annotations)

    def _insert_paragraphs(self, rowid: int | None, document: Document) -> None:
        first = self._db.execute("SELECT coalesce(max(rowid), 0) + 1 FROM paragraphs").fetchone()[0]
        rows = []
        bodies = []
        for offset, paragraph in enumerate(document.paragraphs):
            text = document.text[paragraph.start : paragraph.end]
            body, _ = index_body(text)
            turn = document.turns[paragraph.turn]
            rows.append(
                (
                    first + offset,
                    rowid,
                    paragraph.index,
                    paragraph.turn,
                    paragraph.start,
                    paragraph.end,
                    turn.speaker_id,
                    document.date,
                    document.kind.value,
                    document.language,
                    text,
                )
            )
            bodies.append((first + offset, body))
        self._db.executemany(
            'INSERT INTO paragraphs (rowid, doc, idx, turn, start, "end", speaker_id, date, '
            "kind, language, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self._db.executemany("INSERT INTO paragraph_fts (rowid, body) VALUES (?, ?)", bodies)

    def delete(self, doc_id: str) -> bool:
        row = self._db.execute("SELECT rowid FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            return False
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._delete_rowid(row[0])
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return True

    def _delete_rowid(self, rowid: int) -> None:
        # The index keeps no text, so removing a paragraph from it takes the
        # words it was indexed with, made again from the document text.
        (text,) = self._db.execute(
            "SELECT text FROM documents WHERE rowid = ?", (rowid,)
        ).fetchone()
        paragraphs = self._db.execute(
            'SELECT rowid, start, "end" FROM paragraphs WHERE doc = ?', (rowid,)
        ).fetchall()
        self._db.executemany(
            "INSERT INTO paragraph_fts (paragraph_fts, rowid, body) VALUES ('delete', ?, ?)",
            [(prow, index_body(text[start:end])[0]) for prow, start, end in paragraphs],
        )
        self._db.execute("DELETE FROM paragraphs WHERE doc = ?", (rowid,))
        self._db.execute("DELETE FROM turns WHERE doc = ?", (rowid,))
        self._db.execute("DELETE FROM annotations WHERE doc = ?", (rowid,))
        self._db.execute("DELETE FROM enrichments WHERE doc = ?", (rowid,))
        self._db.execute("DELETE FROM documents WHERE rowid = ?", (rowid,))

    # --- enrichment ------------------------------------------------------

    def needing_enrichment(self, enrichers: dict[str, str]) -> Iterator[str]:
        last = ""
        wanted = list(enrichers.items())
        matches = " OR ".join("(e.enricher = ? AND e.version = ?)" for _ in wanted) or "0"
        params = [value for pair in wanted for value in pair]
        while True:  # keyset pagination, as in iter_documents
            rows = self._db.execute(
                "SELECT d.id FROM documents d WHERE d.id > ? AND "
                f"(SELECT count(*) FROM enrichments e WHERE e.doc = d.rowid AND ({matches})) < ? "
                "ORDER BY d.id LIMIT 500",
                (last, *params, len(wanted)),
            ).fetchall()
            if not rows:
                return
            yield from (row[0] for row in rows)
            last = rows[-1][0]

    def replace_annotations(
        self, doc_id: str, enrichers: dict[str, str], annotations: Sequence[Annotation]
    ) -> None:
        row = self._db.execute("SELECT rowid FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise NotFoundError(f"no document with id {doc_id!r} in {self.path}")
        names = list(enrichers)
        marks = ", ".join("?" * len(names))
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute(
                f"DELETE FROM annotations WHERE doc = ? AND enricher IN ({marks})", (row[0], *names)
            )
            self._insert_annotations(row[0], annotations)
            self._db.executemany(
                "INSERT OR REPLACE INTO enrichments (doc, enricher, version) VALUES (?, ?, ?)",
                [(row[0], name, version) for name, version in enrichers.items()],
            )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def annotations(self, query: AnnotationQuery) -> list[AnnotationRow]:
        return annotation_rows(self._db, query, _paragraph_filters(query.filters))

    def count_annotations(self, query: AnnotationQuery) -> int:
        return count_annotations(self._db, query, _paragraph_filters(query.filters))

    def annotation_counts(self, query: AnnotationQuery) -> list[KeyCount]:
        return annotation_counts(self._db, query, _paragraph_filters(query.filters))

    def annotation_keys_matching(self, layer: str, name: str) -> tuple[str, ...]:
        return annotation_keys_matching(self._db, layer, name)

    # --- corpus-wide layers ----------------------------------------------

    def statements(self) -> list[StatementRow]:
        return statement_rows(self._db)

    def replace_layer(self, layer: str, annotations: Mapping[str, Sequence[Annotation]]) -> None:
        replace_layer(self._db, layer, annotations)

    def paragraph_vectors(self) -> list[ParagraphVector]:
        return paragraph_vectors(self._db)

    def save_model(self, name: str, meta: dict[str, Any], data: bytes) -> None:
        save_model(self._db, name, meta, data)

    def load_model(self, name: str) -> tuple[dict[str, Any], bytes] | None:
        return load_model(self._db, name)

    def annotation_months(self, query: AnnotationQuery) -> list[tuple[str, str, int]]:
        return annotation_months(self._db, query, _paragraph_filters(query.filters))

    # --- search by meaning -----------------------------------------------

    def has_embeddings(self) -> bool:
        return self._embedding_fingerprint()[0] > 0

    def _embedding_fingerprint(self) -> tuple[int, int]:
        # Counting the embeddings costs milliseconds; the count changes only
        # with a write, by this connection (total_changes) or another one
        # (data_version), so it is counted again only then.
        (version,) = self._db.execute("PRAGMA data_version").fetchone()
        state = (version, self._db.total_changes)
        if self._fingerprint_state != state:
            self._fingerprint = embedding_fingerprint(self._db)
            self._fingerprint_state = state
        return self._fingerprint

    def prepare_search(self) -> None:
        self._vectors.sync(
            self._embedding_fingerprint(),
            lambda: embedding_ids(self._db),
            lambda ids: embedding_vectors(self._db, ids, _DIMENSIONS),
        )

    def nearest(
        self, vector: Any, limit: int, filters: Filters, unit: str | None = None
    ) -> list[VectorHit]:
        query = np.asarray(vector, dtype=np.float32)
        self.prepare_search()
        filter_sql = _paragraph_filters(filters)
        filtered = bool(filter_sql[0])
        wanted = max(limit * _OVERSAMPLE, _FILTERED_CANDIDATES if filtered else 0, 50)
        ids = self._vectors.search(np.frombuffer(to_bytes(query), dtype=np.int8), wanted)
        hits = scored_hits(
            self._db, query, ids=ids, unit=unit, filter_sql=filter_sql, limit=limit,
            dimensions=_DIMENSIONS,
        )  # fmt: skip
        if filtered and len(hits) < limit:
            # Few of the nearest pass the filters: search the filtered rows exactly.
            hits = scored_hits(
                self._db, query, ids=None, unit=unit, filter_sql=filter_sql, limit=limit,
                dimensions=_DIMENSIONS,
            )  # fmt: skip
        return hits

    def sentence_vectors(self, paragraph_ids: Sequence[str]) -> dict[str, list[SpanVector]]:
        return sentence_vectors(self._db, paragraph_ids)

    # --- reading documents -----------------------------------------------

    def get(self, doc_id: str) -> Document:
        row = self._db.execute(
            f"SELECT rowid, {_DOC_COLUMNS} FROM documents WHERE id = ?", (doc_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(f"no document with id {doc_id!r} in {self.path}")
        return self._document_from_row(row)

    def iter_documents(self, filters: Filters | None = None) -> Iterator[Document]:
        where, params = _document_filters(filters or Filters())
        last = ""
        while True:  # keyset pagination: no long-lived cursor, constant memory
            rows = self._db.execute(
                f"SELECT rowid, {_DOC_COLUMNS} FROM documents d WHERE d.id > ? {where} "
                "ORDER BY d.id LIMIT 100",
                (last, *params),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield self._document_from_row(row)
            last = rows[-1][1]

    def count(self) -> int:
        return int(self._db.execute("SELECT count(*) FROM documents").fetchone()[0])

    def _document_from_row(self, row: Sequence[Any]) -> Document:
        (rowid, doc_id, source_url, title, date, place, kind, language, input_file, sha256) = row[
            :10
        ]
        reader, parser, parser_version, record_line, fingerprint, _key, warnings, meta = row[10:18]
        text = row[19]
        turns = tuple(
            Turn(
                index=r[0],
                kind=TurnKind(r[1]),
                speaker_id=r[2],
                speaker=r[3],
                label=r[4],
                role=r[5],
                start=r[6],
                end=r[7],
                label_start=r[8],
                label_end=r[9],
                continues=r[10],
            )
            for r in self._db.execute(
                'SELECT idx, kind, speaker_id, speaker, label, role, start, "end", label_start, '
                "label_end, continues FROM turns WHERE doc = ? ORDER BY idx",
                (rowid,),
            )
        )
        paragraphs = tuple(
            Paragraph(f"{doc_id}#p{r[0] + 1}", r[0], r[1], r[2], r[3])
            for r in self._db.execute(
                'SELECT idx, start, "end", turn FROM paragraphs WHERE doc = ? ORDER BY idx',
                (rowid,),
            )
        )
        annotations = tuple(
            Annotation(
                r[0], r[1], r[2], r[3], None if r[4] is None else json.loads(r[4]), r[5], r[6], r[7]
            )
            for r in self._db.execute(
                'SELECT layer, start, "end", label, value, enricher, enricher_version, vector '
                "FROM annotations WHERE doc = ? ORDER BY id",
                (rowid,),
            )
        )
        return Document(
            id=doc_id,
            text=text,
            provenance=Provenance(
                input_file=input_file,
                input_sha256=sha256,
                reader=reader,
                parser=parser,
                parser_version=parser_version,
                record_line=record_line,
                speakers_fingerprint=fingerprint,
            ),
            source_url=source_url,
            title=title,
            date=date,
            place=place,
            kind=DocumentKind(kind),
            language=language,
            turns=turns,
            paragraphs=paragraphs,
            warnings=tuple(ParseWarning.from_dict(w) for w in json.loads(warnings)),
            meta=json.loads(meta),
            annotations=annotations,
        )

    # --- reading paragraphs ----------------------------------------------

    def search(
        self, query: Node, filters: Filters, limit: int, offset: int = 0
    ) -> list[ParagraphRow]:
        expression = to_fts5(query)
        if expression is None:
            return []
        return self._match(expression, filters, limit, offset)

    def count_matches(self, query: Node, filters: Filters) -> int:
        expression = to_fts5(query)
        if expression is None:
            return 0
        where, params = _paragraph_filters(filters)
        sql = (
            "SELECT count(*) FROM paragraph_fts JOIN paragraphs p ON p.rowid = paragraph_fts.rowid "
            f"WHERE paragraph_fts MATCH ? {where}"
        )
        return int(self._db.execute(sql, (expression, *params)).fetchone()[0])

    def any_words(self, words: list[str], filters: Filters, limit: int) -> list[ParagraphRow]:
        expression = words_to_fts5_any(words)
        if expression is None:
            return []
        return self._match(expression, filters, limit, 0)

    def _match(
        self, expression: str, filters: Filters, limit: int, offset: int
    ) -> list[ParagraphRow]:
        where, params = _paragraph_filters(filters)
        # Rank in the index alone, then fetch citations for the page only: the
        # joins and the text cost the same whether a query matches 10 or 10,000.
        join = "JOIN paragraphs p ON p.rowid = paragraph_fts.rowid" if where else ""
        ranked = (
            f"(SELECT paragraph_fts.rowid AS prow, bm25(paragraph_fts) AS score "
            f"FROM paragraph_fts {join} WHERE paragraph_fts MATCH ? {where} "
            "ORDER BY bm25(paragraph_fts), paragraph_fts.rowid LIMIT ? OFFSET ?)"
        )
        sql = _PARAGRAPH_SELECT.format(source=ranked)
        try:
            rows = self._db.execute(sql, (expression, *params, limit, offset)).fetchall()
        except sqlite3.OperationalError as error:
            raise StoreError(
                f"full-text query failed: {error} (expression {expression!r})"
            ) from error
        return [_row(row[:15], -float(row[15])) for row in rows]

    def paragraph(self, paragraph_id: str) -> ParagraphRow:
        doc_id, _, number = paragraph_id.rpartition("#p")
        sql = _PARAGRAPH_SELECT.format(
            source="(SELECT p.rowid AS prow, 0.0 AS score FROM paragraphs p "
            "JOIN documents d ON d.rowid = p.doc WHERE d.id = ? AND p.idx = ?)"
        )
        index = int(number) - 1 if number.isdigit() else -1
        row = self._db.execute(sql, (doc_id, index)).fetchone()
        if row is None:
            raise NotFoundError(f"no paragraph with id {paragraph_id!r}")
        return _row(row[:15], 0.0)

    def speakers(self) -> list[SpeakerRow]:
        rows = self._db.execute(
            """
            SELECT t.speaker_id, t.speaker, json_group_array(DISTINCT t.label),
                   json_group_array(DISTINCT t.role), count(DISTINCT t.doc), count(*),
                   min(d.date), max(d.date)
            FROM turns t JOIN documents d ON d.rowid = t.doc
            WHERE t.speaker_id IS NOT NULL AND t.continues IS NULL
            GROUP BY t.speaker_id
            ORDER BY count(*) DESC, t.speaker_id
            """
        ).fetchall()
        return [
            SpeakerRow(
                id=r[0],
                name=r[1],
                labels=_split_group(r[2]),
                roles=_split_group(r[3]),
                documents=r[4],
                turns=r[5],
                first_date=r[6],
                last_date=r[7],
            )
            for r in rows
        ]

    def speaker_ids_matching(self, name: str) -> tuple[str, ...]:
        # Names and ids first: "Putin" is Vladimir Putin, not everyone whose
        # label mentions him ("Co-chair of Vladimir Putin's campaign …").
        needle = " ".join(name.split()).casefold()
        rows = self._db.execute(
            "SELECT DISTINCT speaker_id, is_label FROM speaker_forms "
            "WHERE instr(replace(form, ?, ' '), ?) > 0",
            ("\u00a0", needle),
        ).fetchall()
        by_name = {speaker_id for speaker_id, is_label in rows if not is_label}
        return tuple(sorted(by_name or {speaker_id for speaker_id, _ in rows}))

    def close(self) -> None:
        self._db.close()


def _row(values: Sequence[Any], score: float) -> ParagraphRow:
    (pid, doc_id, title, date, url, kind, language, start, end, text) = values[:10]
    turn_kind, speaker_id, speaker, label, role = values[10:15]
    return ParagraphRow(
        pid, doc_id, title, date, url, kind, language, start, end, text,
        turn_kind, speaker_id, speaker, label, role, score,
    )  # fmt: skip


def _source_key(document: Document) -> str | None:
    """Files that hold one document are that document's source; corpora are not."""
    provenance = document.provenance
    if provenance.record_line is not None or not provenance.input_file:
        return None
    if provenance.input_file.startswith("<"):
        return None
    return str(Path(provenance.input_file).resolve())


def _split_group(value: str | None) -> tuple[str, ...]:
    return tuple(sorted({v for v in json.loads(value or "[]") if v}))


# Each filter as SQL over paragraphs (p) and over documents (d). "{in}" becomes
# a list of placeholders. On paragraphs a unary "+" keeps the planner from
# using an index: the full-text index ranks first, then filters apply.
_FILTER_SQL: dict[str, tuple[str, str]] = {
    "speaker_ids": (
        "+p.speaker_id IN ({in})",
        "d.rowid IN (SELECT doc FROM turns WHERE speaker_id IN ({in}))",
    ),
    "since": ("+p.date >= ?", "d.date >= ?"),
    "until": ("+p.date <= ?", "d.date <= ?"),
    "kinds": ("+p.kind IN ({in})", "d.kind IN ({in})"),
    "language": ("+p.language = ?", "d.language = ?"),
    "doc_ids": ("p.doc IN (SELECT rowid FROM documents WHERE id IN ({in}))", "d.id IN ({in})"),
    "mentions": (
        "EXISTS (SELECT 1 FROM annotations m WHERE m.layer = 'entity' AND m.key IN ({in}) "
        "AND m.doc = p.doc AND m.paragraph = p.idx)",
        "d.rowid IN (SELECT doc FROM annotations WHERE layer = 'entity' AND key IN ({in}))",
    ),
}


def _paragraph_filters(filters: Filters) -> tuple[str, list[Any]]:
    return _filter_sql(filters, on_documents=False)


def _document_filters(filters: Filters) -> tuple[str, list[Any]]:
    return _filter_sql(filters, on_documents=True)


def _filter_sql(filters: Filters, *, on_documents: bool) -> tuple[str, list[Any]]:
    """``AND …`` clauses and their parameters for the filters that are set."""
    clauses: list[str] = []
    params: list[Any] = []
    for name, forms in _FILTER_SQL.items():
        value = getattr(filters, name)
        if value is None or value == "":
            continue
        values = list(value) if isinstance(value, tuple) else [value]
        clauses.append(forms[on_documents].replace("{in}", ", ".join("?" * len(values))))
        params.extend(values)
    return "".join(f" AND {c}" for c in clauses), params
