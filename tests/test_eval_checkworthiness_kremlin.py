"""The shipped check-worthiness model keeps ranking Kremlin sentences above its floor.

Runs ``eval/checkworthiness_kremlin.py`` without the refitted alternatives
(a few seconds: the encoder and 25 documents) on the hand-labelled
``eval/gold/checkworthiness_kremlin.jsonl``: MAP over the labelled blocks stays
at or above the floor (measured minus 0.02) and above the random-order baseline.
Skipped when ../shared (or ``$ONRECORD_SHARED``) has no kremlin_en corpus.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from types import ModuleType
from typing import Any

import pytest

from .conftest import REPO, SHARED

FLOORS = json.loads((REPO / "tests" / "eval_floors.json").read_text(encoding="utf-8"))
GOLD = REPO / "eval" / "gold" / "checkworthiness_kremlin.jsonl"


def _eval_module() -> ModuleType:
    name = "checkworthiness_kremlin"
    spec = importlib.util.spec_from_file_location(name, REPO / "eval" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    module = _eval_module()
    if not (SHARED / module.CORPUS).is_file():
        pytest.skip(f"{module.CORPUS} under {SHARED} is not available")
    evaluated: dict[str, Any] = module.evaluate(SHARED, with_alternatives=False)
    return evaluated


@pytest.mark.corpus
def test_kremlin_map_stays_above_its_floor_and_beats_random(results: dict[str, Any]) -> None:
    floors = FLOORS["checkworthiness_kremlin"]
    assert hashlib.sha256(GOLD.read_bytes()).hexdigest() == floors["gold_sha256"], "gold changed"
    ranking = results["shipped"]["ranking"]
    random = results["shipped"]["random_baseline"]
    assert ranking["map"] >= floors["map"], ranking
    assert ranking["roc_auc"] >= floors["roc_auc"], ranking
    assert ranking["map"] > random["map"] + 0.1, (ranking, random)


def test_average_precision_follows_the_official_scorer() -> None:
    module = _eval_module()
    # Ranked 1, 0, 1, 0: (1/1 + 2/3) / 2.
    assert module.average_precision([0, 1, 0, 1], [0.8, 0.9, 0.5, 0.7]) == pytest.approx(5 / 6)
    # Ties keep reading order: the positive second of two equal scores ranks second.
    assert module.average_precision([0, 1], [0.5, 0.5]) == pytest.approx(0.5)
    assert module.precision_at([1, 0, 0, 1], [0.9, 0.8, 0.1, 0.2], 3) == pytest.approx(2 / 3)
