"""Enrich in worker processes while the caller stores: enrichment on every core.

The caller reads each document from the store and writes its annotations
back; ``workers`` processes run the pipeline. Each worker loads the models
once, on its first document. Documents go out in bounded batches and come
back in order, so memory stays flat and results are deterministic.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator

from onrecord.enrich.pipeline import Pipeline
from onrecord.errors import EnrichError
from onrecord.model import Annotation, Document
from onrecord.workers import ordered_batches

__all__ = ["EnrichResult", "default_enrich_workers", "enrich_documents"]

# (document id, its annotations, or the error that says why there are none)
EnrichResult = tuple[str, list[Annotation] | EnrichError]

_BATCH = 4  # documents per task: enrichment is slow, so small batches balance the cores
_IN_FLIGHT_PER_WORKER = 3

_pipeline: Pipeline | None = None


def default_enrich_workers() -> int:
    """One process per core: the caller only reads and writes, which costs little."""
    return os.cpu_count() or 1


def enrich_one(pipeline: Pipeline, document: Document) -> EnrichResult:
    """A document's annotations, or the error that says why it has none."""
    try:
        return document.id, pipeline.run(document)
    except EnrichError as error:
        return document.id, error


def enrich_documents(
    documents: Iterable[Document], pipeline: Pipeline, workers: int
) -> Iterator[EnrichResult]:
    """Each document's annotations (or error), in input order."""
    if workers <= 1:
        for document in documents:
            yield enrich_one(pipeline, document)
        return
    context = multiprocessing.get_context("fork" if os.name == "posix" else "spawn")
    with context.Pool(workers, initializer=_init_worker, initargs=(pipeline,)) as pool:
        yield from ordered_batches(
            pool, _enrich_batch, documents, _BATCH, workers * _IN_FLIGHT_PER_WORKER
        )


def _init_worker(pipeline: Pipeline) -> None:
    global _pipeline
    _pipeline = pipeline


def _enrich_batch(batch: list[Document]) -> list[EnrichResult]:
    assert _pipeline is not None, "worker not initialised"
    return [enrich_one(_pipeline, document) for document in batch]
