"""Search by meaning stays above its floors: ``eval/retrieval.py --subset`` on the
hand-made retrieval gold set (paraphrases, misquotes, translations, repeats,
negatives). Skipped when ../shared is absent."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from onrecord import Corpus

from .conftest import REPO, SHARED, shared_corpus

FLOORS = json.loads((REPO / "tests" / "eval_floors.json").read_text(encoding="utf-8"))["retrieval"]
GOLD = REPO / "eval" / "gold" / "retrieval" / "retrieval_gold.jsonl"

pytestmark = pytest.mark.slow


def _load(name: str) -> Any:
    sys.path.insert(0, str(REPO / "eval"))
    spec = importlib.util.spec_from_file_location(name, REPO / "eval" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def figures(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    shared_corpus("kremlin_en")
    shared_corpus("kremlin_ru")
    retrieval = _load("retrieval")
    queries = retrieval.load_gold()
    db = Path(tmp_path_factory.mktemp("retrieval")) / "r.db"
    retrieval.build_database(db, SHARED, retrieval.gold_documents(queries))
    with Corpus(db) as corpus:
        results: dict[str, Any] = retrieval.evaluate(corpus, queries)
    return results


def test_the_gold_set_is_the_one_the_floors_were_measured_on() -> None:
    assert hashlib.sha256(GOLD.read_bytes()).hexdigest() == FLOORS["gold_sha256"]


def test_recall_stays_above_its_floors(figures: dict[str, Any]) -> None:
    table = figures["by_kind"]
    low = {
        f"{kind} {metric}": (table[kind][metric], floor)
        for kind, metrics in FLOORS["floors"].items()
        for metric, floor in metrics.items()
        if table[kind][metric] < floor
    }
    assert not low, low


def test_negatives_are_answered_with_nothing_mostly(figures: dict[str, Any]) -> None:
    for kind, metrics in FLOORS["ceilings"].items():
        for metric, ceiling in metrics.items():
            assert figures["by_kind"][kind][metric] <= ceiling


def test_meaning_finds_what_words_cannot(figures: dict[str, Any]) -> None:
    table = figures["by_kind"]
    assert table["translation"]["quote/words R@10"] < 0.1 < 0.9 < table["translation"]["quote R@1"]
    assert table["paraphrase"]["search/semantic R@1"] > table["paraphrase"]["search/text R@1"]
    assert table["misquote"]["quote R@1"] >= table["misquote"]["quote/words R@1"]
