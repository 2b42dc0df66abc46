"""Queries over what the enrichers found: entities, claims, persuasion techniques.

Each function reads annotations through the Store interface and returns
typed results with citations, so the CLI, the HTTP API and notebooks see
the same thing.
"""

from __future__ import annotations

from onrecord.query.results import (
    Citation,
    Claim,
    EntityMention,
    EntitySummary,
    ResultList,
    TechniqueHit,
)
from onrecord.store.base import AnnotationQuery, AnnotationRow, Store

__all__ = ["claims", "entity_mentions", "entity_summaries", "techniques"]

CHECK_WORTHY = "check-worthy"


def citation(row: AnnotationRow) -> Citation:
    """Where an annotation stands: its document, paragraph and own offsets."""
    return Citation(
        row.doc_id, row.paragraph_id or "", row.start, row.end, row.title, row.date, row.source_url
    )


def claims(store: Store, query: AnnotationQuery) -> ResultList[Claim]:
    """Scored sentences of speech turns, as the query orders them."""
    results: ResultList[Claim] = ResultList(
        Claim(
            citation=citation(row),
            turn=row.turn,
            speaker_id=row.speaker_id,
            speaker=row.speaker,
            role=row.role,
            text=row.text,
            score=row.score or 0.0,
            check_worthy=row.label == CHECK_WORTHY,
            enricher=f"{row.enricher} {row.version}",
        )
        for row in store.annotations(query)
    )
    results.total = store.count_annotations(query)
    return results


def entity_mentions(store: Store, query: AnnotationQuery) -> ResultList[EntityMention]:
    """Every selected mention, in document order."""
    results: ResultList[EntityMention] = ResultList()
    for row in store.annotations(query):
        value = row.value or {}
        results.append(
            EntityMention(
                citation=citation(row),
                speaker_id=row.speaker_id,
                speaker=row.speaker,
                text=row.text,
                entity_id=row.key,
                name=value.get("name"),
                type=row.label,
                resolved=bool(value.get("resolved")),
                enricher=f"{row.enricher} {row.version}",
            )
        )
    results.total = store.count_annotations(query)
    return results


def entity_summaries(store: Store, query: AnnotationQuery) -> ResultList[EntitySummary]:
    """Entities of the selected mentions, most mentioned first."""
    return ResultList(
        EntitySummary(
            entity_id=count.key,
            name=count.name,
            type=count.label,
            mentions=count.mentions,
            documents=count.documents,
            speakers=count.speakers,
            first_date=count.first_date,
            last_date=count.last_date,
        )
        for count in store.annotation_counts(query)
    )


def techniques(store: Store, query: AnnotationQuery) -> ResultList[TechniqueHit]:
    """Persuasion techniques per paragraph, as the query orders them."""
    results: ResultList[TechniqueHit] = ResultList(
        TechniqueHit(
            citation=citation(row),
            turn=row.turn,
            speaker_id=row.speaker_id,
            speaker=row.speaker,
            technique=row.label or "",
            score=row.score or 0.0,
            text=row.text,
            enricher=f"{row.enricher} {row.version}",
        )
        for row in store.annotations(query)
    )
    results.total = store.count_annotations(query)
    return results
