"""(b) Search latency: ``Corpus.search`` against bare FTS5 ``MATCH`` on the same database.

Both sides run the same FTS5 expression: the baseline's MATCH string is onrecord's own
compilation of the query (``to_fts5(parse_query(q))``), and a filtered query becomes a
JOIN on ``paragraphs`` with the same conditions. Speaker names are resolved to ids once,
outside the timing, for the baseline (onrecord resolves them on every call: that cost is
part of what is measured). After a warm-up, every query runs ``--rounds`` times on each
side, interleaved; p50 and p95 are taken over all calls. Run on kremlin_en as is and on
the 20× corpus (``make_corpus.py``).

    python bench/bench_search.py [--copies 1 20] [--rounds 20] [--reuse] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import sqlite3
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import (
    code_state,
    log,
    markdown_table,
    median,
    percentile,
    ratio,
    remove_database,
    require_corpus,
    save_result,
    scratch,
    verdict,
)
from make_corpus import ensure_corpus
from onrecord import Corpus, SearchHit
from onrecord.query.syntax import parse_query
from onrecord.store.fts5 import to_fts5

NAME = "search"
GOAL_RATIO = 1.3
LIMIT = 10
WARMUP_ROUNDS = 3


@dataclass(frozen=True, slots=True)
class Query:
    text: str
    speaker: str | None = None
    since: str | None = None
    until: str | None = None
    kind: str | None = None

    @property
    def category(self) -> str:
        if self.speaker:
            return "speaker"
        if self.since or self.until:
            return "date"
        if self.kind:
            return "kind"
        return "none"

    def label(self) -> str:
        extras = [
            f"{name}={value}"
            for name, value in (
                ("speaker", self.speaker),
                ("since", self.since),
                ("until", self.until),
                ("kind", self.kind),
            )
            if value
        ]
        return " ".join([self.text, *extras])


QUERIES: tuple[Query, ...] = (
    # single words
    *(
        Query(w)
        for w in (
            "Ukraine", "sanctions", "Crimea", "Syria", "economy", "pipeline", "Donbass",
            "terrorism", "pensions", "inflation", "coronavirus", "Arctic", "vaccine", "Belarus",
        )
    ),
    # two words (AND)
    Query("Ukraine sanctions"), Query("gas Europe"), Query("oil prices"),
    Query("Syria ceasefire"), Query("budget deficit"), Query("healthcare regions"),
    # phrases
    Query('"gas transit"'), Query('"Nord Stream"'), Query('"national projects"'),
    Query('"Minsk agreements"'), Query('"Eurasian Economic Union"'), Query('"Security Council"'),
    # OR, NOT, prefix, mixed
    Query("NATO OR EU"), Query("China OR India"), Query("Trump OR Obama"),
    Query("Crimea -Ukraine"), Query("sanctions -Europe"), Query("Syria NOT Turkey"),
    Query("econom*"), Query("sanction*"), Query("invest*"), Query("digit*"),
    Query("(gas OR oil) Europe"), Query('"gas transit" Ukraine'), Query("NATO expan*"),
    # speaker filters
    Query("Ukraine", speaker="Putin"), Query("sanctions", speaker="Putin"),
    Query('"gas transit"', speaker="Putin"), Query("NATO OR EU", speaker="Putin"),
    Query("econom*", speaker="Putin"), Query("Crimea -Ukraine", speaker="Putin"),
    Query('"Minsk agreements"', speaker="Putin"), Query("pension*", speaker="Putin"),
    Query("sanctions", speaker="Peskov"), Query("Ukraine", speaker="Peskov"),
    Query("Trump OR Obama", speaker="Peskov"), Query("meeting", speaker="Peskov"),
    # date filters
    Query("Ukraine", since="2018-01-01"), Query("sanctions", until="2016-12-31"),
    Query("coronavirus", since="2020-03-01"), Query("Crimea", until="2014-12-31"),
    Query("Syria", since="2016-01-01", until="2016-12-31"),
    Query("econom*", since="2019-01-01", until="2019-12-31"),
    # kind filters
    Query("Ukraine", kind="press_conference"), Query("sanctions", kind="interview"),
    Query("economy", kind="meeting"), Query('"national projects"', kind="meeting"),
    Query("NATO", kind="interview"), Query("Russia", kind="address"),
    # combined
    Query("Ukraine", speaker="Putin", since="2019-01-01"),
    Query("sanctions", speaker="Putin", kind="interview"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class BareQuery:
    """One query as bare SQL: the statement and its parameters."""

    sql: str
    params: tuple[Any, ...]


def bare_query(query: Query, speakers: dict[str, tuple[str, ...]]) -> BareQuery:
    tree = parse_query(query.text)
    expression = to_fts5(tree) if tree is not None else None
    if expression is None:
        raise ValueError(f"query {query.text!r} compiles to nothing")
    clauses: list[str] = []
    params: list[Any] = [expression]
    if query.speaker:
        ids = speakers[query.speaker]
        clauses.append(f"p.speaker_id IN ({', '.join('?' * len(ids))})")
        params.extend(ids)
    if query.since:
        clauses.append("p.date >= ?")
        params.append(query.since)
    if query.until:
        clauses.append("p.date <= ?")
        params.append(query.until)
    if query.kind:
        clauses.append("p.kind = ?")
        params.append(query.kind)
    join = " JOIN paragraphs p ON p.rowid = paragraph_fts.rowid" if clauses else ""
    where = "".join(f" AND {c}" for c in clauses)
    sql = (
        f"SELECT paragraph_fts.rowid, bm25(paragraph_fts) FROM paragraph_fts{join} "
        f"WHERE paragraph_fts MATCH ?{where} ORDER BY bm25(paragraph_fts) LIMIT {LIMIT}"
    )
    return BareQuery(sql, tuple(params))


def search(corpus: Corpus, query: Query) -> list[SearchHit]:
    return corpus.search(
        query.text,
        speaker=query.speaker,
        since=query.since,
        until=query.until,
        kind=query.kind,
        limit=LIMIT,
    )


def run_onrecord(corpus: Corpus, query: Query) -> list[str]:
    return [hit.citation.paragraph_id for hit in search(corpus, query)]


def run_bare(db: sqlite3.Connection, query: BareQuery) -> list[int]:
    return [row[0] for row in db.execute(query.sql, query.params).fetchall()]


def build_database(corpus_file: Path, db_path: Path, reuse: bool) -> None:
    if reuse and db_path.is_file():
        log(f"reusing {db_path}")
        return
    remove_database(db_path)
    log(f"ingesting {corpus_file.name} into {db_path} …")
    with Corpus(db_path) as corpus:
        report = corpus.ingest([corpus_file])
    if report.failures:
        raise RuntimeError(f"ingest failed: {report.failures[:3]}")


def measure(
    corpus: Corpus, db: sqlite3.Connection, bare: Sequence[BareQuery], rounds: int
) -> tuple[list[list[float]], list[list[float]]]:
    """Seconds per call: ``[query][round]`` for onrecord and for the baseline."""
    ours: list[list[float]] = [[] for _ in QUERIES]
    theirs: list[list[float]] = [[] for _ in QUERIES]
    for round_number in range(-WARMUP_ROUNDS, rounds):
        gc.collect()
        gc.disable()
        try:
            for index, query in enumerate(QUERIES):
                first_ours = (round_number + index) % 2 == 0
                for side in (True, False) if first_ours else (False, True):
                    start = time.perf_counter()
                    if side:
                        run_onrecord(corpus, query)
                    else:
                        run_bare(db, bare[index])
                    elapsed = time.perf_counter() - start
                    if round_number >= 0:
                        (ours if side else theirs)[index].append(elapsed)
        finally:
            gc.enable()
    return ours, theirs


def same_hits(corpus: Corpus, db: sqlite3.Connection, bare: Sequence[BareQuery]) -> list[str]:
    """Queries whose hits rank differently on the two sides.

    Compared by score (bm25, to 4 decimals): paragraphs tied at the cut-off may
    legitimately differ, since onrecord breaks ties by rowid and the bare query does not.
    """
    differing = []
    for query, statement in zip(QUERIES, bare, strict=True):
        ours = [hit.score for hit in search(corpus, query)]
        theirs = [round(-row[1], 4) for row in db.execute(statement.sql, statement.params)]
        if ours != theirs:
            differing.append(query.label())
    return differing


def latency(samples: Sequence[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(samples, 0.50) * 1000, 3),
        "p95_ms": round(percentile(samples, 0.95) * 1000, 3),
    }


def summarise_copy(
    copies: int, ours: list[list[float]], theirs: list[list[float]], differing: list[str]
) -> dict[str, Any]:
    def pooled(table: list[list[float]], category: str | None = None) -> list[float]:
        return [
            s for q, row in zip(QUERIES, table, strict=True) for s in row
            if category is None or q.category == category
        ]  # fmt: skip

    groups: dict[str, Any] = {}
    for category in (None, "none", "speaker", "date", "kind"):
        mine, bare = latency(pooled(ours, category)), latency(pooled(theirs, category))
        groups[category or "all"] = {
            "queries": sum(1 for q in QUERIES if category is None or q.category == category),
            "onrecord": mine,
            "fts5": bare,
            "ratio_p50": round(ratio(mine["p50_ms"], bare["p50_ms"]), 2),
            "ratio_p95": round(ratio(mine["p95_ms"], bare["p95_ms"]), 2),
        }
    per_query = sorted(
        (
            (round(ratio(median(o), median(t)), 2), round(median(o) * 1000, 3), q.label())
            for q, o, t in zip(QUERIES, ours, theirs, strict=True)
        ),
        reverse=True,
    )
    return {
        "copies": copies,
        "rounds": len(ours[0]),
        "groups": groups,
        "worst_queries": [
            {"ratio": r, "onrecord_p50_ms": ms, "query": label} for r, ms, label in per_query[:5]
        ],
        "differing_hits": differing,
    }


def bench_copy(source: Path, copies: int, rounds: int, reuse: bool) -> dict[str, Any]:
    corpus_file = ensure_corpus(source, copies)
    db_path = scratch(f"search-{copies}x.db")
    build_database(corpus_file, db_path, reuse)
    with Corpus(db_path) as corpus:
        speakers = {
            q.speaker: corpus.store.speaker_ids_matching(q.speaker) for q in QUERIES if q.speaker
        }
        bare = [bare_query(q, speakers) for q in QUERIES]
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        try:
            documents = len(corpus)
            log(f"{copies}×: {len(QUERIES)} queries × {rounds} rounds on {documents} documents")
            ours, theirs = measure(corpus, db, bare, rounds)
            differing = same_hits(corpus, db, bare)
            paragraphs = db.execute("SELECT count(*) FROM paragraphs").fetchone()[0]
        finally:
            db.close()
    summary = summarise_copy(copies, ours, theirs, differing)
    summary.update(documents=documents, paragraphs=paragraphs, speakers=speakers)
    return summary


def profile_search(copies: int, rounds: int = 5, top: int = 35) -> Path:
    """cProfile of onrecord answering every query ``rounds`` times."""
    profiler = cProfile.Profile()
    with Corpus(scratch(f"search-{copies}x.db")) as corpus:
        profiler.enable()
        for _ in range(rounds):
            for query in QUERIES:
                run_onrecord(corpus, query)
        profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    output = scratch(f"profile_search_{copies}x.txt")
    output.write_text(text.getvalue(), encoding="utf-8")
    return output


def render(result: dict[str, Any]) -> str:
    """The Markdown section for docs/benchmarks.md."""
    goal = result["goal_ratio"]
    sections = [
        "## (b) Search latency\n\n"
        f"{result['queries']} queries (single words, AND, phrases, OR, NOT, prefixes; "
        "speaker, date and kind filters; listed in `bench/bench_search.py`), `limit=10`. "
        "`onrecord` is `Corpus.search(...)` (hits with text, citation, highlighting); "
        "`fts5` is `SELECT rowid, bm25(paragraph_fts) … MATCH ? ORDER BY bm25 LIMIT 10` "
        "with onrecord's compiled MATCH expression on the same file, filters as a JOIN on "
        "`paragraphs`, speaker ids resolved beforehand. Warm-up, then each query once per "
        "round on each side, interleaved; percentiles over all calls."
    ]
    for copy in result["copies"]:
        sections.append(_render_copy(copy, goal))
    return "\n\n".join(sections) + "\n"


def _render_copy(copy: dict[str, Any], goal: float) -> str:
    rows = []
    for name, group in copy["groups"].items():
        mine, bare = group["onrecord"], group["fts5"]
        rows.append(
            [
                f"{name} ({group['queries']})",
                f"{mine['p50_ms']:.2f}",
                f"{mine['p95_ms']:.2f}",
                f"{bare['p50_ms']:.2f}",
                f"{bare['p95_ms']:.2f}",
                f"{group['ratio_p50']:.2f}× {verdict(group['ratio_p50'] <= goal)}",
                f"{group['ratio_p95']:.2f}× {verdict(group['ratio_p95'] <= goal)}",
            ]
        )
    header = [
        "filter (queries)", "onrecord p50 ms", "onrecord p95 ms", "fts5 p50 ms", "fts5 p95 ms",
        f"p50 ratio (≤ {goal}×)", f"p95 ratio (≤ {goal}×)",
    ]  # fmt: skip
    worst = "; ".join(
        f"`{w['query']}` {w['ratio']:.1f}× ({w['onrecord_p50_ms']:.1f} ms)"
        for w in copy["worst_queries"][:3]
    )
    differing = copy["differing_hits"]
    check = (
        "Both sides returned the same hits for every query."
        if not differing
        else f"Hits differ for {len(differing)} queries: " + "; ".join(differing[:5]) + "."
    )
    return (
        f"### {copy['copies']}× corpus ({copy['documents']:,} documents, "
        f"{copy['paragraphs']:,} paragraphs; {copy['rounds']} rounds)\n\n"
        + markdown_table(header, rows)
        + f"\n\nHighest per-query ratios of medians: {worst}. {check}"
    )


def goals(result: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(benchmark, goal, measured, met) for the summary table."""
    goal = result["goal_ratio"]
    rows = []
    for copy in result["copies"]:
        group = copy["groups"]["all"]
        p95 = group["onrecord"]["p95_ms"]
        for name in ("p50", "p95"):
            factor = group[f"ratio_{name}"]
            rows.append(
                (
                    f"search {name}, {copy['copies']}× (onrecord p95 {p95:.1f} ms)",
                    f"≤ {goal}×",
                    f"{factor:.2f}×",
                    factor <= goal,
                )
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 20])
    parser.add_argument("--rounds", type=int, default=20, help="timed calls per query and side")
    parser.add_argument("--reuse", action="store_true", help="keep an existing search database")
    parser.add_argument("--profile", action="store_true", help="also cProfile onrecord's side")
    args = parser.parse_args()
    source = require_corpus("bench_search")
    code_at_start = code_state()
    copies = [bench_copy(source, n, args.rounds, args.reuse) for n in args.copies]
    result = {"queries": len(QUERIES), "limit": LIMIT, "goal_ratio": GOAL_RATIO, "copies": copies}
    save_result(NAME, result, code_at_start)
    print(render(result))
    if args.profile:
        for n in args.copies:
            print(f"profile: {profile_search(n)}")


if __name__ == "__main__":
    main()
