"""Text in, record out: the one parser every input format goes through.

``parse(raw)`` splits the text into paragraphs, drops the republisher's
trailer (with a warning), finds speaker labels, groups paragraphs into
turns, resolves speakers, reads the header for missing metadata and
returns a :class:`~onrecord.model.Document`. It never changes the text:
every span it produces is an offset into ``raw.text``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from onrecord.errors import EmptyInputError
from onrecord.model import (
    Document,
    Paragraph,
    ParseWarning,
    Provenance,
    RawDocument,
    Turn,
    TurnKind,
)
from onrecord.parse.boilerplate import trailing_boilerplate
from onrecord.parse.identity import document_id
from onrecord.parse.labels import LabelCandidate, LabelShape, find_label_candidate, judge_label
from onrecord.parse.metadata import (
    detect_language,
    guess_kind,
    normalise_date,
    read_header,
)
from onrecord.parse.names import TITLE_WORDS, is_name_token, opens_a_sentence
from onrecord.parse.speakers import ResolvedSpeaker, SeenSpeakers, SpeakerDirectory
from onrecord.parse.text import paragraph_spans, squash_spaces

__all__ = ["PARSER_NAME", "PARSER_VERSION", "parse"]

PARSER_NAME = "onrecord.parse"
# Bump when the same input would parse differently: stored documents are
# then re-parsed on the next ingest instead of being reported unchanged.
PARSER_VERSION = "1.0.0"

_MARK_OPENINGS = "*<[(….E"
# The White House's closing line: "END  2:41 P.M. EST".
_END_MARK = re.compile(r"^END\b[\s\d:.APMESTDapmestd]*$")
_QUOTE_MARKS = "“\"«„‘'"
_SEPARATOR = re.compile(r"^\*(?:[\s\u00a0]*\*){2,}$")
_OMISSION = re.compile(r"^[<\[(]?\s*(?:…|\.\.\.)\s*[>\])]?$")
# A stage direction: the whole paragraph in brackets, one level of nesting
# allowed ("(… System (USAIS), which …).").
_BRACKETED = re.compile(
    r"^(?:\((?:[^()]|\([^()]*\))*\)|\[(?:[^\[\]]|\[[^\[\]]*\])*\])[.\s]*$", re.DOTALL
)

_default_directory: SpeakerDirectory | None = None


def default_directory() -> SpeakerDirectory:
    """The shipped alias table, loaded once."""
    global _default_directory
    if _default_directory is None:
        _default_directory = SpeakerDirectory.load()
    return _default_directory


@dataclass(slots=True)
class _Block:
    """One paragraph as classified: its span, and who (if anyone) speaks in it."""

    start: int
    end: int
    kind: TurnKind
    speaker: ResolvedSpeaker | None = None
    label: LabelCandidate | None = None
    role: str | None = None
    new_turn: bool = False  # a label opens a new turn here


def parse(raw: RawDocument, speakers: SpeakerDirectory | None = None) -> Document:
    """Parse one raw document into the typed record (see module docstring)."""
    directory = speakers or default_directory()
    text = raw.text
    spans = paragraph_spans(text)
    if not spans:
        raise EmptyInputError(raw.source, "no text", line=raw.line)
    warnings = list(raw.notes)
    spans = _drop_trailer(text, spans, warnings)
    language = raw.language or detect_language(text)
    doc_id = raw.id or document_id(text, raw.source_url)

    blocks = _classify(text, spans, raw, directory, doc_id)
    turns, paragraphs = _assemble(blocks, doc_id)

    lead = _leading_narration(blocks)
    found = read_header(text, [(b.start, b.end) for b in lead], language)
    title = raw.title if raw.title is not None else found.title
    date = _document_date(raw, found.date, language, warnings)
    place = raw.place if raw.place else found.place
    if not any(turn.kind is TurnKind.SPEECH for turn in turns):
        warnings.append(ParseWarning("no-speakers", "no speaker label was recognised"))
    narration = "\n".join(text[b.start : b.end] for b in lead)
    return Document(
        id=doc_id,
        text=text,
        provenance=Provenance(
            input_file=raw.source,
            input_sha256=raw.input_sha256,
            reader=raw.reader,
            parser=PARSER_NAME,
            parser_version=PARSER_VERSION,
            record_line=raw.line,
            speakers_fingerprint=directory.fingerprint,
        ),
        source_url=raw.source_url,
        title=squash_spaces(title) if title else None,
        date=date,
        place=squash_spaces(place) if place else None,
        kind=guess_kind(title, narration),
        language=language,
        turns=tuple(turns),
        paragraphs=tuple(paragraphs),
        warnings=tuple(warnings),
        meta=dict(raw.meta),
    )


def _drop_trailer(
    text: str, spans: list[tuple[int, int]], warnings: list[ParseWarning]
) -> list[tuple[int, int]]:
    count = trailing_boilerplate(text, spans)
    if not count:
        return spans
    start, end = spans[-count][0], spans[-1][1]
    trailer = squash_spaces(text[start:end])
    warnings.append(
        ParseWarning(
            "truncated",
            f"the text ends with a republisher's trailer ({trailer!r}); the transcript "
            "is probably cut short, and the trailer is in no turn",
            start,
            end,
        )
    )
    return spans[:-count]


def _document_date(
    raw: RawDocument, header_date: str | None, language: str, warnings: list[ParseWarning]
) -> str | None:
    if raw.date:
        supplied = normalise_date(raw.date, language)
        if supplied is None:
            warnings.append(ParseWarning("bad-date", f"the supplied date {raw.date!r} is no date"))
        return supplied or header_date
    if header_date is None:
        warnings.append(ParseWarning("no-date", "no date was supplied or found in the header"))
    return header_date


def _leading_narration(blocks: list[_Block]) -> list[_Block]:
    leading: list[_Block] = []
    for block in blocks:
        if block.kind is not TurnKind.NARRATION:
            break
        leading.append(block)
    return leading


def _classify(
    text: str,
    spans: list[tuple[int, int]],
    raw: RawDocument,
    directory: SpeakerDirectory,
    doc_id: str,
) -> list[_Block]:
    """Decide for each paragraph: narration, a new labelled turn, or continuation."""
    candidates = _label_candidates(text, spans, raw)
    repeated = Counter(squash_spaces(c.printed) for c in candidates if c is not None)
    seen = _names_in_document(candidates, raw, directory, doc_id)
    resolved: dict[str, ResolvedSpeaker] = {}  # a printed label means one speaker per document
    blocks: list[_Block] = []
    current: _Block | None = None  # the labelled block whose speaker is speaking now
    for (start, end), candidate in zip(spans, candidates, strict=True):
        opening = text[start]
        if opening in _MARK_OPENINGS:  # cheap test before the regexes: most paragraphs are words
            chunk = text[start:end]
            if _SEPARATOR.match(chunk):
                blocks.append(_Block(start, end, TurnKind.NARRATION))
                current = None
                continue
            if _OMISSION.match(chunk) or _BRACKETED.match(chunk) or _END_MARK.match(chunk):
                blocks.append(_Block(start, end, TurnKind.NARRATION))
                continue
        shape = _accepted_shape(text, end, candidate, raw, directory, seen, repeated)
        if candidate is not None and shape is not None:
            speaker = resolved.get(candidate.printed)
            if speaker is None:
                speaker = directory.resolve(shape, candidate.printed, doc_id, seen)
                resolved[candidate.printed] = speaker
            current = _Block(
                candidate.content_start,
                end,
                TurnKind.SPEECH,
                speaker,
                candidate,
                _role_without_name(shape.role, speaker.from_role),
                True,
            )
            blocks.append(current)
        elif current is not None:
            blocks.append(
                _Block(start, end, TurnKind.SPEECH, current.speaker, current.label, current.role)
            )
        else:
            blocks.append(_Block(start, end, TurnKind.NARRATION))
    return blocks


def _names_in_document(
    candidates: list[LabelCandidate | None],
    raw: RawDocument,
    directory: SpeakerDirectory,
    doc_id: str,
) -> SeenSpeakers:
    """Full names the document's labels print, so that a bare ``CLINTON:`` before
    ``HILLARY CLINTON (D-NY):`` still finds her: evidence from the whole document."""
    seen = SeenSpeakers()
    named = []
    printed_before: set[str] = set()
    for candidate in candidates:
        if candidate is None or candidate.printed in printed_before:
            continue
        printed_before.add(candidate.printed)
        shape = judge_label(candidate.printed)
        if shape is None or shape.generic or shape.office:
            continue
        if len(shape.name.split()) < 2 or (raw.label_hints is None and not shape.strong):
            continue
        named.append((shape, candidate))
    # Labels that are a bare full name first: they show where a name begins
    # when another label runs an office into it.
    named.sort(key=lambda pair: pair[0].role is not None)
    for shape, candidate in named:
        directory.resolve(shape, candidate.printed, doc_id, seen)
    return seen


def _role_without_name(role: str | None, name_words: int) -> str | None:
    if role is None or name_words == 0:
        return role
    return " ".join(role.split()[:-name_words]) or None


def _label_candidates(
    text: str, spans: list[tuple[int, int]], raw: RawDocument
) -> list[LabelCandidate | None]:
    if raw.label_hints is None:
        return [find_label_candidate(text, start, end) for start, end in spans]
    # The source marked its labels: trust the marks, and only them.
    hinted = {hint.start: hint for hint in raw.label_hints}
    candidates: list[LabelCandidate | None] = []
    for start, end in spans:
        hint = hinted.get(start)
        if hint is None:
            candidates.append(None)
            continue
        content = hint.end
        while content < end and (text[content] in ": \t\u00a0\n"):
            content += 1
        label_end = hint.end
        while label_end > start and text[label_end - 1] in ": \t\u00a0":
            label_end -= 1
        candidates.append(LabelCandidate(text[start:label_end], start, label_end, content))
    return candidates


def _accepted_shape(
    text: str,
    end: int,
    candidate: LabelCandidate | None,
    raw: RawDocument,
    directory: SpeakerDirectory,
    seen: SeenSpeakers,
    repeated: Counter[str],
) -> LabelShape | None:
    """The label's parts when the evidence says it is one, else None."""
    if candidate is None:
        return None
    shape = judge_label(candidate.printed)
    if raw.label_hints is not None:
        return shape or LabelShape(squash_spaces(candidate.printed), None, None, None, True)
    if shape is None:
        return None
    if shape.generic:
        return shape
    # A doubtful shape (one word, a name without a given name, an office)
    # must not be contradicted by what follows it.
    doubtful = shape.office or not shape.strong or shape.role is not None
    if doubtful and _content_denies_a_label(text, candidate, end, quotes=not shape.strong):
        return None
    if shape.strong:
        return shape
    if directory.knows(shape.name, seen):
        return shape
    # A one-word label is believable when the document repeats it.
    return shape if repeated[squash_spaces(candidate.printed)] >= 2 else None


def _content_denies_a_label(
    text: str, candidate: LabelCandidate, end: int, *, quotes: bool
) -> bool:
    """What follows the colon shows the text before it was no speaker.

    ``Interior Minister: Vladimir Kolokoltsev.`` is a list entry (a name
    after the colon, nothing said); ``France: “We will never …”`` quotes
    what a country said inside someone's speech.
    """
    content = text[candidate.content_start : end].strip()
    if quotes and content[:1] in _QUOTE_MARKS:
        return True
    words = content.rstrip(".").split()
    if not 2 <= len(words) <= 5 or content[-1:] in "?!…,:;":
        return False
    if opens_a_sentence(words) or words[0].casefold().strip(".") in TITLE_WORDS:
        return False  # "Senator Cruz.": someone given the floor, not a list entry
    return all(is_name_token(w) for w in words)


def _assemble(blocks: list[_Block], doc_id: str) -> tuple[list[Turn], list[Paragraph]]:
    """Group classified paragraphs into turns and number the paragraphs."""
    groups: list[list[_Block]] = []
    previous: _Block | None = None
    for block in blocks:
        if _starts_turn(block, previous):
            groups.append([block])
        else:
            groups[-1].append(block)
        previous = block
    turns: list[Turn] = []
    paragraphs: list[Paragraph] = []
    last_speech: dict[int, int] = {}  # id(label) -> index of its latest turn
    for index, group in enumerate(groups):
        turns.append(_turn(group, index, last_speech))
        for block in group:
            if block.start < block.end:
                number = len(paragraphs) + 1
                paragraphs.append(
                    Paragraph(f"{doc_id}#p{number}", number - 1, block.start, block.end, index)
                )
    return turns, paragraphs


def _starts_turn(block: _Block, previous: _Block | None) -> bool:
    if previous is None or block.new_turn or block.kind is not previous.kind:
        return True
    return block.kind is TurnKind.SPEECH and block.label is not previous.label


def _turn(group: list[_Block], index: int, last_speech: dict[int, int]) -> Turn:
    first = group[0]
    # A label that stands alone in its paragraph opens an empty block; the
    # turn's words begin with the next paragraph.
    start = next((b.start for b in group if b.start < b.end), first.start)
    end = max(b.end for b in group)
    if first.kind is TurnKind.NARRATION or first.speaker is None or first.label is None:
        return Turn(index, TurnKind.NARRATION, start, end)
    label = first.label
    continues = None if first.new_turn else last_speech.get(id(label))
    last_speech[id(label)] = index
    return Turn(
        index=index,
        kind=TurnKind.SPEECH,
        start=start,
        end=end,
        speaker_id=first.speaker.id,
        speaker=first.speaker.name,
        label=label.printed,
        role=first.role,
        label_start=label.start,
        label_end=label.end,
        continues=continues,
    )
