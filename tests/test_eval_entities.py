"""The entity evaluation (eval/entities.py) stays above its floors on the shared corpora.

Round 1 (``entities_sample.jsonl``) and round 2 (``entities_sample_2.jsonl``, a fresh sample
whose documents are disjoint from round 1's) each have their floors. Skipped when ../shared
is absent (set ONRECORD_SHARED to point elsewhere).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from typing import Any

import pytest

from .conftest import REPO, SHARED, shared_corpus

FLOORS = json.loads((REPO / "tests" / "eval_floors.json").read_text(encoding="utf-8"))
GOLD = REPO / "eval" / "gold" / "entities_sample.jsonl"
GOLD_2 = REPO / "eval" / "gold" / "entities_sample_2.jsonl"


@pytest.fixture(scope="module")
def module() -> Any:
    shared_corpus("kremlin_en")
    shared_corpus("kremlin_ru")
    spec = importlib.util.spec_from_file_location("eval_entities", REPO / "eval" / "entities.py")
    assert spec is not None and spec.loader is not None
    loaded = importlib.util.module_from_spec(spec)
    sys.modules["eval_entities"] = loaded
    spec.loader.exec_module(loaded)
    return loaded


@pytest.fixture(scope="module")
def results(module: Any) -> dict[str, Any]:
    figures: dict[str, Any] = module.evaluate(SHARED)
    return figures


@pytest.fixture(scope="module")
def results_2(module: Any) -> dict[str, Any]:
    figures: dict[str, Any] = module.evaluate(SHARED, round=2)
    return figures


@pytest.mark.corpus
@pytest.mark.slow
def test_the_gold_sample_is_the_one_the_floors_were_measured_on(results: dict[str, Any]) -> None:
    floors = FLOORS["entities"]
    assert hashlib.sha256(GOLD.read_bytes()).hexdigest() == floors["gold_sha256"]
    assert results["gold"]["documents_missing"] == 0
    assert results["gold"]["mentions"] >= 300


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("language", ["all", "en", "ru"])
def test_hand_checked_entities_stay_above_their_floors(
    results: dict[str, Any], language: str
) -> None:
    figures = results["gold"]["configs"]["enricher"][language]
    for measure, floor in FLOORS["entities"]["gold"][language].items():
        group, key = measure.split(".")
        assert figures[group][key] >= floor, (language, measure, figures[group][key])


@pytest.mark.corpus
@pytest.mark.slow
def test_the_gazetteer_and_rules_improve_on_the_model_alone(results: dict[str, Any]) -> None:
    model = results["gold"]["configs"]["model"]["all"]
    enricher = results["gold"]["configs"]["enricher"]["all"]
    for measure in ("exact", "type", "type_coarse"):
        assert enricher[measure]["f1"] > model[measure]["f1"], measure
    assert results["silver"]["enricher"]["recall"] > results["silver"]["model"]["recall"]


@pytest.mark.corpus
@pytest.mark.slow
def test_site_tags_recall_stays_above_its_floor(results: dict[str, Any]) -> None:
    silver = results["silver"]
    assert silver["documents"] == FLOORS["entities"]["silver"]["documents"]
    for key in ("recall", "persons", "geography"):
        assert silver["enricher"][key] >= FLOORS["entities"]["silver"][key], key


# -- round 2 ------------------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.slow
def test_round_2_is_the_sample_its_floors_were_measured_on(
    module: Any, results_2: dict[str, Any]
) -> None:
    floors = FLOORS["entities"]["round_2"]
    assert hashlib.sha256(GOLD_2.read_bytes()).hexdigest() == floors["gold_sha256"]
    assert results_2["round"] == 2
    assert results_2["gold"]["documents_missing"] == 0
    assert results_2["gold"]["mentions"] >= 300
    assert results_2["gold"]["configs"]["enricher"]["ru"]["gold"] >= 60
    gold_2 = module.read_gold(GOLD_2)
    assert not {r["doc_id"] for r in gold_2} & {r["doc_id"] for r in module.read_gold(GOLD)}
    drawn = [(d.id, index) for d, index in module.draw_sample(SHARED, 2)]
    assert drawn == [(r["doc_id"], r["paragraph"]) for r in gold_2]


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("language", ["all", "en", "ru"])
def test_round_2_entities_stay_above_their_floors(results_2: dict[str, Any], language: str) -> None:
    figures = results_2["gold"]["configs"]["enricher"][language]
    for measure, floor in FLOORS["entities"]["round_2"]["gold"][language].items():
        group, key = measure.split(".")
        assert figures[group][key] >= floor, (language, measure, figures[group][key])


@pytest.mark.corpus
@pytest.mark.slow
def test_round_2_gazetteer_and_rules_improve_on_the_model_alone(
    results_2: dict[str, Any],
) -> None:
    model = results_2["gold"]["configs"]["model"]["all"]
    enricher = results_2["gold"]["configs"]["enricher"]["all"]
    for measure in ("exact", "type", "type_coarse"):
        assert enricher[measure]["f1"] > model[measure]["f1"], measure
