"""Build ``onrecord/data/gazetteer.json`` from the curated tables and the Kremlin's own tags.

Run ``python -m onrecord.enrich.build_gazetteer [--shared DIR] [--output FILE]``.

Inputs:

* the curated tables in ``enrich/gazetteer_sources/*.tsv`` (countries with
  their adjectives, places, organisations, people, concepts; English and
  Russian forms), kept in the repository and edited by hand;
* the ``meta.site_tags`` of the Kremlin corpora (``Persons`` and
  ``Geography``) in ``<shared>/corpora/kremlin_en/*.jsonl`` and
  ``kremlin_ru/*.jsonl`` when present: every tagged person or place the
  curated tables do not already know is added.

The output is deterministic: the same inputs give the same bytes (entities
sorted by id, aliases sorted, no timestamps), so its hash can version the
entity enricher.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import os
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from onrecord.errors import ConfigError

__all__ = ["Entry", "build", "main", "read_sources", "slug"]

SOURCES = Path(__file__).resolve().parent / "gazetteer_sources"
OUTPUT = Path(__file__).resolve().parent.parent / "data" / "gazetteer.json"
TYPES = frozenset({"PERSON", "COUNTRY", "PLACE", "ORG", "CONCEPT", "EVENT"})
FORMAT_VERSION = 1
# Tags of people that carry a title instead of a plain "Surname Given" (curated instead).
_TITLED = re.compile(r"\b(?:of|King|Prince|Patriarch|Ruling)\b")
_MORE = re.compile(r"^\d+ more$")
# Regions not named after a city of that name (rivers, islands, old names), or whose
# name is also a first name (Vladimir).
_NOT_CENTRES = frozenset(
    {"Amur", "Sakhalin", "Primorye", "Leningrad", "Moscow", "Altai", "Sverdlovsk", "Vladimir"}
)


@dataclass
class Entry:
    """One canonical entity and the forms of its name."""

    id: str
    type: str
    name: str
    aliases: set[str] = field(default_factory=set)
    adjectives: set[str] = field(default_factory=set)
    ru: set[str] = field(default_factory=set)
    weak: set[str] = field(default_factory=set)  # resolve a model's mention, never found alone
    source: str = "curated"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": self.type,
            "name": self.name,
            "aliases": sorted(self.aliases),
            "adjectives": sorted(self.adjectives),
            "ru": sorted(self.ru),
            "weak": sorted(self.weak),
            "source": self.source,
        }


def _unaccented(char: str) -> str:
    if "\u0400" <= char <= "\u04ff":  # Cyrillic keeps its letters (й is not и)
        return "е" if char == "ё" else char
    decomposed = unicodedata.normalize("NFKD", char)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def slug(text: str) -> str:
    """A lower-case id: ``"Recep Tayyip Erdoğan"`` → ``"recep-tayyip-erdogan"``, Cyrillic kept."""
    stripped = "".join(_unaccented(c) for c in text.lower())
    return re.sub(r"[\W_]+", "-", stripped).strip("-")


def _split(cell: str) -> set[str]:
    return {part.strip() for part in cell.split("|") if part.strip()}


def read_sources(folder: Path = SOURCES) -> dict[str, Entry]:
    """The curated tables, by id; a malformed row is a ConfigError naming file and line."""
    entries: dict[str, Entry] = {}
    for path in sorted(folder.glob("*.tsv")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip() or line.startswith("#"):
                continue
            cells = [*line.split("\t"), "", "", ""][:6]
            ident, kind, name, aliases, adjectives, russian = (c.strip() for c in cells)
            if not ident or kind not in TYPES or not name:
                raise ConfigError(f"{path.name}:{number}: need id, a type in {sorted(TYPES)}, name")
            if ident in entries:
                raise ConfigError(f"{path.name}:{number}: id {ident!r} defined twice")
            entries[ident] = Entry(
                ident, kind, name, _split(aliases), _split(adjectives), _split(russian)
            )
    return entries


def _tag_records(shared: Path) -> Iterator[dict[str, Any]]:
    """The ``site_tags`` of every record of the Kremlin corpora under ``shared``."""
    for corpus in ("kremlin_en", "kremlin_ru"):
        for path in sorted((shared / "corpora" / corpus).glob("*.jsonl")):
            with path.open(encoding="utf-8") as lines:
                for line in lines:
                    tags = (json.loads(line).get("meta") or {}).get("site_tags")
                    if isinstance(tags, str):  # some converters kept the Python repr
                        tags = ast.literal_eval(tags)
                    if isinstance(tags, dict):
                        yield tags


def _known_forms(entries: dict[str, Entry]) -> dict[str, str]:
    """Every lower-cased name and alias → entity id, to skip tags already curated."""
    known: dict[str, str] = {}
    for entry in entries.values():
        for form in (entry.name, *entry.aliases, *entry.ru):
            known.setdefault(form.lower(), entry.id)
    return known


def _person_from_tag(tag: str) -> Entry | None:
    """``"Manturov Denis"`` (the site's Surname Given order) → Denis Manturov, or None."""
    words = tag.split()
    if len(words) < 2 or _MORE.match(tag) or _TITLED.search(tag):
        return None
    if any(word[0].islower() for word in words):  # "al-Assad Bashar", "Van der Bellen …"
        return None
    surname, given = words[0], " ".join(words[1:])
    name = f"{given} {surname}"
    # A bare surname is weak: "May", "Men" or "Popova" alone must not make a mention.
    return Entry(slug(name), "PERSON", name, {name}, weak={surname}, source="site_tags")


def _place_from_tag(tag: str) -> Entry:
    aliases = {tag}
    republic = re.fullmatch(r"Republic of (.+)", tag)
    if republic:
        aliases.add(republic.group(1))
    return Entry(slug(tag), "PLACE", tag, aliases, source="site_tags")


def _centre_from_tag(tag: str) -> Entry | None:
    """The city a Russian region is named after: ``"Tver Region"`` → Tver, or None."""
    region = re.fullmatch(r"([A-Z][a-z]+) (?:Region|Territory)", tag)
    if region is None or region.group(1) in _NOT_CENTRES:
        return None
    city = region.group(1)
    return Entry(slug(city), "PLACE", city, {city}, source="site_tags")


def harvest(entries: dict[str, Entry], shared: Path) -> int:
    """Add the tagged people and places the curated tables lack; the number added."""
    known = _known_forms(entries)
    added = 0
    for tags in _tag_records(shared):
        # A person's tag as printed is checked too: "Xi Jinping" is already in natural order.
        candidates: Iterable[tuple[str, Entry | None]] = [
            *((t, _person_from_tag(t)) for t in tags.get("Persons", [])),
            *(("", _place_from_tag(t)) for t in tags.get("Geography", [])),
            *(("", _centre_from_tag(t)) for t in tags.get("Geography", [])),
        ]
        for printed, entry in candidates:
            if entry is None or entry.id in entries:
                continue
            forms = {entry.name, *entry.aliases, *([printed] if printed else [])}
            if any(form.lower() in known for form in forms):
                continue
            entries[entry.id] = entry
            known.setdefault(entry.name.lower(), entry.id)
            added += 1
    return added


def build(sources: Path = SOURCES, shared: Path | None = None) -> dict[str, Any]:
    """The gazetteer as a JSON-ready dict (deterministic for the same inputs)."""
    entries = read_sources(sources)
    if shared is not None and (shared / "corpora").is_dir():
        harvest(entries, shared)
    digests = {
        path.name: hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(sources.glob("*.tsv"))
    }
    return {
        "format": FORMAT_VERSION,
        "sources_sha256": digests,
        "entities": [entries[key].to_dict() for key in sorted(entries)],
    }


def _default_shared() -> Path:
    repo = Path(__file__).resolve().parents[3]
    return Path(os.environ.get("ONRECORD_SHARED", repo.parent / "shared"))


def main(argv: list[str] | None = None) -> int:
    """Command line: write the gazetteer and say how many entities it holds."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=_default_shared())
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    data = build(shared=args.shared)
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    args.output.write_text(text, encoding="utf-8")
    harvested = sum(1 for e in data["entities"] if e["source"] != "curated")
    print(
        f"{args.output}: {len(data['entities'])} entities ({harvested} harvested from site_tags)",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
