"""Evaluate the check-worthiness model under the official CheckThat! protocols.

Run ``python eval/checkworthiness.py [--shared PATH] [--select] [--no-claimbuster]``.
The model is the shipped one's code (``onrecord.enrich.claims`` features,
``onrecord.enrich.training.checkworthiness`` fit), retrained per protocol:

* CheckThat! 2019 Task 1: train on the 2019 training split only (it holds
  2018's data), score every line of the 7 test transcripts;
* CheckThat! 2021 Task 1B: train on the 2021 training split only, score the
  9 dev transcripts (the test split is kept aside);
* extra data (not an official protocol, labelled as such): 2019 train plus
  ClaimBuster's crowdsourced sentences, on the 2019 test;
* a cross-lingual sanity check of the shipped model on kremlin.ru pages in
  Russian and English (no gold; see :func:`crosslingual_check`), and the
  share of kremlin_en dev speech sentences it labels (:func:`kremlin_share`);
* ClaimBuster: train on crowdsourced.csv without the sentences that are also
  in groundtruth.csv, threshold by cross-validation on crowdsourced, F1 of
  the check-worthy class (CFS) on groundtruth.csv.

Ranking metrics follow the official scorer (``scorer/main.py`` of the 2019
task, the same formulas in 2021): per transcript, lines ranked by score,
ties kept in line order (a stable sort); Average Precision = the sum of the
precision at each check-worthy line divided by the number of check-worthy
lines; R-Precision = precision at R, the number of check-worthy lines;
reciprocal rank of the first; P@k = check-worthy lines in the top k over k.
Each is averaged over transcripts; MAP is the headline. ``--select`` also
runs the cross-validated choice of C on each training split (never the
test set) and records it. Figures go to ``eval/results/checkworthiness.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from onrecord.enrich.training.checkworthiness import (
    HYPERPARAMETERS,
    Transcript,
    best_f1_threshold,
    cross_validated_scores,
    design,
    fit,
    read_checkthat_folder,
    read_claimbuster,
    sample_weights,
    shared_folder,
)

REPO = Path(__file__).resolve().parent.parent
RESULTS = REPO / "eval" / "results" / "checkworthiness.json"
CUTOFFS = (1, 3, 5, 10, 20, 30, 50)
C_GRID = (3e-5, 1e-4, 3e-4, 1e-3)
WINNER_2019 = 0.1660  # Copenhagen, primary run, CheckThat! 2019 Task 1 (official results)
BEST_2021 = 0.402  # Fight for 4230, 2021 Task 1B, on the test set (not comparable to dev)


def transcript_metrics(labels: npt.NDArray[np.int8], scores: npt.NDArray[Any]) -> dict[str, float]:
    """The official scorer's figures for one transcript."""
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    ranked = labels[order] == 1
    hits = np.cumsum(ranked)
    positives = int(ranked.sum())
    ranks = np.nonzero(ranked)[0] + 1
    figures = {
        "ap": float((hits[ranked] / ranks).sum() / positives) if positives else 0.0,
        "rr": float(1.0 / ranks[0]) if positives else 0.0,
        "r_precision": float(hits[positives - 1] / positives) if positives else 0.0,
    }
    for k in CUTOFFS:
        figures[f"p@{k}"] = float(hits[min(k, len(hits)) - 1] / k) if len(hits) else 0.0
    return figures


def mean_metrics(
    labels: npt.NDArray[np.int8], scores: npt.NDArray[Any], groups: npt.NDArray[np.int64]
) -> dict[str, float]:
    """Each figure averaged over the transcripts numbered in ``groups``; AP's mean is MAP."""
    per = [transcript_metrics(labels[groups == g], scores[groups == g]) for g in np.unique(groups)]
    means = {key: float(np.mean([p[key] for p in per])) for key in per[0]}
    means["map"] = means.pop("ap")
    return means


def _select_c(
    features: npt.NDArray[np.float32],
    labels: npt.NDArray[np.int8],
    groups: npt.NDArray[np.int64],
    weights: npt.NDArray[np.float64] | None = None,
) -> dict[str, Any]:
    """Cross-validated MAP on the training split for every C of the grid, and the best C."""
    maps = {
        str(c): mean_metrics(
            labels, cross_validated_scores(features, labels, groups, weights, c=c), groups
        )["map"]
        for c in C_GRID
    }
    return {"cv_map": maps, "best_c": float(max(maps, key=lambda c: maps[c]))}


def ranking_protocol(
    train: Sequence[Transcript],
    test: Sequence[Transcript],
    extra: Sequence[Transcript] = (),
    select: bool = False,
) -> dict[str, Any]:
    """Train on ``train`` (+ ``extra``), score ``test``; the mean and per-transcript figures."""
    features, labels, groups = design([*train, *extra])
    weights = sample_weights(train, extra) if extra else None
    result: dict[str, Any] = {}
    c = float(HYPERPARAMETERS["C"])
    if select:
        result["selection"] = _select_c(features, labels, groups, weights)
        c = result["selection"]["best_c"]
    model = fit(features, labels, weights, c=c)
    test_features, test_labels, _ = design(test)
    # Scored per transcript, whatever event it shares with another.
    test_groups = np.repeat(np.arange(len(test)), [len(t.texts) for t in test])
    scores = model.scores(test_features)
    result.update(
        {
            "C": c,
            "train_transcripts": len(train) + len(extra),
            "test_transcripts": len(test),
            "test_sentences": len(test_labels),
            "test_positives": int(test_labels.sum()),
            "mean": mean_metrics(test_labels, scores, test_groups),
            "per_transcript": {
                t.name: transcript_metrics(test_labels[test_groups == i], scores[test_groups == i])
                for i, t in enumerate(test)
            },
        }
    )
    return result


def claimbuster_protocol(folder: Path) -> dict[str, Any]:
    """Train on crowdsourced.csv (ground-truth sentences removed), F1 of CFS on groundtruth.csv."""
    truth = read_claimbuster(folder / "groundtruth.csv")
    train = read_claimbuster(
        folder / "crowdsourced.csv", exclude=[s for t in truth for s in t.texts]
    )
    features, labels, groups = design(train)
    threshold, cv_f1 = best_f1_threshold(cross_validated_scores(features, labels, groups), labels)
    model = fit(features, labels)
    test_features, test_labels, _ = design(truth)
    predicted = model.scores(test_features) >= threshold
    gold = test_labels == 1
    true_positives = int((predicted & gold).sum())
    precision = true_positives / max(int(predicted.sum()), 1)
    recall = true_positives / max(int(gold.sum()), 1)
    return {
        "train_sentences": len(labels),
        "test_sentences": len(test_labels),
        "threshold": threshold,
        "cv_f1": cv_f1,
        "precision": precision,
        "recall": recall,
        "f1": 2 * precision * recall / max(precision + recall, 1e-12),
    }


def _sentences(document: Any) -> list[str]:
    from onrecord.enrich.sentence_enricher import SentenceEnricher

    return [document.text[a.start : a.end] for a in SentenceEnricher().annotate(document, [])]


def crosslingual_check(corpus: Path) -> dict[str, Any]:
    """The shipped model on Russian pages and their English versions (kremlin.ru pairs).

    No gold: a sanity check that Russian scores behave like English ones.
    Sentences of a pair are aligned by mutual best USE similarity (> 0.7)
    and their scores compared by Spearman correlation; every sentence is
    scored (the pages are addresses the parser reads as narration).
    """
    from scipy.stats import spearmanr

    from onrecord import parse_path
    from onrecord.enrich.claims import feature_matrix, load_model
    from onrecord.enrich.encoder import encode

    model = load_model()
    russian = {document.id: document for document in parse_path(corpus / "kremlin_ru_dev.jsonl")}
    lines = (corpus / "kremlin_ru_en_pairs.jsonl").read_text(encoding="utf-8").splitlines()
    pairs = [json.loads(line) for line in lines if line.strip()]
    ru_scores: list[float] = []
    en_scores: list[float] = []
    aligned: list[tuple[float, float]] = []
    for pair in pairs:
        html = corpus / "pairs_en_html" / f"{pair['id_en'].rsplit('-', 1)[-1]}.html"
        if pair["id_ru"] not in russian or not html.is_file():
            continue
        texts = [_sentences(russian[pair["id_ru"]]), _sentences(next(iter(parse_path(html))))]
        vectors = [encode(t) for t in texts]
        scores = [
            model.scores(feature_matrix(t, [i == 0 for i in range(len(t))], v))
            for t, v in zip(texts, vectors, strict=True)
        ]
        similarity = vectors[0] @ vectors[1].T
        if not similarity.size:
            continue
        best_en, best_ru = similarity.argmax(axis=1), similarity.argmax(axis=0)
        for i, j in enumerate(best_en):
            if best_ru[j] == i and similarity[i, j] > 0.7:
                aligned.append((float(scores[0][i]), float(scores[1][j])))
        ru_scores.extend(map(float, scores[0]))
        en_scores.extend(map(float, scores[1]))
    pooled = np.array(aligned) if aligned else np.zeros((0, 2))
    return {
        "pairs": len(pairs),
        "aligned_sentences": len(aligned),
        "spearman_aligned": float(spearmanr(pooled[:, 0], pooled[:, 1]).statistic)
        if len(aligned) > 2
        else None,
        "mean_score_ru": float(np.mean(ru_scores)) if ru_scores else None,
        "mean_score_en": float(np.mean(en_scores)) if en_scores else None,
        "check_worthy_share_ru": float(np.mean(np.array(ru_scores) >= model.threshold))
        if ru_scores
        else None,
        "check_worthy_share_en": float(np.mean(np.array(en_scores) >= model.threshold))
        if en_scores
        else None,
    }


def kremlin_share(corpus: Path) -> dict[str, Any]:
    """What share of the speech sentences of kremlin_en the shipped model labels check-worthy.

    No gold: it shows how the label threshold (chosen on debates) transfers
    to the transcripts the tool is for. Sentences and turns as the enricher
    sees them (speech turns only).
    """
    from onrecord import parse_path
    from onrecord.enrich.claims import _speech_sentences, feature_matrix, load_model
    from onrecord.enrich.sentence_enricher import SentenceEnricher
    from onrecord.enrich.training.checkworthiness import cached_vectors

    model = load_model()
    texts: list[str] = []
    opens: list[bool] = []
    documents: list[int] = []
    for number, document in enumerate(parse_path(corpus)):
        chosen, flags = _speech_sentences(document, SentenceEnricher().annotate(document, []))
        texts.extend(document.text[s.start : s.end] for s in chosen)
        opens.extend(flags)
        documents.extend([number] * len(chosen))
    scores = model.scores(feature_matrix(texts, opens, cached_vectors(texts)))
    labelled = scores >= model.threshold
    owner = np.array(documents, dtype=np.int64)
    return {
        "threshold": model.threshold,
        "documents_with_speech": len(set(documents)),
        "speech_sentences": len(texts),
        "check_worthy_share": float(labelled.mean()) if texts else None,
        "documents_with_a_check_worthy_sentence": float(
            np.mean([labelled[owner == d].any() for d in np.unique(owner)])
        )
        if texts
        else None,
    }


def evaluate(
    shared: Path | None = None,
    select: bool = False,
    claimbuster: bool = True,
    crosslingual: bool = True,
) -> dict[str, Any]:
    """Every protocol's figures (see the module docstring), as a JSON-ready dict."""
    benchmarks = shared_folder(shared) / "benchmarks"
    started = time.perf_counter()
    ct19 = benchmarks / "checkthat2019_task1_en"
    ct21 = benchmarks / "checkthat2021_task1b_en"
    train19 = read_checkthat_folder(ct19 / "train")
    test19 = read_checkthat_folder(ct19 / "test")
    results: dict[str, Any] = {
        "metric": "official CheckThat! scorer formulas, averaged over transcripts",
        "hyperparameters": HYPERPARAMETERS,
        "checkthat2019": ranking_protocol(train19, test19, select=select),
        "checkthat2021_1b_dev": ranking_protocol(
            read_checkthat_folder(ct21 / "train"),
            read_checkthat_folder(ct21 / "dev"),
            select=select,
        ),
        "reference": {
            "checkthat2019_winner_map": WINNER_2019,
            "checkthat2021_best_test": BEST_2021,
        },
    }
    if claimbuster:
        folder = benchmarks / "claimbuster"
        truth = read_claimbuster(folder / "groundtruth.csv")
        extra = read_claimbuster(
            folder / "crowdsourced.csv", exclude=[s for t in truth for s in t.texts]
        )
        results["extra_data_checkthat2019"] = {
            "note": "NOT the official protocol: 2019 train + ClaimBuster crowdsourced",
            **ranking_protocol(train19, test19, extra=extra),
        }
        results["claimbuster_groundtruth"] = claimbuster_protocol(folder)
    corpus = shared_folder(shared) / "corpora" / "kremlin_ru"
    if crosslingual and (corpus / "kremlin_ru_en_pairs.jsonl").is_file():
        results["crosslingual_kremlin_pairs"] = crosslingual_check(corpus)
    kremlin_en = shared_folder(shared) / "corpora" / "kremlin_en" / "kremlin_en_dev.jsonl"
    if crosslingual and kremlin_en.is_file():
        results["kremlin_en_labelled"] = kremlin_share(kremlin_en)
    results["seconds"] = round(time.perf_counter() - started, 1)
    return results


def _row(name: str, figures: dict[str, float]) -> str:
    cells = [figures["map"], figures["r_precision"], figures["rr"]]
    cells += [figures[f"p@{k}"] for k in (1, 3, 5, 10, 20, 50)]
    return f"{name:<40}" + "".join(f"{value:>8.4f}" for value in cells)


def report(results: dict[str, Any]) -> str:
    """A readable table of the headline figures."""
    header = f"{'protocol':<40}" + "".join(
        f"{h:>8}" for h in ("MAP", "R-P", "RR", "P@1", "P@3", "P@5", "P@10", "P@20", "P@50")
    )
    lines = [header, "-" * len(header)]
    lines.append(_row("CT2019 test (train: CT2019 train)", results["checkthat2019"]["mean"]))
    if "extra_data_checkthat2019" in results:
        lines.append(
            _row(
                "CT2019 test, EXTRA DATA (+ClaimBuster)",
                results["extra_data_checkthat2019"]["mean"],
            )
        )
    lines.append(
        _row("CT2021 1B dev (train: CT2021 train)", results["checkthat2021_1b_dev"]["mean"])
    )
    lines.append(f"CT2019 winner (Copenhagen, primary): MAP {WINNER_2019:.4f}")
    if "claimbuster_groundtruth" in results:
        cb = results["claimbuster_groundtruth"]
        lines.append(
            f"ClaimBuster groundtruth CFS: P {cb['precision']:.4f}  R {cb['recall']:.4f}  "
            f"F1 {cb['f1']:.4f} (threshold {cb['threshold']:.4f} from CV on crowdsourced)"
        )
    if "crosslingual_kremlin_pairs" in results:
        pairs = results["crosslingual_kremlin_pairs"]
        lines.append(
            f"Shipped model, RU/EN kremlin.ru pairs: {pairs['aligned_sentences']} aligned "
            f"sentences, Spearman {pairs['spearman_aligned']:.3f}; mean score RU "
            f"{pairs['mean_score_ru']:.4f} / EN {pairs['mean_score_en']:.4f}"
        )
    if "kremlin_en_labelled" in results:
        share = results["kremlin_en_labelled"]
        lines.append(
            f"Shipped model on kremlin_en dev: {share['check_worthy_share']:.4f} of "
            f"{share['speech_sentences']} speech sentences labelled check-worthy "
            f"(threshold {share['threshold']:.4f})"
        )
    lines.append(f"({results['seconds']} s)")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: evaluate, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--shared", type=Path, help="the shared data folder (default: ../shared)")
    parser.add_argument("--select", action="store_true", help="also cross-validate C per split")
    parser.add_argument("--no-claimbuster", action="store_true", help="skip the ClaimBuster rows")
    args = parser.parse_args(argv)
    if not (shared_folder(args.shared) / "benchmarks").is_dir():
        print("no benchmarks folder: pass --shared or set ONRECORD_SHARED", file=sys.stderr)
        return 2
    results = evaluate(args.shared, select=args.select, claimbuster=not args.no_claimbuster)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(report(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
