"""Stored vectors keep what search needs: cosine similarities, to rounding."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from onrecord.enrich.vectors import from_bytes, normalised, to_bytes


@given(st.integers(min_value=0, max_value=2**32 - 1))
def test_int8_vectors_keep_cosine_similarity(seed: int) -> None:
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(20, 512)).astype(np.float32)
    vectors[1] = vectors[0] + 0.3 * vectors[1]  # some pairs close, most not
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    stored = normalised(from_bytes([to_bytes(v) for v in vectors], 512))
    assert np.abs(stored @ stored.T - vectors @ vectors.T).max() < 0.005


def test_a_zero_vector_stays_zero() -> None:
    zero = np.zeros(512, dtype=np.float32)
    (row,) = normalised(from_bytes([to_bytes(zero)], 512))
    assert not row.any()
    assert from_bytes([], 512).shape == (0, 512)
