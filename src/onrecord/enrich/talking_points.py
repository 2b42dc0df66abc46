"""Talking points: statements that say the same thing, linked in the order they were said.

A statement is a speech sentence of at least ``MIN_WORDS`` words that has a
vector (the embedding enricher's). Statements are taken in corpus order —
date, then document id, then offset — and each is linked to the earlier
statement most similar to it, when that similarity reaches ``LINK_THRESHOLD``
and the statement is also close enough (``ANCHOR_THRESHOLD``) to the one that
founded that earlier statement's talking point. Otherwise it founds a talking
point of its own. The anchor keeps a chain of small steps from drifting away
from what was first said, which is how single-linkage groups grow into topics.

Why it is stable:

- A statement's link depends only on statements before it, so documents
  added later (the usual case: new transcripts) never change an existing
  link, and a talking point's id, a digest of its founding statement, never
  changes either. Ids are names, not numbers, so nothing is renumbered.
- Similarities are exact: vectors are stored as int8, and a dot product of
  two int8 vectors of 512 components is an integer below 2**24, which float32
  holds exactly whatever the order of summation. The same statements give the
  same links bit for bit, whether they arrived in one ingest or in several.
- Each stored link carries a digest chained over every statement before it
  (its identity, its vector, the parameters). An update finds the first
  statement whose digest differs — an inserted, removed or re-embedded one —
  and relinks from the start of its document on, so the result always equals
  linking everything from scratch. A document backdated before existing ones
  can therefore merge talking points; appending never does.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from onrecord.model import Annotation
from onrecord.store.base import AnnotationQuery, StatementRow, Store

__all__ = [
    "ANCHOR_THRESHOLD",
    "ENRICHER",
    "LAYER",
    "LINK_THRESHOLD",
    "MIN_WORDS",
    "SIMILAR_THRESHOLD",
    "Link",
    "LinkReport",
    "Similarities",
    "eligible",
    "link_statements",
    "point_id",
    "update_talking_points",
]

LAYER = "talking_point"
ENRICHER = "talking-points"
VERSION = "1"
# Chosen on 260 hand-checked pairs (eval/talking_points.py, round 1): links at
# 0.80-0.85 were the same statement 70% of the time, at 0.85-0.90 86%, above 0.90
# 96-98%; pairs at 0.70-0.80 40%. Round 2 measures precision at this threshold on
# a fresh uniform sample.
LINK_THRESHOLD = 0.85
# Below the link threshold but this close: reported as "similar", not as repeated.
SIMILAR_THRESHOLD = 0.80
ANCHOR_THRESHOLD = 0.70
MIN_WORDS = 8
_WORD = re.compile(r"\w+")
_QUERY_BLOCK = 1024
_CHUNK = 16_384


@dataclass(frozen=True, slots=True)
class Link:
    """Where one statement belongs: its talking point's founder and what it was linked to."""

    founder: int  # index of the founding statement (itself, for a founder)
    via: int  # index of the earlier statement it was linked to; -1 for a founder
    similarity: float  # to ``via``; 1.0 for a founder


@dataclass(frozen=True, slots=True)
class LinkReport:
    statements: int
    relinked: int  # statements whose links were (re)computed
    documents_written: int
    talking_points: int  # with at least two statements


def eligible(row: StatementRow) -> bool:
    """Long enough to be a statement rather than a formula ("Thank you.")."""
    return len(_WORD.findall(row.text)) >= MIN_WORDS


def identity(row: StatementRow) -> str:
    """Which statement this is: document, span and words (not the vector, whose last
    bits may differ between machines, so that ids do not)."""
    digest = hashlib.sha1(row.text.encode("utf-8")).hexdigest()[:16]
    return f"{row.doc_id}:{row.start}:{row.end}:{digest}"


def point_id(row: StatementRow) -> str:
    """A talking point's id: a digest of the statement that founded it."""
    return "tp-" + hashlib.sha1(identity(row).encode("utf-8")).hexdigest()[:12]


def _parameters() -> str:
    return f"{VERSION}|{LINK_THRESHOLD}|{ANCHOR_THRESHOLD}|{MIN_WORDS}"


def chain_digests(rows: Sequence[StatementRow]) -> list[str]:
    """For each statement, a digest of it and of every statement before it."""
    digests: list[str] = []
    previous = hashlib.sha1(_parameters().encode("utf-8")).hexdigest()
    for row in rows:
        vector = hashlib.sha1(row.vector).hexdigest()[:16]  # re-embedding relinks
        previous = hashlib.sha1(f"{previous}|{identity(row)}|{vector}".encode()).hexdigest()
        digests.append(previous[:20])
    return digests


class Similarities:
    """Exact cosine similarities between stored (int8) vectors."""

    def __init__(self, vectors: npt.NDArray[np.int8]) -> None:
        self.vectors = vectors
        self.inverse = np.zeros(len(vectors), dtype=np.float32)
        for begin in range(0, len(vectors), _CHUNK):
            rows = vectors[begin : begin + _CHUNK].astype(np.float32)
            squares = np.einsum("ij,ij->i", rows, rows)  # integers below 2**24: exact
            norms = np.sqrt(squares.astype(np.float64))
            inverse = np.where(norms > 0, 1.0 / np.maximum(norms, 1e-12), 0.0)
            self.inverse[begin : begin + len(rows)] = inverse

    def __len__(self) -> int:
        return len(self.vectors)

    def block(self, rows: npt.NDArray[np.int8], inverse: npt.NDArray[np.float32], begin: int,
              end: int) -> npt.NDArray[np.float32]:  # fmt: skip
        """Cosines of ``rows`` (with their inverse norms) against stored rows begin..end."""
        dots = rows.astype(np.float32) @ self.vectors[begin:end].astype(np.float32).T
        out: npt.NDArray[np.float32] = dots * inverse[:, None] * self.inverse[None, begin:end]
        return out

    def pair(self, i: int, j: int) -> float:
        dot = float(np.dot(self.vectors[i].astype(np.float32), self.vectors[j].astype(np.float32)))
        return float(np.float32(dot) * self.inverse[i] * self.inverse[j])


def earlier_matches(
    similarities: Similarities, begin: int, end: int, threshold: float
) -> list[list[tuple[float, int]]]:
    """For statements begin..end, every earlier statement at ``threshold`` or above."""
    found: list[list[tuple[float, int]]] = [[] for _ in range(end - begin)]
    rows = similarities.vectors[begin:end]
    inverse = similarities.inverse[begin:end]
    for chunk in range(0, end, _CHUNK):
        scores = similarities.block(rows, inverse, chunk, min(chunk + _CHUNK, end))
        for r, c in zip(*np.nonzero(scores >= threshold), strict=True):
            if chunk + c < begin + r:
                found[r].append((float(scores[r, c]), int(chunk + c)))
    return found


def link_statements(
    similarities: Similarities,
    earlier: Sequence[Link],
    *,
    on_progress: Callable[[int], None] | None = None,
) -> list[Link]:
    """Links of every statement, keeping ``earlier`` (the first ``len(earlier)``)."""
    links = list(earlier)
    total = len(similarities)
    for begin in range(len(links), total, _QUERY_BLOCK):
        end = min(begin + _QUERY_BLOCK, total)
        for offset, candidates in enumerate(
            earlier_matches(similarities, begin, end, LINK_THRESHOLD)
        ):
            links.append(_choose(begin + offset, candidates, links, similarities))
        if on_progress is not None:
            on_progress(end - begin)
    return links


def _choose(
    index: int, candidates: list[tuple[float, int]], links: Sequence[Link], sims: Similarities
) -> Link:
    for similarity, earlier in sorted(candidates, key=lambda c: (-c[0], c[1])):
        founder = links[earlier].founder
        if founder == earlier or sims.pair(index, founder) >= ANCHOR_THRESHOLD:
            return Link(founder, earlier, similarity)
    return Link(index, -1, 1.0)


# --- keeping the stored layer up to date ---------------------------------


def update_talking_points(
    store: Store, *, on_progress: Callable[[int, int], None] | None = None
) -> LinkReport:
    """Bring the ``talking_point`` layer up to date with the stored statements."""
    rows = [row for row in store.statements() if eligible(row)]
    digests = chain_digests(rows)
    stored = _stored_links(store)
    start = _first_changed(rows, digests, stored)
    start = _document_start(rows, start)
    founders = {
        point_id(rows[i]): i for i in range(start) if stored[_span(rows[i])][1] == "founder"
    }
    earlier = [Link(founders[stored[_span(rows[i])][0]], -1, 1.0) for i in range(start)]
    if start == len(rows) and not {doc for doc, _, _ in stored} - {r.doc_id for r in rows}:
        return LinkReport(len(rows), 0, 0, _talking_points(earlier))
    vectors = np.frombuffer(b"".join(r.vector for r in rows), dtype=np.int8)
    dimensions = len(rows[0].vector) if rows else 0
    similarities = Similarities(vectors.reshape(len(rows), dimensions))
    done = 0

    def progress(count: int) -> None:
        nonlocal done
        done += count
        if on_progress is not None:
            on_progress(done, len(rows) - start)

    links = link_statements(similarities, earlier, on_progress=progress)
    layer = _annotations(rows, digests, links, start)
    current = {row.doc_id for row in rows}
    for doc_id in {doc for doc, _, _ in stored} - current:
        layer.setdefault(doc_id, [])  # no statements left there: its old links go
    store.replace_layer(LAYER, layer)
    return LinkReport(len(rows), len(rows) - start, len(layer), _talking_points(links))


def _talking_points(links: Sequence[Link]) -> int:
    """How many talking points have two statements or more."""
    return len({link.founder for index, link in enumerate(links) if link.founder != index})


Span = tuple[str, int, int]


def _span(row: StatementRow) -> Span:
    return (row.doc_id, row.start, row.end)


def _stored_links(store: Store) -> dict[Span, tuple[str, str, str]]:
    """(talking point id, label, chain digest) of every stored link, by its span."""
    query = AnnotationQuery(layer=LAYER, limit=100_000_000)
    return {
        (a.doc_id, a.start, a.end): (a.key or "", a.label or "", (a.value or {}).get("chain", ""))
        for a in store.annotations(query)
    }


def _first_changed(
    rows: Sequence[StatementRow], digests: Sequence[str], stored: dict[Span, tuple[str, str, str]]
) -> int:
    for index, (row, digest) in enumerate(zip(rows, digests, strict=True)):
        found = stored.get(_span(row))
        if found is None or found[2] != digest:
            return index
    return len(rows)


def _document_start(rows: Sequence[StatementRow], index: int) -> int:
    """The first statement of the document that statement ``index`` is in."""
    while 0 < index < len(rows) and rows[index - 1].doc_id == rows[index].doc_id:
        index -= 1
    return index


def _annotations(
    rows: Sequence[StatementRow], digests: Sequence[str], links: Sequence[Link], start: int
) -> dict[str, list[Annotation]]:
    out: dict[str, list[Annotation]] = {}
    for index in range(start, len(rows)):
        row, link = rows[index], links[index]
        value: dict[str, object] = {"id": point_id(rows[link.founder]), "chain": digests[index]}
        if link.via >= 0:
            via = rows[link.via]
            value["score"] = round(link.similarity, 4)
            value["via"] = f"{via.doc_id}#p{via.paragraph + 1}:{via.start}-{via.end}"
        label = "founder" if link.via < 0 else "repeat"
        out.setdefault(row.doc_id, []).append(
            Annotation(LAYER, row.start, row.end, label, value, ENRICHER, VERSION)
        )
    return out
