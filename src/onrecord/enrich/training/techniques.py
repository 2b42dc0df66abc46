"""Train the persuasion-technique model shipped in ``onrecord/data/models``.

Run as ``python -m onrecord.enrich.training.techniques [--shared PATH] [--cache DIR]``:
reads the SemEval-2023 Task 3 subtask 3 training data of all six languages
(``<shared>/benchmarks/semeval2023_task3_st3``), tunes per-language,
per-technique thresholds on 5-fold out-of-fold probabilities (folds by
article), fits the final model on everything and writes
``techniques-v1.npz`` with its ``.json`` (labels, vocabularies,
thresholds, hyperparameters, the training files' sha256). Fixed seeds and
a deterministic optimiser: the same data gives the same files.

The functions here (data loading, feature building, fitting, threshold
tuning, cross-validation by article) are also what ``eval/persuasion.py``
runs, so the evaluation measures exactly the shipped recipe.
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from scipy import optimize, sparse
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from onrecord.enrich import encoder
from onrecord.enrich.techniques import (
    LANGUAGES,
    MODEL_PATH,
    SCORED_LANGUAGES,
    TECHNIQUES,
    TechniqueModel,
    Vocabulary,
    dense_features,
    sigmoid,
    terms,
    write_model,
)

__all__ = [
    "PTC_TECHNIQUES",
    "Corpus",
    "CrossValidation",
    "Settings",
    "TermCounts",
    "count_terms",
    "cross_validate",
    "default_shared",
    "encode_corpus",
    "fit",
    "fit_vocabulary",
    "folds_by_article",
    "load_semeval",
    "main",
    "probabilities",
    "ptc_overlap",
    "train",
    "tune_thresholds",
]

Floats = npt.NDArray[np.float32]
Bools = npt.NDArray[np.bool_]
Ints = npt.NDArray[np.int64]

DATASET = Path("benchmarks") / "semeval2023_task3_st3"
SEED = 20230
THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2).astype(np.float32)


@dataclass(frozen=True)
class Settings:
    """The recipe's hyperparameters (recorded in the model's metadata)."""

    languages: tuple[str, ...] = LANGUAGES  # training languages
    l2: float = 1e-4  # L2 penalty on every weight, per training row
    positive_power: float = 0.5  # positive-class weight = (negatives / positives) ** power
    max_positive_weight: float = 10.0
    term_scale: float = 1.0  # TF-IDF block multiplier (its weights share the one L2 penalty)
    use_terms: bool = True
    min_df: int = 3
    max_terms: int = 20_000
    iterations: int = 60

    def as_dict(self) -> dict[str, Any]:
        return {key: getattr(self, key) for key in self.__dataclass_fields__}


@dataclass(frozen=True)
class Corpus:
    """Labelled paragraphs: language, article, text, gold techniques (rows x TECHNIQUES)."""

    language: tuple[str, ...]
    article: tuple[str, ...]
    text: tuple[str, ...]
    gold: Bools
    number: tuple[int, ...] = ()  # paragraph number in its article
    vectors: Floats | None = None
    counts: TermCounts | None = None
    sources: dict[str, str] = field(default_factory=dict)  # file name -> sha256
    missing_text: dict[str, int] = field(default_factory=dict)  # gold rows without text
    missing_labels: dict[str, int] = field(default_factory=dict)  # their gold techniques

    def __len__(self) -> int:
        return len(self.text)

    def subset(self, rows: Ints) -> Corpus:
        """The rows ``rows`` of this corpus, in that order."""
        return replace(
            self,
            language=tuple(self.language[i] for i in rows),
            article=tuple(self.article[i] for i in rows),
            text=tuple(self.text[i] for i in rows),
            gold=self.gold[rows],
            number=tuple(self.number[i] for i in rows) if self.number else (),
            vectors=None if self.vectors is None else self.vectors[rows],
            counts=None if self.counts is None else self.counts.subset(rows),
        )


@dataclass(frozen=True)
class TermCounts:
    """Counts of every term (``terms``, sorted) in every row, to slice instead of re-reading.

    Cross-validation fits a vocabulary per training fold; with the counts
    made once, a fold's vocabulary and TF-IDF are column selections, the
    same numbers as ``fit_vocabulary`` and ``Vocabulary.transform`` give.
    """

    terms: tuple[str, ...]
    index: dict[str, int]
    matrix: sparse.csr_matrix

    def subset(self, rows: Ints) -> TermCounts:
        return TermCounts(self.terms, self.index, self.matrix[rows])

    def vocabulary(self, rows: Bools, settings: Settings) -> tuple[Vocabulary, Ints]:
        """What ``fit_vocabulary`` makes of the texts ``rows``, and its terms' columns here."""
        df = np.asarray((self.matrix[np.flatnonzero(rows)] > 0).sum(axis=0)).ravel()
        candidates = np.flatnonzero(df >= settings.min_df)
        # Most frequent first, ties in term order (the columns are sorted terms).
        order = candidates[np.lexsort((candidates, -df[candidates]))]
        kept = np.sort(order[: settings.max_terms]).astype(np.int64)
        idf = (np.log((1.0 + rows.sum()) / (1.0 + df[kept])) + 1.0).astype(np.float32)
        return Vocabulary.from_terms([self.terms[i] for i in kept], idf), kept

    def tfidf(self, rows: Bools, columns: Ints, idf: Floats) -> sparse.csr_matrix:
        """``Vocabulary.transform`` of the texts ``rows`` (other rows: zeros), from the counts."""
        block = sparse.csr_matrix(
            sparse.diags(rows.astype(np.float32)) @ self.matrix[:, columns], dtype=np.float32
        )
        block.eliminate_zeros()
        block.data = (1.0 + np.log(block.data)) * idf[block.indices]
        norms = np.sqrt(np.asarray(block.multiply(block).sum(axis=1)).ravel())
        scale = np.where(norms > 0, 1.0 / np.maximum(norms, 1e-30), 0.0).astype(np.float32)
        return sparse.csr_matrix(sparse.diags(scale) @ block, dtype=np.float32)


def count_terms(corpus: Corpus) -> Corpus:
    """``corpus`` with the term counts of all its texts."""
    rows: list[Counter[str]] = [Counter(terms(text)) for text in corpus.text]
    vocabulary = tuple(sorted(set().union(*rows)))
    index = {term: column for column, term in enumerate(vocabulary)}
    indptr = np.cumsum([0] + [len(row) for row in rows])
    columns = np.array([index[t] for row in rows for t in row], dtype=np.int64)
    values = np.array([n for row in rows for n in row.values()], dtype=np.float32)
    matrix = sparse.csr_matrix((values, columns, indptr), shape=(len(rows), len(vocabulary)))
    matrix.sort_indices()
    return replace(corpus, counts=TermCounts(vocabulary, index, matrix))


def _read_rows(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines() if line]


def load_semeval(shared: Path, languages: Sequence[str] = LANGUAGES) -> Corpus:
    """The training paragraphs of ``languages`` that have both gold and text."""
    folder = shared / DATASET
    language: list[str] = []
    article: list[str] = []
    text: list[str] = []
    number: list[int] = []
    gold: list[list[bool]] = []
    sources: dict[str, str] = {}
    missing: dict[str, int] = {}
    missing_labels: dict[str, int] = {}
    for code in languages:
        template = folder / code / "train-labels-subtask-3.template"
        labels = folder / code / "train-labels-subtask-3.txt"
        for path in (template, labels):
            sources[f"{code}/{path.name}"] = hashlib.sha256(path.read_bytes()).hexdigest()
        texts = {(row[0], row[1]): "\t".join(row[2:]) for row in _read_rows(template)}
        missing[code] = missing_labels[code] = 0
        for row in _read_rows(labels):
            key = (row[0], row[1])
            found = {name for name in (row[2] if len(row) > 2 else "").split(",") if name}
            if key not in texts:
                missing[code] += 1  # the published template lacks this paragraph
                missing_labels[code] += len(found)
                continue
            unknown = found - set(TECHNIQUES)
            if unknown:
                raise ValueError(f"{labels}: unknown techniques {sorted(unknown)}")
            language.append(code)
            article.append(f"{code}:{row[0]}")
            text.append(texts[key])
            number.append(int(row[1]))
            gold.append([name in found for name in TECHNIQUES])
    return Corpus(
        tuple(language),
        tuple(article),
        tuple(text),
        np.array(gold, dtype=bool).reshape(len(text), len(TECHNIQUES)),
        number=tuple(number),
        sources=sources,
        missing_text=missing,
        missing_labels=missing_labels,
    )


PTC_DATASET = Path("benchmarks") / "semeval2020_task11_ptc"
# SemEval-2020 PTC techniques and their SemEval-2023 names. Two 2020 labels
# merge several 2023 techniques ("Whataboutism,Straw_Men,Red_Herring",
# "Bandwagon,Reductio_ad_hitlerum"): which one a span is cannot be told, so
# those spans have no 2023 name.
PTC_TECHNIQUES = {
    "Loaded_Language": "Loaded_Language",
    "Name_Calling,Labeling": "Name_Calling-Labeling",
    "Repetition": "Repetition",
    "Doubt": "Doubt",
    "Exaggeration,Minimisation": "Exaggeration-Minimisation",
    "Appeal_to_fear-prejudice": "Appeal_to_Fear-Prejudice",
    "Flag-Waving": "Flag_Waving",
    "Causal_Oversimplification": "Causal_Oversimplification",
    "Appeal_to_Authority": "Appeal_to_Authority",
    "Slogans": "Slogans",
    "Black-and-White_Fallacy": "False_Dilemma-No_Choice",
    "Thought-terminating_Cliches": "Conversation_Killer",
}


def ptc_overlap(shared: Path, corpus: Corpus) -> dict[str, int]:
    """How much the SemEval-2020 PTC training labels would add to the 2023 English gold.

    Every PTC span with a 2023 name is looked up, verbatim, in the 2023
    English paragraphs of the same article; counted: spans, spans found,
    found spans whose paragraph already has the technique, and the
    (paragraph, technique) pairs PTC would add.
    """
    folder = shared / PTC_DATASET
    by_article: dict[str, list[int]] = {}
    for row, article in enumerate(corpus.article):
        if article.startswith("en:"):
            by_article.setdefault(article.removeprefix("en:"), []).append(row)
    counts = Counter[str]()
    added: set[tuple[int, int]] = set()
    texts: dict[str, str] = {}
    for label in (folder / "train-task2-TC.labels").read_text(encoding="utf-8").splitlines():
        article, technique, start, end = label.split("\t")
        name = PTC_TECHNIQUES.get(technique)
        if name is None:
            counts["spans_without_2023_name"] += 1
            continue
        if article not in texts:
            path = folder / "train-articles" / f"article{article}.txt"
            texts[article] = path.read_text(encoding="utf-8")
        span = texts[article][int(start) : int(end)].strip()
        counts["spans"] += 1
        hits = [row for row in by_article.get(article, []) if span and span in corpus.text[row]]
        if not hits:
            continue
        counts["found_in_2023_paragraph"] += 1
        column = TECHNIQUES.index(name)
        if any(corpus.gold[row, column] for row in hits):
            counts["already_labelled_in_2023"] += 1
        else:
            added.update((row, column) for row in hits)
    counts["pairs_ptc_would_add"] = len(added)
    return dict(counts)


def _encode_chunk(texts: list[str]) -> Floats:
    with threadpool_limits(1):  # one process per core already
        return encoder.encode(texts)


_VECTOR_CACHE: dict[str, Floats] = {}


def encode_corpus(
    corpus: Corpus, workers: int | None = None, cache_dir: Path | None = None
) -> Corpus:
    """``corpus`` with its USE vectors, encoded in parallel and cached for the process.

    With ``cache_dir``, vectors are also kept there as ``.npy`` files named
    by the texts' sha256 and the encoder's version, and read back next time.
    """
    key = hashlib.sha256("\x00".join(corpus.text).encode("utf-8", "surrogatepass")).hexdigest()
    cached = (
        None if cache_dir is None else cache_dir / f"use-{key[:24]}-{encoder.model_version()}.npy"
    )
    if key not in _VECTOR_CACHE and cached is not None and cached.is_file():
        _VECTOR_CACHE[key] = np.asarray(np.load(cached, allow_pickle=False), dtype=np.float32)
    if key not in _VECTOR_CACHE:
        workers = workers or min(os.cpu_count() or 1, 4)
        texts = list(corpus.text)
        if workers <= 1 or len(texts) < 1000:
            vectors = encoder.encode(texts)
        else:
            # Contiguous chunks, so the result does not depend on the worker count.
            size = -(-len(texts) // (workers * 4))
            chunks = [texts[i : i + size] for i in range(0, len(texts), size)]
            # fork: the workers need no re-import of the caller's script (spawn would).
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                vectors = np.vstack(list(pool.map(_encode_chunk, chunks)))
        _VECTOR_CACHE[key] = vectors
        if cached is not None:
            cached.parent.mkdir(parents=True, exist_ok=True)
            np.save(cached, vectors, allow_pickle=False)
    return replace(corpus, vectors=_VECTOR_CACHE[key])


def folds_by_article(corpus: Corpus, folds: int, seed: int = SEED) -> Ints:
    """Fold number of each row: each language's articles dealt out in a seeded order.

    Each language has its own generator, so a language's folds are the same
    whether or not the other languages are in ``corpus``.
    """
    assignment = np.zeros(len(corpus), dtype=np.int64)
    fold_of: dict[str, int] = {}
    for code in sorted(set(corpus.language)):
        rng = np.random.default_rng([seed, sum(code.encode("utf-8"))])
        articles = sorted(
            {a for a, lang in zip(corpus.article, corpus.language, strict=True) if lang == code}
        )
        for position, index in enumerate(rng.permutation(len(articles))):
            fold_of[articles[index]] = position % folds
    for row, name in enumerate(corpus.article):
        assignment[row] = fold_of[name]
    return assignment


def fit_vocabulary(texts: Sequence[str], settings: Settings) -> Vocabulary:
    """The ``max_terms`` most frequent terms in at least ``min_df`` texts, with smoothed IDF."""
    frequency: Counter[str] = Counter()
    for text in texts:
        frequency.update(set(terms(text)))
    kept = sorted(
        (term for term, df in frequency.items() if df >= settings.min_df),
        key=lambda term: (-frequency[term], term),
    )[: settings.max_terms]
    kept.sort()
    df = np.array([frequency[term] for term in kept], dtype=np.float32)
    idf = (np.log((1.0 + len(texts)) / (1.0 + df)) + 1.0).astype(np.float32)
    return Vocabulary.from_terms(kept, idf)


@dataclass(frozen=True)
class _Design:
    """Training matrices: dense block, one sparse block per scored language."""

    dense: Floats
    blocks: dict[str, sparse.csr_matrix]
    vocabularies: dict[str, Vocabulary]


def _design(corpus: Corpus, settings: Settings) -> _Design:
    """The dense block and, unless ``use_terms`` is off, a TF-IDF block per scored language."""
    assert corpus.vectors is not None, "encode_corpus first"
    dense = dense_features(corpus.vectors, corpus.language)
    blocks: dict[str, sparse.csr_matrix] = {}
    vocabularies: dict[str, Vocabulary] = {}
    counts = corpus.counts or count_terms(corpus).counts
    assert counts is not None
    language = np.array(corpus.language)
    for code in SCORED_LANGUAGES if settings.use_terms else ():
        rows = language == code
        if rows.any():
            vocabularies[code], columns = counts.vocabulary(rows, settings)
            block = counts.tfidf(rows, columns, vocabularies[code].idf)
            blocks[code] = block * np.float32(settings.term_scale)
    return _Design(dense, blocks, vocabularies)


def _term_block(corpus: Corpus, rows: Ints, vocabulary: Vocabulary) -> sparse.csr_matrix:
    """TF-IDF of the texts ``rows``: from the counts when they hold every term, else re-read."""
    counts = corpus.counts
    if counts is not None:
        ordered = sorted(vocabulary.index, key=vocabulary.index.__getitem__)
        columns = np.array([counts.index.get(term, -1) for term in ordered], dtype=np.int64)
        if len(columns) and columns.min() >= 0:
            part = counts.subset(rows)
            return part.tfidf(np.ones(len(rows), dtype=bool), columns, vocabulary.idf)
    return vocabulary.transform([corpus.text[i] for i in rows])


def _positive_weights(gold: Bools, settings: Settings) -> Floats:
    positives = gold.sum(axis=0).astype(np.float32)
    negatives = len(gold) - positives
    ratio = negatives / np.maximum(positives, 1.0)
    weights = np.clip(ratio**settings.positive_power, 1.0, settings.max_positive_weight)
    return np.asarray(weights, dtype=np.float32)


def fit(corpus: Corpus, settings: Settings) -> TechniqueModel:
    """Multi-label logistic regression on ``corpus`` (thresholds all 0.5; tune them apart)."""
    design = _design(corpus, settings)
    matrices: list[Any] = [design.dense, *design.blocks.values()]
    problem = _Problem(matrices, corpus.gold, _positive_weights(corpus.gold, settings), settings)
    # One BLAS thread: on a small shared machine OpenBLAS's spinning threads
    # made each evaluation several times slower, not faster.
    with threadpool_limits(1):
        result = optimize.minimize(
            problem.loss,
            problem.start(),
            jac=True,
            method="L-BFGS-B",
            options={"maxiter": settings.iterations},
        )
    parts, bias = problem.unpack(np.asarray(result.x, dtype=np.float64))
    half = np.full(len(TECHNIQUES), 0.5, dtype=np.float32)
    return TechniqueModel(
        labels=TECHNIQUES,
        dense_weights=parts[0],
        bias=bias,
        vocabularies=design.vocabularies,
        # Scaled back, so that unscaled TF-IDF rows give the logits the fit saw.
        term_weights={
            code: weights * np.float32(settings.term_scale)
            for code, weights in zip(design.blocks, parts[1:], strict=True)
        },
        thresholds=dict.fromkeys(SCORED_LANGUAGES, half),
        version="unthresholded",
    )


class _Problem:
    """Weighted multi-label log-loss with an L2 penalty, as a function of flat weights."""

    def __init__(
        self, matrices: list[Any], gold: Bools, weights: Floats, settings: Settings
    ) -> None:
        self.matrices = matrices
        self.gold = gold.astype(np.float32)
        self.labels = gold.shape[1]
        self.rows = max(gold.shape[0], 1)
        # Per cell: weight of the positive term, and of the negative term.
        self.positive = (weights * self.gold).astype(np.float32)
        self.negative = (1.0 - self.gold).astype(np.float32)
        self.l2 = settings.l2
        self.shapes = [(m.shape[1], self.labels) for m in matrices]
        self.sizes = [a * b for a, b in self.shapes]

    def start(self) -> npt.NDArray[np.float64]:
        """Zero weights, and biases at each technique's log-odds."""
        theta = np.zeros(sum(self.sizes) + self.labels, dtype=np.float64)
        prior = np.clip(self.gold.mean(axis=0), 1e-4, 1 - 1e-4)
        theta[sum(self.sizes) :] = np.log(prior / (1 - prior))
        return theta

    def unpack(self, theta: npt.NDArray[np.float64]) -> tuple[list[Floats], Floats]:
        parts: list[Floats] = []
        offset = 0
        for shape, size in zip(self.shapes, self.sizes, strict=True):
            parts.append(theta[offset : offset + size].reshape(shape).astype(np.float32))
            offset += size
        return parts, theta[offset:].astype(np.float32)

    def loss(self, theta: npt.NDArray[np.float64]) -> tuple[float, npt.NDArray[np.float64]]:
        parts, bias = self.unpack(theta)
        logits = np.broadcast_to(bias, (self.rows, self.labels)).copy()
        for matrix, weights in zip(self.matrices, parts, strict=True):
            logits += np.asarray(matrix @ weights, dtype=np.float32)
        # log(1 + e^-z) once; log(1 + e^z) is that plus z.
        softplus = np.logaddexp(np.float32(0), -logits)
        value = float(np.sum(self.positive * softplus + self.negative * (softplus + logits)))
        probability = sigmoid(logits)
        residual = (self.positive * (probability - 1) + self.negative * probability) / self.rows
        grads = [
            np.asarray(matrix.T @ residual) + self.l2 * weights
            for matrix, weights in zip(self.matrices, parts, strict=True)
        ]
        penalty = 0.5 * self.l2 * sum(float(np.sum(w * w)) for w in parts)
        flat = np.concatenate([g.ravel() for g in grads] + [residual.sum(axis=0)])
        return value / self.rows + penalty, flat.astype(np.float64)


def probabilities(model: TechniqueModel, corpus: Corpus) -> Floats:
    """The model's probabilities for every row of ``corpus``, each row in its own language."""
    assert corpus.vectors is not None, "encode_corpus first"
    out = np.zeros(corpus.gold.shape, dtype=np.float32)
    language = np.array(corpus.language)
    for code in sorted(set(corpus.language)):
        rows = np.flatnonzero(language == code)
        # A training language without its own vocabulary is read by its one-hot and USE.
        dense = dense_features(corpus.vectors[rows], [code] * len(rows))
        logits = dense @ model.dense_weights + model.bias
        if code in model.vocabularies:
            tfidf = _term_block(corpus, rows, model.vocabularies[code])
            logits = logits + np.asarray(tfidf @ model.term_weights[code], dtype=np.float32)
        out[rows] = sigmoid(np.asarray(logits, dtype=np.float32))
    return out


def tune_thresholds(probability: Floats, gold: Bools, passes: int = 2) -> Floats:
    """Per-technique thresholds that maximise micro-F1 over (paragraph, technique) pairs.

    Starts from the best single threshold, then moves one technique's
    threshold at a time to the grid value that most improves micro-F1,
    the others fixed (a technique's counts only change its own terms).
    """
    grid = THRESHOLD_GRID
    fired = probability[:, :, None] >= grid[None, None, :]  # rows x labels x grid
    true_pos = np.sum(fired & gold[:, :, None], axis=0).astype(np.float64)  # labels x grid
    predicted = np.sum(fired, axis=0).astype(np.float64)
    positives = float(gold.sum())
    micro = 2 * true_pos.sum(axis=0) / np.maximum(predicted.sum(axis=0) + positives, 1)
    choice = np.full(gold.shape[1], int(np.argmax(micro)), dtype=np.int64)
    columns = np.arange(gold.shape[1])
    for _ in range(passes):
        for label in columns:
            others = columns != label
            tp_rest = true_pos[others, choice[others]].sum()
            pred_rest = predicted[others, choice[others]].sum()
            score = (
                2
                * (tp_rest + true_pos[label])
                / np.maximum(pred_rest + predicted[label] + positives, 1)
            )
            # Ties go to the highest threshold: fewer false alarms on unseen text.
            choice[label] = len(grid) - 1 - int(np.argmax(score[::-1]))
    return grid[choice]


def _thresholds_by_language(corpus: Corpus, probability: Floats) -> dict[str, Floats]:
    language = np.array(corpus.language)
    return {
        code: tune_thresholds(probability[language == code], corpus.gold[language == code])
        for code in SCORED_LANGUAGES
        if code in corpus.language
    }


# What the fitting workers read: set before the pool forks, so the corpus
# reaches them by copy-on-write memory instead of being pickled per task.
_JOB: tuple[Corpus, Settings, Ints] | None = None
_Task = tuple[tuple[int, ...], tuple[int, ...]]  # folds left out of training, folds scored


def _fit_and_score(task: _Task) -> list[Floats]:
    """Fit without the folds ``task[0]``; probabilities on each fold of ``task[1]``."""
    assert _JOB is not None
    corpus, settings, assignment = _JOB
    left_out, scored = task
    train_rows = np.flatnonzero(~np.isin(assignment, left_out))
    model = fit(corpus.subset(train_rows), settings)
    return [
        probabilities(model, corpus.subset(np.flatnonzero(assignment == fold))) for fold in scored
    ]


def _run_fits(
    corpus: Corpus,
    settings: Settings,
    assignment: Ints,
    tasks: Sequence[_Task],
    progress: Callable[[str], None] | None,
) -> list[list[Floats]]:
    """``_fit_and_score`` of every task, on one process per core (results in task order)."""
    global _JOB
    _JOB = (corpus, settings, assignment)
    workers = min(os.cpu_count() or 1, len(tasks), 4)
    results: list[list[Floats]] = []
    try:
        if workers <= 1:
            iterator: Any = map(_fit_and_score, tasks)
            for result in iterator:
                results.append(result)
                _report(progress, len(results), len(tasks))
        else:
            # fork: the workers inherit _JOB (spawn would re-import the caller's script).
            context = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=context) as pool:
                for result in pool.map(_fit_and_score, tasks):
                    results.append(result)
                    _report(progress, len(results), len(tasks))
    finally:
        _JOB = None
    return results


def _report(progress: Callable[[str], None] | None, done: int, total: int) -> None:
    if progress is not None:
        progress(f"fitted {done}/{total}")


def train(
    corpus: Corpus,
    settings: Settings,
    folds: int = 5,
    progress: Callable[[str], None] | None = None,
) -> TechniqueModel:
    """A model fitted on all of ``corpus``, thresholds tuned on its ``folds``-fold OOF."""
    assignment = folds_by_article(corpus, folds)
    tasks: list[_Task] = [((fold,), (fold,)) for fold in range(folds)]
    probability = np.zeros(corpus.gold.shape, dtype=np.float32)
    for fold, (scores,) in enumerate(_run_fits(corpus, settings, assignment, tasks, progress)):
        probability[assignment == fold] = scores
    thresholds = _thresholds_by_language(corpus, probability)
    return replace(fit(corpus, settings), thresholds=thresholds)


@dataclass(frozen=True)
class CrossValidation:
    """Out-of-fold decisions and probabilities for every row, and the folds."""

    predicted: Bools
    probability: Floats
    folds: Ints


def cross_validate(
    corpus: Corpus,
    settings: Settings,
    folds: int = 5,
    progress: Callable[[str], None] | None = None,
) -> CrossValidation:
    """Outer ``folds``-fold CV by article; thresholds tuned only inside each training fold.

    The thresholds for outer fold k come from out-of-fold probabilities on
    the other folds j, each made by a model trained without folds k and j.
    That model serves both (k, j) and (j, k), so the nested CV costs one fit
    per pair of folds plus one per outer fold, and fold k is never seen
    before it is scored.
    """
    assignment = folds_by_article(corpus, folds)
    pairs = [(k, j) for k in range(folds) for j in range(k + 1, folds)]
    tasks: list[_Task] = [((k, j), (j, k)) for k, j in pairs]
    tasks += [((k,), (k,)) for k in range(folds)]
    results = _run_fits(corpus, settings, assignment, tasks, progress)
    # inner[k][j]: probabilities on fold j of the model trained without folds k and j.
    inner: dict[int, dict[int, Floats]] = {k: {} for k in range(folds)}
    for (k, j), (on_j, on_k) in zip(pairs, results, strict=False):
        inner[k][j], inner[j][k] = on_j, on_k
    predicted = np.zeros(corpus.gold.shape, dtype=bool)
    probability = np.zeros(corpus.gold.shape, dtype=np.float32)
    language = np.array(corpus.language)
    for k, (outer,) in enumerate(results[len(pairs) :]):
        train_rows = np.flatnonzero(assignment != k)
        train_part = corpus.subset(train_rows)
        inner_probability = np.zeros(train_part.gold.shape, dtype=np.float32)
        for j in range(folds):
            if j != k:
                inner_probability[assignment[train_rows] == j] = inner[k][j]
        thresholds = _thresholds_by_language(train_part, inner_probability)
        test_rows = np.flatnonzero(assignment == k)
        probability[test_rows] = outer
        for code in sorted(set(corpus.language)):
            rows = test_rows[language[test_rows] == code]
            cutoff = thresholds.get(code, thresholds.get("en"))
            if cutoff is not None:
                predicted[rows] = probability[rows] >= cutoff
    return CrossValidation(predicted, probability, assignment)


def default_shared() -> Path:
    """``$ONRECORD_SHARED``, else the ``shared`` folder next to the repository."""
    env = os.environ.get("ONRECORD_SHARED")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[4].parent / "shared"


def main(argv: Sequence[str] | None = None) -> int:
    """Train on all six languages and write the shipped model files."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=default_shared())
    parser.add_argument("--output", type=Path, default=MODEL_PATH)
    parser.add_argument("--cache", type=Path, default=None, help="folder to keep USE vectors in")
    args = parser.parse_args(argv)
    settings = Settings()
    loaded = load_semeval(args.shared, settings.languages)
    corpus = count_terms(encode_corpus(loaded, cache_dir=args.cache))
    print(f"training on {len(corpus)} paragraphs ({', '.join(settings.languages)})")
    model = train(corpus, settings, progress=print)
    metadata = {
        "model_version": args.output.stem,
        "task": "SemEval-2023 Task 3 subtask 3 (paragraph-level persuasion techniques)",
        "encoder": encoder.model_version(),
        "training_files_sha256": corpus.sources,
        "training_paragraphs": Counter(corpus.language),
        "gold_paragraphs_without_text": corpus.missing_text,
        "hyperparameters": settings.as_dict(),
        "seed": SEED,
        "thresholds": {
            code: dict(zip(TECHNIQUES, values.tolist(), strict=True))
            for code, values in model.thresholds.items()
        },
    }
    write_model(args.output, model, metadata)
    size = args.output.stat().st_size + args.output.with_suffix(".json").stat().st_size
    print(f"wrote {args.output} and its .json ({size / 1e6:.2f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
