"""What the Corpus's long operations did: ingest, enrichment, analyst overrides.

Plain records, returned to the caller and printed by the CLI; progress is
reported as it happens through :class:`IngestEvent`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from onrecord.enrich.talking_points import LinkReport
from onrecord.enrich.topics import TopicReport

__all__ = ["EnrichReport", "IngestEvent", "IngestReport", "OverrideReport"]

_MAX_NOTES = 1000


@dataclass(frozen=True, slots=True)
class IngestEvent:
    """One input dealt with, for progress displays."""

    source: str
    status: str  # added, updated, unchanged, duplicate, failed, skipped
    doc_id: str | None = None
    message: str | None = None


@dataclass
class IngestReport:
    """What an ingest did, document by document."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)

    # Duplicate and warning lines past the cap are counted here, not kept
    # (each was still passed to ``on_event`` as it happened).
    omitted: int = 0

    @property
    def ok(self) -> bool:
        return not self.failures

    def note(self, notes: list[str], message: str) -> None:
        """Keep a duplicate or warning line, up to a cap: a huge ingest stays small."""
        if len(notes) < _MAX_NOTES:
            notes.append(message)
        else:
            self.omitted += 1


@dataclass
class EnrichReport:
    """What an enrichment run did."""

    enriched: int = 0
    up_to_date: int = 0
    annotations: int = 0
    failures: list[str] = field(default_factory=list)
    talking_points: LinkReport | None = None  # when embeddings are part of the pipeline
    topics: TopicReport | None = None


@dataclass
class OverrideReport:
    """What applying analyst overrides did: where they are, and the re-parse."""

    path: str
    ingest: IngestReport
    not_reparsed: list[str] = field(default_factory=list)  # their input file is gone
