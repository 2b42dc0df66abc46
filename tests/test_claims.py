"""The claim enricher: one check-worthiness score per sentence of speech, from the shipped model."""

from __future__ import annotations

import json
from importlib import resources

import numpy as np
import pytest

from onrecord import Document, Paragraph, Provenance, RawDocument, Turn, TurnKind, parse_path
from onrecord.enrich.claims import MODEL_NAME, ClaimEnricher, feature_matrix, load_model
from onrecord.enrich.encoder import model_version
from onrecord.enrich.pipeline import Pipeline
from onrecord.enrich.sentence_enricher import SentenceEnricher
from onrecord.model import Annotation
from onrecord.parse.parser import parse

from .conftest import EXAMPLE

RUSSIAN = (
    "В.Путин: Добрый день, уважаемые коллеги! Рад вас видеть.\n\n"
    "В 2023 году объём торговли между нашими странами вырос на 8 процентов и превысил "
    "50 миллиардов долларов.\n\n"
    "(Аплодисменты.)\n\n"
    "А.Лукашенко: Спасибо большое. Мы это обсудим.\n"
)


def _claims(document: Document) -> list[Annotation]:
    return Pipeline([SentenceEnricher(), ClaimEnricher()]).run(document)


def _raw(text: str, language: str = "en") -> Document:
    return parse(RawDocument(text, "test", "0" * 64, "text", language=language))


def _bare(text: str) -> Document:
    """One speech paragraph over the whole text, whatever it holds (no parser involved)."""
    turns = (Turn(0, TurnKind.SPEECH, 0, len(text), "someone", "Someone"),) if text else ()
    paragraphs = (Paragraph("bare#p1", 0, 0, len(text), 0),) if text else ()
    provenance = Provenance(None, "0" * 64, "text", "test", "0")
    return Document("bare", text, provenance, turns=turns, paragraphs=paragraphs)


def _example() -> Document:
    (document,) = list(parse_path(EXAMPLE))
    return document


def _turn_kind_at(document: Document, offset: int) -> TurnKind:
    (paragraph,) = [p for p in document.paragraphs if p.start <= offset < p.end]
    return document.turns[paragraph.turn].kind


def test_every_speech_sentence_gets_one_claim_and_narration_none() -> None:
    document = _example()
    annotations = _claims(document)
    sentences = [a for a in annotations if a.layer == "sentence"]
    claims = [a for a in annotations if a.layer == "claim"]
    speech = [s for s in sentences if _turn_kind_at(document, s.start) is TurnKind.SPEECH]
    assert 0 < len(speech) < len(sentences)  # the example has narration
    assert [(c.start, c.end) for c in claims] == [(s.start, s.end) for s in speech]
    for claim in claims:
        assert 0 <= claim.start < claim.end <= len(document.text)
        assert claim.label in {"check-worthy", "not-check-worthy"}
        assert claim.value is not None
        score = claim.value["score"]
        assert 0.0 <= score <= 1.0 and round(score, 4) == score
        threshold = load_model().threshold
        if abs(score - threshold) > 1e-4:  # rounding can only blur the label at the threshold
            assert (claim.label == "check-worthy") == (score > threshold)
        assert (claim.enricher, claim.version) == ("claims", ClaimEnricher.version)
    assert len({c.value["score"] for c in claims if c.value}) > 10  # scores discriminate


def test_scores_are_deterministic() -> None:
    document = _example()
    assert _claims(document) == _claims(document)


def test_version_names_the_model_hash_and_the_encoder() -> None:
    metadata = json.loads(
        (resources.files("onrecord") / "data" / "models" / f"{MODEL_NAME}.json").read_text(
            encoding="utf-8"
        )
    )
    assert metadata["sha256"][:12] in ClaimEnricher.version
    assert model_version() in ClaimEnricher.version
    assert ClaimEnricher.name == "claims" and ClaimEnricher.assigns == ("claims",)


def test_shipped_model_matches_its_features() -> None:
    model = load_model()
    width = feature_matrix(["A sentence."], [True]).shape[1]
    assert model.coef.shape == model.mean.shape == model.scale.shape == (width,)
    assert 0.0 < model.threshold < 1.0


def test_a_russian_document_is_scored_and_the_figure_ranks_first() -> None:
    document = _raw(RUSSIAN, "ru")
    claims = [a for a in _claims(document) if a.layer == "claim"]
    texts = [document.text[c.start : c.end] for c in claims]
    assert not any("Аплодисменты" in text for text in texts)  # a stage direction is narration
    scores = {text: c.value["score"] for text, c in zip(texts, claims, strict=True) if c.value}
    figure = next(text for text in scores if "50 миллиардов" in text)
    assert scores[figure] == max(scores.values())
    assert scores[figure] > scores["Рад вас видеть."]


def test_the_same_claim_scores_alike_in_english_and_russian() -> None:
    english = "Trade between our countries grew by 8 percent last year to 50 billion dollars."
    russian = (
        "Торговля между нашими странами выросла в прошлом году на 8 процентов до 50 млрд долларов."
    )
    greeting = "Good afternoon, dear colleagues, I am glad to see you."
    scores = load_model().scores(feature_matrix([english, russian, greeting], [True] * 3))
    assert abs(float(scores[0]) - float(scores[1])) < 0.5 * abs(float(scores[0] - scores[2]))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n  ",
        "Vladimir Putin: " + "We talked and talked " * 250_000 + ".",
        "Vladimir Putin: Budget\x00 rose\x07 by 5%\x1b[31m in\ufeff 2023.\u200b\n\n\x0c",
        "Vladimir Putin: Gas prices rose 40 percent. Цены на газ выросли на 40 процентов. 好的。",
        "\x00\x01\x02",
    ],
    ids=["empty", "blank", "huge-paragraph", "control-characters", "mixed-languages", "binary"],
)
def test_bad_inputs_do_not_crash(text: str) -> None:
    document = _bare(text)
    annotations = _claims(document)
    if text.strip(" \n"):
        assert any(a.layer == "claim" for a in annotations)
    for claim in (a for a in annotations if a.layer == "claim"):
        assert 0 <= claim.start <= claim.end <= len(document.text)
        assert claim.value is not None and 0.0 <= claim.value["score"] <= 1.0


def test_no_sentences_no_claims() -> None:
    assert ClaimEnricher().annotate(_example(), []) == []


def test_feature_rows_are_finite_for_odd_text() -> None:
    features = feature_matrix(
        ["", "\x00\x01", "?" * 10_000, "1" * 5000], [True, False, False, True]
    )
    assert np.isfinite(features).all()
    assert np.isfinite(load_model().scores(features)).all()


def test_the_label_threshold_follows_its_recorded_rule() -> None:
    metadata = json.loads(
        (resources.files("onrecord") / "data" / "models" / f"{MODEL_NAME}.json").read_text(
            encoding="utf-8"
        )
    )
    assert "F2" in metadata["threshold_rule"]
    assert metadata["threshold"] == pytest.approx(load_model().threshold)
    # F2 weights recall: its threshold never lies above the F1-optimal one here.
    assert metadata["threshold"] <= metadata["f1_optimal_threshold_not_used"]


def test_fbeta_threshold_on_a_hand_made_ranking() -> None:
    from onrecord.enrich.training.checkworthiness import best_f1_threshold, best_fbeta_threshold

    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4], dtype=np.float32)
    labels = np.array([1, 1, 0, 0, 0, 1], dtype=np.int8)
    # Top 2: F1 = 4/5, F2 = 10/14; all 6: F1 = 6/9, F2 = 15/18. F2 buys the recall.
    assert best_f1_threshold(scores, labels) == pytest.approx((0.8, 4 / 5))
    assert best_fbeta_threshold(scores, labels, 2.0) == pytest.approx((0.4, 15 / 18))
