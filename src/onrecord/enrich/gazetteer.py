"""Canonical entities: find gazetteer names in a text, and resolve a model's mentions.

The gazetteer (``onrecord/data/gazetteer.json``, written by
``python -m onrecord.enrich.build_gazetteer``) lists entities with the forms of
their names. Names are compared as sequences of normalised word tokens:
English tokens lower-cased without diacritics, Russian tokens reduced to their
dictionary form (so «Киева» and «Киеве» are «Киев»). Possessives (``Russia's``)
and a leading ``the`` never block a match.

Two uses:

* :meth:`Gazetteer.scan` finds every *strong* name in a stretch of text
  (longest match first). A name that starts with a capital only matches a
  capitalised word, and an acronym only the acronym in capitals, so ``may``
  is never Theresa May and ``us`` never the United States. ``West`` is the
  CONCEPT only after ``the`` and before no other capitalised word. A weak name (a bare
  surname harvested from site tags) is found on its own only after ``Mr``/``Ms``/``Mrs``.
* :meth:`Gazetteer.resolve` maps a surface form a model found to an entity,
  also through *weak* forms (bare surnames harvested from site tags) and
  through a surname alone for people; an ambiguous form resolves to nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any, NamedTuple

from onrecord.enrich.ner import russian_lemma

__all__ = [
    "GAZETTEER_PATH",
    "Gazetteer",
    "GazetteerMatch",
    "Token",
    "default_gazetteer",
    "tokens",
]

GAZETTEER_PATH = Path(__file__).resolve().parent.parent / "data" / "gazetteer.json"
MAX_NAME_TOKENS = 8
_WORD = re.compile(r"[^\W_]+")
_CYRILLIC = re.compile(r"[а-яА-ЯёЁ]")
_CONCEPT_AFTER_THE = {"west"}
_HONORIFICS = frozenset({"mr", "ms", "mrs", "господин", "госпожа"})
# Which entity types fit which model label best (the first fitting hit wins).
_PREFERRED = {
    "PERSON": ("PERSON",),
    "PER": ("PERSON",),
    "GPE": ("COUNTRY", "PLACE"),
    "LOC": ("PLACE", "COUNTRY", "CONCEPT"),
    "NORP": ("NORP",),
    "ORG": ("ORG",),
    "FAC": ("PLACE", "ORG"),
    "EVENT": ("EVENT",),
}


class Token(NamedTuple):
    """A word of the text: offsets, the word as printed and its normalised key."""

    start: int
    end: int
    text: str
    key: str


class GazetteerMatch(NamedTuple):
    """A gazetteer name found in the text (offsets into that text)."""

    start: int
    end: int
    id: str
    type: str  # the mention's type: the entity's, or NORP for an adjective or demonym


@dataclass(frozen=True, slots=True)
class _Form:
    """One way of writing an entity's name, and when it may match on its own."""

    id: str
    type: str
    strong: bool
    capital: bool  # the text's first word must be capitalised
    acronym: bool  # the text must be in capitals, as the form is


def _plain(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _key(word: str, lemmatise: bool = True) -> str:
    if _CYRILLIC.search(word):
        return russian_lemma(word) if lemmatise else word.lower().replace("ё", "е")
    return _plain(word)


def tokens(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """The words of ``text[start:end]`` with their keys (offsets into ``text``)."""
    stop = len(text) if end is None else end
    return [
        Token(m.start(), m.end(), m.group(), _key(m.group()))
        for m in _WORD.finditer(text, start, stop)
    ]


def _name_keys(name: str) -> tuple[str, ...]:
    words = [m.group() for m in _WORD.finditer(name)]
    if len(words) > 1 and words[0].lower() == "the":
        words = words[1:]
    return tuple(_key(word) for word in words)


class Gazetteer:
    """The entities of a gazetteer file, indexed by the normalised tokens of their names."""

    def __init__(self, data: dict[str, Any], digest: str = "") -> None:
        self.digest = digest
        self.names: dict[str, str] = {}
        self.types: dict[str, str] = {}
        self._forms: dict[tuple[str, ...], list[_Form]] = {}
        self._surnames: dict[str, set[str]] = {}
        for entity in data["entities"]:
            self._add_entity(entity)
        self._first_words = {key[0] for key in self._forms}

    @classmethod
    def load(cls, path: Path = GAZETTEER_PATH) -> Gazetteer:
        """Read a gazetteer file; its sha256 becomes :attr:`digest`."""
        raw = path.read_bytes()
        return cls(json.loads(raw), hashlib.sha256(raw).hexdigest())

    def _add_entity(self, entity: dict[str, Any]) -> None:
        ident, kind = entity["id"], entity["type"]
        self.names[ident] = entity["name"]
        self.types[ident] = kind
        for name in (entity["name"], *entity["aliases"], *entity["ru"]):
            self._add_form(name, ident, kind, strong=True)
        for name in entity["adjectives"]:
            self._add_form(name, ident, "NORP", strong=True)
        for name in entity["weak"]:
            self._add_form(name, ident, kind, strong=False)
        if kind == "PERSON":
            for name in (entity["name"], *entity["aliases"], *entity["weak"], *entity["ru"]):
                surname = _name_keys(name)[-1:]
                if surname:
                    self._surnames.setdefault(surname[0], set()).add(ident)

    def _add_form(self, name: str, ident: str, kind: str, strong: bool) -> None:
        keys = _name_keys(name)
        if not keys or len(keys) > MAX_NAME_TOKENS:
            return
        letters = [c for c in name if c.isalpha()]
        acronym = len(letters) > 1 and all(c.isupper() for c in letters)
        form = _Form(ident, kind, strong, name[:1].isupper() or name[:4] == "the ", acronym)
        forms = self._forms.setdefault(keys, [])
        if form not in forms:
            forms.append(form)

    # -- finding names in text ------------------------------------------------

    def scan(self, text: str, start: int = 0, end: int | None = None) -> list[GazetteerMatch]:
        """Every strong name in ``text[start:end]``, longest first, not overlapping."""
        words = tokens(text, start, end)
        found: list[GazetteerMatch] = []
        i = 0
        while i < len(words):
            match = self._match_at(text, words, i) if words[i].key in self._first_words else None
            if match is None:
                i += 1
                continue
            found.append(match[0])
            i += match[1]
        return found

    def _match_at(self, text: str, words: list[Token], i: int) -> tuple[GazetteerMatch, int] | None:
        for size in range(min(MAX_NAME_TOKENS, len(words) - i), 0, -1):
            span = words[i : i + size]
            if not _contiguous(text, span):
                continue
            for form in self._forms.get(tuple(w.key for w in span), ()):
                usable = form.strong or (size == 1 and _after_honorific(words, i))
                if usable and self._fits(form, text, words, i, size):
                    return GazetteerMatch(span[0].start, span[-1].end, form.id, form.type), size
        return None

    def _fits(self, form: _Form, text: str, words: list[Token], i: int, size: int) -> bool:
        first = words[i].text
        printed = text[words[i].start : words[i + size - 1].end]
        if form.acronym and not printed.isupper():
            return False
        if form.capital and not first[:1].isupper():
            return False
        if size == 1 and words[i].key in _CONCEPT_AFTER_THE and form.type == "CONCEPT":
            before = words[i - 1].key if i > 0 else ""
            after = words[i + 1].text if i + 1 < len(words) else ""
            return before == "the" and not after[:1].isupper()
        return True

    # -- resolving a model's mention -------------------------------------------

    def resolve(self, surface: str, model_label: str | None = None) -> GazetteerMatch | None:
        """The entity ``surface`` names (offsets within ``surface``), or None."""
        keys = _name_keys(surface)
        if not keys:
            return None
        preferred = _PREFERRED.get(model_label or "", ())
        forms = self._forms.get(keys, [])
        for group in ([f for f in forms if f.strong], [f for f in forms if not f.strong]):
            chosen = _choose(group, preferred)
            if chosen is not None:
                return GazetteerMatch(0, len(surface), chosen.id, chosen.type)
        if model_label in ("PERSON", "PER"):
            people = self._surnames.get(keys[-1], set())
            if len(people) == 1:
                (ident,) = people
                return GazetteerMatch(0, len(surface), ident, "PERSON")
        return None


def _after_honorific(words: list[Token], i: int) -> bool:
    """A bare surname counts after "Mr", "Ms", "Mrs" (the Kremlin's way of naming people)."""
    return i > 0 and words[i - 1].key in _HONORIFICS


def _contiguous(text: str, span: list[Token]) -> bool:
    """Words of a name are separated only by spaces, hyphens, dots or apostrophes."""
    return all(
        len(text[a.end : b.start]) <= 2 and not set(text[a.end : b.start]) - set(" .-'’\u00a0")
        for a, b in pairwise(span)
    )


def _choose(forms: list[_Form], preferred: tuple[str, ...]) -> _Form | None:
    """The form of the preferred type; failing that, the only entity named; else None."""
    for kind in preferred:
        fitting = {f.id: f for f in forms if f.type == kind}
        if len(fitting) == 1:
            return next(iter(fitting.values()))
    distinct = {f.id: f for f in forms}
    return next(iter(distinct.values())) if len(distinct) == 1 else None


@cache
def default_gazetteer() -> Gazetteer:
    """The gazetteer shipped with onrecord, loaded once per process."""
    return Gazetteer.load()
