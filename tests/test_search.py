"""Search through the Python API: syntax, stemming in both languages, offsets, pandas."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onrecord import Corpus, QueryError

from .conftest import SAMPLES


@pytest.fixture(scope="module")
def sample_corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    corpus = Corpus(tmp_path_factory.mktemp("search") / "s.db")
    assert corpus.ingest([SAMPLES]).ok
    return corpus


def _cited(corpus: Corpus, doc_id: str, start: int, end: int) -> str:
    return corpus.document(doc_id).text[start:end]


def test_hits_cite_their_words_exactly(sample_corpus: Corpus) -> None:
    hits = sample_corpus.search("Istanbul", count=True)
    assert hits and hits.total is not None and hits.total >= len(hits)
    for hit in hits:
        citation = hit.citation
        assert _cited(sample_corpus, citation.doc_id, citation.start, citation.end) == hit.text
        for start, end in hit.matches:
            assert _cited(sample_corpus, citation.doc_id, start, end).lower() == "istanbul"


def test_english_stemming_finds_inflections(sample_corpus: Corpus) -> None:
    words = {
        _cited(sample_corpus, h.citation.doc_id, s, e).lower()
        for h in sample_corpus.search("negotiate", limit=200)
        for s, e in h.matches
    }
    assert {"negotiate", "negotiating"} <= words or {"negotiate", "negotiated"} <= words


def test_russian_stemming_finds_inflections(sample_corpus: Corpus) -> None:
    hits = sample_corpus.search("чеченский", language="ru", limit=200)
    forms = {
        _cited(sample_corpus, h.citation.doc_id, s, e).lower() for h in hits for s, e in h.matches
    }
    assert len(forms) >= 2, forms  # e.g. чеченский, чеченской, чеченских
    assert all(f.startswith("чеченск") for f in forms)


def test_phrases_and_boolean_operators(sample_corpus: Corpus) -> None:
    phrase = sample_corpus.search('"peace process"', limit=100)
    assert phrase and all("peace process" in h.text.replace("\u00a0", " ").lower() for h in phrase)
    both = sample_corpus.search("Istanbul AND Switzerland", limit=100)
    either = sample_corpus.search("Istanbul OR Switzerland", limit=100)
    istanbul = sample_corpus.search("Istanbul", limit=100)
    without = sample_corpus.search("Istanbul -Switzerland", limit=100)
    assert len(both) <= len(istanbul) <= len(either)
    assert len(without) + len(both) == len(istanbul)
    prefix = sample_corpus.search("initial*", limit=100)
    assert len(prefix) >= len(sample_corpus.search('"initialled"'))


def test_results_convert_to_pandas(sample_corpus: Corpus) -> None:
    frame = sample_corpus.search("Russia", limit=5).to_pandas()
    assert len(frame) == 5
    assert {"doc_id", "paragraph_id", "start", "end", "speaker", "snippet"} <= set(frame.columns)
    assert len(sample_corpus.speakers().to_pandas()) > 5


def test_limits_are_checked(sample_corpus: Corpus) -> None:
    with pytest.raises(QueryError):
        sample_corpus.search("Russia", limit=0)


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_no_query_string_makes_search_fail(sample_corpus: Corpus, query: str) -> None:
    hits = sample_corpus.search(query)
    assert isinstance(hits, list)
    sample_corpus.kwic(query)
    sample_corpus.quote(query)
