"""Canonical speakers: one id per person, aliases, and the analyst's overrides."""

from __future__ import annotations

from pathlib import Path

import pytest

from onrecord import ConfigError, Corpus, Document, TurnKind
from onrecord.model import RawDocument
from onrecord.parse.parser import parse
from onrecord.parse.speakers import SpeakerDirectory, slugify

from .conftest import EXAMPLE

NBSP = "\u00a0"


def _parse(text: str, directory: SpeakerDirectory | None = None, doc_id: str = "t") -> Document:
    raw = RawDocument(text=text, source="t", input_sha256="0", reader="text", id=doc_id)
    return parse(raw, directory)


def _speech_ids(document: Document) -> list[str | None]:
    return [t.speaker_id for t in document.turns if t.kind is TurnKind.SPEECH]


def test_russian_initials_resolve_to_the_same_person() -> None:
    text = f"В.Путин: Да.\n\nВопрос: А?\n\nВ.В.Путин:{NBSP}Нет.\n\nB.Путин: Конечно."
    expected = ["vladimir-putin", "question", "vladimir-putin", "vladimir-putin"]
    assert _speech_ids(_parse(text)) == expected


def test_generic_voices_and_journalists_are_distinct_speakers() -> None:
    text = (
        "Question: One?\n\nVladimir Putin: Yes.\n\nRemark: Two.\n\nReply: Three.\n\n"
        "Megyn Kelly: Four?\n\nПутин: Пять."
    )
    ids = _speech_ids(_parse(text))
    assert ids == ["question", "vladimir-putin", "remark", "reply", "megyn-kelly", "vladimir-putin"]


def test_a_surname_label_finds_the_full_name_seen_in_the_document() -> None:
    text = "SMITH: Hello.\n\nSENATOR JOHN SMITH (R-XX), CANDIDATE: Hello again.\n\nSMITH: Bye."
    assert _speech_ids(_parse(text)) == ["john-smith"] * 3


def test_slugs_are_ascii_and_stable() -> None:
    assert slugify("Vladimir Putin") == "vladimir-putin"
    assert slugify("С.Доренко") == "s-dorenko"
    assert slugify("Jörg Schönenborn") == "jorg-schonenborn"


OVERRIDES = """
[[speaker]]
id = "vladimir-putin"
name = "Putin, Vladimir Vladimirovich"

[[speaker]]
id = "belarus-leader"
name = "Alexander G. Lukashenko"
aliases = ["alexander-lukashenko"]

[[split]]
label = "Vladimir Putin"
documents = ["split-me"]
id = "putin-impersonator"
name = "A Putin impersonator"
"""


def test_overrides_rename_merge_and_split(tmp_path: Path) -> None:
    path = tmp_path / "speakers.toml"
    path.write_text(OVERRIDES, encoding="utf-8")
    directory = SpeakerDirectory.load(path)
    text = EXAMPLE.read_text(encoding="utf-8")
    document = _parse(text, directory, doc_id="ordinary")
    speakers = {t.speaker_id: t.speaker for t in document.turns if t.speaker_id}
    assert speakers == {
        "vladimir-putin": "Putin, Vladimir Vladimirovich",
        "belarus-leader": "Alexander G. Lukashenko",
    }
    split = _parse(text, directory, doc_id="split-me")
    ids = _speech_ids(split)
    # Only the short label "Vladimir Putin" in that document is split off.
    assert ids[0] == "vladimir-putin" and ids[2] == "putin-impersonator"


def test_overrides_apply_on_reingest(tmp_path: Path) -> None:
    db = tmp_path / "o.db"
    with Corpus(db) as corpus:
        assert corpus.ingest([EXAMPLE]).added == 1
    path = tmp_path / "speakers.toml"
    path.write_text(OVERRIDES, encoding="utf-8")
    with Corpus(db, speakers=path) as corpus:
        report = corpus.ingest([EXAMPLE])
        assert (report.updated, report.unchanged) == (1, 0)
        assert {s.id for s in corpus.speakers()} == {"vladimir-putin", "belarus-leader"}
        assert corpus.ingest([EXAMPLE]).unchanged == 1


def test_a_malformed_overrides_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "speakers.toml"
    path.write_text("[[speaker]]\nid = 'x'\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="lacks 'name'"):
        SpeakerDirectory.load(path)
    path.write_text("[[speaker\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        SpeakerDirectory.load(path)
