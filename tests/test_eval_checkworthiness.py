"""The check-worthiness model under the official CheckThat! protocols stays above its floors.

Runs ``eval/checkworthiness.py`` (ClaimBuster rows left out for time) and
checks MAP, R-Precision and P@10 on the CheckThat! 2019 test set (trained on
2019 train only) and the 2021 Task 1B dev set (trained on 2021 train only).
Skipped when ../shared (or ``$ONRECORD_SHARED``) has no benchmarks.
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
BENCHMARKS = SHARED / "benchmarks"
SPLITS = {
    "checkthat2019": ("checkthat2019_task1_en/train", "checkthat2019_task1_en/test"),
    "checkthat2021_1b_dev": ("checkthat2021_task1b_en/train", "checkthat2021_task1b_en/dev"),
}


def _eval_module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, REPO / "eval" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def splits_sha256(folders: tuple[str, ...]) -> str:
    """One hash over every file of the given benchmark folders, by name and content."""
    digest = hashlib.sha256()
    for folder in folders:
        for path in sorted((BENCHMARKS / folder).iterdir()):
            digest.update(f"{folder}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    if not all((BENCHMARKS / f).is_dir() for pair in SPLITS.values() for f in pair):
        pytest.skip(f"benchmarks under {BENCHMARKS} are not available")
    evaluated: dict[str, Any] = _eval_module("checkworthiness").evaluate(
        SHARED, claimbuster=False, crosslingual=False
    )
    return evaluated


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.parametrize("protocol", sorted(SPLITS))
def test_ranking_stays_above_its_floors(results: dict[str, Any], protocol: str) -> None:
    floors = FLOORS["checkworthiness"][protocol]
    assert splits_sha256(SPLITS[protocol]) == floors["data_sha256"], "benchmark data changed"
    figures = results[protocol]["mean"]
    for metric in ("map", "r_precision", "p@10"):
        assert figures[metric] >= floors[metric], (protocol, metric, figures[metric])


@pytest.mark.corpus
@pytest.mark.slow
def test_every_test_line_is_scored(results: dict[str, Any]) -> None:
    protocol = results["checkthat2019"]
    assert protocol["test_transcripts"] == 7 and protocol["test_sentences"] == 7080
    assert protocol["test_positives"] == 136


def test_metrics_follow_the_official_scorer_on_a_hand_made_ranking() -> None:
    np = pytest.importorskip("numpy")
    metrics = _eval_module("checkworthiness").transcript_metrics
    # Ranked by score: lines 2 (+), 0 (-), 3 (+ tied with 4, and first by line order), 4, 1 (+).
    labels = np.array([0, 1, 1, 1, 0], dtype=np.int8)
    scores = np.array([0.8, 0.1, 0.9, 0.5, 0.5])
    figures = metrics(labels, scores)
    assert figures["ap"] == pytest.approx((1 / 1 + 2 / 3 + 3 / 5) / 3)
    assert figures["rr"] == 1.0
    assert figures["r_precision"] == pytest.approx(2 / 3)
    assert figures["p@1"] == 1.0 and figures["p@3"] == pytest.approx(2 / 3)
    assert figures["p@10"] == pytest.approx(3 / 10)  # the scorer divides by k, not by the length
    assert metrics(np.zeros(3, dtype=np.int8), np.zeros(3))["ap"] == 0.0
