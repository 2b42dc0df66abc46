"""The retrieval gold set (``eval/gold/retrieval/retrieval_gold.jsonl``): loader and scoring.

``load_gold()`` reads the queries as typed records; ``is_hit`` and ``recall_at_k`` score ranked
results against them (a retrieved span counts when it overlaps a gold span of the same
document; results from a query's ``exclude_doc`` are ignored, as if never returned).

Run as a script for the full-text baseline::

    python eval/retrieval_data.py [--out eval/results/retrieval_fulltext.json]

It ingests the evaluation corpus into a temporary onrecord database and measures, per query
kind, recall@1 and recall@10 of the quote lookup (``Corpus.quote``, ``min_similarity=0.0``)
and of full-text search (``Corpus.search`` with the query's content words OR'd), and the
false-positive rate of the quote lookup on the negatives at its default ``min_similarity``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
GOLD_PATH = REPO_ROOT / "eval" / "gold" / "retrieval" / "retrieval_gold.jsonl"
RESULTS_PATH = REPO_ROOT / "eval" / "results" / "retrieval_fulltext.json"
KINDS = ("paraphrase", "misquote", "translation", "repeat", "negative")

Retrieved = tuple[str, int, int]
"""One ranked result: ``(doc_id, start, end)``, offsets into ``Document.text``."""


@dataclass(frozen=True, slots=True)
class GoldSpan:
    """A span that answers the query: ``text == Document.text[start:end]``."""

    doc_id: str
    paragraph_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True, slots=True)
class SourceSpan:
    """Where a query was taken from (its own sentence, for repeats and translations)."""

    doc_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class GoldQuery:
    """One labelled query; ``gold`` is empty for a negative (nothing should match)."""

    id: str
    kind: str
    query: str
    query_language: str
    gold: tuple[GoldSpan, ...]
    exclude_doc: str | None
    source: SourceSpan | None
    note: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> GoldQuery:
        source = data.get("source")
        return cls(
            id=data["id"],
            kind=data["kind"],
            query=data["query"],
            query_language=data["query_language"],
            gold=tuple(
                GoldSpan(g["doc_id"], g["paragraph_id"], g["start"], g["end"], g["text"])
                for g in data["gold"]
            ),
            exclude_doc=data.get("exclude_doc"),
            source=SourceSpan(source["doc_id"], source["start"], source["end"]) if source else None,
            note=data.get("note", ""),
        )


def load_gold(path: str | Path | None = None) -> list[GoldQuery]:
    """Every query of the gold file (default: the one in this repository), in file order."""
    path = Path(path) if path else GOLD_PATH
    queries = []
    with path.open(encoding="utf-8") as lines:
        for n, line in enumerate(lines, 1):
            if line.strip():
                try:
                    queries.append(GoldQuery.from_dict(json.loads(line)))
                except (KeyError, TypeError, json.JSONDecodeError) as error:
                    raise ValueError(f"{path}:{n}: not a gold query ({error})") from error
    return queries


def is_hit(gold: GoldQuery, doc_id: str, start: int, end: int) -> bool:
    """True when ``[start, end)`` of ``doc_id`` overlaps one of the query's gold spans."""
    return any(g.doc_id == doc_id and start < g.end and g.start < end for g in gold.gold)


def ranked_for(gold: GoldQuery, results: Sequence[Retrieved]) -> list[Retrieved]:
    """``results`` without those from the query's excluded document, order kept."""
    return [r for r in results if r[0] != gold.exclude_doc]


def hit_at_k(gold: GoldQuery, results: Sequence[Retrieved], k: int) -> bool:
    return any(is_hit(gold, *r) for r in ranked_for(gold, results)[:k])


def recall_at_k(
    ranked_results_per_query: Mapping[str, Sequence[Retrieved]],
    gold: Sequence[GoldQuery],
    k: int,
) -> float:
    """Share of the queries with gold spans that have a hit among their first ``k`` results.

    ``ranked_results_per_query`` maps a query id to its results, best first (a query missing
    from it counts as answered with nothing). Negatives (no gold) are left out; a query with
    several gold spans needs one of them.
    """
    scored = [q for q in gold if q.gold]
    if not scored:
        return 0.0
    hits = sum(hit_at_k(q, ranked_results_per_query.get(q.id, ()), k) for q in scored)
    return hits / len(scored)


# ----------------------------------------------------------------------------- baseline

_STOPWORDS = frozenset(
    """
    a about after all also am an and any are as at be because been being but by can could did
    do does for from had has have he her here him his how i if in into is it its just me more
    most my no nor not now of on once only or our ours out over own she should so some such
    than that the their them then there these they this those to too under up very was we were
    what when where which while who whom why will with would you your us let
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только ее
    мне было вот от меня еще нет о из ему теперь когда даже ну ли если уже или ни быть был него
    до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где есть надо ней для
    мы тебя их чем была сам чтоб без будто чего раз тоже себе под будет ж тогда кто этот того
    потому этого какой совсем ним здесь этом один почти мой тем чтобы нее были куда зачем всех
    можно при об другой хоть после над больше тот через эти нас про всего них какая много разве
    три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более всегда
    конечно всю между это
    """.split()
)
_WORD = re.compile(r"\w+", re.UNICODE)


def or_query(text: str) -> str:
    """The content words of ``text`` joined by OR, punctuation stripped (for ``search``)."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text):
        folded = word.casefold()
        if folded not in _STOPWORDS and not folded.isdigit() and len(folded) > 1:
            seen.setdefault(folded, None)
    if not seen:  # a query made only of stop words: use them all
        seen = dict.fromkeys(w.casefold() for w in _WORD.findall(text))
    return " OR ".join(seen)


def corpus_paths(shared: Path | None = None) -> list[Path]:
    """The inputs the gold set was built from (same list as ``build_retrieval_gold.py``)."""
    env = os.environ.get("ONRECORD_SHARED")
    root = shared or (Path(env) if env else REPO_ROOT.parent / "shared")
    htmls = sorted((root / "corpora/kremlin_ru/pairs_en_html").glob("*.html"))
    return [
        root / "corpora/kremlin_en/kremlin_en_dev.jsonl",
        root / "corpora/kremlin_ru/kremlin_ru_dev.jsonl",
        *htmls,
        root / "examples/putin-lukashenko-2024-04-11.txt",
    ]


def _code_version() -> dict[str, Any]:
    """The commit measured, and whether ``src/`` had uncommitted changes (read-only git)."""
    import subprocess

    def git(*args: str) -> str:
        try:
            done = subprocess.run(
                ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=True
            )
        except (OSError, subprocess.CalledProcessError):
            return ""
        return done.stdout.strip()

    return {
        "commit": git("rev-parse", "HEAD") or None,
        "src_modified": bool(git("status", "--porcelain", "--", "src")),
    }


def _fetch(gold: GoldQuery) -> int:
    """How many results to ask for: room for the excluded document's own hits."""
    return 40 if gold.exclude_doc else 10


def run_baseline(queries: Sequence[GoldQuery], shared: Path | None = None) -> dict[str, Any]:
    from onrecord import Corpus  # imported here: the loader itself needs only the standard library

    quote_results: dict[str, list[Retrieved]] = {}
    search_results: dict[str, list[Retrieved]] = {}
    default_matches: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp, Corpus(Path(tmp) / "retrieval.db") as corpus:
        started = time.perf_counter()
        report = corpus.ingest(corpus_paths(shared))
        ingest_seconds = time.perf_counter() - started
        if report.failures:
            raise SystemExit(f"ingest failed: {report.failures[:3]}")
        started = time.perf_counter()
        for q in queries:
            quotes = corpus.quote(q.query, limit=_fetch(q), min_similarity=0.0)
            quote_results[q.id] = [(m.citation.doc_id, m.match_start, m.match_end) for m in quotes]
            hits = corpus.search(or_query(q.query), limit=_fetch(q))
            search_results[q.id] = [
                (h.citation.doc_id, h.citation.start, h.citation.end) for h in hits
            ]
            at_default = corpus.quote(q.query, limit=_fetch(q))  # min_similarity 0.6
            default_matches[q.id] = len(
                [m for m in at_default if m.citation.doc_id != q.exclude_doc]
            )
        query_seconds = time.perf_counter() - started

    by_kind: dict[str, list[GoldQuery]] = defaultdict(list)
    for q in queries:
        by_kind[q.kind].append(q)
        by_kind[f"{q.kind}/{q.query_language}"].append(q)
    table: dict[str, Any] = {}
    for key in sorted(by_kind, key=lambda k: (KINDS.index(k.split("/")[0]), k)):
        group = by_kind[key]
        row: dict[str, Any] = {"queries": len(group)}
        if key.split("/")[0] == "negative":
            row["quote_false_positive_rate@0.6"] = round(
                sum(default_matches[q.id] > 0 for q in group) / len(group), 4
            )
        else:
            for name, results in (("quote", quote_results), ("search_or", search_results)):
                row[f"{name}_recall@1"] = round(recall_at_k(results, group, 1), 4)
                row[f"{name}_recall@10"] = round(recall_at_k(results, group, 10), 4)
            row["quote_found@0.6"] = round(
                sum(
                    any(is_hit(q, *r) for r in ranked_for(q, quote_results[q.id])[:10])
                    and default_matches[q.id] > 0
                    for q in group
                )
                / len(group),
                4,
            )
        table[key] = row
    false_positives = [
        {"id": q.id, "query": q.query}
        for q in by_kind.get("negative", [])
        if default_matches[q.id] > 0
    ]
    return {
        "gold": str(GOLD_PATH.relative_to(REPO_ROOT)),
        "code": _code_version(),
        "queries": len(queries),
        "documents_ingested": report.added,
        "ingest_seconds": round(ingest_seconds, 1),
        "query_seconds": round(query_seconds, 1),
        "protocol": {
            "quote": "Corpus.quote(query, limit=10, min_similarity=0.0); a result is its "
            "matched span (match_start, match_end)",
            "search_or": "Corpus.search(content words of the query, punctuation stripped, "
            "joined by OR, limit=10); a result is its paragraph (citation.start, citation.end)",
            "hit": "a result overlapping a gold span of the same document",
            "repeat": "results from the query's own document (exclude_doc) are dropped before "
            "ranking; 40 are fetched so that 10 remain",
            "quote_found@0.6": "share of queries whose gold is in the top 10 and the default "
            "quote lookup (min_similarity 0.6) reports a match at all",
            "quote_false_positive_rate@0.6": "share of negatives for which the default quote "
            "lookup (min_similarity 0.6) reports any match",
        },
        "by_kind": table,
        "negative_false_positives": false_positives,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--gold", type=Path, default=GOLD_PATH)
    parser.add_argument("--out", type=Path, default=RESULTS_PATH)
    parser.add_argument("--shared", type=Path, default=None, help="the shared data folder")
    args = parser.parse_args(argv)
    results = run_baseline(load_gold(args.gold), args.shared)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for key, row in results["by_kind"].items():
        figures = ", ".join(f"{name} {value}" for name, value in row.items() if name != "queries")
        print(f"{key:16} n={row['queries']:4}  {figures}")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
