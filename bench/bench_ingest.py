"""(a) Ingest speed: onrecord against a bare FTS5 baseline, in the same run.

Each run ingests kremlin_en into a fresh database four ways — onrecord's
``Corpus.ingest`` with its default ``workers`` and with ``workers=0`` (one process,
like the baseline), and the bare baseline (``bench/baseline.py``) with FTS5's
default tokenizer and with onrecord's porter tokenizer — in a rotating order, so drift
in the machine's speed falls on all alike. Reported: the median wall time of each
(opening the database to closing it) and CPU time (this process and its workers),
documents/s, MB/s of JSONL, and onrecord's wall time divided by each baseline's
(goal ≤ 1.5×).

    python bench/bench_ingest.py [--runs 5] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from _common import (
    code_state,
    log,
    markdown_table,
    median,
    ratio,
    remove_database,
    require_corpus,
    save_result,
    scratch,
    verdict,
)
from baseline import ingest_bare
from onrecord import Corpus

NAME = "ingest"
GOAL_RATIO = 1.5
VARIANTS = ("onrecord", "onrecord-serial", "fts5-default", "fts5-porter")
BASELINES = ("fts5-default", "fts5-porter")


def ingest_onrecord(corpus: Path, db_path: Path, workers: int | None = None) -> int:
    """Documents added by onrecord's Python API into ``db_path``."""
    with Corpus(db_path) as store:
        report = store.ingest([corpus], workers=workers)
    if report.failures:
        raise RuntimeError(f"onrecord ingest failed: {report.failures[:3]}")
    return report.added


def _action(variant: str, corpus: Path, db_path: Path) -> Callable[[], int]:
    if variant == "onrecord":
        return lambda: ingest_onrecord(corpus, db_path)
    if variant == "onrecord-serial":
        return lambda: ingest_onrecord(corpus, db_path, workers=0)
    tokenizer = variant.removeprefix("fts5-")
    return lambda: ingest_bare(corpus, db_path, tokenizer)


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the parsing workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(action: Callable[[], int]) -> tuple[float, float]:
    """Wall and CPU seconds of ``action``."""
    gc.collect()
    cpu, wall = _cpu_seconds(), time.perf_counter()
    action()
    return time.perf_counter() - wall, _cpu_seconds() - cpu


def measure(corpus: Path, runs: int) -> dict[str, list[tuple[float, float]]]:
    """(wall, CPU) seconds per variant, ``runs`` each, order rotated between runs."""
    seconds: dict[str, list[tuple[float, float]]] = {v: [] for v in VARIANTS}
    for run in range(runs):
        shift = run % len(VARIANTS)
        for variant in VARIANTS[shift:] + VARIANTS[:shift]:
            db_path = scratch(f"ingest-{variant}.db")
            remove_database(db_path)
            seconds[variant].append(timed(_action(variant, corpus, db_path)))
            remove_database(db_path)
            wall, cpu = seconds[variant][-1]
            log(f"run {run + 1}/{runs} {variant}: {wall:.2f} s wall, {cpu:.2f} s CPU")
    return seconds


def count_documents(corpus: Path) -> int:
    with corpus.open("rb") as lines:
        return sum(1 for line in lines if line.strip())


def summarise(corpus: Path, seconds: dict[str, list[tuple[float, float]]]) -> dict[str, Any]:
    documents = count_documents(corpus)
    megabytes = corpus.stat().st_size / 1e6
    variants: dict[str, dict[str, Any]] = {}
    for variant, runs in seconds.items():
        middle = median([wall for wall, _ in runs])
        variants[variant] = {
            "runs_s": [round(wall, 3) for wall, _ in runs],
            "median_s": round(middle, 3),
            "median_cpu_s": round(median([cpu for _, cpu in runs]), 3),
            "docs_per_s": round(documents / middle, 1),
            "mb_per_s": round(megabytes / middle, 2),
        }
    ratios = {
        f"{mine} ÷ {base}": round(ratio(variants[mine]["median_s"], variants[base]["median_s"]), 2)
        for mine in ("onrecord", "onrecord-serial")
        for base in BASELINES
    }
    return {
        "corpus": corpus.name,
        "documents": documents,
        "megabytes": round(megabytes, 2),
        "variants": variants,
        "ratios": ratios,
        "goal_ratio": GOAL_RATIO,
    }


def profile_onrecord(corpus: Path, top: int = 40) -> Path:
    """cProfile of one single-process onrecord ingest (``workers=0``: workers are not
    profiled), the top functions by cumulative and own time."""
    db_path = scratch("ingest-profile.db")
    remove_database(db_path)
    profiler = cProfile.Profile()
    profiler.runcall(ingest_onrecord, corpus, db_path, 0)
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
    figures = [
        [
            variant,
            f"{v['median_s']:.2f}",
            f"{v['median_cpu_s']:.2f}",
            ", ".join(f"{s:.2f}" for s in v["runs_s"]),
            f"{v['docs_per_s']:.0f}",
            f"{v['mb_per_s']:.2f}",
        ]
        for variant, v in result["variants"].items()
    ]
    ratios = [
        [comparison, f"{factor:.2f}×", verdict(factor <= goal)]
        for comparison, factor in result["ratios"].items()
    ]
    return (
        f"## (a) Ingest\n\n{result['corpus']}: {result['documents']:,} documents, "
        f"{result['megabytes']:.1f} MB of JSONL, into a fresh database each run. "
        "`onrecord` is `Corpus(db).ingest([file])` with its default `workers` (parsing "
        "meant to run in worker processes); `onrecord-serial` passes `workers=0` (one "
        "process). "
        "`fts5-default` and `fts5-porter` read each line with `json.loads` and insert the "
        "raw `text` into one FTS5 table (default tokenizer; onrecord's `porter unicode61 "
        "remove_diacritics 2`), WAL, committing every 200 documents like onrecord. Wall "
        "time from opening the database to closing it, CPU time of the process and its "
        "workers; medians of the runs, run order rotated.\n\n"
        + markdown_table(
            ["ingest", "median wall s", "median CPU s", "runs (wall s)", "docs/s", "MB/s"],
            figures,
        )
        + "\n\n"
        + markdown_table(["wall-time ratio", "measured", f"goal ≤ {goal}×"], ratios)
        + "\n"
    )


def goals(result: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(benchmark, goal, measured, met) for the summary table: onrecord as shipped."""
    goal = result["goal_ratio"]
    return [
        (f"ingest {comparison}", f"≤ {goal}×", f"{factor:.2f}×", factor <= goal)
        for comparison, factor in result["ratios"].items()
        if comparison.startswith("onrecord ÷")
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per variant (≥ 3)")
    parser.add_argument("--profile", action="store_true", help="also cProfile one ingest")
    args = parser.parse_args()
    if args.runs < 3:
        parser.error("--runs must be at least 3")
    corpus = require_corpus("bench_ingest")
    code_at_start = code_state()
    result = summarise(corpus, measure(corpus, args.runs))
    save_result(NAME, result, code_at_start)
    print(render(result))
    if args.profile:
        print(f"profile: {profile_onrecord(corpus)}")


if __name__ == "__main__":
    main()
