"""Entities: the example transcript's places and people, Russian forms, bad input, model checks."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from onrecord import Document, OnrecordError, Paragraph, Provenance, parse_path
from onrecord.enrich import build_gazetteer, ner
from onrecord.enrich.entities import EntityEnricher, find_mentions
from onrecord.enrich.gazetteer import GAZETTEER_PATH, default_gazetteer
from onrecord.enrich.pipeline import Pipeline
from onrecord.enrich.sentence_enricher import SentenceEnricher
from onrecord.model import Annotation

from .conftest import EXAMPLE


def _document(paragraphs: list[str], language: str = "en") -> Document:
    """A document whose paragraphs are the given strings, blank lines between them."""
    text = "\n\n".join(paragraphs)
    spans, start = [], 0
    for number, paragraph in enumerate(paragraphs):
        spans.append(Paragraph(f"t#p{number + 1}", number, start, start + len(paragraph), 0))
        start += len(paragraph) + 2
    provenance = Provenance(None, "0" * 64, "test", "test", "1")
    return Document("t", text, provenance, language=language, paragraphs=tuple(spans))


def _found(document: Document) -> list[tuple[str, str, str]]:
    """(text, type, id) of every entity annotation of the document."""
    annotations = EntityEnricher().annotate(document, [])
    return [(document.text[a.start : a.end], str(a.label), _id(a)) for a in annotations]


def _id(annotation: Annotation) -> str:
    assert annotation.value is not None
    return str(annotation.value["id"])


@pytest.fixture(scope="module")
def example() -> tuple[Document, list[Annotation]]:
    (document,) = parse_path(EXAMPLE)
    return document, EntityEnricher().annotate(document, [])


def test_example_has_its_countries_places_and_the_west(
    example: tuple[Document, list[Annotation]],
) -> None:
    document, annotations = example
    by_id = {_id(a): a for a in annotations}
    for ident in ("russia", "belarus", "ukraine", "kyiv", "istanbul", "switzerland"):
        assert ident in by_id, ident
    assert by_id["russia"].label == "COUNTRY" and by_id["kyiv"].label == "PLACE"
    assert by_id["the-west"].label == "CONCEPT"
    assert document.text[by_id["the-west"].start : by_id["the-west"].end] == "West"
    kiev = [a for a in annotations if document.text[a.start : a.end] == "Kiev"]
    assert kiev and all(a.label == "PLACE" and _id(a) == "kyiv" for a in kiev)
    assert by_id["alexander-lukashenko"].label == "PERSON"


def test_no_person_is_named_kiev_and_every_offset_is_the_mention(
    example: tuple[Document, list[Annotation]],
) -> None:
    document, annotations = example
    for annotation in annotations:
        surface = document.text[annotation.start : annotation.end]
        assert 0 <= annotation.start < annotation.end <= len(document.text)
        assert surface == surface.strip() and surface
        assert not (annotation.label == "PERSON" and "Kiev" in surface)
        assert annotation.layer == "entity" and annotation.enricher == "entities"
        assert any(
            p.start <= annotation.start and annotation.end <= p.end for p in document.paragraphs
        )
        assert set(annotation.value or {}) == {"id", "name", "resolved", "model_label"}


def test_titles_and_possessives_stay_out_of_the_span() -> None:
    found = _found(_document(["President Putin’s visit to Minsk and Mr Lukashenko's reply."]))
    assert ("Putin", "PERSON", "vladimir-putin") in found
    assert ("Lukashenko", "PERSON", "alexander-lukashenko") in found
    assert ("Minsk", "PLACE", "minsk") in found


def test_gazetteer_finds_what_the_model_misses() -> None:
    found = _found(_document(["The situation in Donbass worries the West, NATO and the EU."]))
    ids = {ident for _, _, ident in found}
    assert {"donbass", "the-west", "nato", "eu"} <= ids
    assert ("Donbass", "PLACE", "donbass") in found


def test_west_is_a_concept_only_as_the_west() -> None:
    found = _found(_document(["They went west. West Germany was rebuilt. The West Bank too."]))
    assert not [f for f in found if f[2] == "the-west"]


def test_russian_forms_resolve() -> None:
    document = _document(
        ["Путин прилетел в Киев.", "Переговоры в Республике Беларусь и в Киеве, позиция Запада."],
        language="ru",
    )
    found = _found(document)
    ids = [ident for _, _, ident in found]
    assert "vladimir-putin" in ids and ids.count("kyiv") == 2
    assert ("Республике Беларусь", "COUNTRY", "belarus") in found
    assert ("Запада", "CONCEPT", "the-west") in found


def test_a_russian_paragraph_in_an_english_document_is_read_as_russian() -> None:
    document = _document(["Putin met Lukashenko in Minsk.", "Лукашенко встретил Путина в Минске."])
    found = _found(document)
    assert ("Лукашенко", "PERSON", "alexander-lukashenko") in found
    assert ("Путина", "PERSON", "vladimir-putin") in found
    assert ("Минске", "PLACE", "minsk") in found


@pytest.mark.parametrize(
    "paragraphs",
    [[], [""], ["   "], ["\x00\x01\x7f\ufeff"], ["Putin\x0bmet\u00a0Lukashenko\x00 in\u2028Kiev."]],
)
def test_bad_input_does_not_crash(paragraphs: list[str]) -> None:
    document = _document(paragraphs)
    for annotation in EntityEnricher().annotate(document, []):
        assert 0 <= annotation.start < annotation.end <= len(document.text)


def test_control_characters_keep_offsets() -> None:
    document = _document(["\x00\x01Putin\x0bmet\u00a0Lukashenko in\u00a0Kiev."])
    found = _found(document)
    assert ("Lukashenko", "PERSON", "alexander-lukashenko") in found
    assert ("Kiev", "PLACE", "kyiv") in found


def test_a_huge_paragraph_is_read_in_chunks_with_offsets_kept() -> None:
    filler = "x" * 99_990 + " "
    text = (filler + "Kyiv and Minsk. ") * 50
    document = _document([text[:5_000_000]])
    annotations = EntityEnricher().annotate(document, [])
    surfaces = {document.text[a.start : a.end] for a in annotations}
    assert "Minsk" in surfaces
    assert all(a.end - a.start < 200 for a in annotations)


def test_chunks_cover_the_text_exactly() -> None:
    text = "word " * 50_000
    pieces = list(ner.chunks(text, 10_000))
    assert "".join(piece for _, piece in pieces) == text
    assert all(text[offset : offset + len(piece)] == piece for offset, piece in pieces)
    assert all(len(piece) <= 10_000 for _, piece in pieces)


def test_enricher_declares_itself_and_runs_in_a_pipeline() -> None:
    enricher = EntityEnricher()
    assert enricher.name == "entities" and enricher.requires == ("paragraphs",)
    assert enricher.assigns == ("entities",)
    assert default_gazetteer().digest[:12] in enricher.version
    assert "en_core_web_sm.3.8.0" in enricher.version and "natasha." in enricher.version
    (document,) = parse_path(EXAMPLE)
    annotations = Pipeline([SentenceEnricher(), enricher]).run(document)
    assert {a.layer for a in annotations} == {"sentence", "entity"}


def test_model_alone_tags_kiev_as_a_person_and_the_enricher_fixes_it() -> None:
    document = _document(["We had to withdraw our troops from Kiev. So we did."])
    model = find_mentions(document, use_gazetteer=False)
    full = find_mentions(document)
    assert [(m.type, m.resolved) for m in model] == [("PERSON", False)]
    assert [(m.type, m.id, m.model_label) for m in full] == [("PLACE", "kyiv", "PERSON")]


# -- the model's integrity ------------------------------------------------------------------


@pytest.fixture
def fresh_model_cache() -> Iterator[None]:
    ner.english_model.cache_clear()
    yield
    ner.english_model.cache_clear()


def test_the_installed_model_matches_the_recorded_hashes() -> None:
    table = ner.load_hash_table()
    ner.verify_model(ner.english_model_dir(table), table)
    assert {"meta.json", "config.cfg", "ner/model", "tok2vec/model"} <= set(table["files"])


def test_a_tampered_model_is_refused(
    monkeypatch: pytest.MonkeyPatch, fresh_model_cache: None
) -> None:
    table = copy.deepcopy(ner.load_hash_table())
    table["files"]["ner/model"] = hashlib.sha256(b"another model").hexdigest()
    monkeypatch.setattr(ner, "load_hash_table", lambda path=ner.HASHES_PATH: table)
    with pytest.raises(ner.ModelIntegrityError, match="ner/model differs"):
        ner.english_model()
    assert issubclass(ner.ModelIntegrityError, OnrecordError)


def test_a_model_whose_meta_is_not_the_official_release_is_refused(tmp_path: Path) -> None:
    table = ner.load_hash_table()
    source = ner.english_model_dir(table)
    meta: dict[str, Any] = json.loads((source / "meta.json").read_text(encoding="utf-8"))
    meta["version"] = "9.9.9"
    (tmp_path / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    forged = {
        **table,
        "files": {"meta.json": hashlib.sha256((tmp_path / "meta.json").read_bytes()).hexdigest()},
    }
    with pytest.raises(ner.ModelIntegrityError, match="version"):
        ner.verify_model(tmp_path, forged)


def test_a_missing_model_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ner.ModelIntegrityError, match="missing"):
        ner.verify_model(tmp_path, ner.load_hash_table())


# -- the gazetteer ----------------------------------------------------------------------------


def test_the_shipped_gazetteer_was_built_from_the_current_tables() -> None:
    shipped = json.loads(GAZETTEER_PATH.read_text(encoding="utf-8"))
    rebuilt = build_gazetteer.build(shared=None)
    assert shipped["sources_sha256"] == rebuilt["sources_sha256"]
    curated = {e["id"] for e in shipped["entities"] if e["source"] == "curated"}
    assert curated == {e["id"] for e in rebuilt["entities"]}
    assert build_gazetteer.build(shared=None) == rebuilt  # deterministic


def test_gazetteer_knows_the_genre() -> None:
    gazetteer = default_gazetteer()
    for surface, label, ident in [
        ("Belarusian", "NORP", "belarus"),
        ("Russian", "NORP", "russia"),
        ("Kiev", "PERSON", "kyiv"),
        ("Киева", "LOC", "kyiv"),
        ("Zelenskyy", "PERSON", "vladimir-zelensky"),
        ("Xi Jinping", "PERSON", "xi-jinping"),
        ("CSTO", "ORG", "csto"),
        ("Эрдогана", "PER", "recep-tayyip-erdogan"),
    ]:
        match = gazetteer.resolve(surface, label)
        assert match is not None and match.id == ident, surface


def test_a_malformed_source_row_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "bad.tsv").write_text("x\tNOTATYPE\tX\n", encoding="utf-8")
    with pytest.raises(OnrecordError, match=r"bad\.tsv:1"):
        build_gazetteer.read_sources(tmp_path)
