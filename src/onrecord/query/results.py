"""Typed results of every query; each carries its citation.

A :class:`ResultList` is a list that also converts to JSON-ready dicts and
to a pandas DataFrame (``.to_pandas()``), so the same result serves the
CLI, the HTTP API and a notebook.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, is_dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from onrecord.query import quote
from onrecord.store.base import SpeakerRow as SpeakerSummary

if TYPE_CHECKING:
    import pandas

__all__ = [
    "Citation",
    "Claim",
    "EntityMention",
    "EntitySummary",
    "KwicLine",
    "Novelty",
    "Occurrence",
    "QuoteMatch",
    "ResultList",
    "SearchHit",
    "SpeakerSummary",
    "TalkingPoint",
    "TalkingPointSummary",
    "TechniqueHit",
    "Topic",
]


@dataclass(frozen=True, slots=True)
class Citation:
    """Where words stand: document, paragraph, offsets into the document text, URL."""

    doc_id: str
    paragraph_id: str
    start: int
    end: int
    title: str | None
    date: str | None
    source_url: str | None


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A paragraph that matches a search, with the matched words marked."""

    citation: Citation
    speaker_id: str | None
    speaker: str | None
    label: str | None
    role: str | None
    text: str
    snippet: str  # with matched words in **bold**
    matches: tuple[tuple[int, int], ...]  # document offsets of matched words
    score: float
    doc_kind: str
    language: str
    method: str = "text"  # how it was found: "text", "meaning" or "both"
    similarity: float | None = None  # cosine of the nearest sentence, when found by meaning


@dataclass(frozen=True, slots=True)
class QuoteMatch:
    """Where a quotation (verbatim or slightly off) stands in the corpus."""

    citation: Citation
    speaker_id: str | None
    speaker: str | None
    role: str | None
    match_start: int  # document offsets of the matching span
    match_end: int
    matched_text: str
    paragraph_text: str
    similarity: float  # 0..1; 1 is verbatim (ignoring case, spacing and quote marks)
    verbatim: bool
    method: str = "words"  # "words" (spelling and wording) or "meaning" (vectors)

    def in_sentences(self) -> tuple[str, str, str]:
        """The match with the rest of the sentences it stands in: (before, match, after)."""
        start = self.match_start - self.citation.start
        return quote.in_sentences(self.paragraph_text, start, self.match_end - self.citation.start)


@dataclass(frozen=True, slots=True)
class KwicLine:
    """A keyword in context: one occurrence with the words around it."""

    citation: Citation
    speaker_id: str | None
    speaker: str | None
    left: str
    keyword: str
    right: str
    match_start: int
    match_end: int


@dataclass(frozen=True, slots=True)
class Claim:
    """A sentence someone said, scored for whether it is worth checking.

    The citation's offsets are the sentence's.
    """

    citation: Citation
    turn: int | None
    speaker_id: str | None
    speaker: str | None
    role: str | None
    text: str
    score: float  # 0..1, higher is more worth checking
    check_worthy: bool
    enricher: str


@dataclass(frozen=True, slots=True)
class EntityMention:
    """One mention of a person, place, country, organisation or concept."""

    citation: Citation  # offsets of the mention itself
    speaker_id: str | None
    speaker: str | None
    text: str  # the mention as printed
    entity_id: str | None
    name: str | None  # canonical name
    type: str | None
    resolved: bool  # found in the shipped gazetteer
    enricher: str


@dataclass(frozen=True, slots=True)
class EntitySummary:
    """An entity with how often, in how many documents and by how many speakers."""

    entity_id: str
    name: str | None
    type: str | None
    mentions: int
    documents: int
    speakers: int
    first_date: str | None
    last_date: str | None


@dataclass(frozen=True, slots=True)
class TechniqueHit:
    """A persuasion technique detected in one paragraph."""

    citation: Citation  # the paragraph
    turn: int | None  # index of the turn the paragraph belongs to
    speaker_id: str | None
    speaker: str | None
    technique: str
    score: float
    text: str
    enricher: str


@dataclass(frozen=True, slots=True)
class Occurrence:
    """One statement of a talking point (a sentence of a speech turn)."""

    citation: Citation  # the sentence's offsets
    speaker_id: str | None
    speaker: str | None
    role: str | None
    language: str
    text: str
    founder: bool  # the first statement of its talking point
    similarity: float | None  # to the earlier statement it was linked to


@dataclass(frozen=True, slots=True)
class TalkingPointSummary:
    """A talking point in a list: its usual wording and how widely it was said."""

    talking_point_id: str
    wording: str  # the most frequent wording (the earliest among equals)
    statements: int
    documents: int
    speakers: int
    first_date: str | None
    last_date: str | None


@dataclass(frozen=True, slots=True)
class TalkingPoint:
    """A talking point in full: timeline, variants, documents and every statement."""

    talking_point_id: str
    wording: str
    first_date: str | None
    last_date: str | None
    statements: int
    documents: tuple[str, ...]  # document ids, earliest first
    by_month: tuple[tuple[str, int], ...]  # ("2024-04", statements)
    by_speaker: tuple[tuple[str, int], ...]  # (speaker, statements), most first
    variants: tuple[tuple[str, int], ...]  # (wording, statements), most first
    occurrences: tuple[Occurrence, ...]  # in corpus order


@dataclass(frozen=True, slots=True)
class Novelty:
    """One statement of a transcript: said before (and how often), or new."""

    citation: Citation
    speaker_id: str | None
    speaker: str | None
    text: str
    status: str  # "new", "repeated", "similar" (close, not close enough) or "short"
    times_before: int  # earlier statements saying the same thing
    documents_before: int  # earlier documents they are in
    earliest: Occurrence | None  # the earliest of them (for "similar": the closest)
    nearest_similarity: float | None  # the closest earlier statement's cosine
    talking_point_id: str | None


@dataclass(frozen=True, slots=True)
class Topic:
    """A topic of the kept topic model: its keywords and how often it came up, by month."""

    topic_id: str
    keywords: tuple[str, ...]
    paragraphs: int
    documents: int
    speakers: int
    first_date: str | None
    last_date: str | None
    by_month: tuple[tuple[str, int], ...]  # ("2024-04", paragraphs)
    model: str  # the topic model's version


T = TypeVar("T")


class ResultList(list[T], Generic[T]):
    """A list of results that converts to dicts and DataFrames."""

    total: int | None = None  # all matches, when the query counted them

    def to_dicts(self) -> list[dict[str, Any]]:
        return [flatten(item) for item in self]

    def to_pandas(self) -> pandas.DataFrame:
        import pandas

        return pandas.DataFrame(self.to_dicts())


def flatten(item: Any) -> dict[str, Any]:
    """A result as a flat dict: citation fields inline, tuples as lists, results
    nested in results (a talking point's occurrences) flattened the same way."""
    result: dict[str, Any] = {}
    for field in fields(item):
        value = getattr(item, field.name)
        if isinstance(value, Citation):
            result.update(asdict(value))
        else:
            result[field.name] = _plain(value)
    return result


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return flatten(value)
    return value
