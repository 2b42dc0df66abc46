"""(a) Ingest speed: onrecord against a bare FTS5 baseline, in the same run.

Each run ingests kremlin_en into a fresh database three ways — onrecord's
``Corpus.ingest``, and the bare baseline (``bench/baseline.py``) with FTS5's default
tokenizer and with onrecord's porter tokenizer — in a rotating order, so drift in the
machine's speed falls on all three alike. Reported: the median wall time of each
(opening the database to closing it), documents/s, MB/s of JSONL, and onrecord's time
divided by each baseline's (goal ≤ 1.5×).

    python bench/bench_ingest.py [--runs 5] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import (
    log,
    markdown_table,
    median,
    ratio,
    remove_database,
    require_corpus,
    save_result,
    scratch,
    timed,
    verdict,
)
from baseline import ingest_bare
from onrecord import Corpus

NAME = "ingest"
GOAL_RATIO = 1.5
VARIANTS = ("onrecord", "fts5-default", "fts5-porter")


def ingest_onrecord(corpus: Path, db_path: Path) -> int:
    """Documents added by onrecord's Python API into ``db_path``."""
    with Corpus(db_path) as store:
        report = store.ingest([corpus])
    if report.failures:
        raise RuntimeError(f"onrecord ingest failed: {report.failures[:3]}")
    return report.added


def _action(variant: str, corpus: Path, db_path: Path) -> Callable[[], int]:
    if variant == "onrecord":
        return lambda: ingest_onrecord(corpus, db_path)
    tokenizer = variant.removeprefix("fts5-")
    return lambda: ingest_bare(corpus, db_path, tokenizer)


def measure(corpus: Path, runs: int) -> dict[str, list[float]]:
    """Wall seconds per variant, ``runs`` each, order rotated between runs."""
    seconds: dict[str, list[float]] = {v: [] for v in VARIANTS}
    for run in range(runs):
        order = VARIANTS[run % 3 :] + VARIANTS[: run % 3]
        for variant in order:
            db_path = scratch(f"ingest-{variant}.db")
            remove_database(db_path)
            seconds[variant].append(timed(_action(variant, corpus, db_path)))
            remove_database(db_path)
            log(f"run {run + 1}/{runs} {variant}: {seconds[variant][-1]:.2f} s")
    return seconds


def count_documents(corpus: Path) -> int:
    with corpus.open("rb") as lines:
        return sum(1 for line in lines if line.strip())


def summarise(corpus: Path, seconds: dict[str, list[float]]) -> dict[str, Any]:
    documents = count_documents(corpus)
    megabytes = corpus.stat().st_size / 1e6
    variants: dict[str, dict[str, Any]] = {}
    for variant, runs in seconds.items():
        middle = median(runs)
        variants[variant] = {
            "runs_s": [round(s, 3) for s in runs],
            "median_s": round(middle, 3),
            "docs_per_s": round(documents / middle, 1),
            "mb_per_s": round(megabytes / middle, 2),
        }
    onrecord = variants["onrecord"]["median_s"]
    ratios = {v: round(ratio(onrecord, variants[v]["median_s"]), 2) for v in VARIANTS[1:]}
    return {
        "corpus": corpus.name,
        "documents": documents,
        "megabytes": round(megabytes, 2),
        "variants": variants,
        "ratios": ratios,
        "goal_ratio": GOAL_RATIO,
    }


def profile_onrecord(corpus: Path, top: int = 40) -> Path:
    """cProfile of one onrecord ingest, the top functions by cumulative and own time."""
    db_path = scratch("ingest-profile.db")
    remove_database(db_path)
    profiler = cProfile.Profile()
    profiler.runcall(ingest_onrecord, corpus, db_path)
    remove_database(db_path)
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text).strip_dirs()
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    output = scratch("profile_ingest.txt")
    output.write_text(text.getvalue(), encoding="utf-8")
    return output


def render(result: dict[str, Any]) -> str:
    """The Markdown section for docs/benchmarks.md."""
    goal = result["goal_ratio"]
    rows = []
    for variant, figures in result["variants"].items():
        factor = result["ratios"].get(variant)
        rows.append(
            [
                variant,
                f"{figures['median_s']:.2f}",
                ", ".join(f"{s:.2f}" for s in figures["runs_s"]),
                f"{figures['docs_per_s']:.0f}",
                f"{figures['mb_per_s']:.2f}",
                "—" if factor is None else f"{factor:.2f}×",
                "—" if factor is None else verdict(factor <= goal),
            ]
        )
    header = ["ingest", "median s", "runs (s)", "docs/s", "MB/s", "onrecord ÷ this", f"≤ {goal}×"]
    return (
        f"## (a) Ingest\n\n{result['corpus']}: {result['documents']:,} documents, "
        f"{result['megabytes']:.1f} MB of JSONL, into a fresh database each run. "
        "`onrecord` is `Corpus(db).ingest([file])`; `fts5-default` and `fts5-porter` read "
        "each line with `json.loads` and insert the raw `text` into one FTS5 table "
        "(default tokenizer; onrecord's `porter unicode61 remove_diacritics 2`), "
        "WAL, committing every 200 documents like onrecord. Wall time from opening the "
        "database to closing it; median of the runs, run order rotated.\n\n"
        + markdown_table(header, rows)
        + "\n"
    )


def goals(result: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(benchmark, goal, measured, met) for the summary table."""
    goal = result["goal_ratio"]
    return [
        (f"ingest vs {variant}", f"≤ {goal}×", f"{factor:.2f}×", factor <= goal)
        for variant, factor in result["ratios"].items()
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per variant (≥ 3)")
    parser.add_argument("--profile", action="store_true", help="also cProfile one ingest")
    args = parser.parse_args()
    if args.runs < 3:
        parser.error("--runs must be at least 3")
    corpus = require_corpus("bench_ingest")
    result = summarise(corpus, measure(corpus, args.runs))
    save_result(NAME, result)
    print(render(result))
    if args.profile:
        print(f"profile: {profile_onrecord(corpus)}")


if __name__ == "__main__":
    main()
