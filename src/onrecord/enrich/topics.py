"""Topics over time: paragraphs grouped by what they are about, fitted once and kept.

Topic models that are refitted whenever data arrives (BERTopic and its kin)
give topics that change from run to run and drift as the corpus grows, so a
count per month means something different every week. Here the model is
fitted once on the speech paragraphs stored at the time — spherical k-means
on their vectors, seeded, in float64, over paragraphs in corpus order, so the
same data gives the same topics — and kept in the store with its keyword
labels. Paragraphs added later are assigned to the nearest kept centroid:
existing assignments never change, and a topic's monthly counts only grow.
Refitting is an explicit act (``onrecord topics --refit``) that makes a new
model version.

Labels are the words most particular to a topic (class-based TF-IDF: a word's
frequency in the topic against its frequency in the whole corpus), stop words
of English and Russian left out.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from onrecord.enrich.vectors import normalised
from onrecord.model import Annotation
from onrecord.store.base import AnnotationQuery, Filters, ParagraphVector, Store

__all__ = [
    "DEFAULT_TOPICS",
    "LAYER",
    "TopicModel",
    "TopicReport",
    "assign",
    "fit",
    "update_topics",
]

LAYER = "topic"
ENRICHER = "topics"
MODEL_NAME = "topics"
DEFAULT_TOPICS = 30
SEED = 20261201
_ITERATIONS = 60
_LABEL_WORDS = 8
_WORD = re.compile(r"[^\W\d_]{3,}")
_MIN_PARAGRAPHS_PER_TOPIC = 5


@dataclass(frozen=True, slots=True)
class TopicModel:
    """Centroids (unit rows), their labels, and what they were fitted on."""

    version: str  # a digest of the centroids
    centroids: npt.NDArray[np.float64]
    labels: tuple[tuple[str, ...], ...]  # keyword labels, one tuple per topic
    fitted_on: int  # paragraphs
    fitted_at: str

    def topic_id(self, index: int) -> str:
        return f"topic-{index + 1:02d}"


@dataclass(frozen=True, slots=True)
class TopicReport:
    fitted: bool  # a model was fitted in this run
    assigned: int  # paragraphs newly assigned
    paragraphs: int
    topics: int


def _stop_words() -> frozenset[str]:
    from spacy.lang.en.stop_words import STOP_WORDS as ENGLISH
    from spacy.lang.ru.stop_words import STOP_WORDS as RUSSIAN

    return frozenset(ENGLISH | RUSSIAN)


def _kmeans_plus_plus(points: npt.NDArray[np.float64], k: int, rng: np.random.Generator) -> Any:
    """Initial centroids spread out over the points (k-means++), from a seeded stream."""
    chosen = [int(rng.integers(len(points)))]
    distance = 1.0 - points @ points[chosen[0]]
    for _ in range(1, k):
        weights = np.maximum(distance, 0.0)
        total = float(weights.sum())
        pick = (
            int(rng.integers(len(points)))
            if total == 0
            else int(rng.choice(len(points), p=weights / total))
        )
        chosen.append(pick)
        distance = np.minimum(distance, 1.0 - points @ points[pick])
    return points[chosen].copy()


def fit(paragraphs: Sequence[ParagraphVector], k: int = DEFAULT_TOPICS) -> TopicModel:
    """Spherical k-means over the paragraphs' vectors, seeded: same data, same model."""
    points = normalised(
        np.frombuffer(b"".join(p.vector for p in paragraphs), dtype=np.int8).reshape(
            len(paragraphs), -1
        )
    ).astype(np.float64)
    k = max(1, min(k, len(points) // _MIN_PARAGRAPHS_PER_TOPIC or 1))
    centroids = _kmeans_plus_plus(points, k, np.random.default_rng(SEED))
    nearest = np.zeros(len(points), dtype=np.int64)
    for _ in range(_ITERATIONS):
        nearest = np.argmax(points @ centroids.T, axis=1)
        moved = np.zeros_like(centroids)
        np.add.at(moved, nearest, points)
        norms = np.linalg.norm(moved, axis=1, keepdims=True)
        empty = norms[:, 0] == 0
        moved[~empty] /= norms[~empty]
        moved[empty] = centroids[empty]  # a topic nobody is nearest to keeps its place
        if np.array_equal(moved, centroids):
            break
        centroids = moved
    order = np.argsort(-np.bincount(nearest, minlength=k), kind="stable")  # largest first
    centroids = centroids[order]
    nearest = np.argsort(order)[nearest]
    labels = _labels([p.text for p in paragraphs], nearest, k)
    digest = hashlib.sha256(np.ascontiguousarray(centroids).tobytes()).hexdigest()[:12]
    return TopicModel(digest, centroids, labels, len(points), datetime.now(UTC).isoformat())


def _labels(
    texts: Sequence[str], topics: npt.NDArray[np.int64], k: int
) -> tuple[tuple[str, ...], ...]:
    stop = _stop_words()
    per_topic = [Counter[str]() for _ in range(k)]
    for text, topic in zip(texts, topics, strict=True):
        per_topic[int(topic)].update(
            w for w in (m.group().casefold() for m in _WORD.finditer(text)) if w not in stop
        )
    overall: Counter[str] = Counter()
    for counts in per_topic:
        overall.update(counts)
    average = sum(overall.values()) / max(k, 1)
    out = []
    for counts in per_topic:
        total = sum(counts.values()) or 1
        scored = sorted(
            counts,
            key=lambda w: (-(counts[w] / total) * np.log(1 + average / overall[w]), w),
        )
        out.append(tuple(scored[:_LABEL_WORDS]))
    return tuple(out)


def assign(model: TopicModel, paragraphs: Sequence[ParagraphVector]) -> list[tuple[int, float]]:
    """Each paragraph's nearest topic and its cosine to it."""
    if not paragraphs:
        return []
    points = normalised(
        np.frombuffer(b"".join(p.vector for p in paragraphs), dtype=np.int8).reshape(
            len(paragraphs), -1
        )
    ).astype(np.float64)
    scores = points @ model.centroids.T
    best = np.argmax(scores, axis=1)
    return [(int(t), float(scores[i, t])) for i, t in enumerate(best)]


# --- kept in the store ------------------------------------------------------


def _to_bytes(model: TopicModel) -> bytes:
    buffer = io.BytesIO()
    np.save(buffer, model.centroids, allow_pickle=False)
    return buffer.getvalue()


def load(store: Store) -> TopicModel | None:
    kept = store.load_model(MODEL_NAME)
    if kept is None:
        return None
    meta, data = kept
    centroids = np.load(io.BytesIO(data), allow_pickle=False)
    labels = tuple(tuple(words) for words in meta["labels"])
    return TopicModel(meta["version"], centroids, labels, meta["fitted_on"], meta["fitted_at"])


def save(store: Store, model: TopicModel) -> None:
    meta = {
        "version": model.version,
        "labels": [list(words) for words in model.labels],
        "fitted_on": model.fitted_on,
        "fitted_at": model.fitted_at,
    }
    store.save_model(MODEL_NAME, meta, _to_bytes(model))


def update_topics(store: Store, *, refit: bool = False, k: int = DEFAULT_TOPICS) -> TopicReport:
    """Assign every speech paragraph not yet assigned (all of them after a (re)fit)."""
    paragraphs = store.paragraph_vectors()
    model = None if refit else load(store)
    fitted = False
    if model is None:
        if len(paragraphs) < _MIN_PARAGRAPHS_PER_TOPIC:
            return TopicReport(False, 0, len(paragraphs), 0)
        model = fit(paragraphs, k)
        save(store, model)
        fitted = True
    done = set() if fitted else _assigned(store, model.version)
    todo = [p for p in paragraphs if (p.doc_id, p.start) not in done]
    layer: dict[str, list[Annotation]] = {}
    if fitted:  # a new model: every document's old assignments go
        layer = {doc: [] for doc, _ in _assigned(store, None)}
    for paragraph, (topic, cosine) in zip(todo, assign(model, todo), strict=True):
        value = {"id": model.topic_id(topic), "score": round(cosine, 4), "model": model.version}
        layer.setdefault(paragraph.doc_id, [])
        layer[paragraph.doc_id].append(
            Annotation(LAYER, paragraph.start, paragraph.end, None, value, ENRICHER, model.version)
        )
    if not fitted:  # keep what a document already had: add to it
        for doc_id in layer:
            layer[doc_id] = _kept(store, doc_id) + layer[doc_id]
    store.replace_layer(LAYER, layer)
    return TopicReport(fitted, len(todo), len(paragraphs), len(model.labels))


def _assigned(store: Store, version: str | None) -> set[tuple[str, int]]:
    """(document, paragraph start) of paragraphs assigned by this model version (any)."""
    rows = store.annotations(AnnotationQuery(LAYER, limit=100_000_000))
    return {(r.doc_id, r.start) for r in rows if version is None or r.version == version}


def _kept(store: Store, doc_id: str) -> list[Annotation]:
    query = AnnotationQuery(LAYER, Filters(doc_ids=(doc_id,)), limit=100_000_000)
    return [
        Annotation(LAYER, r.start, r.end, r.label, r.value, r.enricher, r.version)
        for r in store.annotations(query)
    ]
