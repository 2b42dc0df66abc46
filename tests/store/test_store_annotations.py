"""The annotation part of the Store contract: every backend answers these alike."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from onrecord import Document, parse_path
from onrecord.model import Annotation, TurnKind
from onrecord.query.syntax import parse_query
from onrecord.store.base import AnnotationQuery, Filters, Store
from onrecord.store.sqlite import SQLiteStore

from ..conftest import EXAMPLE
from .test_store_contract import BACKENDS, _open


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    opened = _open(request.param, tmp_path)
    yield opened
    opened.close()


def _word(document: Document, word: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = document.text.index(word, start + 1)
    return start, start + len(word)


def _annotated(store: Store) -> Document:
    (document,) = parse_path(EXAMPLE)
    list(store.write([document]))
    belarus = [_word(document, "Belarus", n) for n in range(2)]
    ukraine = _word(document, "Ukraine")
    speech = [p for p in document.paragraphs if document.turn_of(p).kind is TurnKind.SPEECH]
    annotations = [
        *(
            Annotation("entity", s, e, "COUNTRY", {"id": "belarus", "name": "Belarus"}, "ent", "1")
            for s, e in belarus
        ),
        Annotation("entity", *ukraine, "COUNTRY", {"id": "ukraine", "name": "Ukraine"}, "ent", "1"),
        *(
            Annotation("claim", p.start, p.end, "check-worthy", {"score": i / 10}, "cl", "1")
            for i, p in enumerate(speech[:5])
        ),
    ]
    store.replace_annotations(document.id, {"ent": "1", "cl": "1"}, annotations)
    return document


def test_annotations_come_back_with_their_words_paragraph_and_speaker(store: Store) -> None:
    document = _annotated(store)
    rows = store.annotations(AnnotationQuery("entity"))
    assert [row.key for row in rows].count("belarus") == 2
    for row in rows:
        assert row.text == document.text[row.start : row.end]
        assert row.paragraph_id is not None
        paragraph = next(p for p in document.paragraphs if p.id == row.paragraph_id)
        assert paragraph.start <= row.start < paragraph.end
        assert row.speaker_id == document.turn_of(paragraph).speaker_id
    assert [r.start for r in rows] == sorted(r.start for r in rows)


def test_claims_rank_by_score_and_filter_by_score_and_speaker(store: Store) -> None:
    _annotated(store)
    ranked = store.annotations(AnnotationQuery("claim", order="score"))
    assert [r.score for r in ranked] == sorted((r.score or 0 for r in ranked), reverse=True)
    strong = store.annotations(AnnotationQuery("claim", min_score=0.25))
    assert {r.score for r in strong} == {0.3, 0.4}
    putin = store.annotations(
        AnnotationQuery("claim", filters=Filters(speaker_ids=("vladimir-putin",)))
    )
    assert putin and all(r.speaker_id == "vladimir-putin" for r in putin)
    assert store.count_annotations(AnnotationQuery("claim")) == 5


def test_entities_are_counted_by_key(store: Store) -> None:
    _annotated(store)
    counts = store.annotation_counts(AnnotationQuery("entity"))
    assert [(c.key, c.name, c.mentions, c.documents) for c in counts] == [
        ("belarus", "Belarus", 2, 1),
        ("ukraine", "Ukraine", 1, 1),
    ]
    assert store.annotation_keys_matching("entity", "BELARUS") == ("belarus",)
    assert store.annotation_keys_matching("entity", "Atlantis") == ()


def test_search_can_require_a_mention(store: Store) -> None:
    document = _annotated(store)
    query = parse_query("Belarus OR Ukraine OR Russia")
    assert query is not None
    every = store.search(query, Filters(), 100)
    mentioning = store.search(query, Filters(mentions=("ukraine",)), 100)
    start, _ = _word(document, "Ukraine")
    assert len(mentioning) == 1 < len(every)
    assert mentioning[0].start <= start < mentioning[0].end
    assert store.count_matches(query, Filters(mentions=("ukraine",))) == 1


def test_reenriching_replaces_only_that_enrichers_annotations(store: Store) -> None:
    document = _annotated(store)
    store.replace_annotations(document.id, {"cl": "2"}, [])
    assert store.count_annotations(AnnotationQuery("claim")) == 0
    assert store.count_annotations(AnnotationQuery("entity")) == 3
    assert len(store.get(document.id).annotations) == 3


def _embedded(store: Store) -> Document:
    """The example with a made-up vector on two speech sentences and one narration one."""
    (document,) = parse_path(EXAMPLE)
    list(store.write([document]))
    speech = [p for p in document.paragraphs if document.turn_of(p).kind is TurnKind.SPEECH]
    narration = next(
        p for p in document.paragraphs if document.turn_of(p).kind is TurnKind.NARRATION
    )
    spans = [(speech[3].start, speech[3].start + 20), (speech[1].start, speech[1].end),
             (narration.start, narration.end)]  # fmt: skip
    annotations = [
        Annotation("embedding", s, e, "sentence", None, "emb", "1", bytes([n + 1]) * 512)
        for n, (s, e) in enumerate(spans)
    ]
    store.replace_annotations(document.id, {"emb": "1"}, annotations)
    return document


def test_statements_are_speech_sentences_with_vectors_in_order(store: Store) -> None:
    document = _embedded(store)
    rows = store.statements()
    assert [(r.start, r.end) for r in rows] == sorted((r.start, r.end) for r in rows)
    assert len(rows) == 2  # narration is not a statement
    for row in rows:
        assert row.text == document.text[row.start : row.end]
        assert row.doc_id == document.id and row.date == document.date
        assert row.speaker_id is not None and len(row.vector) == 512
        paragraph = document.paragraphs[row.paragraph]
        assert paragraph.start <= row.start < paragraph.end


def test_replace_layer_swaps_one_layer_in_the_documents_listed(store: Store) -> None:
    document = _annotated(store)
    start, end = _word(document, "Belarus")
    point = Annotation("talking_point", start, end, "founder", {"id": "tp-1"}, "tp", "1")
    store.replace_layer("talking_point", {document.id: [point], "doc-gone": [point]})
    assert [r.key for r in store.annotations(AnnotationQuery("talking_point"))] == ["tp-1"]
    store.replace_layer("talking_point", {document.id: []})
    assert store.annotations(AnnotationQuery("talking_point")) == []
    assert store.count_annotations(AnnotationQuery("entity")) == 3  # other layers kept
    counts = store.annotation_counts(AnnotationQuery("entity", min_documents=2))
    assert counts == []  # each entity is in one document only


def test_the_version_3_migration_fills_in_rows_written_before_it(tmp_path: Path) -> None:
    import sqlite3

    from onrecord.store.schema import MIGRATIONS

    path = tmp_path / "v2.db"
    (document,) = parse_path(EXAMPLE)
    start, end = _word(document, "Ukraine")
    entity = Annotation("entity", start, end, "COUNTRY", {"id": "ukraine", "score": 0.5}, "e", "1")
    with SQLiteStore(path) as store:
        list(store.write([document]))
        store.replace_annotations(document.id, {"e": "1"}, [entity])
    # Rows as version 2 wrote them have none of the new columns; the
    # migration's backfill must give them what the current code would.
    (backfill,) = (s for s in MIGRATIONS[2] if s.lstrip().startswith("UPDATE"))
    with sqlite3.connect(path) as db:
        db.execute("UPDATE annotations SET paragraph = NULL, key = NULL, score = NULL")
        db.execute(backfill)
    with SQLiteStore(path) as store:
        (row,) = store.annotations(AnnotationQuery("entity"))
    assert (row.key, row.score, row.text) == ("ukraine", 0.5, "Ukraine")
    assert row.paragraph_id is not None
