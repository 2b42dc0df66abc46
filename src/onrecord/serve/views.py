"""What the pages show, computed from Corpus results: pure functions, no I/O.

Transcript text is untrusted. Nothing here returns markup except :func:`highlight`,
which escapes the snippet first and only then turns its match marks into ``<mark>``;
every other string reaches the page through Jinja's autoescape.
"""

from __future__ import annotations

import itertools
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from urllib.parse import quote

from markupsafe import Markup

from onrecord.model import Annotation, Document, TurnKind
from onrecord.query.highlight import snippet
from onrecord.query.results import SearchHit, SpeakerSummary

__all__ = [
    "Block",
    "Facets",
    "ParagraphView",
    "Segment",
    "citation_text",
    "document_blocks",
    "facets",
    "highlight",
    "paragraph_number",
    "speaker_class",
    "turns_by_period",
    "web_url",
]

SPEAKER_COLOURS = 12


# Private-use characters: no transcript marks its own words with them.
_OPEN, _CLOSE = "\ue000", "\ue001"


def highlight(hit: SearchHit) -> Markup:
    """A hit's snippet with its matched words in ``<mark>``, everything else escaped.

    Made again from the hit's text and match offsets rather than by parsing the
    ``**bold**`` of ``hit.snippet``: a transcript's own asterisks ("* * *") would
    be taken for marks.
    """
    text = hit.text.replace(_OPEN, "").replace(_CLOSE, "")
    start = hit.citation.start
    spans = [
        (s - start, e - start) for s, e in hit.matches if start <= s and e - start <= len(text)
    ]
    cut = snippet(text, spans, marks=(_OPEN, _CLOSE))
    escaped = str(escape(cut))
    return Markup(escaped.replace(_OPEN, "<mark>").replace(_CLOSE, "</mark>"))


def web_url(url: str | None) -> str | None:
    """``url`` when it is an http(s) address, else None: a record's ``source_url`` is
    untrusted and must not become a ``javascript:`` link."""
    if url and url.lower().startswith(("https://", "http://")):
        return url
    return None


def speaker_class(speaker_id: str | None) -> str:
    """A CSS class that gives a speaker the same colour on every page and every run."""
    if not speaker_id:
        return "spk-none"
    return f"spk-{zlib.crc32(speaker_id.encode()) % SPEAKER_COLOURS}"


def paragraph_number(paragraph_id: str) -> int:
    """12 for ``<doc id>#p12``."""
    return int(paragraph_id.rsplit("#p", 1)[1])


def citation_text(
    speaker: str | None,
    title: str | None,
    date: str | None,
    url: str,
    paragraph: int,
) -> str:
    """The citation the cite button copies."""
    who = speaker or "Narration"
    return f"{who}, “{title or 'untitled'}”, {date or 'undated'}, {url}, paragraph {paragraph}"


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of a paragraph and what is marked on it (a claim, an entity)."""

    text: str
    classes: str = ""
    note: str = ""


@dataclass(slots=True)
class ParagraphView:
    number: int
    anchor: str
    segments: list[Segment]
    citation: str


@dataclass(slots=True)
class Block:
    """Consecutive paragraphs of one turn."""

    kind: str  # speech or narration
    speaker: str | None
    speaker_id: str | None
    label: str | None
    role: str | None
    colour: str
    paragraphs: list[ParagraphView] = field(default_factory=list)


def _marks(annotations: Iterable[Annotation]) -> list[tuple[int, int, str, str]]:
    """(start, end, class, note) of what the page highlights: claims worth checking, entities."""
    marks = []
    for a in annotations:
        value = a.value or {}
        if a.layer == "claim" and a.label == "check-worthy":
            marks.append(
                (a.start, a.end, "claim", f"check-worthy claim (score {value.get('score', 0):.2f})")
            )
        elif a.layer == "entity":
            name = value.get("name") or a.label or "entity"
            marks.append(
                (a.start, a.end, f"ent ent-{(a.label or 'other').lower()}", f"{name} ({a.label})")
            )
    return marks


def segments(
    text: str, start: int, end: int, marks: Sequence[tuple[int, int, str, str]]
) -> list[Segment]:
    """The paragraph ``text[start:end]`` cut at every mark's edges, each piece with its marks."""
    inside = [(max(s, start), min(e, end), c, n) for s, e, c, n in marks if s < end and e > start]
    cuts = sorted({start, end, *(s for s, _, _, _ in inside), *(e for _, e, _, _ in inside)})
    pieces = []
    for left, right in itertools.pairwise(cuts):
        active = [(c, n) for s, e, c, n in inside if s <= left and right <= e]
        pieces.append(
            Segment(
                text[left:right],
                " ".join(dict.fromkeys(c for c, _ in active)),
                "; ".join(dict.fromkeys(n for _, n in active)),
            )
        )
    return pieces


def document_blocks(document: Document, base_url: str) -> list[Block]:
    """The document as the page shows it: turns in order, each paragraph ready to render."""
    marks = _marks(document.annotations)
    blocks: list[Block] = []
    previous_turn = -1
    for paragraph in document.paragraphs:
        turn = document.turns[paragraph.turn]
        if turn.index != previous_turn or not blocks:
            narration = turn.kind is TurnKind.NARRATION
            blocks.append(
                Block(
                    kind="narration" if narration else "speech",
                    speaker=turn.speaker,
                    speaker_id=turn.speaker_id,
                    label=turn.label,
                    role=turn.role,
                    colour="narration" if narration else speaker_class(turn.speaker_id),
                )
            )
            previous_turn = turn.index
        number = paragraph.index + 1
        url = web_url(document.source_url) or f"{base_url}doc/{quote(document.id)}#p{number}"
        blocks[-1].paragraphs.append(
            ParagraphView(
                number=number,
                anchor=f"p{number}",
                segments=segments(document.text, paragraph.start, paragraph.end, marks),
                citation=citation_text(turn.speaker, document.title, document.date, url, number),
            )
        )
    return blocks


@dataclass(frozen=True, slots=True)
class Facets:
    """Counts over a window of hits, for the filters beside the results."""

    speakers: list[tuple[str, str, int]]  # (id, name, hits)
    years: list[tuple[str, int]]
    kinds: list[tuple[str, int]]


def facets(hits: Sequence[SearchHit], top: int = 10) -> Facets:
    names: dict[str, str] = {}
    speakers: Counter[str] = Counter()
    years: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    for hit in hits:
        if hit.speaker_id:
            speakers[hit.speaker_id] += 1
            names[hit.speaker_id] = hit.speaker or hit.speaker_id
        if hit.citation.date:
            years[hit.citation.date[:4]] += 1
        kinds[hit.doc_kind] += 1
    return Facets(
        speakers=[(sid, names[sid], n) for sid, n in speakers.most_common(top)],
        years=sorted(years.items(), reverse=True),
        kinds=kinds.most_common(),
    )


def turns_by_period(
    documents: Iterable[Document], speaker: SpeakerSummary
) -> list[tuple[str, int]]:
    """A speaker's turns per month (per year when they span more than three years)."""
    months: Counter[str] = Counter()
    for document in documents:
        if not document.date:
            continue
        said = sum(1 for t in document.turns if t.speaker_id == speaker.id and t.continues is None)
        if said:
            months[document.date[:7]] += said
    if not months:
        return []
    first, last = min(months), max(months)
    if int(last[:4]) - int(first[:4]) > 3:
        years: Counter[str] = Counter()
        for month, count in months.items():
            years[month[:4]] += count
        return [(str(y), years.get(str(y), 0)) for y in range(int(first[:4]), int(last[:4]) + 1)]
    return [(month, months.get(month, 0)) for month in _month_range(first, last)]


def _month_range(first: str, last: str) -> list[str]:
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return months
