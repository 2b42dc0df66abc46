"""Vectors as stored: int8 components, scaled per vector.

A unit vector of 512 dimensions has components of about ±0.04, so a fixed
scale would waste most of int8's range; each vector is instead scaled so its
largest component is ±127. Cosine similarity ignores scale, so nothing but
rounding is lost (``tests/test_vectors.py`` holds cosines within 0.005 of
float32's), and a vector takes 512 bytes instead of 2,048.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

__all__ = ["from_bytes", "normalised", "to_bytes"]


def to_bytes(vector: npt.NDArray[np.floating]) -> bytes:
    """The int8 form of one vector (all zeros stays all zeros)."""
    peak = float(np.abs(vector).max()) if vector.size else 0.0
    if peak == 0.0:
        return bytes(vector.size)
    scaled = np.rint(np.asarray(vector, dtype=np.float32) * (127.0 / peak))
    return bytes(np.clip(scaled, -127, 127).astype(np.int8).tobytes())


def from_bytes(blobs: Sequence[bytes], dimensions: int) -> npt.NDArray[np.int8]:
    """Stored vectors as one int8 matrix, a row each."""
    if not blobs:
        return np.zeros((0, dimensions), dtype=np.int8)
    return np.frombuffer(b"".join(blobs), dtype=np.int8).reshape(len(blobs), dimensions)


def normalised(matrix: npt.NDArray[np.int8]) -> npt.NDArray[np.float32]:
    """Rows as unit-length float32 vectors (zero rows stay zero)."""
    rows = matrix.astype(np.float32)
    norms = np.linalg.norm(rows, axis=1, keepdims=True)
    unit: npt.NDArray[np.float32] = rows / np.maximum(norms, 1e-12)
    return unit
