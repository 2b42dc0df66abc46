"""The typed record that flows through every stage: pure data, no I/O.

A :class:`Document` is one transcript: its text exactly as received, and
spans over that text — :class:`Turn` (who speaks), :class:`Paragraph` (the
unit of citation) — plus metadata and provenance. Every offset is a Python
string index into ``Document.text``, so ``text[start:end]`` is always the
cited words and every result can point at its source to the character.

``to_dict`` gives the JSON contract of ``onrecord parse --json``;
``Document.from_dict`` reads it back, and the two are inverse.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, NamedTuple

__all__ = [
    "Annotation",
    "Document",
    "DocumentKind",
    "LabelHint",
    "Paragraph",
    "ParseWarning",
    "Provenance",
    "RawDocument",
    "Speaker",
    "Turn",
    "TurnKind",
]


class TurnKind(StrEnum):
    """Whether a turn is somebody speaking or the publisher's narration."""

    SPEECH = "speech"
    NARRATION = "narration"


class DocumentKind(StrEnum):
    """The genre of an event, as told by its title and narration."""

    PRESS_CONFERENCE = "press_conference"
    MEETING = "meeting"
    INTERVIEW = "interview"
    SPEECH = "speech"
    ADDRESS = "address"
    BRIEFING = "briefing"
    DEBATE = "debate"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class ParseWarning:
    """Something the parser noticed and the user should know (never silent).

    ``code`` is a stable machine name (``truncated``, ``no-date``, …);
    ``start``/``end`` locate the cause in the text when it has a place.
    """

    code: str
    message: str
    start: int | None = None
    end: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ParseWarning:
        return cls(data["code"], data["message"], data.get("start"), data.get("end"))


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a document came from and what made it, to reproduce any result."""

    input_file: str | None
    input_sha256: str
    reader: str
    parser: str
    parser_version: str
    record_line: int | None = None
    speakers_fingerprint: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "input_file": self.input_file,
            "input_sha256": self.input_sha256,
            "reader": self.reader,
            "parser": self.parser,
            "parser_version": self.parser_version,
            "record_line": self.record_line,
            "speakers_fingerprint": self.speakers_fingerprint,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Provenance:
        return cls(
            input_file=data.get("input_file"),
            input_sha256=data["input_sha256"],
            reader=data["reader"],
            parser=data["parser"],
            parser_version=data["parser_version"],
            record_line=data.get("record_line"),
            speakers_fingerprint=data.get("speakers_fingerprint", ""),
        )


class Turn(NamedTuple):
    """One stretch of a document by one speaker, or of narration.

    ``start``/``end`` cover what was said (the label is not part of it);
    ``label`` is the speaker label exactly as printed, at
    ``label_start``/``label_end``, and is None for narration and for
    paragraphs that continue a speaker without a label of their own.
    A speech turn that resumes after a stage direction (``(Applause.)``)
    repeats its speaker's label and offsets and names the turn it resumes
    in ``continues``.

    Turns and paragraphs are named tuples, not dataclasses: a corpus has
    millions of them, and tuples are built and passed between processes
    several times faster.
    """

    # The field shadows tuple.index on purpose: "index" is the contract's name.
    index: int  # type: ignore[assignment]
    kind: TurnKind
    start: int
    end: int
    speaker_id: str | None = None
    speaker: str | None = None
    label: str | None = None
    role: str | None = None
    label_start: int | None = None
    label_end: int | None = None
    continues: int | None = None

    def to_dict(self, text: str) -> dict[str, Any]:
        return {
            "index": self.index,
            "speaker_id": self.speaker_id,
            "speaker": self.speaker,
            "label": self.label,
            "role": self.role,
            "kind": self.kind.value,
            "start": self.start,
            "end": self.end,
            "text": text[self.start : self.end],
            "label_start": self.label_start,
            "label_end": self.label_end,
            "continues": self.continues,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Turn:
        return cls(
            index=data["index"],
            kind=TurnKind(data["kind"]),
            start=data["start"],
            end=data["end"],
            speaker_id=data.get("speaker_id"),
            speaker=data.get("speaker"),
            label=data.get("label"),
            role=data.get("role"),
            label_start=data.get("label_start"),
            label_end=data.get("label_end"),
            continues=data.get("continues"),
        )


class Paragraph(NamedTuple):
    """The unit of citation: ``<document id>#p<n>``, numbered from 1."""

    id: str
    index: int  # type: ignore[assignment]  # shadows tuple.index, as in Turn
    start: int
    end: int
    turn: int

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "start": self.start, "end": self.end, "turn": self.turn}

    @classmethod
    def from_dict(cls, data: dict[str, Any], index: int) -> Paragraph:
        return cls(data["id"], index, data["start"], data["end"], data["turn"])


class Annotation(NamedTuple):
    """A span of the text that an enricher labelled: a sentence, an entity, a claim.

    ``layer`` says what kind of thing it is; ``label`` and ``value`` what the
    enricher found (a type, a score); ``enricher`` and ``version`` who found
    it, so results can be reproduced and redone when the enricher changes.
    """

    layer: str
    start: int
    end: int
    label: str | None
    value: dict[str, Any] | None
    enricher: str
    version: str
    # An embedding's vector (int8 components, see onrecord.enrich.vectors);
    # None for every other layer. Kept out of the JSON contract: vectors are
    # read through search, not exported with the text.
    vector: bytes | None = None

    def to_dict(self, text: str) -> dict[str, Any]:
        data = self._asdict()
        del data["vector"]
        return {**data, "text": text[self.start : self.end]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Annotation:
        return cls(
            data["layer"],
            data["start"],
            data["end"],
            data.get("label"),
            data.get("value"),
            data["enricher"],
            data["version"],
        )


@dataclass(frozen=True, slots=True)
class Speaker:
    """A person (or a generic voice such as ``Question``) across documents."""

    id: str
    name: str
    aliases: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "aliases": list(self.aliases),
            "roles": list(self.roles),
        }


@dataclass(frozen=True, slots=True)
class Document:
    """One transcript with its turns, paragraphs, metadata and provenance."""

    id: str
    text: str
    provenance: Provenance
    source_url: str | None = None
    title: str | None = None
    date: str | None = None
    place: str | None = None
    kind: DocumentKind = DocumentKind.OTHER
    language: str = "en"
    turns: tuple[Turn, ...] = ()
    paragraphs: tuple[Paragraph, ...] = ()
    warnings: tuple[ParseWarning, ...] = ()
    meta: dict[str, Any] = field(default_factory=dict)
    annotations: tuple[Annotation, ...] = ()

    def paragraph_text(self, paragraph: Paragraph) -> str:
        return self.text[paragraph.start : paragraph.end]

    def turn_of(self, paragraph: Paragraph) -> Turn:
        return self.turns[paragraph.turn]

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract of ``onrecord parse --json`` (see README)."""
        return {
            "id": self.id,
            "source_url": self.source_url,
            "title": self.title,
            "date": self.date,
            "place": self.place,
            "kind": self.kind.value,
            "language": self.language,
            "text": self.text,
            "turns": [turn.to_dict(self.text) for turn in self.turns],
            "paragraphs": [paragraph.to_dict() for paragraph in self.paragraphs],
            "warnings": [warning.to_dict() for warning in self.warnings],
            "provenance": self.provenance.to_dict(),
            "meta": self.meta,
            "annotations": [a.to_dict(self.text) for a in self.annotations],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Document:
        return cls(
            id=data["id"],
            text=data["text"],
            provenance=Provenance.from_dict(data["provenance"]),
            source_url=data.get("source_url"),
            title=data.get("title"),
            date=data.get("date"),
            place=data.get("place"),
            kind=DocumentKind(data.get("kind") or "other"),
            language=data.get("language") or "en",
            turns=tuple(Turn.from_dict(t) for t in data.get("turns", [])),
            paragraphs=tuple(
                Paragraph.from_dict(p, i) for i, p in enumerate(data.get("paragraphs", []))
            ),
            warnings=tuple(ParseWarning.from_dict(w) for w in data.get("warnings", [])),
            meta=dict(data.get("meta") or {}),
            annotations=tuple(Annotation.from_dict(a) for a in data.get("annotations", [])),
        )


@dataclass(frozen=True, slots=True)
class LabelHint:
    """A speaker label the source itself marked (e.g. a bold run in HTML).

    Offsets are into the raw text; a reader that knows the markup passes
    these so the parser does not have to guess.
    """

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class RawDocument:
    """What a reader hands to the parser: text and whatever metadata it found.

    Fields left None are for the parser to find in the text. ``label_hints``
    is None when the source has no markup for labels, and a (possibly empty)
    tuple when it has: then the hints are authoritative.
    """

    text: str
    source: str
    input_sha256: str
    reader: str
    line: int | None = None
    id: str | None = None
    source_url: str | None = None
    title: str | None = None
    date: str | None = None
    place: str | None = None
    language: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    label_hints: tuple[LabelHint, ...] | None = None
    notes: tuple[ParseWarning, ...] = ()
