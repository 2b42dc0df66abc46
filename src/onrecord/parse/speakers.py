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
from importlib import resources
from pathlib import Path
from typing import Any

from onrecord.errors import ConfigError
from onrecord.parse.labels import LabelShape
from onrecord.parse.text import fold_for_matching, squash_spaces

__all__ = ["ResolvedSpeaker", "SpeakerDirectory", "name_key", "slugify"]

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
_GLUED_NAMES = re.compile(r"([a-zа-яё]{2,})([A-ZА-ЯЁ][a-zа-яё]{2,})")


def slugify(name: str) -> str:
    """A stable ASCII id for a name: ``Vladimir Putin`` → ``vladimir-putin``."""
    folded = fold_for_matching(_GLUED_NAMES.sub(r"\1 \2", name)).translate(_TRANSLIT)
    slug = _NON_SLUG.sub("-", folded).strip("-")
    return slug or "speaker-" + hashlib.sha1(name.encode()).hexdigest()[:8]


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
        self, shape: LabelShape, printed: str, doc_id: str, seen: dict[str, str]
    ) -> ResolvedSpeaker:
        """The speaker a label names, given the speakers ``seen`` so far in the document.

        ``seen`` maps name keys (full names and surnames) to ids; it is
        updated so that a later ``Putin:`` finds an earlier ``Vladimir Putin:``.
        """
        printed_key = name_key(printed)
        for rule in self.splits:
            if rule.label_key == printed_key and (not rule.documents or doc_id in rule.documents):
                return rule.speaker
        if shape.generic is not None:
            return self._canonical(shape.generic, shape.name)
        key = name_key(shape.name)
        speaker_id = self.aliases.get(key)
        from_role = 0
        if speaker_id is None and shape.role is not None:
            speaker_id, from_role = self._longer_known_name(shape.role, shape.name)
        if speaker_id is None:
            speaker_id = seen.get(key)
        if speaker_id is None:
            speaker_id = slugify(shape.name)
        resolved = self._canonical(speaker_id, shape.name, from_role)
        seen.setdefault(key, resolved.id)
        surname = key.replace(".", " ").split()[-1]
        if len(surname) > 2:
            seen.setdefault(surname, resolved.id)
        return resolved

    def _longer_known_name(self, role: str, name: str) -> tuple[str | None, int]:
        """A known name that starts inside the role: "President Trump", "… Abdel Fattah el-Sisi"."""
        role_words = role.split()
        for used in range(1, min(3, len(role_words)) + 1):
            speaker_id = self.aliases.get(name_key(" ".join([*role_words[-used:], name])))
            if speaker_id is not None:
                return speaker_id, used
        return None, 0

    def knows(self, name: str, seen: dict[str, str]) -> bool:
        """True when ``name`` is in the alias table or was seen in this document."""
        key = name_key(name)
        return key in self.aliases or key in seen

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
