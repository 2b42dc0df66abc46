"""Search by meaning: queries as vectors, and how their hits join the full-text ones.

Full-text search finds the words; the vector index finds the statements that
mean the same in other words or in the other language. Hybrid search fuses
the two rankings by reciprocal rank (each list contributes ``1 / (k + rank)``
to a paragraph's score), which needs no calibration between BM25 scores and
cosines and rewards a paragraph both methods rank high.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from onrecord.enrich.vectors import from_bytes, normalised
from onrecord.query.quote import QuoteAlignment
from onrecord.store.base import Filters, ParagraphRow, SpanVector, Store, VectorHit

__all__ = [
    "FusedHit",
    "best_window",
    "calibrated",
    "encode_query",
    "fuse",
    "is_plain_words",
    "meaning_alignments",
    "paragraph_hits",
]

RRF_K = 60  # the customary constant; ranks past a few dozen then weigh little
_WINDOW = 3  # most sentences a quotation is taken to span
# The cosine at which a stretch is taken to say what the quotation says. Chosen by
# ``python eval/retrieval.py --calibrate`` (most right answers less wrong ones, 2-fold
# on the retrieval gold set: 0.645 and 0.629 on its halves, 0.626 on all of it;
# after the gold's paraphrases were repaired, 0.629 and 0.616, and 0.626 again).
MEANING_THRESHOLD = 0.626
# What the threshold maps to on the quotation-similarity scale, where words-based
# matches score too: the default ``min_similarity`` of quote lookup.
_SIMILARITY_AT_THRESHOLD = 0.6
_OPERATORS = re.compile(r'["*()]|(?:^|\s)-\w|\b(?:AND|OR|NOT)\b')


def encode_query(text: str) -> npt.NDArray[np.float32]:
    """The query's unit vector, in the space of the stored embeddings."""
    from onrecord.enrich.encoder import encode

    vector: npt.NDArray[np.float32] = encode([text])[0]
    return vector


def is_plain_words(query: str) -> bool:
    """Whether a query is words only: no phrases, operators or prefixes.

    Only such queries say something a vector can stand for; "gas -Nord" does not.
    """
    return not _OPERATORS.search(query)


def paragraph_hits(hits: Sequence[VectorHit]) -> list[VectorHit]:
    """One hit per paragraph, the best of its sentences or itself, best first."""
    best: dict[str, VectorHit] = {}
    for hit in hits:
        known = best.get(hit.row.paragraph_id)
        if known is None or hit.similarity > known.similarity:
            best[hit.row.paragraph_id] = hit
    return sorted(best.values(), key=lambda h: (-h.similarity, h.row.paragraph_id))


@dataclass(frozen=True, slots=True)
class FusedHit:
    """A paragraph ranked by both methods (or one), with what each found."""

    row: ParagraphRow
    score: float
    text_rank: int | None
    meaning: VectorHit | None


def fuse(text_rows: Sequence[ParagraphRow], meaning: Sequence[VectorHit]) -> list[FusedHit]:
    """Both rankings fused by reciprocal rank, best first (ties: paragraph id)."""
    scores: dict[str, float] = {}
    rows: dict[str, ParagraphRow] = {}
    ranks: dict[str, int] = {}
    near: dict[str, VectorHit] = {}
    for rank, row in enumerate(text_rows, start=1):
        scores[row.paragraph_id] = scores.get(row.paragraph_id, 0.0) + 1 / (RRF_K + rank)
        rows.setdefault(row.paragraph_id, row)
        ranks[row.paragraph_id] = rank
    for rank, hit in enumerate(meaning, start=1):
        key = hit.row.paragraph_id
        scores[key] = scores.get(key, 0.0) + 1 / (RRF_K + rank)
        rows.setdefault(key, hit.row)
        near[key] = hit
    order = sorted(scores, key=lambda key: (-scores[key], key))
    return [FusedHit(rows[k], scores[k], ranks.get(k), near.get(k)) for k in order]


def meaning_alignments(
    store: Store, quote: str, filters: Filters, limit: int
) -> list[QuoteAlignment]:
    """Stretches of one to three sentences that say what ``quote`` says, in any
    words or language: one per paragraph near the quotation.

    A quotation often joins what was said over two or three sentences, so
    each candidate paragraph's consecutive sentences are tried together (their
    vectors summed); the similarity is the cosine of the best stretch,
    :func:`calibrated` to the scale of matches by words.
    """
    query = encode_query(quote)
    rows: dict[str, ParagraphRow] = {}
    for hit in store.nearest(query, limit, filters):
        rows.setdefault(hit.row.paragraph_id, hit.row)
    vectors = store.sentence_vectors(list(rows))
    out: list[QuoteAlignment] = []
    for paragraph_id, row in rows.items():
        window = best_window(query, vectors.get(paragraph_id, []))
        if window is not None:
            start, end, cosine = window
            out.append(QuoteAlignment(row, start, end, calibrated(cosine), "meaning"))
    return out


def calibrated(cosine: float) -> float:
    """A meaning match's cosine on the quotation-similarity scale (0..1).

    Piecewise linear and increasing: 0 stays 0, the calibrated threshold
    becomes 0.6 (quote lookup's default cut) and 1 stays 1, so one
    ``min_similarity`` serves matches by words and by meaning alike.
    """
    cosine = min(max(cosine, 0.0), 1.0)
    if cosine < MEANING_THRESHOLD:
        return _SIMILARITY_AT_THRESHOLD * cosine / MEANING_THRESHOLD
    rest = (cosine - MEANING_THRESHOLD) / (1.0 - MEANING_THRESHOLD)
    return _SIMILARITY_AT_THRESHOLD + (1.0 - _SIMILARITY_AT_THRESHOLD) * rest


def best_window(
    query: npt.NDArray[np.float32], spans: Sequence[SpanVector], longest: int = _WINDOW
) -> tuple[int, int, float] | None:
    """The run of up to ``longest`` consecutive spans nearest to ``query``:
    (start, end, cosine), the shorter run on a tie; None when there are none."""
    if not spans:
        return None
    matrix = normalised(from_bytes([span.vector for span in spans], query.size))
    best: tuple[int, int, float] | None = None
    for first in range(len(spans)):
        total = np.zeros(query.size, dtype=np.float32)
        for last in range(first, min(len(spans), first + longest)):
            total += matrix[last]
            norm = float(np.linalg.norm(total))
            cosine = float(total @ query) / norm if norm else 0.0
            if best is None or cosine > best[2] + 1e-6:
                best = (spans[first].start, spans[last].end, cosine)
    return best
