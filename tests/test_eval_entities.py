"""The entity evaluation (eval/entities.py) stays above its floors on the shared corpora.

Skipped when ../shared is absent (set ONRECORD_SHARED to point elsewhere).
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


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    shared_corpus("kremlin_en")
    shared_corpus("kremlin_ru")
    spec = importlib.util.spec_from_file_location("eval_entities", REPO / "eval" / "entities.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["eval_entities"] = module
    spec.loader.exec_module(module)
    figures: dict[str, Any] = module.evaluate(SHARED)
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
