"""Shared fixtures: the repo's sample corpus, the shared corpora (skipped when absent)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from onrecord import Corpus

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "samples"
EXAMPLE = SAMPLES / "putin-lukashenko-2024-04-11.txt"
SHARED = Path(os.environ.get("ONRECORD_SHARED", REPO.parent / "shared"))
CORPORA = SHARED / "corpora"

settings.register_profile(
    "ci", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile("dev", max_examples=60, deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")


def shared_corpus(name: str) -> Path:
    """A folder of ../shared/corpora, or skip the test when it is not there."""
    path = CORPORA / name
    if not path.is_dir():
        pytest.skip(f"shared corpus {path} is not available")
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> Iterator[Corpus]:
    with Corpus(tmp_path / "test.db") as opened:
        yield opened


@pytest.fixture
def example_corpus(corpus: Corpus) -> Corpus:
    report = corpus.ingest([EXAMPLE])
    assert report.added == 1 and report.ok
    return corpus
