"""The contract every Store backend keeps. A new backend (PostgreSQL) is added to
``store`` below and must pass this file unchanged."""

from __future__ import annotations

import dataclasses
import hashlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from onrecord import Document, NotFoundError, SchemaError, parse_path
from onrecord.model import RawDocument
from onrecord.parse.parser import parse
from onrecord.query.syntax import parse_query
from onrecord.store.base import Filters, Store, WriteStatus
from onrecord.store.sqlite import SQLiteStore

from ..conftest import EXAMPLE, SAMPLES
from ..test_parser_properties import transcripts

BACKENDS = ["sqlite-file", "sqlite-memory"]


def _open(kind: str, tmp_path: Path) -> Store:
    if kind == "sqlite-file":
        return SQLiteStore(tmp_path / "contract.db")
    return SQLiteStore(":memory:")


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = _open(request.param, tmp_path)
    yield opened
    opened.close()


def _documents() -> list[Document]:
    return [*parse_path(EXAMPLE), *parse_path(SAMPLES / "kremlin_en_sample.jsonl")]


def _changed(document: Document, text: str) -> Document:
    raw = RawDocument(
        text=text,
        source=document.provenance.input_file or "x",
        input_sha256=hashlib.sha256(text.encode()).hexdigest(),
        reader="text",
        id=document.id,
        source_url=document.source_url,
    )
    return parse(raw)


def test_store_then_load_is_the_identity(store: Store) -> None:
    documents = _documents()
    outcomes = list(store.write(documents, batch_size=7))
    assert [o.status for o in outcomes] == [WriteStatus.ADDED] * len(documents)
    for document in documents:
        assert store.get(document.id) == document
    assert store.count() == len(documents)
    assert [d.id for d in store.iter_documents()] == sorted(d.id for d in documents)


def test_writing_the_same_documents_again_changes_nothing(store: Store) -> None:
    documents = _documents()
    list(store.write(documents))
    before = [store.get(d.id) for d in documents]
    outcomes = list(store.write(documents))
    assert {o.status for o in outcomes} == {WriteStatus.UNCHANGED}
    assert [store.get(d.id) for d in documents] == before
    assert store.count() == len(documents)


def test_a_changed_source_replaces_the_old_version(store: Store) -> None:
    (document,) = parse_path(EXAMPLE)
    list(store.write([document]))
    changed = _changed(document, "Vladimir Putin: Completely new words about tractors.")
    (outcome,) = store.write([changed])
    assert outcome.status is WriteStatus.UPDATED
    assert store.get(document.id) == changed
    assert store.count() == 1
    assert store.search(parse_query("initialled"), Filters(), 10) == []
    assert len(store.search(parse_query("tractors"), Filters(), 10)) == 1


def test_delete_removes_everything_that_points_into_the_document(store: Store) -> None:
    (document,) = parse_path(EXAMPLE)
    list(store.write([document]))
    assert store.delete(document.id)
    assert not store.delete(document.id)
    with pytest.raises(NotFoundError):
        store.get(document.id)
    assert store.search(parse_query("Istanbul"), Filters(), 10) == []
    assert store.speakers() == []


def test_search_filters(store: Store) -> None:
    list(store.write(_documents()))
    query = parse_query("Russia")
    assert query is not None
    everything = store.search(query, Filters(), 1000)
    assert len(everything) == store.count_matches(query, Filters())
    putin = store.search(query, Filters(speaker_ids=("vladimir-putin",)), 1000)
    assert putin and all(r.speaker_id == "vladimir-putin" for r in putin)
    recent = store.search(query, Filters(since="2019-01-01"), 1000)
    assert recent and all(r.date is not None and r.date >= "2019-01-01" for r in recent)
    old = store.search(query, Filters(until="2012-12-31"), 1000)
    assert all(r.date is not None and r.date <= "2012-12-31" for r in old)
    assert len(recent) + len(old) <= len(everything)
    only = store.search(query, Filters(doc_ids=("kremlin-en-7506",)), 1000)
    assert only and {r.doc_id for r in only} == {"kremlin-en-7506"}
    for row in everything:
        document = store.get(row.doc_id)
        assert document.text[row.start : row.end] == row.text


def test_paragraph_lookup_and_speakers(store: Store) -> None:
    (document,) = parse_path(EXAMPLE)
    list(store.write([document]))
    paragraph = document.paragraphs[12]
    row = store.paragraph(paragraph.id)
    assert row.text == document.paragraph_text(paragraph)
    assert (row.start, row.end, row.speaker_id) == (
        paragraph.start,
        paragraph.end,
        "vladimir-putin",
    )
    with pytest.raises(NotFoundError):
        store.paragraph("nope#p1")
    speakers = {s.id: s for s in store.speakers()}
    assert set(speakers) == {"vladimir-putin", "alexander-lukashenko"}
    putin = speakers["vladimir-putin"]
    assert putin.turns == 3 and putin.documents == 1
    assert putin.roles == ("President of Russia",)
    assert set(putin.labels) == {"President of\u00a0Russia Vladimir Putin", "Vladimir Putin"}
    assert store.speaker_ids_matching("putin") == ("vladimir-putin",)


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(transcripts)
def test_store_round_trip_holds_for_any_parsed_text(text: str) -> None:
    if not text.strip():
        return
    document = parse(RawDocument(text=text, source="<h>", input_sha256="h", reader="text"))
    with SQLiteStore(":memory:") as store:
        list(store.write([document]))
        assert store.get(document.id) == document


def test_a_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "future.db"
    SQLiteStore(path).close()
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 999")
    with pytest.raises(SchemaError, match="newer"):
        SQLiteStore(path)


def test_documents_are_frozen_records() -> None:
    (document,) = parse_path(EXAMPLE)
    with pytest.raises(dataclasses.FrozenInstanceError):
        document.title = "changed"  # type: ignore[misc]


def test_replacing_and_deleting_russian_documents_leaves_no_stale_index_entries(
    store: Store,
) -> None:
    documents = list(parse_path(SAMPLES / "kremlin_ru_sample.jsonl"))
    list(store.write(documents))
    query = parse_query("чеченский")
    assert query is not None
    before = store.count_matches(query, Filters())
    assert before > 0
    for document in documents:
        store.delete(document.id)
    assert store.count_matches(query, Filters()) == 0
    list(store.write(documents))
    assert store.count_matches(query, Filters()) == before


def test_an_older_schema_is_migrated_in_place(tmp_path: Path) -> None:
    from onrecord.store.schema import MIGRATIONS, SCHEMA_VERSION

    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:
        for statement in MIGRATIONS[0]:
            db.execute(statement)
        db.execute("PRAGMA user_version = 1")
    (document,) = parse_path(EXAMPLE)
    with SQLiteStore(path) as store:
        assert isinstance(store, SQLiteStore) and store.schema_version == SCHEMA_VERSION > 1
        list(store.write([document]))
        assert store.get(document.id) == document
