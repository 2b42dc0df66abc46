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
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, NamedTuple

from onrecord.model import Annotation, Document
from onrecord.query.syntax import Node

__all__ = [
    "AnnotationQuery",
    "AnnotationRow",
    "Filters",
    "KeyCount",
    "ParagraphRow",
    "SpanVector",
    "SpeakerRow",
    "Store",
    "VectorHit",
    "WriteOutcome",
    "WriteStatus",
    "annotation_key",
]


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
    # Paragraphs that mention one of these entities (canonical ids, as the
    # entity enricher stores them in ``value["id"]``).
    mentions: tuple[str, ...] | None = None


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


def annotation_key(annotation: Annotation) -> str | None:
    """What an annotation is about, for grouping and lookup.

    An entity's canonical id (``value["id"]``) when it has one, else its
    label (a technique's name, a claim's verdict).
    """
    value = annotation.value or {}
    key = value.get("id")
    return str(key) if key is not None else annotation.label


@dataclass(frozen=True, slots=True)
class AnnotationQuery:
    """Which annotations to read: one layer, with filters and an order."""

    layer: str
    filters: Filters = field(default_factory=Filters)
    labels: tuple[str, ...] | None = None
    keys: tuple[str, ...] | None = None
    min_score: float | None = None
    min_documents: int | None = None  # counts only: keys found in at least this many documents
    speech_only: bool = False
    order: Literal["position", "score"] = "position"
    limit: int = 100
    offset: int = 0


@dataclass(frozen=True, slots=True)
class AnnotationRow:
    """A stored annotation with its words, its speaker and what a citation needs."""

    doc_id: str
    paragraph_id: str | None
    title: str | None
    date: str | None
    source_url: str | None
    language: str
    layer: str
    start: int
    end: int
    text: str
    label: str | None
    key: str | None
    score: float | None
    value: dict[str, Any] | None
    turn_kind: str | None
    turn: int | None
    speaker_id: str | None
    speaker: str | None
    role: str | None
    enricher: str
    version: str


@dataclass(frozen=True, slots=True)
class KeyCount:
    """One thing annotated (an entity, a technique) and how often it occurs."""

    key: str
    name: str | None
    label: str | None
    mentions: int
    documents: int
    speakers: int
    first_date: str | None
    last_date: str | None


class SpanVector(NamedTuple):
    """A stored vector and the span of text it stands for."""

    start: int
    end: int
    vector: bytes


@dataclass(frozen=True, slots=True)
class VectorHit:
    """A sentence or paragraph near a query vector, with its paragraph's citation."""

    id: int
    row: ParagraphRow
    unit: str  # "sentence" or "paragraph"
    start: int
    end: int
    similarity: float  # exact cosine similarity, -1..1


class StatementRow(NamedTuple):
    """A speech sentence with its vector, as talking points are built from."""

    doc_id: str
    date: str | None
    language: str
    paragraph: int  # index in its document (its id is ``<doc_id>#p<paragraph + 1>``)
    start: int
    end: int
    text: str
    speaker_id: str | None
    vector: bytes


class ParagraphVector(NamedTuple):
    """A speech paragraph with its vector, as topics are fitted on."""

    doc_id: str
    date: str | None
    language: str
    paragraph: int
    start: int
    end: int
    text: str
    vector: bytes


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

    @abstractmethod
    def annotations(self, query: AnnotationQuery) -> list[AnnotationRow]:
        """Annotations of one layer, by position (document, offset) or best score first."""

    @abstractmethod
    def count_annotations(self, query: AnnotationQuery) -> int:
        """How many annotations ``query`` selects (ignoring limit and offset)."""

    @abstractmethod
    def annotation_counts(self, query: AnnotationQuery) -> list[KeyCount]:
        """What the selected annotations are about (their keys), most mentioned first."""

    @abstractmethod
    def annotation_keys_matching(self, layer: str, name: str) -> tuple[str, ...]:
        """Keys of ``layer`` whose key, stored name or label equals ``name`` (any case)."""

    # --- search by meaning ---------------------------------------------

    @abstractmethod
    def has_embeddings(self) -> bool:
        """Whether any embeddings are stored (search by meaning is possible)."""

    @abstractmethod
    def nearest(
        self, vector: Any, limit: int, filters: Filters, unit: str | None = None
    ) -> list[VectorHit]:
        """The stored sentences or paragraphs (``unit``; both by default) nearest to
        ``vector`` (a unit-length float32 array) that pass ``filters``, nearest first,
        each with its exact cosine similarity."""

    @abstractmethod
    def prepare_search(self) -> None:
        """Bring whatever search by meaning reads (an index) up to date with the stored
        vectors, so that the first query after an enrichment does not pay for it."""

    @abstractmethod
    def sentence_vectors(self, paragraph_ids: Sequence[str]) -> dict[str, list[SpanVector]]:
        """The stored sentence vectors of each paragraph, in text order (int8 rows)."""

    # --- corpus-wide layers (talking points) -----------------------------

    @abstractmethod
    def statements(self) -> list[StatementRow]:
        """Every speech sentence that has a vector, in corpus order: by date
        (undated documents last), document id and offset."""

    @abstractmethod
    def replace_layer(self, layer: str, annotations: Mapping[str, Sequence[Annotation]]) -> None:
        """Atomically make ``annotations[doc_id]`` the whole of ``layer`` in each listed
        document (documents not listed keep theirs; documents gone are skipped)."""

    @abstractmethod
    def paragraph_vectors(self) -> list[ParagraphVector]:
        """Every speech paragraph that has a vector, in corpus order."""

    @abstractmethod
    def save_model(self, name: str, meta: dict[str, Any], data: bytes) -> None:
        """Keep a corpus-wide model (replacing one of that name)."""

    @abstractmethod
    def load_model(self, name: str) -> tuple[dict[str, Any], bytes] | None:
        """A kept model's metadata and bytes, or None."""

    @abstractmethod
    def annotation_months(self, query: AnnotationQuery) -> list[tuple[str, str, int]]:
        """(key, "YYYY-MM", annotations) of the selected annotations, by key and month;
        undated documents count under "undated"."""

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
