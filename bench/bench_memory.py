"""(c) Peak memory of ``onrecord ingest`` on the 1×, 5× and 20× corpora, and of the baseline.

Each measurement runs in its own helper process, which starts the command, waits for
it and reports ``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss`` — the peak resident
set of that one child (a process's ``RUSAGE_CHILDREN`` keeps the maximum over all its
children, so one helper per measurement keeps the figures apart). That is the largest
single process; since onrecord parses in worker processes, the helper also samples the
whole process tree every 50 ms and reports the peak of its summed proportional set size
(PSS: shared pages counted once). Every ingest writes a fresh database. Goal: under
300 MB, and no growth with corpus size (the 20× peak within 10 % of the 1× peak), on
both figures.

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
    code_state,
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
SAMPLE_SECONDS = 0.05
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


def _parents() -> dict[int, int]:
    """Parent pid of every process, from /proc."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text(encoding="utf-8")
        except OSError:
            continue  # it ended meanwhile
        parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    return parents


def _tree(root: int) -> list[int]:
    parents = _parents()
    tree, frontier = [root], [root]
    while frontier:
        frontier = [pid for pid, parent in parents.items() if parent in frontier]
        tree += frontier
    return tree


def _pss_kib(pid: int) -> int:
    """Proportional set size of ``pid`` in KiB (0 once it has ended)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text(encoding="utf-8").splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def run_child(command: list[str]) -> None:
    """Helper-process side: run ``command``, print its peak memory and time as JSON."""
    start = time.perf_counter()
    with subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        tree_peak = 0
        while process.poll() is None:
            tree_peak = max(tree_peak, sum(_pss_kib(pid) for pid in _tree(process.pid)))
            time.sleep(SAMPLE_SECONDS)
        stdout, stderr = process.communicate()
    seconds = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    report = {
        "returncode": process.returncode,
        "maxrss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux reports KiB
        "tree_pss_mb": round(tree_peak / 1024, 1),
        "seconds": round(seconds, 2),
        "stdout": stdout.strip()[-300:],
        "stderr": stderr.strip()[-300:],
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
        figures[name] = {key: report[key] for key in ("maxrss_mb", "tree_pss_mb", "seconds")}
        log(
            f"{copies}× {name}: ru_maxrss {report['maxrss_mb']} MB, tree PSS "
            f"{report['tree_pss_mb']} MB, {report['seconds']} s"
        )
    return figures


FIGURES = (("maxrss_mb", "ru_maxrss"), ("tree_pss_mb", "process-tree PSS"))


def summarise(runs: list[dict[str, Any]]) -> dict[str, Any]:
    smallest, largest = runs[0], runs[-1]
    figures = {
        key: {
            "max_peak_mb": max(r["onrecord"][key] for r in runs),
            "growth": round(largest["onrecord"][key] / smallest["onrecord"][key] - 1, 3),
        }
        for key, _ in FIGURES
    }
    if len(runs) > 2:  # whether the peak levels off: the two largest corpora
        before = runs[-2]
        for key, _ in FIGURES:
            figures[key]["growth_last"] = round(
                largest["onrecord"][key] / before["onrecord"][key] - 1, 3
            )
    return {
        "runs": runs,
        "goal_mb": GOAL_MB,
        "growth_tolerance": GROWTH_TOLERANCE,
        "figures": figures,
        "growth_between": [smallest["copies"], largest["copies"]],
    }


def render(result: dict[str, Any]) -> str:
    """The Markdown section for docs/benchmarks.md."""
    goal = result["goal_mb"]
    rows = []
    for r in result["runs"]:
        mine, bare = r["onrecord"], r["fts5-porter"]
        rows.append(
            [
                f"{r['copies']}× ({r['corpus_mb']:.0f} MB)",
                f"{mine['maxrss_mb']:.1f}",
                f"{mine['tree_pss_mb']:.1f}",
                verdict(max(mine["maxrss_mb"], mine["tree_pss_mb"]) < goal),
                f"{mine['seconds']:.1f}",
                f"{bare['maxrss_mb']:.1f}",
                f"{bare['tree_pss_mb']:.1f}",
                f"{bare['seconds']:.1f}",
            ]
        )
    header = [
        "corpus", "onrecord ru_maxrss MB", "onrecord tree PSS MB", f"< {goal:.0f} MB",
        "onrecord s", "fts5-porter ru_maxrss MB", "fts5-porter tree PSS MB", "fts5-porter s",
    ]  # fmt: skip
    low, high = result["growth_between"]
    tolerance = result["growth_tolerance"]
    growth = "; ".join(
        f"{label} {result['figures'][key]['growth']:+.1%} "
        f"({verdict(result['figures'][key]['growth'] <= tolerance)})"
        for key, label in FIGURES
    )
    last = "; ".join(
        f"{label} {result['figures'][key]['growth_last']:+.1%}"
        for key, label in FIGURES
        if "growth_last" in result["figures"][key]
    )
    if last:
        runs = result["runs"]
        growth += f". From {runs[-2]['copies']}× to {high}×: {last}"
    return (
        "## (c) Peak memory of ingest\n\n"
        "`onrecord --db <fresh> ingest -q <corpus>` as a child process, and the bare "
        "baseline `python bench/baseline.py <corpus> <fresh> --tokenizer porter` for "
        "comparison. `ru_maxrss`: `resource.getrusage(RUSAGE_CHILDREN)` in a helper process "
        "per figure — the largest single process (onrecord's parsing workers included, but "
        "not added up). Tree PSS: the peak of the summed proportional set size of the "
        "process and all its descendants, sampled every 50 ms. One run per figure; wall time "
        "for scale.\n\n"
        + markdown_table(header, rows)
        + f"\n\nGrowth of onrecord's peak from {low}× to {high}× (goal: no growth, "
        f"≤ {tolerance:.0%}): {growth}.\n"
    )


def goals(result: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(benchmark, goal, measured, met) for the summary table."""
    low, high = result["growth_between"]
    goal, tolerance = result["goal_mb"], result["growth_tolerance"]
    rows = []
    for key, label in FIGURES:
        peak, growth = result["figures"][key]["max_peak_mb"], result["figures"][key]["growth"]
        rows += [
            (f"ingest peak memory, {label}", f"< {goal:.0f} MB", f"{peak:.1f} MB", peak < goal),
            (f"{label} growth {low}× → {high}×", f"≤ {tolerance:.0%}", f"{growth:+.1%}",
             growth <= tolerance),
        ]  # fmt: skip
    return rows


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        run_child(sys.argv[3:] if sys.argv[2] == "--" else sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, nargs="+", default=[1, 5, 20])
    args = parser.parse_args()
    source = require_corpus("bench_memory")
    code_at_start = code_state()
    runs = [measure_copy(source, n) for n in sorted(args.copies)]
    result = summarise(runs)
    save_result(NAME, result, code_at_start)
    print(render(result))


if __name__ == "__main__":
    main()
