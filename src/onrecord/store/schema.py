"""The SQLite schema and its migrations.

Each migration is a list of statements applied in one transaction; the
version reached is kept in ``PRAGMA user_version``. A database written by
a newer onrecord is refused rather than misread.

Column order matters for speed: ``documents.text`` is last, so that
queries reading a document's title or date never page through its text.
"""

from __future__ import annotations

__all__ = ["MIGRATIONS", "SCHEMA_VERSION"]

_V1 = [
    """
    CREATE TABLE documents (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        source_url TEXT,
        title TEXT,
        date TEXT,
        place TEXT,
        kind TEXT NOT NULL,
        language TEXT NOT NULL,
        input_file TEXT,
        input_sha256 TEXT NOT NULL,
        reader TEXT NOT NULL,
        parser TEXT NOT NULL,
        parser_version TEXT NOT NULL,
        record_line INTEGER,
        speakers_fingerprint TEXT NOT NULL,
        source_key TEXT,
        warnings TEXT NOT NULL,
        meta TEXT NOT NULL,
        ingested_at TEXT NOT NULL,
        text TEXT NOT NULL
    )
    """,
    "CREATE INDEX documents_date ON documents(date)",
    "CREATE INDEX documents_source_key ON documents(source_key)",
    """
    CREATE TABLE turns (
        doc INTEGER NOT NULL REFERENCES documents(rowid) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        kind TEXT NOT NULL,
        speaker_id TEXT,
        speaker TEXT,
        label TEXT,
        role TEXT,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        label_start INTEGER,
        label_end INTEGER,
        continues INTEGER,
        PRIMARY KEY (doc, idx)
    ) WITHOUT ROWID
    """,
    "CREATE INDEX turns_speaker ON turns(speaker_id)",
    # Every form under which a speaker was printed or named, for finding a
    # speaker by name without scanning the turns. Forms of speakers whose
    # documents were removed may linger; they then match no turn.
    """
    CREATE TABLE speaker_forms (
        speaker_id TEXT NOT NULL,
        form TEXT NOT NULL,
        is_label INTEGER NOT NULL,
        PRIMARY KEY (speaker_id, form, is_label)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE paragraphs (
        rowid INTEGER PRIMARY KEY,
        doc INTEGER NOT NULL REFERENCES documents(rowid) ON DELETE CASCADE,
        idx INTEGER NOT NULL,
        turn INTEGER NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        speaker_id TEXT,
        date TEXT,
        kind TEXT NOT NULL,
        language TEXT NOT NULL,
        body TEXT NOT NULL
    )
    """,
    # A paragraph's id is "<document id>#p<idx + 1>", so (doc, idx) finds it.
    # Filters are applied to what the full-text index ranks, so speaker and
    # date need no index of their own on this table.
    "CREATE UNIQUE INDEX paragraphs_doc ON paragraphs(doc, idx)",
    # The full-text index holds each paragraph's words (Cyrillic ones
    # pre-stemmed, see onrecord.query.stemming); its rowid is the paragraph's.
    # Its content is paragraphs.body, so it keeps no copy of its own. The
    # body duplicates a slice of documents.text on purpose: a hit is then
    # read without reading its whole document.
    """
    CREATE VIRTUAL TABLE paragraph_fts USING fts5(
        body, content = 'paragraphs', content_rowid = 'rowid',
        tokenize = 'porter unicode61 remove_diacritics 2'
    )
    """,
    # Annotations of later stages (entities, claims, techniques, embeddings)
    # hang off documents by offsets; the table is here so they plug in.
    """
    CREATE TABLE annotations (
        doc INTEGER NOT NULL REFERENCES documents(rowid) ON DELETE CASCADE,
        layer TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        label TEXT,
        value TEXT,
        enricher TEXT NOT NULL,
        enricher_version TEXT NOT NULL
    )
    """,
    "CREATE INDEX annotations_doc ON annotations(doc, layer)",
]

# v2: which enrichers (name and version) have annotated each document, so
# enrichment is incremental: a document is redone only when it changed or
# an enricher's version did.
_V2 = [
    """
    CREATE TABLE enrichments (
        doc INTEGER NOT NULL REFERENCES documents(rowid) ON DELETE CASCADE,
        enricher TEXT NOT NULL,
        version TEXT NOT NULL,
        PRIMARY KEY (doc, enricher)
    ) WITHOUT ROWID
    """,
]

# v3: each annotation knows its paragraph (for the speaker and the citation
# without a range search), its key (an entity's canonical id, a technique's
# name) and its score, so entities are counted and claims ranked in SQL.
_V3 = [
    "ALTER TABLE annotations ADD COLUMN paragraph INTEGER",
    "ALTER TABLE annotations ADD COLUMN key TEXT",
    "ALTER TABLE annotations ADD COLUMN score REAL",
    """
    UPDATE annotations SET
        paragraph = (
            SELECT p.idx FROM paragraphs p
            WHERE p.doc = annotations.doc AND p.start <= annotations.start
              AND annotations.start < p."end"
        ),
        key = coalesce(json_extract(value, '$.id'), label),
        score = json_extract(value, '$.score')
    """,
    "CREATE INDEX annotations_key ON annotations(layer, key, doc, paragraph)",
    "CREATE INDEX annotations_score ON annotations(layer, score)",
]

# v4: annotations get ids that are never reused (AUTOINCREMENT), because the
# vector index next to the database keys embeddings by them; and a vector
# column for embeddings. SQLite cannot add AUTOINCREMENT to a table, so the
# table is rebuilt, keeping every row and its id.
_V4 = [
    """
    CREATE TABLE annotations_v4 (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        doc INTEGER NOT NULL REFERENCES documents(rowid) ON DELETE CASCADE,
        layer TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        label TEXT,
        value TEXT,
        enricher TEXT NOT NULL,
        enricher_version TEXT NOT NULL,
        paragraph INTEGER,
        key TEXT,
        score REAL,
        vector BLOB
    )
    """,
    """
    INSERT INTO annotations_v4 (id, doc, layer, start, "end", label, value, enricher,
                                enricher_version, paragraph, key, score)
    SELECT rowid, doc, layer, start, "end", label, value, enricher, enricher_version,
           paragraph, key, score
    FROM annotations ORDER BY rowid
    """,
    "DROP TABLE annotations",
    "ALTER TABLE annotations_v4 RENAME TO annotations",
    "CREATE INDEX annotations_doc ON annotations(doc, layer)",
    "CREATE INDEX annotations_key ON annotations(layer, key, doc, paragraph)",
    "CREATE INDEX annotations_score ON annotations(layer, score)",
]

# v5: corpus-wide models fitted on the stored data (the topic model's centroids
# and labels), kept with the corpus so that what they assign stays stable.
_V5 = [
    """
    CREATE TABLE models (
        name TEXT PRIMARY KEY,
        meta TEXT NOT NULL,
        data BLOB NOT NULL
    ) WITHOUT ROWID
    """,
]

MIGRATIONS: list[list[str]] = [_V1, _V2, _V3, _V4, _V5]
SCHEMA_VERSION = len(MIGRATIONS)
