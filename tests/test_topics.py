"""Topics over time: a seeded fit, labels from the words, assignments that stay put."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from click.testing import CliRunner

from onrecord import Corpus
from onrecord.cli import main
from onrecord.enrich import topics
from onrecord.enrich.vectors import to_bytes
from onrecord.store.base import AnnotationQuery, ParagraphVector

from .conftest import EXAMPLE, SAMPLES

_WORDS = (("gas", "pipeline", "energy"), ("football", "stadium", "championship"),
          ("school", "teachers", "pupils"))  # fmt: skip


def _paragraphs() -> list[ParagraphVector]:
    rng = np.random.default_rng(3)
    centres = rng.normal(size=(3, 512))
    out = []
    for n in range(90):
        group = n % 3
        vector = centres[group] + 0.3 * rng.normal(size=512)
        text = " ".join(_WORDS[group]) + " and the people of the country"
        out.append(ParagraphVector(f"d{n}", "2024-01-01", "en", 0, 0, len(text), text,
                                   to_bytes(vector)))  # fmt: skip
    return out


def test_a_fit_is_the_same_every_time_and_labelled_by_its_words() -> None:
    paragraphs = _paragraphs()
    first, second = topics.fit(paragraphs, k=3), topics.fit(paragraphs, k=3)
    assert first.version == second.version
    assert np.array_equal(first.centroids, second.centroids)
    assert (
        sorted(set(label[:3]) == set(words) for label in first.labels for words in _WORDS)[-3:]
        == [True] * 3
    )  # each topic's three best words are one group's words
    assigned = topics.assign(first, paragraphs)
    groups = {n % 3: set() for n in range(3)}
    for n, (topic, cosine) in enumerate(assigned):
        groups[n % 3].add(topic)
        assert 0.5 < cosine <= 1.0
    assert sorted(len(g) for g in groups.values()) == [1, 1, 1]


def _layer(corpus: Corpus) -> set[tuple[object, ...]]:
    rows = corpus.store.annotations(AnnotationQuery(topics.LAYER, limit=1_000_000))
    return {(r.doc_id, r.start, r.key, r.version) for r in rows}


def test_topics_stay_assigned_as_documents_arrive(tmp_path: Path) -> None:
    with Corpus(tmp_path / "t.db") as corpus:
        corpus.ingest([SAMPLES / "kremlin_en_sample.jsonl"], workers=0)
        report = corpus.enrich(enrichers=["embeddings"], workers=0)
        assert report.topics is not None and report.topics.fitted
        before = _layer(corpus)
        model = topics.load(corpus.store)
        assert model is not None and len(before) == report.topics.paragraphs
        corpus.ingest([EXAMPLE], workers=0)
        report = corpus.enrich(enrichers=["embeddings"], workers=0)
        assert report.topics is not None and not report.topics.fitted
        after = _layer(corpus)
        assert before < after  # the old assignments are all still there
        assert report.topics.assigned == len(after) - len(before)
        listed = corpus.topics()
        assert sum(t.paragraphs for t in listed) == len(after)
        for topic in listed:
            assert sum(n for _, n in topic.by_month) == topic.paragraphs
            assert topic.keywords and topic.model == model.version
        refit = corpus.refit_topics(topics=4)
        again = corpus.refit_topics(topics=4)
        assert refit.fitted and again.fitted and len(_layer(corpus)) == len(after)
        kept = topics.load(corpus.store)
        assert kept is not None and kept.version != model.version
    runner = CliRunner()
    shown = runner.invoke(main, ["--db", str(tmp_path / "t.db"), "topics", "--months"])
    assert shown.exit_code == 0, shown.output
    assert "topic-01" in shown.output and "█" in shown.output
    refit_command = ["--db", str(tmp_path / "t.db"), "topics", "--refit", "--topics", "4"]
    fit_again = runner.invoke(main, [*refit_command, "--json"])
    assert fit_again.exit_code == 0
    with Corpus(tmp_path / "t.db") as corpus:
        last = topics.load(corpus.store)
    assert last is not None and last.version == kept.version  # same data, same model
