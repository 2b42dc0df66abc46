"""Check-worthy claims: every sentence of a speech turn scored for check-worthiness.

The model is linear (logistic) over features that mean the same thing in
English and Russian, so a model trained on English debates scores Russian
transcripts too:

* the sentence's multilingual USE vector (:mod:`onrecord.enrich.encoder`),
  which puts English and Russian in one space;
* the mean USE vector of its neighbours in the same turn (context: a
  sentence after a question, or inside a run of figures);
* surface cues written for both languages: length, numbers, years,
  percentages, money and magnitudes, capitalised words inside the sentence
  (names), questions, and whether the sentence opens a turn.

No word n-grams: they are English-only and would leave a Russian sentence
with a different score distribution from the one the threshold was chosen
on; nor did they help in English (cross-validated MAP on CheckThat! 2019
train: 0.214 for TF-IDF word 1-2grams alone, no gain combined with the above).

The weights ship as ``data/models/checkworthiness-1.npz`` (plain
arrays, no pickle) with a ``.json`` of metadata, written by
``python -m onrecord.enrich.training.checkworthiness``.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np
import numpy.typing as npt

from onrecord.enrich import encoder
from onrecord.model import Annotation, Document, TurnKind

__all__ = [
    "MODEL_NAME",
    "ClaimEnricher",
    "LinearModel",
    "feature_matrix",
    "load_model",
]

MODEL_NAME = "checkworthiness-1"
FloatArray = npt.NDArray[np.float32]
BoolArray = npt.NDArray[np.bool_]

# Surface cues, each written for English and Russian alike.
_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_YEAR = re.compile(r"(?<!\d)(?:1[89]\d\d|20\d\d)(?!\d)")
_PERCENT = re.compile(r"%|\bper\s?cent|\bпроцент", re.IGNORECASE)
_MONEY = re.compile(r"[$€£₽]|\b(?:dollar|euro|pound|rouble|ruble|доллар|евро|рубл)", re.IGNORECASE)
_MAGNITUDE = re.compile(
    r"\b(?:thousand|million|billion|trillion|тысяч|млн|млрд|трлн|миллион|миллиард|триллион)",
    re.IGNORECASE,
)
# A capitalised word that does not open the sentence: mostly names, in both scripts.
_INNER_CAPITAL = re.compile(r"(?<=[\w,;:)] )[A-ZА-ЯЁ]\w+")
SURFACE_FEATURES = (
    "log_words",
    "has_number",
    "log_numbers",
    "has_year",
    "has_percent",
    "has_money",
    "has_magnitude",
    "inner_capitals",
    "is_question",
    "opens_turn",
    "is_short",
)
_MAX_SURFACE_CHARS = 5000  # cues past this point of a run-on "sentence" add nothing


def _surface(text: str, opens_turn: bool) -> list[float]:
    """The surface cues of one sentence, in the order of ``SURFACE_FEATURES``."""
    text = text[:_MAX_SURFACE_CHARS]
    words = len(_WORD.findall(text))
    numbers = len(_NUMBER.findall(text))
    return [
        float(np.log1p(words)),
        float(numbers > 0),
        float(np.log1p(numbers)),
        float(_YEAR.search(text) is not None),
        float(_PERCENT.search(text) is not None),
        float(_MONEY.search(text) is not None),
        float(_MAGNITUDE.search(text) is not None),
        float(np.log1p(len(_INNER_CAPITAL.findall(text)))),
        float(text.rstrip().endswith("?")),
        float(opens_turn),
        float(words <= 4),
    ]


def _neighbour_mean(vectors: FloatArray, opens_turn: BoolArray) -> FloatArray:
    """The mean of the previous and next sentence vectors within the same turn."""
    count = len(vectors)
    context = np.zeros_like(vectors)
    if count == 0:
        return context
    # A turn boundary sits before every sentence that opens a turn.
    previous_ok = ~opens_turn
    previous_ok[0] = False
    next_ok = np.zeros(count, dtype=bool)
    next_ok[:-1] = ~opens_turn[1:]
    weights = previous_ok.astype(np.float32) + next_ok.astype(np.float32)
    context[1:] += vectors[:-1] * previous_ok[1:, None]
    context[:-1] += vectors[1:] * next_ok[:-1, None]
    return (context / np.maximum(weights, 1.0)[:, None]).astype(np.float32)


def feature_matrix(
    texts: Sequence[str], opens_turn: Sequence[bool], vectors: FloatArray | None = None
) -> FloatArray:
    """One row of features per sentence, sentences given in reading order.

    ``opens_turn[i]`` says that sentence ``i`` starts a new speaker turn (so
    its predecessor is not its context). ``vectors`` are the sentences' USE
    vectors when the caller has them already (training caches them).
    """
    if vectors is None:
        vectors = encoder.encode(texts)
    opens = np.asarray(opens_turn, dtype=bool).reshape(len(texts))
    surface = np.array(
        [_surface(text, bool(flag)) for text, flag in zip(texts, opens, strict=True)],
        dtype=np.float32,
    ).reshape(len(texts), len(SURFACE_FEATURES))
    return np.hstack([vectors, _neighbour_mean(vectors, opens), surface]).astype(np.float32)


@dataclass(frozen=True, slots=True)
class LinearModel:
    """A standardised logistic model: ``sigmoid(((x - mean) / scale) @ coef + intercept)``."""

    mean: FloatArray
    scale: FloatArray
    coef: FloatArray
    intercept: float
    threshold: float
    version: str

    def scores(self, features: FloatArray) -> FloatArray:
        """Check-worthiness in 0..1, one per row of ``features``."""
        logits = ((features - self.mean) / self.scale) @ self.coef + self.intercept
        return (1.0 / (1.0 + np.exp(-np.clip(logits, -50.0, 50.0)))).astype(np.float32)

    def arrays(self) -> dict[str, npt.NDArray[Any]]:
        """The weights as plain arrays, for ``numpy.savez`` (no pickle)."""
        return {
            "mean": self.mean,
            "scale": self.scale,
            "coef": self.coef,
            "intercept": np.array([self.intercept], dtype=np.float64),
            "threshold": np.array([self.threshold], dtype=np.float64),
        }

    @classmethod
    def from_arrays(cls, arrays: Any, version: str) -> LinearModel:
        """The model back from what :meth:`arrays` gave (an ``np.load`` result)."""
        return cls(
            mean=np.asarray(arrays["mean"], dtype=np.float32),
            scale=np.asarray(arrays["scale"], dtype=np.float32),
            coef=np.asarray(arrays["coef"], dtype=np.float32),
            intercept=float(arrays["intercept"][0]),
            threshold=float(arrays["threshold"][0]),
            version=version,
        )


def _models_folder() -> Any:
    return resources.files("onrecord") / "data" / "models"


def _metadata() -> dict[str, Any]:
    """The shipped model's metadata (training data, hyperparameters, threshold)."""
    text = (_models_folder() / f"{MODEL_NAME}.json").read_text(encoding="utf-8")
    return dict(json.loads(text))


def _shipped_version() -> str:
    """The enricher's version: its own, the model's name and hash, the encoder's.

    Read from the metadata alone, so importing this module stays cheap; a
    checkout whose model is not trained yet gets ``untrained`` (and cannot score).
    """
    try:
        model = f"{MODEL_NAME}-{_metadata()['sha256'][:12]}"
    except (FileNotFoundError, KeyError, ValueError):
        model = f"{MODEL_NAME}-untrained"
    return f"1+{model}+{encoder.model_version()}"


@lru_cache(maxsize=1)
def load_model() -> LinearModel:
    """The shipped model, read once per process from the package data."""
    metadata = _metadata()
    with (_models_folder() / f"{MODEL_NAME}.npz").open("rb") as handle:
        arrays = np.load(handle, allow_pickle=False)
        return LinearModel.from_arrays(arrays, f"{MODEL_NAME}-{metadata['sha256'][:12]}")


def _speech_sentences(
    document: Document, earlier: Sequence[Annotation]
) -> tuple[list[Annotation], list[bool]]:
    """The sentences inside speech turns, in order, and whether each opens a turn."""
    paragraphs = sorted(document.paragraphs, key=lambda p: p.start)
    starts = [p.start for p in paragraphs]
    sentences = sorted((a for a in earlier if a.layer == "sentence"), key=lambda a: a.start)
    chosen: list[Annotation] = []
    opens: list[bool] = []
    previous_speaker: object = None
    for sentence in sentences:
        index = bisect.bisect_right(starts, sentence.start) - 1
        if index < 0 or sentence.start >= paragraphs[index].end:
            continue
        turn = document.turns[paragraphs[index].turn]
        if turn.kind is not TurnKind.SPEECH:
            previous_speaker = None  # narration between two turns breaks the context
            continue
        # A turn resuming after a stage direction continues the same speaker.
        speaker = (turn.speaker_id, turn.continues if turn.continues is not None else turn.index)
        opens.append(speaker != previous_speaker)
        previous_speaker = speaker
        chosen.append(sentence)
    return chosen, opens


class ClaimEnricher:
    """Check-worthiness of every sentence in a speech turn, layer ``claim``.

    Each such sentence gets one annotation over the sentence. ``value`` is
    ``{"score": s}``: the model's probability (0..1, four places) that
    fact-checkers would pick the sentence, as they did in the CheckThat!
    transcripts it was trained on, where about one sentence in seventy-five was
    picked; so most scores are small and what counts is their order. The
    label is ``check-worthy`` when the score reaches the model's threshold
    (the one maximising F2 of cross-validated scores on the training data:
    recall weighted over precision, as suits triage; the rule is recorded in
    the model's ``.json``), else ``not-check-worthy``.
    Narration gets nothing: it is the publisher's, not anybody's claim.
    """

    name: str = "claims"
    version: str = _shipped_version()
    requires: tuple[str, ...] = ("sentences",)
    assigns: tuple[str, ...] = ("claims",)

    def annotate(self, document: Document, earlier: Sequence[Annotation]) -> list[Annotation]:
        sentences, opens = _speech_sentences(document, earlier)
        if not sentences:
            return []
        model = load_model()
        texts = [document.text[s.start : s.end] for s in sentences]
        scores = model.scores(feature_matrix(texts, opens))
        version = self.version
        return [
            Annotation(
                "claim",
                sentence.start,
                sentence.end,
                "check-worthy" if score >= model.threshold else "not-check-worthy",
                {"score": round(float(score), 4)},
                self.name,
                version,
            )
            for sentence, score in zip(sentences, scores, strict=True)
        ]
