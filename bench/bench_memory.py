"""(c) Peak memory of ``onrecord ingest`` on the 1×, 5× and 20× corpora, and of the baseline.

Each measurement runs in its own helper process, which starts the command, waits for
it and reports ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` — the peak resident
set of that one child (a process's ``RUSAGE_CHILDREN`` keeps the maximum over all its
children, so one helper per measurement keeps the figures apart). Every ingest writes
a fresh database. Goal: under 300 MB, and no growth with corpus size (the 20× peak
within 10 % of the 1× peak).

    python bench/bench_memory.py [--copies 1 5 20]
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _common import (
    REPO,
    log,
    markdown_table,
    remove_database,
    require_corpus,
    save_result,
    scratch,
    verdict,
)
from make_corpus import ensure_corpus

NAME = "memory"
GOAL_MB = 300.0
GROWTH_TOLERANCE = 0.10
BASELINE = Path(__file__).resolve().parent / "baseline.py"


def onrecord_command(corpus: Path, db_path: Path) -> list[str]:
    executable = shutil.which("onrecord")
    prefix = (
        [executable]
        if executable
        else [sys.executable, "-c", "from onrecord.cli import main; main()"]
    )
    return [*prefix, "--db", str(db_path), "ingest", "-q", str(corpus)]


def baseline_command(corpus: Path, db_path: Path) -> list[str]:
    return [sys.executable, str(BASELINE), str(corpus), str(db_path), "--tokenizer", "porter"]


def run_child(command: list[str]) -> None:
    """Helper-process side: run ``command``, print its peak RSS and time as JSON."""
    start = time.perf_counter()
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = {
        "returncode": done.returncode,
        "maxrss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
        "seconds": round(seconds, 2),
        "stdout": done.stdout.strip()[-300:],
        "stderr": done.stderr.strip()[-300:],
    }
    print(json.dumps(report))


def measure(command: list[str]) -> dict[str, Any]:
    """Peak RSS of ``command``, measured by a fresh helper process."""
    helper = [sys.executable, str(Path(__file__).resolve()), "--child", "--", *command]
    done = subprocess.run(helper, capture_output=True, text=True, check=True)
    report: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    if report["returncode"] != 0:
        raise RuntimeError(f"{command[0]} failed: {report['stderr']}")
    return report


def measure_copy(source: Path, copies: int) -> dict[str, Any]:
    corpus = ensure_corpus(source, copies)
    figures: dict[str, Any] = {
        "copies": copies,
        "corpus_mb": round(corpus.stat().st_size / 1e6, 1),
    }
    for name, build in (("onrecord", onrecord_command), ("fts5-porter", baseline_command)):
        db_path = scratch(f"memory-{name}-{copies}x.db")
        remove_database(db_path)
        report = measure(build(corpus, db_path))
        remove_database(db_path)
        figures[name] = {"maxrss_mb": report["maxrss_mb"], "seconds": report["seconds"]}
        log(f"{copies}× {name}: {report['maxrss_mb']} MB peak, {report['seconds']} s")
    return figures


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    peaks = [r["onrecord"]["maxrss_mb"] for r in runs]
    smallest, largest = runs[0], runs[-1]
    growth = largest["onrecord"]["maxrss_mb"] / smallest["onrecord"]["maxrss_mb"] - 1
    return {
        "runs": runs,
        "goal_mb": GOAL_MB,
        "growth_tolerance": GROWTH_TOLERANCE,
        "max_peak_mb": max(peaks),
        "growth": round(growth, 3),
        "growth_between": [smallest["copies"], largest["copies"]],
    }


def render(result: dict[str, Any]) -> str:
    """The Markdown section for docs/benchmarks.md."""
    goal = result["goal_mb"]
    rows = [
        [
            f"{r['copies']}× ({r['corpus_mb']:.0f} MB)",
            f"{r['onrecord']['maxrss_mb']:.1f}",
            verdict(r["onrecord"]["maxrss_mb"] < goal),
            f"{r['onrecord']['seconds']:.1f}",
            f"{r['fts5-porter']['maxrss_mb']:.1f}",
            f"{r['fts5-porter']['seconds']:.1f}",
        ]
        for r in result["runs"]
    ]
    header = [
        "corpus", "onrecord peak MB", f"< {goal:.0f} MB", "onrecord s",
        "fts5-porter peak MB", "fts5-porter s",
    ]  # fmt: skip
    low, high = result["growth_between"]
    tolerance = result["growth_tolerance"]
    growth_met = result["growth"] <= tolerance
    return (
        "## (c) Peak memory of ingest\n\n"
        "`ru_maxrss` of `onrecord --db <fresh> ingest -q <corpus>` run as a child process "
        "(one helper process per figure, `resource.getrusage(RUSAGE_CHILDREN)`), and of the "
        "bare baseline `python bench/baseline.py <corpus> <fresh> --tokenizer porter` for "
        "comparison. One run per figure; wall time shown for scale.\n\n"
        + markdown_table(header, rows)
        + f"\n\nGrowth of onrecord's peak from {low}× to {high}×: {result['growth']:+.1%} "
        f"(goal: no growth, ≤ {tolerance:.0%}) — {verdict(growth_met)}.\n"
    )


def goals(result: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(benchmark, goal, measured, met) for the summary table."""
    peak = result["max_peak_mb"]
    low, high = result["growth_between"]
    tolerance = result["growth_tolerance"]
    return [
        ("ingest peak memory", f"< {result['goal_mb']:.0f} MB", f"{peak:.1f} MB",
         peak < result["goal_mb"]),
        (f"memory growth {low}× → {high}×", f"≤ {tolerance:.0%}", f"{result['growth']:+.1%}",
         result["growth"] <= tolerance),
    ]  # fmt: skip


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        run_child(sys.argv[3:] if sys.argv[2] == "--" else sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 5, 20])
    args = parser.parse_args()
    source = require_corpus("bench_memory")
    runs = [measure_copy(source, n) for n in sorted(args.copies)]
    result = summarise(runs)
    save_result(NAME, result)
    print(render(result))


if __name__ == "__main__":
    main()
