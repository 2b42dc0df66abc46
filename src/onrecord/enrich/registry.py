"""The enrichers onrecord knows by name, and the default pipeline.

Enrichers are imported only when a pipeline asks for them: loading spaCy,
natasha and the sentence encoder takes seconds, and a command that needs
only sentences should not pay for them.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from onrecord.enrich.pipeline import BASE_LAYERS, Enricher, Pipeline
from onrecord.errors import ConfigError

__all__ = ["DEFAULT_ENRICHERS", "ENRICHERS", "build_pipeline"]

# name -> "module:class"; the order is the order a pipeline runs them in.
ENRICHERS: dict[str, str] = {
    "sentences": "onrecord.enrich.sentence_enricher:SentenceEnricher",
    "entities": "onrecord.enrich.entities:EntityEnricher",
    "claims": "onrecord.enrich.claims:ClaimEnricher",
    "techniques": "onrecord.enrich.techniques:TechniqueEnricher",
    "embeddings": "onrecord.enrich.embedding_enricher:EmbeddingEnricher",
}
DEFAULT_ENRICHERS: tuple[str, ...] = tuple(ENRICHERS)


def build_pipeline(names: Sequence[str] | None = None) -> Pipeline:
    """A validated pipeline of the named enrichers (all of them by default).

    Enrichers an asked-for enricher requires are added before it, so
    ``claims`` alone runs ``sentences`` first.
    """
    wanted = list(names or DEFAULT_ENRICHERS)
    unknown = [name for name in wanted if name not in ENRICHERS]
    if unknown:
        raise ConfigError(
            f"unknown enricher {', '.join(map(repr, unknown))}; known: {', '.join(ENRICHERS)}"
        )
    chosen: dict[str, Enricher] = {}
    for name in wanted:
        _add_with_requirements(name, chosen)
    return Pipeline([chosen[name] for name in ENRICHERS if name in chosen])


def _add_with_requirements(name: str, chosen: dict[str, Enricher]) -> None:
    """Put ``name`` in ``chosen``, after the enrichers that assign what it requires."""
    if name in chosen:
        return
    enricher = _class(name)()
    for layer in enricher.requires:
        provider = next((n for n in ENRICHERS if layer in _class(n).assigns), None)
        if layer not in BASE_LAYERS and provider is not None:
            _add_with_requirements(provider, chosen)
    chosen[name] = enricher


def _class(name: str) -> type[Enricher]:
    module_name, _, class_name = ENRICHERS[name].partition(":")
    enricher: type[Enricher] = getattr(importlib.import_module(module_name), class_name)
    return enricher
