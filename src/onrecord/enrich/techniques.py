"""Persuasion techniques per paragraph: the 23 of SemEval-2023 Task 3 (subtask 3).

The shipped model (``data/models/techniques-*.npz`` and its ``.json``,
written by ``python -m onrecord.enrich.training.techniques``) is a
multi-label logistic regression over two kinds of features:

* the paragraph's multilingual USE vector (``onrecord.enrich.encoder``),
  which puts English, Russian and the other training languages in one
  space, so all six SemEval languages train one model;
* TF-IDF of lower-cased words and word bigrams, one vocabulary per
  scored language (English and Russian), for the wording USE smooths away
  ("traitors", "so-called").

A one-hot block of the document's language lets each language keep its
own base rates, and thresholds are tuned per technique and per language
by cross-validation. Russian documents use the Russian vocabulary and
thresholds; every other language is scored as English (its USE vector
still carries the meaning).

This module holds everything that scoring needs (features, the model
file's reader, the enricher), so training and evaluation reuse exactly
the code the enricher runs.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import sparse

from onrecord.enrich import encoder
from onrecord.model import Annotation, Document, TurnKind

__all__ = [
    "LANGUAGES",
    "MODEL_PATH",
    "SCORED_LANGUAGES",
    "TECHNIQUES",
    "TechniqueEnricher",
    "TechniqueModel",
    "Vocabulary",
    "dense_features",
    "load_model",
    "scoring_language",
    "terms",
]

Floats = npt.NDArray[np.float32]

TECHNIQUES: tuple[str, ...] = (
    "Appeal_to_Authority",
    "Appeal_to_Fear-Prejudice",
    "Appeal_to_Hypocrisy",
    "Appeal_to_Popularity",
    "Appeal_to_Time",
    "Appeal_to_Values",
    "Causal_Oversimplification",
    "Consequential_Oversimplification",
    "Conversation_Killer",
    "Doubt",
    "Exaggeration-Minimisation",
    "False_Dilemma-No_Choice",
    "Flag_Waving",
    "Guilt_by_Association",
    "Loaded_Language",
    "Name_Calling-Labeling",
    "Obfuscation-Vagueness-Confusion",
    "Questioning_the_Reputation",
    "Red_Herring",
    "Repetition",
    "Slogans",
    "Straw_Man",
    "Whataboutism",
)
# The SemEval-2023 training languages (their codes as in the data folders);
# the order fixes the columns of the language one-hot block.
LANGUAGES: tuple[str, ...] = ("en", "fr", "ge", "it", "po", "ru")
# Languages with their own vocabulary and thresholds in the shipped model.
SCORED_LANGUAGES: tuple[str, ...] = ("en", "ru")
MODEL_PATH = Path(__file__).resolve().parent.parent / "data" / "models" / "techniques-v1.npz"

_WORD = re.compile(r"\w+")
# TF-IDF reads a paragraph's start only: a 5 MB "paragraph" is a parsing
# accident, and its first pages say as much about its wording as all of it.
_MAX_TERM_CHARS = 20_000


def scoring_language(language: str) -> str:
    """The shipped language whose vocabulary and thresholds score ``language``."""
    return "ru" if language == "ru" else "en"


def terms(text: str) -> list[str]:
    """Lower-cased words and adjacent-word bigrams of ``text`` (its first 20,000 chars)."""
    words = _WORD.findall(text[:_MAX_TERM_CHARS].lower())
    return words + [f"{a} {b}" for a, b in itertools.pairwise(words)]


@dataclass(frozen=True)
class Vocabulary:
    """Terms with their column and inverse document frequency."""

    index: dict[str, int]
    idf: Floats

    @classmethod
    def from_terms(cls, vocabulary: Sequence[str], idf: Floats) -> Vocabulary:
        return cls({term: column for column, term in enumerate(vocabulary)}, idf)

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """Rows of sublinear TF-IDF, each of unit length (a text without known terms: zeros)."""
        indptr = [0]
        columns: list[int] = []
        values: list[float] = []
        for text in texts:
            counts: dict[int, int] = {}
            for term in terms(text):
                column = self.index.get(term)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
            row = sorted(counts)
            weights = np.array(
                [(1.0 + np.log(counts[c])) * self.idf[c] for c in row], dtype=np.float32
            )
            norm = float(np.linalg.norm(weights)) if row else 0.0
            columns.extend(row)
            values.extend((weights / norm).tolist() if norm > 0 else weights.tolist())
            indptr.append(len(columns))
        return sparse.csr_matrix(
            (np.array(values, dtype=np.float32), np.array(columns, dtype=np.int64), indptr),
            shape=(len(texts), len(self.index)),
            dtype=np.float32,
        )


def dense_features(vectors: Floats, languages: Sequence[str]) -> Floats:
    """USE vectors followed by the one-hot of each row's training language."""
    onehot = np.zeros((len(languages), len(LANGUAGES)), dtype=np.float32)
    for row, language in enumerate(languages):
        if language in LANGUAGES:
            onehot[row, LANGUAGES.index(language)] = 1.0
    return np.hstack([np.asarray(vectors, dtype=np.float32), onehot])


def sigmoid(logits: Floats) -> Floats:
    """The logistic function, without overflow warnings for large logits."""
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * logits)), dtype=np.float32)


@dataclass(frozen=True)
class TechniqueModel:
    """Weights, vocabularies and thresholds of one trained technique model."""

    labels: tuple[str, ...]
    dense_weights: Floats  # (512 + len(LANGUAGES)) x labels
    bias: Floats  # labels
    vocabularies: dict[str, Vocabulary]
    term_weights: dict[str, Floats]  # per language: vocabulary x labels
    thresholds: dict[str, Floats]  # per language: labels
    version: str

    def probabilities(self, texts: Sequence[str], vectors: Floats, language: str) -> Floats:
        """P(technique | paragraph) for each text (rows) and label (columns)."""
        scored = scoring_language(language)
        logits = dense_features(vectors, [scored] * len(texts)) @ self.dense_weights + self.bias
        if scored in self.vocabularies and len(texts):
            tfidf = self.vocabularies[scored].transform(texts)
            logits = logits + np.asarray(tfidf @ self.term_weights[scored], dtype=np.float32)
        return sigmoid(np.asarray(logits, dtype=np.float32))

    def predict(
        self, texts: Sequence[str], vectors: Floats, language: str
    ) -> list[list[tuple[str, float]]]:
        """Per text, the techniques whose probability reaches its threshold, with it."""
        probabilities = self.probabilities(texts, vectors, language)
        thresholds = self.thresholds[scoring_language(language)]
        return [
            [(self.labels[j], float(row[j])) for j in np.flatnonzero(row >= thresholds).tolist()]
            for row in probabilities
        ]


def write_model(path: Path, model: TechniqueModel, metadata: dict[str, Any]) -> None:
    """Save ``model`` as ``path`` (.npz: arrays) and its .json (labels, vocabularies, metadata)."""
    arrays: dict[str, Floats] = {"dense_weights": model.dense_weights, "bias": model.bias}
    for language, vocabulary in model.vocabularies.items():
        arrays[f"idf_{language}"] = vocabulary.idf
        arrays[f"term_weights_{language}"] = model.term_weights[language]
    for language, thresholds in model.thresholds.items():
        arrays[f"thresholds_{language}"] = thresholds
    path.parent.mkdir(parents=True, exist_ok=True)
    # An .npz written entry by entry with a fixed timestamp (np.savez stamps
    # the current time), so the same weights always give the same bytes and hash.
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for key in sorted(arrays):
            entry = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(entry, "w") as handle:
                np.lib.format.write_array(handle, np.ascontiguousarray(arrays[key]))
    document = {
        **metadata,
        "labels": list(model.labels),
        "languages": sorted(model.vocabularies),
        "vocabularies": {
            language: sorted(vocabulary.index, key=vocabulary.index.__getitem__)
            for language, vocabulary in model.vocabularies.items()
        },
    }
    path.with_suffix(".json").write_text(
        json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )


def read_model(path: Path) -> TechniqueModel:
    """The model saved by :func:`write_model` (arrays only: nothing is unpickled)."""
    data = path.read_bytes()
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    digest = hashlib.sha256(data).hexdigest()[:12]
    with np.load(path, allow_pickle=False) as arrays:
        array = {key: np.asarray(arrays[key], dtype=np.float32) for key in arrays.files}
    languages: list[str] = meta["languages"]
    return TechniqueModel(
        labels=tuple(meta["labels"]),
        dense_weights=array["dense_weights"],
        bias=array["bias"],
        vocabularies={
            language: Vocabulary.from_terms(
                meta["vocabularies"][language], array[f"idf_{language}"]
            )
            for language in languages
        },
        term_weights={language: array[f"term_weights_{language}"] for language in languages},
        thresholds={
            key.removeprefix("thresholds_"): value
            for key, value in array.items()
            if key.startswith("thresholds_")
        },
        version=f"{meta.get('model_version', path.stem)}-{digest}",
    )


@lru_cache(maxsize=1)
def load_model() -> TechniqueModel:
    """The shipped model, read once per process."""
    return read_model(MODEL_PATH)


@lru_cache(maxsize=1)
def _shipped_version() -> str:
    """The shipped model's version and hash, without loading its arrays."""
    digest = hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest()[:12]
    return f"{MODEL_PATH.stem}-{digest}+{encoder.model_version()}"


class _Version:
    """A class attribute computed on first read (the model file is hashed lazily)."""

    def __get__(self, instance: object, owner: type | None = None) -> str:
        return _shipped_version()


class TechniqueEnricher:
    """Persuasion techniques of every speech paragraph, layer ``technique``.

    One annotation per (paragraph, technique) whose probability reaches the
    technique's threshold, spanning the whole paragraph, with the
    probability as ``value["score"]``; narration paragraphs get none.
    """

    name: str = "techniques"
    version: str = _Version()  # type: ignore[assignment]
    requires: tuple[str, ...] = ("paragraphs",)
    assigns: tuple[str, ...] = ("techniques",)

    def annotate(self, document: Document, earlier: Sequence[Annotation]) -> list[Annotation]:
        paragraphs = [
            paragraph
            for paragraph in document.paragraphs
            if document.turns[paragraph.turn].kind == TurnKind.SPEECH
        ]
        if not paragraphs:
            return []
        texts = [document.text[p.start : p.end] for p in paragraphs]
        model = load_model()
        found = model.predict(texts, encoder.encode(texts), document.language)
        return list(self._annotations(paragraphs, found))

    def _annotations(
        self, paragraphs: Sequence[Any], found: Sequence[Sequence[tuple[str, float]]]
    ) -> Iterable[Annotation]:
        for paragraph, techniques in zip(paragraphs, found, strict=True):
            for label, score in techniques:
                yield Annotation(
                    "technique",
                    paragraph.start,
                    paragraph.end,
                    label,
                    {"score": round(score, 4)},
                    self.name,
                    self.version,
                )
