"""The embedding enricher: a vector for every sentence and paragraph.

Sentences are encoded with the multilingual Universal Sentence Encoder
(:mod:`onrecord.enrich.encoder`), so an English and a Russian rendering of
one statement land close together. A paragraph's vector is the mean of its
sentences' vectors: it costs no second pass over the text, and unlike
encoding the paragraph whole it does not lose what the model would cut off
a long input.

Narration is embedded too: a publisher's news item ("The President met …")
is what a search by meaning often looks for, and in a Russian page it may be
the only rendering of an English quotation.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

import numpy as np

from onrecord.enrich.encoder import encode, model_version
from onrecord.enrich.vectors import to_bytes
from onrecord.model import Annotation, Document

__all__ = ["EmbeddingEnricher"]


class EmbeddingEnricher:
    """Layer ``embedding``: label ``sentence`` or ``paragraph``, vector in int8."""

    name: str = "embeddings"
    requires: tuple[str, ...] = ("sentences",)
    assigns: tuple[str, ...] = ("embeddings",)

    @property
    def version(self) -> str:
        return f"2+{model_version()}"

    def annotate(self, document: Document, earlier: Sequence[Annotation]) -> list[Annotation]:
        paragraphs = document.paragraphs
        sentences = sorted(
            (a.start, a.end) for a in earlier if a.layer == "sentence" and a.end > a.start
        )
        grouped = _by_paragraph(sentences, [p.start for p in paragraphs], len(paragraphs))
        spans = [span for group in grouped for span in group]
        vectors = encode([document.text[start:end] for start, end in spans])
        version = self.version
        out: list[Annotation] = []
        row = 0
        for paragraph, group in zip(paragraphs, grouped, strict=True):
            block = vectors[row : row + len(group)]
            row += len(group)
            for (start, end), vector in zip(group, block, strict=True):
                out.append(
                    Annotation(
                        "embedding", start, end, "sentence", None, self.name, version,
                        to_bytes(vector),
                    )
                )  # fmt: skip
            if len(group):
                mean = block.mean(axis=0)
                mean /= max(float(np.linalg.norm(mean)), 1e-12)
                out.append(
                    Annotation(
                        "embedding", paragraph.start, paragraph.end, "paragraph", None,
                        self.name, version, to_bytes(mean),
                    )
                )  # fmt: skip
        return out


def _by_paragraph(
    spans: list[tuple[int, int]], starts: list[int], count: int
) -> list[list[tuple[int, int]]]:
    """``spans`` (sorted) grouped by the paragraph they start in (``starts`` sorted)."""
    groups: list[list[tuple[int, int]]] = [[] for _ in range(count)]
    for span in spans:
        at = bisect.bisect_right(starts, span[0]) - 1
        if at >= 0:
            groups[at].append(span)
    return groups
