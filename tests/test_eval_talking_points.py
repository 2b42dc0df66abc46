"""Talking-point links stay as precise as hand-checking found them.

``eval/talking_points.py`` scores the hand-labelled pairs under
``eval/gold/talking_points/``; the labels speak of links at one threshold, so the
test also checks that the shipped threshold is still that one, and that the
encoder still puts the labelled round-2 pairs above it (re-encoded here: a
change of model would make the labels stale).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from types import ModuleType

import numpy as np

from onrecord.enrich import talking_points as tp
from onrecord.enrich.encoder import encode

from .conftest import REPO

FLOORS = json.loads((REPO / "tests" / "eval_floors.json").read_text(encoding="utf-8"))
GOLD = REPO / "eval" / "gold" / "talking_points"


def _eval_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("tp_eval", REPO / "eval" / "talking_points.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["tp_eval"] = module
    spec.loader.exec_module(module)
    return module


def test_precision_of_links_stays_above_its_floor() -> None:
    floors = FLOORS["talking_points"]
    for name, digest in floors["gold_sha256"].items():
        assert hashlib.sha256((GOLD / name).read_bytes()).hexdigest() == digest, f"{name} changed"
    module = _eval_module()
    assert tp.LINK_THRESHOLD == module.ROUND_2_THRESHOLD, "new threshold: label a new round"
    result = module.evaluate()
    assert result["pairs_checked"] >= floors["pairs_checked"] >= 200
    assert result["round_2"]["precision"] >= floors["round_2_precision"]
    assert result["round_2"]["wilson_95"][0] > 0.8
    # Precision rises with similarity, which is what the threshold relies on.
    bands = result["round_1"]["bands"]
    precisions = [bands[name]["precision"] for name in sorted(bands)]
    assert precisions == sorted(precisions)


def test_the_encoder_still_links_the_labelled_pairs() -> None:
    lines = (GOLD / "pairs_2.jsonl").read_text(encoding="utf-8").splitlines()
    pairs = [json.loads(line) for line in lines]
    earlier = encode([p["earlier"]["text"] for p in pairs])
    later = encode([p["statement"]["text"] for p in pairs])
    cosines = np.einsum("ij,ij->i", earlier, later)
    recorded = np.array([p["similarity"] for p in pairs])
    # Texts were stored with their spacing folded, so cosines move a little.
    assert float(np.median(np.abs(cosines - recorded))) < 0.01
    assert float(np.mean(cosines >= tp.LINK_THRESHOLD - 0.02)) >= 0.97
