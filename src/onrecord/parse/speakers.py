"""From a printed label to a canonical speaker id.

``President of Russia Vladimir Putin``, ``Vladimir Putin``, ``В.Путин`` and
``B.Путин`` (a Latin B) are one speaker, ``vladimir-putin``. Resolution
uses, in order: the analyst's split rules, the alias table (shipped in
``data/speakers.toml`` and extended by the analyst's own file), surnames of
speakers already seen in the same document, and finally a slug of the name
itself. The same name therefore gets the same id in every document.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from rapidfuzz import process
from rapidfuzz.distance import OSA

from onrecord.errors import ConfigError
from onrecord.parse.labels import LabelShape
from onrecord.parse.text import fold_for_matching, squash_spaces

__all__ = ["ResolvedSpeaker", "SeenSpeakers", "SpeakerDirectory", "name_key", "slugify"]

_TRANSLIT = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh",
        "з": "z", "и": "i", "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o",
        "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts",
        "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "", "э": "e", "ю": "yu",
        "я": "ya", "і": "i", "ї": "yi", "є": "ye", "ґ": "g",
    }
)  # fmt: skip
# Latin letters that look Cyrillic, found in published Russian labels ("B.Путин").
_LOOKALIKES = str.maketrans("ABCEHKMOPTXaceopxy", "АВСЕНКМОРТХасеорху")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_NON_SLUG = re.compile(r"[^a-z0-9]+")
# Two capitalised words printed without the space: "VladimirPutin", "VladimirPUTIN".
_GLUED_NAMES = re.compile(r"([A-ZА-ЯЁ][a-zа-яё]{3,})([A-ZА-ЯЁ](?:[a-zа-яё]{2,}|[A-ZА-ЯЁ]{2,}))")


def slugify(name: str) -> str:
    """A stable ASCII id for a name: ``Vladimir Putin`` → ``vladimir-putin``."""
    folded = fold_for_matching(_GLUED_NAMES.sub(r"\1 \2", name)).translate(_TRANSLIT)
    slug = _NON_SLUG.sub("-", folded).strip("-")
    return slug or "speaker-" + hashlib.sha1(name.encode()).hexdigest()[:8]


@lru_cache(maxsize=100_000)
def name_key(name: str) -> str:
    """The key under which a printed name is looked up in the alias table."""
    squashed = squash_spaces(name)
    if _CYRILLIC.search(squashed):
        squashed = squashed.translate(_LOOKALIKES)
    # "VladimirPutin", a published typo, is "Vladimir Putin".
    squashed = _GLUED_NAMES.sub(r"\1 \2", squashed)
    key = fold_for_matching(squashed)
    # "В. В. Путин" and "В.В.Путин" are the same label.
    return re.sub(r"\.\s+", ".", key)


@dataclass(frozen=True, slots=True)
class ResolvedSpeaker:
    """A speaker id and display name; ``from_role`` counts words of the printed
    role that turned out to belong to the name (``Abdel`` in ``… Egypt Abdel
    Fattah el-Sisi``, known from the alias table)."""

    id: str
    name: str
    from_role: int = 0


@dataclass
class SeenSpeakers:
    """The speakers one document has named so far: evidence for the labels to come."""

    ids: dict[str, str] = field(default_factory=dict)  # full names and surnames -> id
    full: dict[str, str] = field(default_factory=dict)  # full names (two words or more) -> id
    names: dict[str, str] = field(default_factory=dict)  # id -> display name first used

    def remember(self, key: str, speaker: ResolvedSpeaker) -> None:
        self.ids.setdefault(key, speaker.id)
        self.names.setdefault(speaker.id, speaker.name)
        words = key.replace(".", ". ").split()
        if len(words) >= 2 and not _INITIAL.fullmatch(words[0]):
            self.full.setdefault(key, speaker.id)
        if len(words[-1]) > 2:
            self.ids.setdefault(words[-1], speaker.id)

    def by_initial(self, key: str) -> str | None:
        """``A. Voronin`` is the ``Andrei Voronin`` of the same document."""
        match = _INITIAL_SURNAME.match(key)
        if match is None:
            return None
        initial, surname = match.group(1), match.group(2)
        found = {
            speaker_id
            for full, speaker_id in self.full.items()
            if full.split()[-1] == surname and full.startswith(initial)
        }
        return found.pop() if len(found) == 1 else None

    def close_spelling(self, key: str) -> str | None:
        return _close_spelling(key, self.full)


_INITIAL = re.compile(r"\w\.")
_INITIAL_SURNAME = re.compile(r"^(\w)\.(?:\w\.)?\s?(\w[\w'-]+)$")


def _close_spelling(key: str, known: dict[str, str]) -> str | None:
    """The id of a known full name that ``key`` misspells by a letter a word at most.

    A trailing "a" is not a misspelling: Ivanov and Ivanova are two people.
    """
    words = key.split()
    if len(words) < 2 or not known:
        return None
    # The edit distance in C narrows thousands of names to a few; then word by word.
    near = process.extract(key, list(known), scorer=OSA.distance, score_cutoff=len(words))
    for other, _, _ in near:
        other_words = other.split()
        if other == key or len(other_words) != len(words):
            continue
        if all(_one_letter_apart(a, b) for a, b in zip(words, other_words, strict=True)):
            return known[other]
    return None


def _one_letter_apart(a: str, b: str) -> bool:
    if a == b:
        return True
    if min(len(a), len(b)) < 4 or a.rstrip("aа") == b.rstrip("aа"):
        return False
    return OSA.distance(a, b) <= 1


def _display_name(name: str, from_role: int, role: str | None) -> str:
    """The name as people should read it: glued words apart, capitals calmed."""
    if from_role and role:
        name = " ".join([*role.split()[-from_role:], name])
    name = _GLUED_NAMES.sub(r"\1 \2", squash_spaces(name))
    if name.isupper() and not _CYRILLIC.search(name):
        return name.title()
    return name


@dataclass(frozen=True, slots=True)
class SplitRule:
    """An analyst's rule: this printed label in these documents is this speaker."""

    label_key: str
    documents: frozenset[str]
    speaker: ResolvedSpeaker


@dataclass
class SpeakerDirectory:
    """The alias table plus analyst overrides; resolves labels to speakers."""

    names: dict[str, str] = field(default_factory=dict)  # id -> canonical name
    aliases: dict[str, str] = field(default_factory=dict)  # name key -> id
    merges: dict[str, str] = field(default_factory=dict)  # merged id -> id
    splits: list[SplitRule] = field(default_factory=list)
    fingerprint: str = ""
    _full_aliases: dict[str, str] | None = None

    @classmethod
    def load(cls, overrides: Path | None = None) -> SpeakerDirectory:
        """The shipped alias table, extended by the analyst's ``overrides`` file."""
        directory = cls()
        shipped = resources.files("onrecord").joinpath("data/speakers.toml").read_text("utf-8")
        digest = hashlib.sha256(shipped.encode())
        directory._add_table(_parse_toml(shipped, "onrecord/data/speakers.toml"), "shipped")
        if overrides is not None:
            try:
                content = overrides.read_text(encoding="utf-8")
            except OSError as error:
                raise ConfigError(f"{overrides}: cannot read speakers file: {error}") from error
            digest.update(content.encode())
            directory._add_table(_parse_toml(content, str(overrides)), str(overrides))
        directory.fingerprint = digest.hexdigest()[:16]
        return directory

    def _add_table(self, table: dict[str, Any], origin: str) -> None:
        for entry in _list_of_tables(table, "speaker", origin):
            speaker_id, name = _required(entry, "id", origin), _required(entry, "name", origin)
            self.names[speaker_id] = name
            self.aliases[name_key(name)] = speaker_id
            for alias in _string_list(entry, "aliases", origin):
                if alias in self.names or re.fullmatch(r"[a-z0-9-]+", alias):
                    self.merges[alias] = speaker_id
                self.aliases[name_key(alias)] = speaker_id
        for entry in _list_of_tables(table, "split", origin):
            target = ResolvedSpeaker(
                _required(entry, "id", origin), _required(entry, "name", origin)
            )
            self.names.setdefault(target.id, target.name)
            documents = frozenset(_string_list(entry, "documents", origin))
            self.splits.append(
                SplitRule(name_key(_required(entry, "label", origin)), documents, target)
            )

    def resolve(
        self, shape: LabelShape, printed: str, doc_id: str, seen: SeenSpeakers
    ) -> ResolvedSpeaker:
        """The speaker a label names, given the speakers ``seen`` so far in the document.

        ``seen`` is updated so that a later ``Putin:`` finds an earlier
        ``Vladimir Putin:``, and ``Fydor Lukyanov:`` (a misprint) the
        ``Fyodor Lukyanov:`` printed elsewhere in the same document.
        """
        printed_key = name_key(printed)
        for rule in self.splits:
            if rule.label_key == printed_key and (not rule.documents or doc_id in rule.documents):
                return rule.speaker
        if shape.generic is not None:
            return self._canonical(shape.generic, shape.name)
        key = name_key(shape.name)
        from_role = 0
        speaker_id = self.aliases.get(key)
        if speaker_id is None and shape.role is not None:
            speaker_id, from_role = self._longer_known_name(shape.role, shape.name, seen)
        speaker_id = (
            speaker_id
            or seen.ids.get(key)
            or seen.by_initial(key)
            or seen.close_spelling(key)
            or self._close_alias(key)
        )
        if speaker_id is None:
            speaker_id = slugify(shape.name)
        display = seen.names.get(speaker_id) or _display_name(shape.name, from_role, shape.role)
        resolved = self._canonical(speaker_id, display, from_role)
        seen.remember(key, resolved)
        return resolved

    def _longer_known_name(
        self, role: str, name: str, seen: SeenSpeakers
    ) -> tuple[str | None, int]:
        """A known name that starts inside the role: "… Abdel Fattah el-Sisi", or
        "… Commission Jose Manuel Barroso" when "Jose Manuel Barroso" labels another turn."""
        role_words = role.split()
        for used in range(1, min(3, len(role_words)) + 1):
            key = name_key(" ".join([*role_words[-used:], name]))
            speaker_id = self.aliases.get(key) or seen.full.get(key)
            if speaker_id is not None:
                return speaker_id, used
        return None, 0

    def _close_alias(self, key: str) -> str | None:
        """A misprint of a well-known name: "Vlaidmir Putin", "Angela Markel"."""
        if self._full_aliases is None:
            self._full_aliases = {k: v for k, v in self.aliases.items() if len(k.split()) >= 2}
        return _close_spelling(key, self._full_aliases)

    def knows(self, name: str, seen: SeenSpeakers) -> bool:
        """True when ``name`` is in the alias table or was seen in this document."""
        key = name_key(name)
        return key in self.aliases or key in seen.ids

    def _canonical(self, speaker_id: str, printed_name: str, from_role: int = 0) -> ResolvedSpeaker:
        speaker_id = self.merges.get(speaker_id, speaker_id)
        name = self.names.get(speaker_id, squash_spaces(printed_name))
        return ResolvedSpeaker(speaker_id, name, from_role)


def _parse_toml(content: str, origin: str) -> dict[str, Any]:
    try:
        return tomllib.loads(content)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{origin}: not valid TOML: {error}") from error


def _list_of_tables(table: dict[str, Any], key: str, origin: str) -> list[dict[str, Any]]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ConfigError(f"{origin}: '{key}' must be an array of tables ([[{key}]])")
    return value


def _required(entry: dict[str, Any], key: str, origin: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{origin}: an entry lacks '{key}' (a non-empty string): {entry}")
    return value.strip()


def _string_list(entry: dict[str, Any], key: str, origin: str) -> list[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{origin}: '{key}' must be a list of strings in {entry}")
    return value
