"""How well the shipped check-worthiness model ranks sentences of Kremlin transcripts.

Run ``python eval/checkworthiness_kremlin.py [--shared PATH] [--no-alternatives]``.
Figures go to ``eval/results/checkworthiness_kremlin.json``.

Gold: ``eval/gold/checkworthiness_kremlin.jsonl``, 275 sentences hand-labelled
in 25 blocks of 11 consecutive speech-turn sentences, one block per document of
``corpora/kremlin_en/kremlin_en_dev.jsonl``. Sampling (seed 20261201): documents
shuffled within each ``kind`` (meeting, press_conference, interview, speech,
address, other), taken round-robin over the kinds, skipping any with fewer than
12 speech sentences; in each, 11 consecutive sentences from a random position
(sentences and speech turns exactly as ``ClaimEnricher`` sees them:
``SentenceEnricher`` spans inside speech turns). One line per sentence:
``{doc_id, kind, start, end, text, label, note}``, where ``text ==
document.text[start:end]`` (checked on load). Labels were written by hand,
reading each block in order, before any model score was looked at; one label
was changed afterwards, on re-reading the paragraph before its block (an
interview sentence whose "they" are two named ministers, 0 -> 1; its note
says so).

Guideline (CheckThat! check-worthiness, applied to Kremlin speech):

* 1 = the sentence contains a factual claim that could be verified and that
  the general public would want verified: figures (money, percentages, counts,
  ranks), events that happened, causes, comparisons and superlatives ("the
  youngest plant", "unprecedented rate", "exceeding Canadian varieties"),
  historical claims, and statements about what a named person or body did
  or said ("Donald [Trump] told me ... $738 billion", "I raised this issue
  in my Address in 2015").
* 0 = opinions and evaluations, courtesies, thanks and congratulations,
  questions, promises, intentions and priorities ("we must", "we will"),
  procedural talk ("let me note", "we discussed"), vague generalities and
  diplomatic formulas ("our positions are close or identical"), fragments.

Borderline rules, applied throughout (each such sentence carries a ``note``):

* Scheduled future events and arrangements ("X will co-chair the forum",
  "the summit will be held in Dushanbe this June") are announcements: 0.
* "We agreed to do X" is an intention: 0; "we have sent invitations",
  "companies have achieved agreements" report a done act: 1.
* A factual subordinate clause inside an opinion counts only when it carries
  the sentence (an imperative resting on "Since the Interior Ministry has
  taken over the functions of the Federal Drug Control Service": 1; an
  opinion mentioning in passing the UK's decision to leave the EU: 0).
* Claims of no public interest stay 0 even when checkable (a count of the
  ambassadors present, one farm's practice); a figure backing a claim about a
  product or policy is 1 (a crop variety's yield per hectare).
* Vague trend words without anything measurable ("agriculture performed
  particularly well", "the city's appearance has been transformed") are 0;
  a named measurable trend ("the economy is growing steadily", "synthetic
  drug trafficking continues to expand") is 1.
* A speaker's account of his own conduct that the public cares about ("I never
  call judges") is 1; his feelings, memories and characterisations are 0.

This gold is broader than CheckThat!'s (which marks only the claims one
outlet's fact-checkers chose, about 1 line in 40): 54 of 275 here (20%),
in 22 of the 25 blocks; 18 sentences are marked ``borderline`` in their note,
and every MAP is also given with those left out (``map_without_borderline``).
Ranking metrics are therefore the point, not the label's precision.

Scoring: ``ClaimEnricher().annotate`` on the whole document with the
``SentenceEnricher`` sentences (so the neighbour context and the
turn-opening cue are as in production), then the labelled spans picked out.
Metrics per block, as the official CheckThat! scorer computes them per
transcript (lines ranked by score, ties in reading order): Average
Precision, R-Precision, P@3; MAP and the others are means over the blocks
with at least one check-worthy sentence. Also ROC-AUC over all 275
sentences, the share the model labels ``check-worthy`` against the gold
rate, and precision/recall of that label. Random baseline: each block's
order shuffled (1000 seeded shuffles), metrics averaged. In blocks of 11 the
expected AP of a random order is well above the block's positive rate (about
0.38 against 0.22 here), so the rate alone would flatter the model. A 95%
bootstrap interval over blocks (seeded) goes with MAP.

Alternatives (``--no-alternatives`` skips them): models refitted with
``onrecord.enrich.training.checkworthiness.fit`` on the shipped feature code
(``feature_matrix``), shipped hyperparameters, scored on the same features:
CheckThat! 2019 train only; 2019+2020+2021 train (the shipped recipe, which
must reproduce the shipped scores); that plus ClaimBuster crowdsourced at
weight 0.3 (``sample_weights``); ClaimBuster crowdsourced alone. Each gets
MAP, a bootstrap interval and a paired bootstrap of its MAP minus the
shipped model's over blocks.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parent.parent
GOLD = REPO / "eval" / "gold" / "checkworthiness_kremlin.jsonl"
RESULTS = REPO / "eval" / "results" / "checkworthiness_kremlin.json"
CORPUS = Path("corpora") / "kremlin_en" / "kremlin_en_dev.jsonl"
SHUFFLES = 1000
BOOTSTRAP = 2000
SEED = 20261201
FloatArray = npt.NDArray[np.float64]


def read_gold(path: Path = GOLD) -> list[dict[str, Any]]:
    """The labelled sentences, in file order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def blocks_of(gold: Sequence[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Labelled sentences by document, in reading order."""
    blocks: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in gold:
        blocks[row["doc_id"]].append(row)
    return {doc: sorted(rows, key=lambda r: r["start"]) for doc, rows in blocks.items()}


def average_precision(labels: Sequence[int], scores: Sequence[float]) -> float:
    """Official CheckThat! AP: ranked by score, ties in given order."""
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    ranked = np.asarray(labels)[order]
    positives = int(ranked.sum())
    if positives == 0:
        return 0.0
    hits = np.cumsum(ranked)
    return float((hits / np.arange(1, len(ranked) + 1))[ranked == 1].sum() / positives)


def precision_at(labels: Sequence[int], scores: Sequence[float], k: int) -> float:
    """Check-worthy sentences among the top ``k`` over ``k``."""
    order = np.argsort(-np.asarray(scores, dtype=np.float64), kind="stable")
    return float(np.asarray(labels)[order][:k].sum() / k)


def block_metrics(labels: Sequence[int], scores: Sequence[float]) -> dict[str, float]:
    """AP, R-Precision and P@3 of one block."""
    positives = int(sum(labels))
    return {
        "ap": average_precision(labels, scores),
        "r_precision": precision_at(labels, scores, positives) if positives else 0.0,
        "p@3": precision_at(labels, scores, 3),
    }


def ranking_summary(blocks: dict[str, list[int]], scores: dict[str, list[float]]) -> dict[str, Any]:
    """Mean block metrics over the blocks with a check-worthy sentence, and each block's AP."""
    per_block = {
        doc: block_metrics(labels, scores[doc]) for doc, labels in blocks.items() if sum(labels)
    }
    keys = ("ap", "r_precision", "p@3")
    means = {key: float(np.mean([m[key] for m in per_block.values()])) for key in keys}
    return {
        "map": means["ap"],
        "r_precision": means["r_precision"],
        "p@3": means["p@3"],
        "ap_by_block": {doc: m["ap"] for doc, m in per_block.items()},
    }


def random_baseline(blocks: dict[str, list[int]], shuffles: int = SHUFFLES) -> dict[str, float]:
    """Block metrics of random orders, averaged over seeded shuffles."""
    rng = np.random.default_rng(SEED)
    totals = {"map": 0.0, "r_precision": 0.0, "p@3": 0.0}
    for _ in range(shuffles):
        scores = {doc: list(rng.random(len(labels))) for doc, labels in blocks.items()}
        summary = ranking_summary(blocks, scores)
        for key in totals:
            totals[key] += summary[key] / shuffles
    rates = [sum(labels) / len(labels) for labels in blocks.values() if sum(labels)]
    return {**totals, "mean_positive_rate": float(np.mean(rates))}


def random_baseline_by_block(
    blocks: dict[str, list[int]], shuffles: int = SHUFFLES
) -> dict[str, float]:
    """Each block's AP under random orders, averaged over seeded shuffles."""
    rng = np.random.default_rng(SEED)
    totals = dict.fromkeys(blocks, 0.0)
    for _ in range(shuffles):
        for doc, labels in blocks.items():
            totals[doc] += average_precision(labels, list(rng.random(len(labels)))) / shuffles
    return totals


def bootstrap_interval(values: Sequence[float], draws: int = BOOTSTRAP) -> list[float]:
    """A 95% percentile interval of the mean, blocks resampled (seeded)."""
    array = np.asarray(values, dtype=np.float64)
    rng = np.random.default_rng(SEED)
    means = array[rng.integers(0, len(array), size=(draws, len(array)))].mean(axis=1)
    return [round(float(np.percentile(means, 2.5)), 4), round(float(np.percentile(means, 97.5)), 4)]


def roc_auc(labels: Sequence[int], scores: Sequence[float]) -> float:
    """ROC-AUC over all sentences (ties count a half)."""
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(np.asarray(labels), np.asarray(scores, dtype=np.float64)))


def score_documents(
    gold: Sequence[dict[str, Any]], corpus: Path
) -> tuple[dict[str, dict[tuple[int, int], tuple[float, str]]], dict[str, Any]]:
    """Shipped ``ClaimEnricher`` score and label of every labelled span, and each
    gold document's speech sentences and turn-opening flags (for refitted models)."""
    from onrecord import parse_path
    from onrecord.enrich.claims import ClaimEnricher, _speech_sentences
    from onrecord.enrich.sentence_enricher import SentenceEnricher

    wanted = {row["doc_id"] for row in gold}
    shipped: dict[str, dict[tuple[int, int], tuple[float, str]]] = {}
    speech: dict[str, Any] = {}
    for document in parse_path(corpus):
        if document.id not in wanted:
            continue
        sentences = SentenceEnricher().annotate(document, [])
        claims = ClaimEnricher().annotate(document, sentences)
        shipped[document.id] = {
            (a.start, a.end): (float((a.value or {})["score"]), a.label or "") for a in claims
        }
        chosen, opens = _speech_sentences(document, sentences)
        speech[document.id] = {
            "spans": [(s.start, s.end) for s in chosen],
            "texts": [document.text[s.start : s.end] for s in chosen],
            "opens": opens,
        }
        for row in gold:
            if row["doc_id"] == document.id:
                text = document.text[row["start"] : row["end"]]
                if text != row["text"]:
                    raise ValueError(f"gold span {row['doc_id']}:{row['start']} is stale")
    missing = wanted - shipped.keys()
    if missing:
        raise ValueError(f"gold documents not in the corpus: {sorted(missing)}")
    return shipped, speech


def shipped_results(
    gold: Sequence[dict[str, Any]], shipped: dict[str, dict[tuple[int, int], tuple[float, str]]]
) -> dict[str, Any]:
    """Every figure of the shipped model on the gold, with the random baseline."""
    blocks = blocks_of(gold)
    labels = {doc: [int(r["label"]) for r in rows] for doc, rows in blocks.items()}
    scores = {
        doc: [shipped[doc][(r["start"], r["end"])][0] for r in rows] for doc, rows in blocks.items()
    }
    flagged = [
        shipped[doc][(r["start"], r["end"])][1] == "check-worthy"
        for doc, rows in blocks.items()
        for r in rows
    ]
    all_labels = [label for doc in blocks for label in labels[doc]]
    all_scores = [score for doc in blocks for score in scores[doc]]
    summary = ranking_summary(labels, scores)
    random_ap = random_baseline_by_block(labels)
    kinds = {doc: rows[0]["kind"] for doc, rows in blocks.items()}
    by_kind = [
        (
            kind,
            [ap for doc, ap in summary["ap_by_block"].items() if kinds[doc] == kind],
            [random_ap[doc] for doc in summary["ap_by_block"] if kinds[doc] == kind],
        )
        for kind in sorted(set(kinds.values()))
    ]
    firm = {
        doc: [not r["note"].startswith("borderline") for r in rows] for doc, rows in blocks.items()
    }
    firm_labels = {d: [v for v, k in zip(labels[d], firm[d], strict=True) if k] for d in blocks}
    firm_scores = {d: [v for v, k in zip(scores[d], firm[d], strict=True) if k] for d in blocks}
    hits = sum(f and y == 1 for f, y in zip(flagged, all_labels, strict=True))
    return {
        "ranking": {
            **{k: round(v, 4) for k, v in summary.items() if k != "ap_by_block"},
            "map_95ci": bootstrap_interval(list(summary["ap_by_block"].values())),
            "roc_auc": round(roc_auc(all_labels, all_scores), 4),
        },
        "random_baseline": {k: round(v, 4) for k, v in random_baseline(labels).items()},
        "label": {
            "gold_positive_rate": round(sum(all_labels) / len(all_labels), 4),
            "model_check_worthy_share": round(sum(flagged) / len(flagged), 4),
            "precision": round(hits / max(sum(flagged), 1), 4),
            "recall": round(hits / max(sum(all_labels), 1), 4),
        },
        "map_by_kind": {
            kind: {
                "blocks": len(aps),
                "map": round(float(np.mean(aps)), 4),
                "random": round(float(np.mean(random_aps)), 4),
            }
            for kind, aps, random_aps in by_kind
        },
        "map_without_borderline": round(ranking_summary(firm_labels, firm_scores)["map"], 4),
        "ap_by_block": {doc: round(v, 4) for doc, v in summary["ap_by_block"].items()},
    }


def worst_misses(
    gold: Sequence[dict[str, Any]],
    shipped: dict[str, dict[tuple[int, int], tuple[float, str]]],
    count: int = 5,
) -> dict[str, list[dict[str, Any]]]:
    """The worst-ranked sentences of each class, by how many sentences of the other
    class in the same block the model puts on the wrong side of them (then by score)."""
    rows = []
    for doc, block in blocks_of(gold).items():
        scores = [shipped[doc][(r["start"], r["end"])][0] for r in block]
        order = np.argsort(-np.asarray(scores), kind="stable")
        rank = {int(i): position + 1 for position, i in enumerate(order)}
        for i, r in enumerate(block):
            # How many sentences of the other class the model puts on the wrong side of it.
            wrong = sum(
                1
                for j, other in enumerate(block)
                if other["label"] != r["label"]
                and (rank[j] < rank[i] if r["label"] == 1 else rank[j] > rank[i])
            )
            rows.append((r, scores[i], rank[i], len(block), wrong))

    def item(entry: tuple[dict[str, Any], float, int, int, int]) -> dict[str, Any]:
        r, score, rank, size, wrong = entry
        return {
            "doc_id": r["doc_id"],
            "text": r["text"],
            "score": score,
            "rank_in_block": f"{rank}/{size}",
            "misordered_against": wrong,
        }

    missed = sorted((e for e in rows if e[0]["label"] == 1), key=lambda e: (-e[4], e[1]))
    false = sorted((e for e in rows if e[0]["label"] == 0), key=lambda e: (-e[4], -e[1]))
    return {
        "check_worthy_scored_lowest": [item(e) for e in missed[:count]],
        "not_check_worthy_scored_highest": [item(e) for e in false[:count]],
    }


def alternatives(
    gold: Sequence[dict[str, Any]],
    speech: dict[str, Any],
    shared: Path,
) -> dict[str, Any]:
    """MAP on the gold of models refitted on other training data (shipped features and fit)."""
    from onrecord.enrich.claims import feature_matrix, load_model
    from onrecord.enrich.training.checkworthiness import (
        design,
        fit,
        read_checkthat_folder,
        read_claimbuster,
        sample_weights,
    )

    benchmarks = shared / "benchmarks"
    ct2019 = read_checkthat_folder(benchmarks / "checkthat2019_task1_en" / "train")
    ct2020 = read_checkthat_folder(benchmarks / "checkthat2020_task5_en" / "train")
    ct2021 = read_checkthat_folder(benchmarks / "checkthat2021_task1b_en" / "train")
    folder = benchmarks / "claimbuster"
    truth = read_claimbuster(folder / "groundtruth.csv")
    # Ground-truth sentences left out as in eval/checkworthiness.py (same cached vectors).
    crowd = read_claimbuster(
        folder / "crowdsourced.csv", exclude=[s for t in truth for s in t.texts]
    )
    checkthat = [*ct2019, *ct2020, *ct2021]
    recipes: dict[str, tuple[list[Any], Any]] = {
        "ct2019_train": (ct2019, None),
        "ct2019_2020_2021_train (shipped recipe)": (checkthat, None),
        "ct2019_2020_2021_train + claimbuster_crowdsourced (w=0.3)": (
            [*checkthat, *crowd],
            sample_weights(checkthat, crowd),
        ),
        "claimbuster_crowdsourced only": (crowd, None),
    }
    blocks = blocks_of(gold)
    labels = {doc: [int(r["label"]) for r in rows] for doc, rows in blocks.items()}
    features = {doc: feature_matrix(item["texts"], item["opens"]) for doc, item in speech.items()}
    position = {
        doc: {span: i for i, span in enumerate(item["spans"])} for doc, item in speech.items()
    }

    def gold_scores(model: Any) -> dict[str, list[float]]:
        out = {}
        for doc, rows in blocks.items():
            all_scores = model.scores(features[doc])
            out[doc] = [float(all_scores[position[doc][(r["start"], r["end"])]]) for r in rows]
        return out

    reference = gold_scores(load_model())
    all_labels = [v for d in blocks for v in labels[d]]
    firm = {
        doc: [not r["note"].startswith("borderline") for r in rows] for doc, rows in blocks.items()
    }

    def without_borderline(values: dict[str, list[Any]]) -> dict[str, list[Any]]:
        return {d: [v for v, keep in zip(values[d], firm[d], strict=True) if keep] for d in values}

    firm_labels = without_borderline(labels)
    docs = sorted(d for d in blocks if sum(labels[d]))
    rng = np.random.default_rng(SEED)
    draws = rng.integers(0, len(docs), size=(BOOTSTRAP, len(docs)))
    reference_summary = ranking_summary(labels, reference)
    base = np.array([reference_summary["ap_by_block"][d] for d in docs])
    results: dict[str, Any] = {
        "_comment": (
            "refitted with the shipped fit() and feature_matrix(); compared with the shipped "
            "model's unrounded scores (the enricher rounds scores to 4 places, which ties "
            "low scores; ties go in reading order)"
        ),
        "shipped model, unrounded scores": {
            "map": round(reference_summary["map"], 4),
            "map_without_borderline": round(
                ranking_summary(firm_labels, without_borderline(reference))["map"], 4
            ),
        },
    }
    for name, (transcripts, weights) in recipes.items():
        started = time.time()
        x, y, _ = design(transcripts)
        model = fit(x, y, weights)
        scores = gold_scores(model)
        summary = ranking_summary(labels, scores)
        aps = np.array([summary["ap_by_block"][d] for d in docs])
        differences = (aps - base)[draws].mean(axis=1)
        all_scores = [v for d in blocks for v in scores[d]]
        results[name] = {
            "sentences": len(y),
            "positives": int(y.sum()),
            "map": round(summary["map"], 4),
            "map_95ci": bootstrap_interval(list(aps)),
            "r_precision": round(summary["r_precision"], 4),
            "p@3": round(summary["p@3"], 4),
            "roc_auc": round(roc_auc(all_labels, all_scores), 4),
            "map_without_borderline": round(
                ranking_summary(firm_labels, without_borderline(scores))["map"], 4
            ),
            "map_minus_shipped": round(float((aps - base).mean()), 4),
            "map_minus_shipped_95ci": [
                round(float(np.percentile(differences, 2.5)), 4),
                round(float(np.percentile(differences, 97.5)), 4),
            ],
            "blocks_better_worse_than_shipped": [
                int((aps > base + 1e-9).sum()),
                int((aps < base - 1e-9).sum()),
            ],
            "max_abs_score_difference_from_shipped": round(
                max(
                    abs(a - b) for d in blocks for a, b in zip(scores[d], reference[d], strict=True)
                ),
                6,
            ),
            "seconds": round(time.time() - started, 1),
        }
        print(f"  {name}: MAP {summary['map']:.3f}", file=sys.stderr)
    return results


def evaluate(shared: Path, with_alternatives: bool = True) -> dict[str, Any]:
    """All figures, as written to the results file."""
    from onrecord.enrich.claims import ClaimEnricher

    gold = read_gold()
    shipped, speech = score_documents(gold, shared / CORPUS)
    results: dict[str, Any] = {
        "gold": {
            "file": str(GOLD.relative_to(REPO)),
            "documents": len(blocks_of(gold)),
            "sentences": len(gold),
            "check_worthy": sum(int(r["label"]) for r in gold),
            "blocks_with_check_worthy": sum(
                1 for rows in blocks_of(gold).values() if any(r["label"] for r in rows)
            ),
        },
        "model": ClaimEnricher.version,
        "shipped": shipped_results(gold, shipped),
        "worst": worst_misses(gold, shipped),
    }
    if with_alternatives:
        results["alternatives"] = alternatives(gold, speech, shared)
    return results


def main(argv: Sequence[str] | None = None) -> int:
    from onrecord.enrich.training.checkworthiness import shared_folder

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--shared", help="the shared data folder (default: ../shared)")
    parser.add_argument("--no-alternatives", action="store_true", help="shipped model only")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    shared = shared_folder(args.shared)
    if not (shared / CORPUS).is_file():
        print(f"no {CORPUS} under {shared}", file=sys.stderr)
        return 2
    results = evaluate(shared, not args.no_alternatives)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    ranking = results["shipped"]["ranking"]
    label = results["shipped"]["label"]
    random_map = results["shipped"]["random_baseline"]["map"]
    print(
        f"shipped: MAP {ranking['map']:.3f} (random {random_map:.3f}), "
        f"R-Prec {ranking['r_precision']:.3f}, P@3 {ranking['p@3']:.3f}, "
        f"ROC-AUC {ranking['roc_auc']:.3f}; labelled {label['model_check_worthy_share']:.1%} "
        f"vs gold {label['gold_positive_rate']:.1%}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
