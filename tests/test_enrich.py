"""Enrichment: a validated pipeline, annotations stored with their enricher, incremental runs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from onrecord import ConfigError, Corpus, Document
from onrecord.cli import main
from onrecord.enrich.pipeline import Pipeline
from onrecord.enrich.sentence_enricher import SentenceEnricher
from onrecord.model import Annotation

from .conftest import EXAMPLE, SAMPLES


class _Needs:
    """An enricher that needs a layer nobody assigns."""

    name = "needs-entities"
    version = "1"
    requires: tuple[str, ...] = ("entities",)
    assigns: tuple[str, ...] = ("claims",)

    def annotate(self, document: Document, earlier: Sequence[Annotation]) -> list[Annotation]:
        return []


class _Fails:
    """An enricher that breaks on one document."""

    name = "fragile"
    version = "1"
    requires: tuple[str, ...] = ("sentences",)
    assigns: tuple[str, ...] = ("fragile",)

    def annotate(self, document: Document, earlier: Sequence[Annotation]) -> list[Annotation]:
        if document.id == "kremlin-en-7506":
            raise ValueError("cannot cope")
        return [Annotation("fragile", 0, 1, "x", {"score": 0.5}, self.name, self.version)]


def test_a_pipeline_with_an_unmet_requirement_is_refused() -> None:
    with pytest.raises(ConfigError, match="requires entities"):
        Pipeline([_Needs()])
    with pytest.raises(ConfigError, match="twice"):
        Pipeline([SentenceEnricher(), SentenceEnricher()])


def test_sentences_are_stored_with_offsets_and_their_enricher(corpus: Corpus) -> None:
    corpus.ingest([EXAMPLE])
    report = corpus.enrich(enrichers=["sentences"])
    assert (report.enriched, report.failures) == (1, [])
    (document,) = corpus.documents()
    sentences = [a for a in document.annotations if a.layer == "sentence"]
    assert len(sentences) == report.annotations > 40
    texts = [document.text[a.start : a.end] for a in sentences]
    assert "It was not Russia that started this war in\u00a02014." in texts
    assert all(a.enricher == "sentences" and a.version == "1" for a in sentences)
    assert corpus.document(document.id) == document  # store → load keeps annotations
    as_json = document.to_dict()["annotations"]
    assert as_json[0]["text"] == document.text[as_json[0]["start"] : as_json[0]["end"]]


def test_enrichment_is_incremental(corpus: Corpus, tmp_path: Path) -> None:
    corpus.ingest([SAMPLES / "kremlin_en_sample.jsonl"])
    first = corpus.enrich(enrichers=["sentences"], workers=2)
    assert first.enriched == 19
    again = corpus.enrich(enrichers=["sentences"])
    assert (again.enriched, again.up_to_date) == (0, 19)
    # A changed document is redone; the others are not.
    changed = tmp_path / "changed.jsonl"
    line = (SAMPLES / "kremlin_en_sample.jsonl").read_text(encoding="utf-8").splitlines()[0]
    changed.write_text(line.replace("Russia", "Russia.") + "\n", encoding="utf-8")
    assert corpus.ingest([changed]).updated == 1
    assert corpus.enrich(enrichers=["sentences"]).enriched == 1


def test_worker_processes_give_what_one_process_gives(tmp_path: Path) -> None:
    stored = []
    for workers in (0, 2):
        with Corpus(tmp_path / f"w{workers}.db") as corpus:
            corpus.ingest([SAMPLES / "kremlin_en_sample.jsonl"], workers=0)
            report = corpus.enrich(Pipeline([SentenceEnricher(), _Fails()]), workers=workers)
            assert (report.enriched, len(report.failures)) == (18, 1)
            stored.append([d.annotations for d in corpus.documents()])
    assert stored[0] == stored[1]


def test_asking_for_an_enricher_brings_what_it_requires() -> None:
    from onrecord.enrich.registry import build_pipeline

    assert list(build_pipeline(["sentences"]).versions) == ["sentences"]
    assert list(build_pipeline(["claims"]).versions) == ["sentences", "claims"]
    with pytest.raises(ConfigError, match="unknown enricher 'nonsense'"):
        build_pipeline(["nonsense"])


def test_one_failing_document_is_reported_and_skipped(corpus: Corpus) -> None:
    corpus.ingest([SAMPLES / "kremlin_en_sample.jsonl"])
    report = corpus.enrich(Pipeline([SentenceEnricher(), _Fails()]))
    assert report.enriched == 18
    (failure,) = report.failures
    assert failure.startswith("kremlin-en-7506: enricher 'fragile' failed: ValueError")
    assert not corpus.document("kremlin-en-7506").annotations


def test_cli_enrich(tmp_path: Path) -> None:
    db = tmp_path / "e.db"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", str(db), "ingest", "-q", str(EXAMPLE)]).exit_code == 0
    result = runner.invoke(main, ["--db", str(db), "enrich", "-q", "--enrichers", "sentences"])
    assert result.exit_code == 0
    assert result.stdout.startswith("1 enriched (")
    again = runner.invoke(main, ["--db", str(db), "enrich", "-q", "--enrichers", "sentences"])
    assert again.stdout.startswith("0 enriched (0 annotations), 1 up to date, 0 failed")


def test_annotations_export_as_rows(corpus: Corpus, tmp_path: Path) -> None:
    import csv
    import io

    from onrecord.export import export

    corpus.ingest([EXAMPLE])
    report = corpus.enrich(enrichers=["sentences"])
    buffer = io.BytesIO()
    assert export(corpus.documents(), "csv", buffer, "annotations") == report.annotations
    rows = list(csv.DictReader(io.StringIO(buffer.getvalue().decode("utf-8"))))
    assert {r["layer"] for r in rows} == {"sentence"}
    document = next(corpus.documents())
    first = rows[0]
    assert document.text[int(first["start"]) : int(first["end"])] == first["text"]
