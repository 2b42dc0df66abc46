"""Persuasion techniques: 5-fold CV on SemEval-2023 Task 3 stays above its floors.

Runs ``eval/persuasion.py --quick`` (the most-frequent baseline and the
shipped recipe, all five folds, thresholds tuned inside the training folds).
USE vectors are kept in pytest's cache folder, so only the first run
encodes the 20,000 training paragraphs. Skipped when the shared benchmarks
are absent (set ONRECORD_SHARED to point elsewhere).
"""

from __future__ import annotations

import importlib.util
import json
import sys
from types import ModuleType
from typing import Any

import pytest

from .conftest import REPO, SHARED

DATA = SHARED / "benchmarks" / "semeval2023_task3_st3"
FLOORS = json.loads((REPO / "tests" / "eval_floors.json").read_text(encoding="utf-8"))


def _eval_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "eval" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def results(request: pytest.FixtureRequest) -> dict[str, Any]:
    if not DATA.is_dir():
        pytest.skip(f"shared benchmark {DATA} is not available")
    cache = getattr(request.config, "cache", None)  # absent under -p no:cacheprovider
    folder = cache.mkdir("persuasion-use-vectors") if cache is not None else None
    evaluated: dict[str, Any] = _eval_module("persuasion").evaluate(
        SHARED, quick=True, cache_dir=folder
    )
    return evaluated


@pytest.mark.slow
def test_persuasion_cv_stays_above_its_floors(results: dict[str, Any]) -> None:
    floors = FLOORS["persuasion"]
    assert results["folds"] == 5
    assert results["training_files_sha256"] == floors["training_files_sha256"]
    for code in ("en", "ru"):
        shipped = results["rows"]["shipped"][code]
        for measure in ("micro_f1", "macro_f1"):
            assert shipped[measure] >= floors[code][measure], (code, measure, shipped[measure])


@pytest.mark.slow
def test_persuasion_model_beats_the_most_frequent_baseline(results: dict[str, Any]) -> None:
    for code in ("en", "ru"):
        shipped = results["rows"]["shipped"][code]
        baseline = results["rows"]["most_frequent"][code]
        assert shipped["paragraphs"] == baseline["paragraphs"] > 1000
        assert shipped["micro_f1"] > baseline["micro_f1"] + 0.05, code
        assert shipped["macro_f1"] > baseline["macro_f1"], code
        assert set(shipped["per_technique"]) <= set(_eval_module("persuasion").TECHNIQUES)
