"""Search by meaning: embeddings stored with the corpus, a vector index beside it,
semantic and hybrid search, and quote lookup that accepts paraphrases and
translations."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from onrecord import Corpus
from onrecord.enrich.encoder import encode
from onrecord.errors import QueryError
from onrecord.store.base import Filters
from onrecord.store.sqlite import SQLiteStore

from .conftest import EXAMPLE, SAMPLES

DOC = "doc-0d1389b41acdbc39"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("semantic") / "s.db"
    with Corpus(path) as corpus:
        corpus.ingest([EXAMPLE, SAMPLES / "kremlin_ru_sample.jsonl"], workers=0)
        report = corpus.enrich(enrichers=["embeddings"], workers=0)
        assert report.failures == []
    yield path


def test_every_sentence_and_paragraph_has_a_vector(db: Path) -> None:
    with Corpus(db) as corpus:
        document = corpus.document(DOC)
    embedded = [a for a in document.annotations if a.layer == "embedding"]
    sentences = [a for a in document.annotations if a.layer == "sentence"]
    with_sentences = [
        p for p in document.paragraphs if any(p.start <= s.start < p.end for s in sentences)
    ]
    assert {a.label for a in embedded} == {"sentence", "paragraph"}
    assert sum(a.label == "paragraph" for a in embedded) == len(with_sentences)
    assert sum(a.label == "sentence" for a in embedded) == len(sentences)
    assert all(a.vector is not None and len(a.vector) == 512 for a in embedded)
    assert "vector" not in document.to_dict()["annotations"][0]


def test_enrich_leaves_the_vector_index_ready_for_the_first_query(db: Path) -> None:
    index = Path(f"{db}.vectors")
    assert index.is_file()
    built = index.stat().st_mtime_ns
    with Corpus(db) as corpus:
        assert corpus.quote("We hosted three rounds of talks.", limit=1)
    assert index.stat().st_mtime_ns == built  # searching found nothing to add


def test_nearest_gives_exact_cosines_and_respects_filters(db: Path) -> None:
    with SQLiteStore(db) as store:
        query = encode(["Later, the negotiating teams moved to Turkey, to Istanbul."])[0]
        (best, *rest) = store.nearest(query, 5, Filters(), unit="sentence")
        assert best.similarity > 0.99 and best.row.doc_id == DOC
        assert [h.similarity for h in rest] == sorted((h.similarity for h in rest), reverse=True)
        russian = store.nearest(query, 5, Filters(language="ru"))
        assert russian and all(h.row.language == "ru" for h in russian)
        lukashenko = store.nearest(query, 3, Filters(speaker_ids=("alexander-lukashenko",)))
        assert all(h.row.speaker_id == "alexander-lukashenko" for h in lukashenko)


def test_the_index_file_follows_the_database(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    with SQLiteStore(db) as source:
        source._db.execute(f"VACUUM INTO '{copy}'")
    query = encode(["We hosted three rounds of talks."])[0]
    with Corpus(copy) as corpus:
        before = corpus.store.nearest(query, 3, Filters())
        assert Path(f"{copy}.vectors").is_file()
        assert corpus.store.delete(DOC)
        after = corpus.store.nearest(query, 3, Filters())
    assert before[0].row.doc_id == DOC and all(h.row.doc_id != DOC for h in after)
    with SQLiteStore(copy) as reopened:  # the saved index is reused, and still right
        assert [h.id for h in reopened.nearest(query, 3, Filters())] == [h.id for h in after]


def test_a_russian_quotation_finds_the_english_original(db: Path) -> None:
    with Corpus(db) as corpus:
        matches = corpus.quote("Переговорные группы затем переехали в Турцию, в Стамбул.")
    assert matches, "a translation should match"
    best = matches[0]
    assert best.method == "meaning" and best.citation.doc_id == DOC
    assert "Istanbul" in best.matched_text


def test_quote_by_words_only_and_nothing_matching(db: Path) -> None:
    with Corpus(db) as corpus:
        quotation = "Переговорные группы затем переехали в Турцию, в Стамбул."
        assert not corpus.quote(quotation, by_meaning=False)
        assert not corpus.quote("Penguins in Antarctica prefer jazz to opera.")


def test_hybrid_is_the_default_for_plain_words_and_finds_other_wordings(db: Path) -> None:
    with Corpus(db) as corpus:
        hits = corpus.search("negotiators relocated to Istanbul", limit=5)
        assert hits and {h.method for h in hits} <= {"text", "meaning", "both"}
        assert any("Istanbul" in h.text for h in hits)
        text_only = corpus.search("negotiators relocated to Istanbul", mode="text")
        assert len(text_only) == 0  # no paragraph holds all the words
        phrase = corpus.search('"three rounds"', limit=5)
        assert phrase and all(h.method == "text" for h in phrase)  # operators: full-text
        semantic = corpus.search("talks in Belarus", mode="semantic", limit=3)
        assert semantic and all(h.method == "meaning" and h.similarity for h in semantic)


def test_meaning_modes_need_embeddings(tmp_path: Path) -> None:
    with Corpus(tmp_path / "plain.db") as corpus:
        corpus.ingest([EXAMPLE], workers=0)
        assert corpus.search("Istanbul")[0].method == "text"
        with pytest.raises(QueryError, match="needs embeddings"):
            corpus.search("Istanbul", mode="semantic")
        assert corpus.quote("We hosted three rounds of talks")[0].method == "words"


def test_best_window_joins_neighbouring_sentences() -> None:
    from onrecord.enrich.vectors import to_bytes
    from onrecord.query.semantic import best_window
    from onrecord.store.base import SpanVector

    a, b, c = np.eye(512, dtype=np.float32)[:3]
    spans = [SpanVector(0, 10, to_bytes(a)), SpanVector(11, 20, to_bytes(b))]
    spans.append(SpanVector(21, 30, to_bytes(c)))
    query = (a + b) / np.linalg.norm(a + b)
    assert best_window(query, spans) == (0, 20, pytest.approx(1.0, abs=1e-3))
    assert best_window(c, spans) == (21, 30, pytest.approx(1.0, abs=1e-3))
    assert best_window(c, []) is None
