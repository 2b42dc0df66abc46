"""The real corpora in ../shared: every one ingests, and accuracy stays above its floors.

Skipped when ../shared is absent (set ONRECORD_SHARED to point elsewhere).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from onrecord import Corpus, Document, TurnKind, parse_path

from .conftest import REPO, SHARED, shared_corpus

FLOORS = json.loads((REPO / "tests" / "eval_floors.json").read_text(encoding="utf-8"))


def _eval_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "eval" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.corpus
@pytest.mark.parametrize("name", ["kremlin_en", "kremlin_en_html", "kremlin_ru", "clef_us"])
def test_every_shared_corpus_ingests_without_failures(name: str, tmp_path: Path) -> None:
    folder = shared_corpus(name)
    with Corpus(tmp_path / f"{name}.db") as corpus:
        report = corpus.ingest([folder])
        assert report.failures == []
        assert report.added > 0 and report.added == len(corpus)
        again = corpus.ingest([folder])
        assert (again.added, again.updated, again.unchanged) == (0, 0, report.added)


@pytest.mark.corpus
def test_speaker_attribution_stays_above_its_floors() -> None:
    shared_corpus("kremlin_en_html")
    floors = FLOORS["speaker_attribution"]
    for name, digest in floors["gold_sha256"].items():
        data = (REPO / "eval" / "gold" / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest, f"gold file {name} changed"
    results: dict[str, Any] = _eval_module("speaker_attribution").evaluate(SHARED)
    for group in ("kremlin_en_html", "clef_us", "overall"):
        figures = results["overall"] if group == "overall" else results["corpora"][group]
        assert figures["documents_missing"] == 0
        assert figures["speaker_accuracy"] >= floors[group]["speaker_accuracy"], group
        assert figures["boundaries"]["f1"] >= floors[group]["boundary_f1"], group


@pytest.mark.corpus
def test_html_pages_and_their_plain_text_parse_alike() -> None:
    """The HTML reader (bold labels) and the text parser agree on the same documents."""
    folder = shared_corpus("kremlin_en_html")
    plain = {d.id: d for d in parse_path(SHARED / "corpora/kremlin_en/kremlin_en_dev.jsonl")}
    for page in sorted(folder.glob("*.html")):
        (document,) = parse_path(page)
        twin = plain[document.id]
        assert document.text == twin.text, page.name
        assert (document.title, document.date) == (twin.title, twin.date)
        assert _labels(document) == _labels(twin), page.name


def _labels(document: Document) -> list[tuple[int | None, str | None, str | None]]:
    return [
        (t.label_start, t.label, t.speaker_id)
        for t in document.turns
        if t.kind is TurnKind.SPEECH and t.continues is None
    ]


@pytest.mark.corpus
@pytest.mark.parametrize("round_number", FLOORS["label_audit"]["rounds"])
def test_hand_checked_label_decisions_stay_above_their_floors(round_number: int) -> None:
    shared_corpus("kremlin_en")
    results: dict[str, Any] = _eval_module("label_audit").evaluate(REPO, round=round_number)
    for language in ("en", "ru"):
        figures = results["languages"][language]
        for measure, floor in FLOORS["label_audit"][language].items():
            assert figures[measure] >= floor, (round_number, language, measure, figures[measure])
