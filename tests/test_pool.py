"""Parsing in worker processes gives what parsing in this one gives, in the same order."""

from __future__ import annotations

import pickle
from pathlib import Path

from onrecord import Document, InputError, parse_inputs
from onrecord.errors import FormatError
from onrecord.ingest.sources import Skipped

from .conftest import SAMPLES


def _outcomes(paths: list[Path], workers: int) -> list[object]:
    return [
        item.to_dict() if isinstance(item, Document) else str(item)
        for item in parse_inputs(paths, workers=workers)
    ]


def test_workers_change_nothing_but_speed(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jsonl"
    broken.write_text('{"id": "x", "text": "Question: Why?"}\n{oops\n', encoding="utf-8")
    paths = [SAMPLES, broken, SAMPLES / "kremlin_en_sample.jsonl"]
    here = _outcomes(paths, workers=0)
    assert _outcomes(paths, workers=2) == here
    assert any("broken.jsonl:2" in str(o) for o in here)
    assert sum(isinstance(o, dict) for o in here) == 25 + 1 + 19


def test_errors_and_skips_survive_the_trip_between_processes() -> None:
    error = FormatError("corpus.jsonl", "broken JSON line", line=7)
    copy = pickle.loads(pickle.dumps(error))
    assert isinstance(copy, FormatError) and isinstance(copy, InputError)
    assert (copy.source, copy.reason, copy.line, str(copy)) == (
        "corpus.jsonl", "broken JSON line", 7, "corpus.jsonl:7: broken JSON line"
    )  # fmt: skip
    skipped = Skipped("README.md", "documentation")
    assert pickle.loads(pickle.dumps(skipped)) == skipped
