"""The persuasion-technique enricher with the shipped model (no ../shared needed)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from onrecord.enrich import encoder
from onrecord.enrich.pipeline import Pipeline
from onrecord.enrich.sentence_enricher import SentenceEnricher
from onrecord.enrich.techniques import (
    MODEL_PATH,
    TECHNIQUES,
    TechniqueEnricher,
    load_model,
    read_model,
    scoring_language,
)
from onrecord.enrich.training.techniques import (
    Corpus,
    Settings,
    count_terms,
    fit_vocabulary,
    folds_by_article,
    tune_thresholds,
)
from onrecord.model import Annotation, Document, Paragraph, Provenance, Turn, TurnKind

LOADED = (
    "Our great nation will never bow to these traitors and cowards! The corrupt, "
    "lying elites in Washington want to destroy everything our glorious fathers "
    "died for. Real patriots stand with the flag; only enemies of the people stand "
    "against us. They are criminals, puppets and parasites, and they will fail!"
)
LOADED_RU = (
    "Наша великая Родина никогда не склонится перед этими предателями и трусами! "
    "Лживые продажные элиты Запада хотят уничтожить всё, за что умирали наши деды. "
    "Это преступники, марионетки и паразиты, и они проиграют!"
)
NEUTRAL = "The meeting took place in the Kremlin on Tuesday. The delegations discussed trade."
NARRATION = "Vladimir Putin held talks with the President of Belarus in the Kremlin."


def _document(
    paragraphs: list[tuple[str, TurnKind]], language: str = "en", doc_id: str = "doc"
) -> Document:
    """A document with one turn per paragraph, joined by blank lines."""
    text = ""
    turns: list[Turn] = []
    spans: list[Paragraph] = []
    for index, (body, kind) in enumerate(paragraphs):
        if text:
            text += "\n\n"
        start = len(text)
        text += body
        turns.append(Turn(index, kind, start, len(text)))
        spans.append(Paragraph(f"{doc_id}#p{index + 1}", index, start, len(text), index))
    provenance = Provenance(None, "0" * 64, "test", "test", "0")
    return Document(
        doc_id, text, provenance, language=language, turns=tuple(turns), paragraphs=tuple(spans)
    )


def _annotate(document: Document) -> list[Annotation]:
    return TechniqueEnricher().annotate(document, [])


def test_enricher_declares_its_layers_and_versions_with_model_and_encoder() -> None:
    enricher = TechniqueEnricher()
    assert enricher.name == "techniques"
    assert enricher.requires == ("paragraphs",)
    assert enricher.assigns == ("techniques",)
    assert encoder.model_version() in enricher.version
    assert MODEL_PATH.stem in enricher.version
    assert TechniqueEnricher.version == enricher.version
    assert Pipeline([SentenceEnricher(), enricher]).versions["techniques"] == enricher.version


def test_shipped_model_is_small_and_describes_itself() -> None:
    sidecar = MODEL_PATH.with_suffix(".json")
    assert MODEL_PATH.stat().st_size + sidecar.stat().st_size < 8_000_000
    meta = json.loads(sidecar.read_text(encoding="utf-8"))
    assert meta["labels"] == list(TECHNIQUES)
    assert set(meta["thresholds"]) == {"en", "ru"}
    assert all(len(digest) == 64 for digest in meta["training_files_sha256"].values())
    model = load_model()
    assert model.dense_weights.shape == (encoder.DIMENSIONS + 6, len(TECHNIQUES))
    for code in ("en", "ru"):
        assert model.thresholds[code].shape == (len(TECHNIQUES),)
        assert np.all((model.thresholds[code] > 0) & (model.thresholds[code] < 1))
        assert model.term_weights[code].shape == (len(model.vocabularies[code].index), 23)
    assert load_model() is model  # cached per process


def test_loaded_paragraph_fires_and_annotations_are_well_formed() -> None:
    document = _document([(NARRATION, TurnKind.NARRATION), (LOADED, TurnKind.SPEECH)])
    found = _annotate(document)
    assert found, "an obviously loaded paragraph should show at least one technique"
    speech = document.paragraphs[1]
    thresholds = load_model().thresholds["en"]
    for annotation in found:
        assert annotation.layer == "technique"
        assert annotation.label in TECHNIQUES
        assert (annotation.start, annotation.end) == (speech.start, speech.end)
        assert annotation.enricher == "techniques"
        assert annotation.version == TechniqueEnricher.version
        assert annotation.value is not None
        score = annotation.value["score"]
        assert 0.0 <= score <= 1.0 and round(score, 4) == score
        assert score >= thresholds[TECHNIQUES.index(annotation.label)] - 1e-6
    labels = {a.label for a in found}
    assert labels & {"Name_Calling-Labeling", "Loaded_Language", "Flag_Waving"}, labels
    assert len(labels) == len(found)  # one annotation per technique and paragraph


def test_narration_gets_nothing_even_when_loaded() -> None:
    document = _document([(LOADED, TurnKind.NARRATION), (LOADED, TurnKind.NARRATION)])
    assert _annotate(document) == []


def test_neutral_text_fires_less_than_loaded_text() -> None:
    model = load_model()
    texts = [NEUTRAL, LOADED]
    probability = model.probabilities(texts, encoder.encode(texts), "en")
    assert probability.shape == (2, len(TECHNIQUES))
    assert np.all((probability >= 0) & (probability <= 1))
    name_calling = TECHNIQUES.index("Name_Calling-Labeling")
    assert probability[1, name_calling] > probability[0, name_calling]


def test_annotations_are_deterministic() -> None:
    document = _document([(LOADED, TurnKind.SPEECH), (NEUTRAL, TurnKind.SPEECH)])
    assert _annotate(document) == _annotate(document)


def test_russian_documents_are_scored_on_the_russian_path() -> None:
    assert scoring_language("ru") == "ru"
    assert scoring_language("en") == scoring_language("de") == "en"
    document = _document([(LOADED_RU, TurnKind.SPEECH)], language="ru")
    found = _annotate(document)
    assert found, "an obviously loaded Russian paragraph should show a technique"
    thresholds = load_model().thresholds["ru"]
    for annotation in found:
        assert annotation.label in TECHNIQUES
        assert annotation.value is not None
        assert annotation.value["score"] >= thresholds[TECHNIQUES.index(annotation.label)] - 1e-6


@pytest.mark.parametrize(
    "paragraphs",
    [
        [],
        [("", TurnKind.SPEECH)],
        [("   \n\t ", TurnKind.SPEECH)],
        [("\x00\x01\x07\x1b[31m\ufeff\u200b\x7f", TurnKind.SPEECH)],
        [("Это English и русский mixed together: традиции, values, Родина!", TurnKind.SPEECH)],
        [("🙂🙂🙂 \ud7ff ﷺ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢", TurnKind.SPEECH)],
    ],
)
def test_bad_inputs_do_not_crash(paragraphs: list[tuple[str, TurnKind]]) -> None:
    for language in ("en", "ru", "xx"):
        document = _document(paragraphs, language=language)
        for annotation in _annotate(document):
            assert annotation.label in TECHNIQUES
            assert 0 <= annotation.start <= annotation.end <= len(document.text)


def test_a_huge_paragraph_is_scored_without_crashing() -> None:
    huge = (LOADED + " ") * (5_000_000 // (len(LOADED) + 1))
    assert len(huge) > 4_900_000
    document = _document([(huge, TurnKind.SPEECH)])
    found = _annotate(document)
    assert all((a.start, a.end) == (0, len(huge)) for a in found)


def test_whole_document_is_one_batch() -> None:
    """Scoring a document equals scoring its paragraphs one by one."""
    bodies = [LOADED, NEUTRAL, LOADED]
    model = load_model()
    together = model.probabilities(bodies, encoder.encode(bodies), "en")
    for row, body in enumerate(bodies):
        alone = model.probabilities([body], encoder.encode([body]), "en")
        assert np.allclose(together[row], alone[0], atol=1e-4)
    assert np.allclose(together[0], together[2])


def test_model_reads_back_from_its_files() -> None:
    model = read_model(MODEL_PATH)
    assert model.labels == TECHNIQUES
    assert model.version.startswith(MODEL_PATH.stem)


def _toy_corpus() -> Corpus:
    texts = (
        "Traitors and cowards run the country.",
        "The committee met on Tuesday.",
        "Предатели и трусы правят страной.",
        "Комитет собрался во вторник.",
        "Traitors again, cowards again!",
        "",
    )
    gold = np.zeros((len(texts), len(TECHNIQUES)), dtype=bool)
    gold[[0, 2, 4], TECHNIQUES.index("Name_Calling-Labeling")] = True
    return Corpus(
        language=("en", "en", "ru", "ru", "en", "en"),
        article=("en:1", "en:1", "ru:2", "ru:3", "en:4", "en:5"),
        text=texts,
        gold=gold,
    )


def test_term_counts_give_the_same_vocabulary_and_tfidf_as_reading_the_texts() -> None:
    corpus = count_terms(_toy_corpus())
    assert corpus.counts is not None
    settings = Settings(min_df=1, max_terms=7)
    english = np.array(corpus.language) == "en"
    expected = fit_vocabulary([t for t, e in zip(corpus.text, english, strict=True) if e], settings)
    vocabulary, columns = corpus.counts.vocabulary(english, settings)
    assert vocabulary.index == expected.index and len(vocabulary.index) == 7
    assert np.allclose(vocabulary.idf, expected.idf)
    from_counts = corpus.counts.tfidf(english, columns, vocabulary.idf).toarray()
    read = expected.transform([t if e else "" for t, e in zip(corpus.text, english, strict=True)])
    assert np.allclose(from_counts, read.toarray(), atol=1e-6)
    norms = np.linalg.norm(from_counts, axis=1)
    assert np.allclose(norms[norms > 0], 1.0, atol=1e-5)


def test_folds_keep_each_article_whole_and_are_seeded() -> None:
    corpus = _toy_corpus()
    folds = folds_by_article(corpus, 2)
    assert folds[0] == folds[1]  # same article, same fold
    assert np.array_equal(folds, folds_by_article(corpus, 2))
    english_only = corpus.subset(np.flatnonzero(np.array(corpus.language) == "en"))
    assert np.array_equal(
        folds_by_article(english_only, 2), folds[np.array(corpus.language) == "en"]
    )


def test_thresholds_maximise_micro_f1() -> None:
    rng = np.random.default_rng(0)
    gold = rng.random((400, 3)) < np.array([0.5, 0.1, 0.02])
    # Label 0 separable at 0.6, label 1 at 0.3; label 2 pure noise.
    probability = np.where(gold, 0.7, 0.2).astype(np.float32)
    probability[:, 1] = np.where(gold[:, 1], 0.35, 0.25)
    probability[:, 2] = rng.random(400).astype(np.float32)
    thresholds = tune_thresholds(probability, gold)
    assert 0.2 < thresholds[0] <= 0.7 and 0.25 < thresholds[1] <= 0.35
    fired = probability >= thresholds
    assert np.array_equal(fired[:, :2], gold[:, :2])
    assert fired[:, 2].sum() < 40  # noise is mostly left silent
