"""Golden files: each input format's parse output, reviewed once, held fixed.

After an intended change: ``ONRECORD_REGENERATE_GOLDEN=1 python -m pytest
tests/test_golden.py``, then review ``git diff tests/golden/expected``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from onrecord import Document, parse_inputs

GOLDEN = Path(__file__).parent / "golden"
INPUTS = sorted(p.name for p in (GOLDEN / "inputs").iterdir())
REGENERATE = bool(os.environ.get("ONRECORD_REGENERATE_GOLDEN"))


def _parsed(name: str, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, object]]:
    monkeypatch.chdir(GOLDEN / "inputs")  # provenance paths relative to the inputs
    output = []
    for item in parse_inputs([name]):
        assert isinstance(item, Document), item
        output.append(item.to_dict())
    return output


@pytest.mark.parametrize("name", INPUTS)
def test_golden(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    actual = _parsed(name, monkeypatch)
    expected_path = GOLDEN / "expected" / f"{name}.json"
    if REGENERATE:
        expected_path.write_text(
            json.dumps(actual, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    assert actual == expected


def test_every_input_format_has_a_golden_file() -> None:
    suffixes = {Path(name).suffix for name in INPUTS}
    assert suffixes >= {".txt", ".html", ".jsonl", ".json", ".csv"}
