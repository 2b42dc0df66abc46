"""The storage interface. SQLite is the embedded default; PostgreSQL comes next.

A backend stores :class:`~onrecord.model.Document` records whole and
answers the questions the query layer asks. Everything above this module —
the ``Corpus`` API, the CLI, the HTTP API — talks to a ``Store``, never to
a database, and every backend runs the same test suite
(``tests/store/test_store_contract.py``).

Queries arrive as a backend-neutral tree (:mod:`onrecord.query.syntax`) so
each backend compiles them to its own full-text language; rows come back
as :class:`ParagraphRow` and the query layer does highlighting, quote
alignment and concordance, identically for all backends.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from onrecord.model import Annotation, Document
from onrecord.query.syntax import Node

__all__ = ["Filters", "ParagraphRow", "SpeakerRow", "Store", "WriteOutcome", "WriteStatus"]


class WriteStatus(StrEnum):
    ADDED = "added"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class WriteOutcome:
    doc_id: str
    status: WriteStatus
    replaced: tuple[str, ...] = ()  # ids of older versions of the same source file


@dataclass(frozen=True, slots=True)
class Filters:
    """Restrictions any query can carry; None means no restriction."""

    speaker_ids: tuple[str, ...] | None = None
    since: str | None = None  # ISO date, inclusive
    until: str | None = None  # ISO date, inclusive
    kinds: tuple[str, ...] | None = None
    language: str | None = None
    doc_ids: tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class ParagraphRow:
    """A stored paragraph with what a citation needs."""

    paragraph_id: str
    doc_id: str
    title: str | None
    date: str | None
    source_url: str | None
    doc_kind: str
    language: str
    start: int
    end: int
    text: str
    turn_kind: str
    speaker_id: str | None
    speaker: str | None
    label: str | None
    role: str | None
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class SpeakerRow:
    """A speaker as the corpus knows them: every printed form and role seen.

    Exported as ``onrecord.SpeakerSummary``.
    """

    id: str
    name: str
    labels: tuple[str, ...]
    roles: tuple[str, ...]
    documents: int
    turns: int
    first_date: str | None
    last_date: str | None


class Store(ABC):
    """Documents in, citable paragraphs out."""

    @property
    @abstractmethod
    def location(self) -> str:
        """Where the data lives, for messages (a file path, a database URL)."""

    # --- writing -------------------------------------------------------

    @abstractmethod
    def write(self, documents: Iterable[Document], batch_size: int = 500) -> Iterator[WriteOutcome]:
        """Store each document atomically; yield outcomes once they are committed.

        Re-writing a document whose input and parser are unchanged changes
        nothing (``UNCHANGED``); a changed one replaces the stored version in
        the same transaction (``UPDATED``), so a reader or a crash never sees
        half of either.
        """

    @abstractmethod
    def delete(self, doc_id: str) -> bool:
        """Remove a document and everything that points into it."""

    # --- enrichment ----------------------------------------------------

    @abstractmethod
    def needing_enrichment(self, enrichers: dict[str, str]) -> Iterator[str]:
        """Ids of documents not yet annotated by every enricher at its version."""

    @abstractmethod
    def replace_annotations(
        self, doc_id: str, enrichers: dict[str, str], annotations: Sequence[Annotation]
    ) -> None:
        """Atomically swap the annotations these enrichers made and record their versions."""

    # --- reading -------------------------------------------------------

    @abstractmethod
    def get(self, doc_id: str) -> Document:
        """The stored document, exactly as written (raises NotFoundError)."""

    @abstractmethod
    def iter_documents(self, filters: Filters | None = None) -> Iterator[Document]:
        """Every stored document in id order, one at a time."""

    @abstractmethod
    def count(self) -> int:
        """How many documents are stored."""

    @abstractmethod
    def search(
        self, query: Node, filters: Filters, limit: int, offset: int = 0
    ) -> list[ParagraphRow]:
        """Paragraphs matching ``query``, best first (full-text ranking)."""

    @abstractmethod
    def count_matches(self, query: Node, filters: Filters) -> int:
        """How many paragraphs match ``query``."""

    @abstractmethod
    def any_words(self, words: list[str], filters: Filters, limit: int) -> list[ParagraphRow]:
        """Paragraphs sharing the most of ``words`` (candidates for quote lookup)."""

    @abstractmethod
    def paragraph(self, paragraph_id: str) -> ParagraphRow:
        """One paragraph by its id (raises NotFoundError)."""

    @abstractmethod
    def speakers(self) -> list[SpeakerRow]:
        """Every speaker with counts, most turns first."""

    @abstractmethod
    def speaker_ids_matching(self, name: str) -> tuple[str, ...]:
        """Ids of speakers whose id, name or printed label matches ``name``."""

    @abstractmethod
    def close(self) -> None:
        """Release the connection."""

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
