"""Enrichers and the pipeline that runs them, checked before it runs.

An enricher declares the layers it ``requires`` and the layers it
``assigns``; a pipeline is valid when every requirement is met by the
document itself (``text``, ``turns``, ``paragraphs``) or by an enricher
earlier in the pipeline. Every annotation carries its enricher's name and
version, so the store can tell which documents an enricher has yet to see.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from onrecord.enrich import encoder
from onrecord.errors import ConfigError, EnrichError
from onrecord.model import Annotation, Document

__all__ = ["BASE_LAYERS", "EnrichError", "Enricher", "Pipeline"]

BASE_LAYERS = frozenset({"text", "turns", "paragraphs"})


class Enricher(Protocol):
    """A component that annotates documents."""

    name: str
    version: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]

    def annotate(self, document: Document, earlier: Sequence[Annotation]) -> list[Annotation]:
        """Annotations of ``document``; ``earlier`` holds those of earlier enrichers."""
        ...


class Pipeline:
    """Enrichers in order, validated when the pipeline is made."""

    def __init__(self, enrichers: Sequence[Enricher]) -> None:
        self.enrichers = tuple(enrichers)
        available = set(BASE_LAYERS)
        names: set[str] = set()
        for enricher in self.enrichers:
            if enricher.name in names:
                raise ConfigError(f"enricher {enricher.name!r} appears twice in the pipeline")
            names.add(enricher.name)
            missing = [layer for layer in enricher.requires if layer not in available]
            if missing:
                raise ConfigError(
                    f"enricher {enricher.name!r} requires {', '.join(missing)}, which no "
                    "earlier enricher assigns; put the enricher that assigns it first"
                )
            available.update(enricher.assigns)

    @property
    def versions(self) -> dict[str, str]:
        """Each enricher's name and version, as the store records them."""
        return {enricher.name: enricher.version for enricher in self.enrichers}

    def run(self, document: Document) -> list[Annotation]:
        """Every enricher's annotations of ``document``, in pipeline order."""
        # A sentence's vector differs in its last bits with the batch it was
        # encoded in, and the encoder reuses recent vectors. Forgetting them here
        # makes a document's vectors depend on its own text alone, not on which
        # documents a worker did before: talking points are linked from these
        # vectors exactly, and must not change with the order of ingestion.
        encoder.forget()
        annotations: list[Annotation] = []
        for enricher in self.enrichers:
            try:
                found = enricher.annotate(document, annotations)
            except Exception as error:
                raise EnrichError(
                    f"{document.id}: enricher {enricher.name!r} failed: "
                    f"{type(error).__name__}: {error}"
                ) from error
            size = len(document.text)
            for annotation in found:
                if not 0 <= annotation.start <= annotation.end <= size:
                    raise EnrichError(
                        f"{document.id}: enricher {enricher.name!r} produced offsets "
                        f"{annotation.start}:{annotation.end} outside the text"
                    )
            annotations.extend(found)
        return annotations
