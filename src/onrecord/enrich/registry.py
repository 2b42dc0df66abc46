"""The enrichers onrecord knows by name, and the default pipeline.

Enrichers are imported only when a pipeline asks for them: loading spaCy,
natasha and the sentence encoder takes seconds, and a command that needs
only sentences should not pay for them.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence

from onrecord.enrich.pipeline import Enricher, Pipeline
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
    chosen = {name: _load(name) for name in wanted}
    _add_requirements(chosen)
    return Pipeline([chosen[name] for name in ENRICHERS if name in chosen])


def _add_requirements(chosen: dict[str, Enricher]) -> None:
    changed = True
    while changed:
        changed = False
        provided = {layer for enricher in chosen.values() for layer in enricher.assigns}
        for enricher in list(chosen.values()):
            for layer in enricher.requires:
                if layer in provided or layer in {"text", "turns", "paragraphs"}:
                    continue
                for name in ENRICHERS:
                    if name not in chosen and layer in _load(name).assigns:
                        chosen[name] = _load(name)
                        changed = True
                        break


def _load(name: str) -> Enricher:
    module_name, _, class_name = ENRICHERS[name].partition(":")
    enricher: Enricher = getattr(importlib.import_module(module_name), class_name)()
    return enricher
