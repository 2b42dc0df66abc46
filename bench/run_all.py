"""Run every benchmark and rewrite docs/benchmarks.md with the figures of this run.

Results of earlier runs are deleted first, and the page is written only from what
this run measured; when a benchmark fails, the page is left as it was. Without the
corpus every benchmark skips and the page is not touched.

    python bench/run_all.py [--quick] [--profile]
    python bench/run_all.py --render-only   # rewrite the page from the last run's results
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bench_ann
import bench_embed
import bench_enrich
import bench_ingest
import bench_memory
import bench_search
import bench_serve
import bench_talking_points
from _common import (
    REPO,
    RESULTS,
    corpus_path,
    load_result,
    log,
    machine,
    markdown_table,
    now_iso,
    shared_dir,
    verdict,
)

BENCH = Path(__file__).resolve().parent
DOCS = REPO / "docs" / "benchmarks.md"
COMMAND = "python bench/run_all.py"

Renderer = Callable[[dict[str, Any]], str]
Goals = Callable[[dict[str, Any]], list[tuple[str, str, str, bool]]]
BENCHMARKS: tuple[tuple[str, str, Renderer, Goals], ...] = (
    (bench_ingest.NAME, "bench_ingest.py", bench_ingest.render, bench_ingest.goals),
    (bench_search.NAME, "bench_search.py", bench_search.render, bench_search.goals),
    (bench_memory.NAME, "bench_memory.py", bench_memory.render, bench_memory.goals),
    (bench_enrich.NAME, "bench_enrich.py", bench_enrich.render, bench_enrich.goals),
    (bench_ann.NAME, "bench_ann.py", bench_ann.render, bench_ann.goals),
    (bench_embed.NAME, "bench_embed.py", bench_embed.render, bench_embed.goals),
    (
        bench_talking_points.NAME,
        "bench_talking_points.py",
        bench_talking_points.render,
        bench_talking_points.goals,
    ),
    (bench_serve.NAME, "bench_serve.py", bench_serve.render, bench_serve.goals),
)


def run(script: str, extra: list[str]) -> None:
    command = [sys.executable, str(BENCH / script), *extra]
    log(f"$ {' '.join(command[1:])}")
    start = time.perf_counter()
    subprocess.run(command, cwd=REPO, check=True)
    log(f"{script}: {time.perf_counter() - start:.0f} s")


def arguments(script: str, quick: bool, profile: bool) -> list[str]:
    extra: list[str] = []
    if quick:
        extra += {
            "bench_ingest.py": ["--runs", "3"],
            "bench_search.py": ["--copies", "1", "5", "--rounds", "5"],
            "bench_memory.py": ["--copies", "1", "5"],
            "bench_enrich.py": ["--documents", "60", "--skip-corpus"],
            "bench_ann.py": ["--vectors", "200000", "--queries", "100"],
            "bench_embed.py": ["--sentences", "1000"],
            "bench_talking_points.py": [],
            "bench_serve.py": ["--copies", "5", "--requests", "1000", "--duration", "30"],
        }[script]
    if profile and script not in (
        "bench_memory.py",
        "bench_enrich.py",
        "bench_ann.py",
        "bench_embed.py",
        "bench_talking_points.py",
        "bench_serve.py",
    ):
        extra.append("--profile")
    return extra


def header(started: str, facts: dict[str, str], quick: bool) -> str:
    command = COMMAND + (" --quick" if quick else "")
    return (
        "# Benchmarks\n\n"
        f"Written by `{command}` (run started {started} UTC); every figure below was "
        "measured by this script's benchmarks, at the commit and time each lists under "
        "'Code measured' (a benchmark may be rerun alone and the page rendered again with "
        "`--render-only`). Each benchmark compares onrecord with a baseline in the same run (a "
        "bare SQLite FTS5 table; for enrichment, spaCy's own `nlp.pipe`; for the vector "
        "index, exact search), and the goals "
        "are set on the ratio. The machines are shared and "
        "noisy: runs are repeated and medians or percentiles reported.\n\n"
        f"- Machine: {facts['nproc']} CPUs ({facts['cpu']}), {facts['platform']}\n"
        f"- Python {facts['python']}, SQLite {facts['sqlite']}, onrecord {facts['onrecord']} "
        f"at commit {facts['commit']}\n"
        f"- Corpus: `kremlin_en_dev.jsonl` from `{shared_dir()}` "
        "(N× copies built by `bench/make_corpus.py`)\n"
        f"- Reproduce: `{command}` from the repository root "
        "(or one benchmark: `python bench/bench_<name>.py --help`)\n"
    )


def code_measured(results: dict[str, dict[str, Any]]) -> str:
    """Which code each benchmark measured; others may change src/ during a run."""
    lines = []
    for name, _, _, _ in BENCHMARKS:
        if name not in results:
            lines.append(f"- {name}: skipped")
            continue
        start, end = results[name]["code_at_start"], results[name]["code_at_end"]
        when = results[name].get("measured_at", "?")
        if start == end:
            lines.append(f"- {name}: onrecord at {start}, measured {when}")
        else:
            lines.append(
                f"- {name}: **src/ changed while it ran** (from {start} to {end}); "
                "its figures mix the two"
            )
    return "Code measured (commit, and a digest of src/):\n\n" + "\n".join(lines) + "\n"


def summary(results: dict[str, dict[str, Any]]) -> str:
    rows = [
        [benchmark, goal, measured, verdict(met)]
        for name, _, _, goals in BENCHMARKS
        if name in results
        for benchmark, goal, measured, met in goals(results[name])
    ]
    return "## Summary\n\n" + markdown_table(["benchmark", "goal", "measured", ""], rows) + "\n"


def save_run(started: str, facts: dict[str, str], quick: bool) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    run_facts = {"started": started, "facts": facts, "quick": quick}
    (RESULTS / "run.json").write_text(json.dumps(run_facts, indent=2) + "\n", encoding="utf-8")


def render_last_run() -> None:
    """The page again from the last run's results, e.g. after a change of wording."""
    path = RESULTS / "run.json"
    if not path.is_file():
        raise SystemExit("no complete run in bench/.work/results; run the benchmarks first")
    run_facts = json.loads(path.read_text(encoding="utf-8"))
    write_page(run_facts["started"], run_facts["facts"], run_facts["quick"])


# Benchmarks whose baseline needs an optional install: without it they skip (exit 0,
# no result) and the page says so instead of being left unwritten.
OPTIONAL = {bench_embed.NAME: "its baseline needs `pip install -e '.[bench]'` (torch CPU)"}


def write_page(started: str, facts: dict[str, str], quick: bool) -> None:
    results: dict[str, dict[str, Any]] = {}
    skipped: dict[str, str] = {}
    for name, script, _, _ in BENCHMARKS:
        result = load_result(name)
        if result is None and name in OPTIONAL:
            skipped[name] = f"## {name}: skipped\n\n`{script}` did not run: {OPTIONAL[name]}.\n"
            continue
        if result is None:
            raise SystemExit(f"{script} wrote no result; docs/benchmarks.md left as it was")
        results[name] = result
    sections = [header(started, facts, quick), code_measured(results), summary(results)]
    sections += [
        skipped[name] if name in skipped else render(results[name])
        for name, _, render, _ in BENCHMARKS
    ]
    DOCS.parent.mkdir(parents=True, exist_ok=True)
    DOCS.write_text("\n".join(sections), encoding="utf-8")
    log(f"wrote {DOCS}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs, 5× instead of 20×")
    parser.add_argument("--profile", action="store_true", help="cProfile files in bench/.work/")
    parser.add_argument(
        "--render-only", action="store_true", help="rewrite the page from the last run"
    )
    args = parser.parse_args()
    if args.render_only:
        render_last_run()
        return
    if corpus_path() is None:
        print(f"run_all: skipped: no corpus under {shared_dir()}; docs/benchmarks.md unchanged")
        return
    started, facts = now_iso(), machine()  # the code measured is the code at the start
    shutil.rmtree(RESULTS, ignore_errors=True)
    for _, script, _, _ in BENCHMARKS:
        run(script, arguments(script, args.quick, args.profile))
    save_run(started, facts, args.quick)
    write_page(started, facts, args.quick)


if __name__ == "__main__":
    main()
