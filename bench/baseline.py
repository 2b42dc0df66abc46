"""The bare baseline ingest: each JSONL record's raw ``text`` into one FTS5 table.

No parsing, no speakers, no paragraphs: ``json.loads`` per line and one row per
document, with the same connection settings (WAL, ``synchronous = NORMAL``) and the
same batch size as onrecord's store, so the gap to onrecord is what onrecord adds.

    python bench/baseline.py CORPUS.jsonl DB [--tokenizer porter|default]
"""

from __future__ import annotations

import argparse
import json
import sqlite3
from pathlib import Path

BATCH_SIZE = 200  # as onrecord.store.sqlite.SQLiteStore.write
TOKENIZERS = {
    "default": "",
    "porter": ", tokenize = 'porter unicode61 remove_diacritics 2'",  # as onrecord's schema
}


def ingest_bare(corpus: Path, db_path: Path, tokenizer: str = "default") -> int:
    """Index ``corpus`` into a fresh FTS5 table in ``db_path``; returns documents indexed."""
    db = sqlite3.connect(db_path, isolation_level=None)
    try:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute(f"CREATE VIRTUAL TABLE docs USING fts5(body{TOKENIZERS[tokenizer]})")
        count = 0
        batch: list[tuple[str]] = []
        with corpus.open("rb") as lines:
            for line in lines:
                if not line.strip():
                    continue
                batch.append((json.loads(line)["text"],))
                if len(batch) >= BATCH_SIZE:
                    count += _commit(db, batch)
                    batch = []
        return count + _commit(db, batch)
    finally:
        db.close()


def _commit(db: sqlite3.Connection, batch: list[tuple[str]]) -> int:
    db.execute("BEGIN IMMEDIATE")
    db.executemany("INSERT INTO docs (body) VALUES (?)", batch)
    db.execute("COMMIT")
    return len(batch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("db", type=Path, help="a new database file (must not exist)")
    parser.add_argument("--tokenizer", choices=sorted(TOKENIZERS), default="default")
    args = parser.parse_args()
    if args.db.exists():
        parser.error(f"{args.db} exists; the baseline writes a fresh database")
    count = ingest_bare(args.corpus, args.db, args.tokenizer)
    print(f"{count} documents indexed in {args.db}")


if __name__ == "__main__":
    main()
