"""Every enricher copes with what real corpora throw at it: empty documents, one
huge paragraph, languages mixed within a document, control characters."""

from __future__ import annotations

import hashlib

import pytest

from onrecord.enrich.registry import build_pipeline
from onrecord.model import Annotation, Document, Provenance, RawDocument
from onrecord.parse.parser import parse

pytestmark = pytest.mark.slow


def _document(text: str, language: str = "en") -> Document:
    raw = RawDocument(
        text=text,
        source="bad-input.txt",
        input_sha256=hashlib.sha256(text.encode()).hexdigest(),
        reader="text",
        language=language,
    )
    return parse(raw)


def _run(document: Document) -> list[Annotation]:
    annotations = build_pipeline().run(document)
    for annotation in annotations:
        assert 0 <= annotation.start <= annotation.end <= len(document.text)
        if annotation.layer == "entity":
            assert document.text[annotation.start : annotation.end].strip()
    return annotations


SPEECH = "Vladimir Putin: "


def test_a_document_with_no_paragraphs() -> None:
    empty = Document(id="empty", text="", provenance=Provenance(None, "0", "text", "p", "1"))
    assert _run(empty) == []


def test_a_document_of_one_huge_paragraph() -> None:
    sentence = "Russia and Belarus signed the agreement in Minsk, said Mr Lukashenko, and "
    document = _document(SPEECH + sentence * 16_000 + "that was all.")  # about 1.2 MB
    assert len(document.paragraphs) == 1
    layers = {a.layer for a in _run(document)}
    assert {"sentence", "entity", "claim"} <= layers


def test_languages_mixed_within_a_document() -> None:
    text = (
        "Meeting with the President of Belarus\n\n"
        f"{SPEECH}Good afternoon. We discussed NATO and Ukraine.\n\n"
        "Александр Лукашенко: Спасибо, Владимир Владимирович. Мы обсуждали Киев и Запад.\n\n"
        f"{SPEECH}Mixed: мы говорили about Kazakhstan и Китай in one paragraph.\n"
    )
    annotations = _run(_document(text))
    claims = [a for a in annotations if a.layer == "claim"]
    assert claims and all(0.0 <= (a.value or {})["score"] <= 1.0 for a in claims)
    assert any(a.layer == "entity" for a in annotations)


def test_control_characters_and_odd_spaces() -> None:
    noise = "".join(chr(c) for c in range(1, 32) if chr(c) not in "\n\r")
    text = (
        f"Title\n\n{SPEECH}Russia\u00a0and\u200b Belarus{noise} met in\ufeff Minsk.\x7f "
        f"The war began in 2014.{noise}\n\n{SPEECH}{noise}\n"
    )
    _run(_document(text))


def test_a_russian_document() -> None:
    text = (
        "Встреча с Президентом Белоруссии\n\n"
        "В.Путин: Добрый день. Мы обсудили ситуацию на Украине и отношения с НАТО.\n\n"
        "А.Лукашенко: Спасибо. Запад ведёт войну до последнего украинца.\n"
    )
    annotations = _run(_document(text, language="ru"))
    assert any(a.layer == "entity" and (a.value or {}).get("id") == "nato" for a in annotations)
    assert any(a.layer == "claim" for a in annotations)
