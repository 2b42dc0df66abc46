"""Retrieval evaluation: full-text, semantic and hybrid search and quote lookup, side by side.

The gold set (``eval/gold/retrieval/``, built by ``eval/build_retrieval_gold.py``; see its
README) holds paraphrases, misquotes, translations (Russian↔English), passages repeated
across documents and negatives (statements nobody in the corpus made). Every system is
asked every query and scored by recall@1 and recall@10 (a result counts when it overlaps
a gold span of the same document; the query's own document is left out for repeats and
translations), per kind and language, in one run:

- ``quote/words``: ``Corpus.quote(..., by_meaning=False)`` — wording only, as before
  embeddings;
- ``quote/meaning``: the meaning candidates alone (best stretch of 1–3 sentences);
- ``quote``: ``Corpus.quote`` as shipped (both, fused by similarity);
- ``search/text``: full-text search of the query's content words OR'd (a plain-word query
  would need every word in one paragraph);
- ``search/semantic`` and ``search/hybrid``: ``Corpus.search(query, mode=...)``.

The quote lookup must also say plainly when nothing matches: at its default threshold
(similarity ≥ 0.6) the share of negatives answered with a match is the false-positive
rate, and the share of positives answered with the right match is reported beside it.

    python eval/retrieval.py [--db PATH] [--shared PATH]

``--subset`` keeps only the documents the gold set points at (376 of 1,150: fewer
distractors, so higher figures, in about a third of the time); the test suite runs
that variant and pins its floors. ``--db`` reuses a database that holds the corpora
with embeddings (``onrecord ingest`` of the inputs listed by
``retrieval_data.corpus_paths`` and ``onrecord enrich --enrichers embeddings``);
without it a temporary one is built (about 5 minutes on 2 cores).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from onrecord import Corpus
from onrecord.query.semantic import MEANING_THRESHOLD, calibrated, meaning_alignments
from onrecord.store.base import Filters
from retrieval_data import (
    KINDS,
    GoldQuery,
    Retrieved,
    corpus_paths,
    is_hit,
    load_gold,
    or_query,
    ranked_for,
    recall_at_k,
)

RESULTS = Path(__file__).resolve().parent / "results" / "retrieval.json"
DEFAULT_THRESHOLD = 0.6
System = Callable[[Corpus, GoldQuery, int], list[Retrieved]]


def _fetch(query: GoldQuery) -> int:
    """Room for the excluded document's own hits."""
    return 40 if query.exclude_doc else 10


def quote_words(corpus: Corpus, query: GoldQuery, limit: int) -> list[Retrieved]:
    found = corpus.quote(query.query, limit=limit, min_similarity=0.0, by_meaning=False)
    return [(m.citation.doc_id, m.match_start, m.match_end) for m in found]


def quote_meaning(corpus: Corpus, query: GoldQuery, limit: int) -> list[Retrieved]:
    found = meaning_alignments(corpus.store, query.query, Filters(), max(limit, 20))
    found.sort(key=lambda a: (-a.similarity, a.row.paragraph_id))
    return [(a.row.doc_id, a.start, a.end) for a in found[:limit]]


def quote_shipped(corpus: Corpus, query: GoldQuery, limit: int) -> list[Retrieved]:
    found = corpus.quote(query.query, limit=limit, min_similarity=0.0)
    return [(m.citation.doc_id, m.match_start, m.match_end) for m in found]


def search_text(corpus: Corpus, query: GoldQuery, limit: int) -> list[Retrieved]:
    hits = corpus.search(or_query(query.query), limit=limit, mode="text")
    return [(h.citation.doc_id, h.citation.start, h.citation.end) for h in hits]


def _search(mode: str) -> System:
    def run(corpus: Corpus, query: GoldQuery, limit: int) -> list[Retrieved]:
        hits = corpus.search(query.query, limit=limit, mode=mode)  # type: ignore[arg-type]
        return [(h.citation.doc_id, h.citation.start, h.citation.end) for h in hits]

    return run


SYSTEMS: dict[str, System] = {
    "quote/words": quote_words,
    "quote/meaning": quote_meaning,
    "quote": quote_shipped,
    "search/text": search_text,
    "search/semantic": _search("semantic"),
    "search/hybrid": _search("hybrid"),
}


def answers_at_default(corpus: Corpus, query: GoldQuery) -> list[Retrieved]:
    """What the shipped quote lookup reports at its default threshold."""
    found = corpus.quote(query.query, limit=_fetch(query), min_similarity=DEFAULT_THRESHOLD)
    return [(m.citation.doc_id, m.match_start, m.match_end) for m in found]


def evaluate(corpus: Corpus, queries: Sequence[GoldQuery]) -> dict[str, Any]:
    ranked: dict[str, dict[str, list[Retrieved]]] = {name: {} for name in SYSTEMS}
    seconds: dict[str, float] = defaultdict(float)
    defaults: dict[str, list[Retrieved]] = {}
    for query in queries:
        for name, system in SYSTEMS.items():
            started = time.perf_counter()
            ranked[name][query.id] = system(corpus, query, _fetch(query))
            seconds[name] += time.perf_counter() - started
        defaults[query.id] = ranked_for(query, answers_at_default(corpus, query))
    groups: dict[str, list[GoldQuery]] = defaultdict(list)
    for query in queries:
        groups[query.kind].append(query)
        groups[f"{query.kind}/{query.query_language}"].append(query)
        if query.kind != "negative":
            groups["all positives"].append(query)
    table: dict[str, Any] = {}
    order = [*KINDS, "all positives"]
    for key in sorted(groups, key=lambda k: (order.index(k.split("/")[0]), k)):
        group = groups[key]
        row: dict[str, Any] = {"queries": len(group)}
        if key.startswith("negative"):
            row["false_positive_rate@0.6"] = _share(group, lambda q: bool(defaults[q.id]))
        else:
            for name in SYSTEMS:
                row[f"{name} R@1"] = round(recall_at_k(ranked[name], group, 1), 4)
                row[f"{name} R@10"] = round(recall_at_k(ranked[name], group, 10), 4)
            row["quote found@0.6"] = _share(
                group, lambda q: any(is_hit(q, *r) for r in defaults[q.id][:10])
            )
        table[key] = row
    per_query_ms = {name: round(1000 * s / len(queries), 1) for name, s in seconds.items()}
    return {"queries": len(queries), "by_kind": table, "ms_per_query": per_query_ms}


def _share(group: Sequence[GoldQuery], test: Callable[[GoldQuery], bool]) -> float:
    return round(sum(map(test, group)) / len(group), 4) if group else 0.0


def meaning_tops(corpus: Corpus, queries: Sequence[GoldQuery]) -> list[tuple[float, bool]]:
    """For each query, the raw cosine of the best meaning candidate and whether it is right."""
    tops: list[tuple[float, bool]] = []
    for query in queries:
        found = meaning_alignments(corpus.store, query.query, Filters(), 20)
        found = [a for a in found if a.row.doc_id != query.exclude_doc]
        if not found:
            tops.append((0.0, False))
            continue
        best = max(found, key=lambda a: a.similarity)
        tops.append(
            (_raw_cosine(best.similarity), is_hit(query, best.row.doc_id, best.start, best.end))
        )
    return tops


def _raw_cosine(similarity: float) -> float:
    """The cosine a calibrated similarity stands for (the inverse of ``calibrated``)."""
    at = calibrated(MEANING_THRESHOLD)
    if similarity < at:
        return similarity * MEANING_THRESHOLD / at
    return MEANING_THRESHOLD + (similarity - at) / (1 - at) * (1 - MEANING_THRESHOLD)


def best_threshold(tops: Sequence[tuple[float, bool]]) -> float:
    """The cosine above which answering gains most: right answers minus wrong ones."""
    candidates = sorted({round(c, 3) for c, _ in tops})

    def gain(t: float) -> int:
        return sum(1 if right else -1 for c, right in tops if c >= t)

    return max(candidates, key=lambda t: (gain(t), -t)) if candidates else 1.0


def calibrate(corpus: Corpus, queries: Sequence[GoldQuery]) -> dict[str, Any]:
    """The meaning threshold chosen on each half of the queries and scored on the other."""
    import random

    tops = meaning_tops(corpus, queries)
    order = list(range(len(queries)))
    random.Random(20261201).shuffle(order)
    halves = (order[::2], order[1::2])
    folds = []
    for train, test in (halves, halves[::-1]):
        threshold = best_threshold([tops[i] for i in train])
        answered = [tops[i] for i in test if tops[i][0] >= threshold]
        negatives = [i for i in test if queries[i].kind == "negative"]
        folds.append(
            {
                "threshold": threshold,
                "answered": len(answered),
                "right": sum(right for _, right in answered),
                "negatives_answered": sum(tops[i][0] >= threshold for i in negatives),
                "negatives": len(negatives),
                "positives_right": sum(
                    tops[i][1] and tops[i][0] >= threshold
                    for i in test
                    if queries[i].kind != "negative"
                ),
                "positives": sum(queries[i].kind != "negative" for i in test),
            }
        )
    return {"folds": folds, "all_queries_threshold": best_threshold(tops)}


def gold_documents(queries: Sequence[GoldQuery]) -> set[str]:
    """Every document a query points at: its targets and its excluded own document."""
    documents = {span.doc_id for query in queries for span in query.gold}
    return documents | {q.exclude_doc for q in queries if q.exclude_doc}


def build_database(
    path: Path, shared: Path | None, only: set[str] | None = None, workers: int | None = None
) -> None:
    """The corpora with embeddings; ``only`` keeps just those documents (the quick variant)."""
    with Corpus(path) as corpus:
        report = corpus.ingest(corpus_paths(shared), workers=workers)
        if report.failures:
            raise SystemExit(f"ingest failed: {report.failures[:3]}")
        if only is not None:
            for document in [d.id for d in corpus.documents()]:
                if document not in only:
                    corpus.store.delete(document)
        enriched = corpus.enrich(enrichers=["embeddings"], workers=workers)
        if enriched.failures:
            raise SystemExit(f"enrichment failed: {enriched.failures[:3]}")


def print_table(results: dict[str, Any]) -> None:
    names = list(SYSTEMS)
    print(f"{'kind':22} {'n':>4}  " + "  ".join(f"{n:>17}" for n in names) + "   found@0.6")
    for key, row in results["by_kind"].items():
        if "false_positive_rate@0.6" in row:
            rate = row["false_positive_rate@0.6"]
            print(f"{key:22} {row['queries']:>4}  quote answers with a match: {rate:.3f}")
            continue
        cells = "  ".join(
            f"{row[f'{n} R@1']:.2f} / {row[f'{n} R@10']:.2f}".rjust(17) for n in names
        )
        print(f"{key:22} {row['queries']:>4}  {cells}   {row['quote found@0.6']:.2f}")
    print("(R@1 / R@10)  ms per query:", results["ms_per_query"])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", type=Path, help="a database with the corpora and embeddings")
    parser.add_argument("--shared", type=Path, help="the shared data folder")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--calibrate", action="store_true", help="choose the meaning threshold (2-fold)"
    )
    parser.add_argument(
        "--subset",
        action="store_true",
        help="only the documents the gold points at (fewer distractors; what the tests run)",
    )
    args = parser.parse_args(argv)
    queries = load_gold()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "retrieval.db"
        if args.db is None:
            build_database(db, args.shared, gold_documents(queries) if args.subset else None)
        with Corpus(db) as corpus:
            if not corpus.store.has_embeddings():
                raise SystemExit(f"{db}: no embeddings stored; run onrecord enrich first")
            if args.calibrate:
                print(json.dumps(calibrate(corpus, queries), indent=2))
                return 0
            results = evaluate(corpus, queries)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print_table(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
