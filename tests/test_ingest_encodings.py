"""Text in the encodings real sources use is read right, and said to be read so."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from onrecord import Document, parse_inputs

RUSSIAN = (
    "В.Путин: Мы обсудили широкий круг вопросов, включая торговлю и инвестиции.\n\n"
    "Вопрос: Какие решения приняты по энергетике и транспорту?\n\n"
    "В.Путин: Решения приняты, соглашения подписаны."
)


def _parse(path: Path) -> Document:
    (item,) = parse_inputs([path], workers=0)
    assert isinstance(item, Document), item
    return item


@pytest.mark.parametrize("encoding", ["cp1251", "koi8_r"])
def test_legacy_russian_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "ru.txt"
    path.write_bytes(RUSSIAN.encode(encoding))
    document = _parse(path)
    assert document.text == RUSSIAN
    assert document.language == "ru"
    assert [t.speaker_id for t in document.turns] == [
        "vladimir-putin",
        "question",
        "vladimir-putin",
    ]
    (warning,) = [w for w in document.warnings if w.code == "encoding"]
    assert "not UTF-8" in warning.message


@pytest.mark.parametrize("bom", [codecs.BOM_UTF8, codecs.BOM_UTF16_LE])
def test_byte_order_marks(tmp_path: Path, bom: bytes) -> None:
    path = tmp_path / "bom.txt"
    codec = "utf-8" if bom == codecs.BOM_UTF8 else "utf-16-le"
    path.write_bytes(bom + RUSSIAN.encode(codec))
    document = _parse(path)
    assert document.text == RUSSIAN
    assert not [w for w in document.warnings if w.code == "encoding"]
