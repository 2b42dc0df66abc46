"""What every benchmark shares: where the corpus and scratch files are, statistics, results.

A benchmark finds the shared corpora in ``$ONRECORD_SHARED`` or ``../shared`` next to
the repository, writes scratch files under ``bench/.work/`` and its figures as JSON
under ``bench/.work/results/``, from which ``run_all.py`` writes ``docs/benchmarks.md``.
"""

from __future__ import annotations

import gc
import hashlib
import json
import math
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
WORK = REPO / "bench" / ".work"
RESULTS = WORK / "results"
CORPUS_RELATIVE = Path("corpora") / "kremlin_en" / "kremlin_en_dev.jsonl"


def shared_dir() -> Path:
    """``$ONRECORD_SHARED`` when set, else ``../shared`` relative to the repository root."""
    configured = os.environ.get("ONRECORD_SHARED")
    return Path(configured) if configured else REPO.parent / "shared"


def corpus_path() -> Path | None:
    """The kremlin_en development corpus, or None when it is not there."""
    path = shared_dir() / CORPUS_RELATIVE
    return path if path.is_file() else None


def require_corpus(benchmark: str) -> Path:
    """The corpus path; when it is absent, say so and exit 0 (a skip, not a failure)."""
    path = corpus_path()
    if path is None:
        print(
            f"{benchmark}: skipped: corpus not found at {shared_dir() / CORPUS_RELATIVE} "
            "(set ONRECORD_SHARED to the folder holding corpora/)"
        )
        raise SystemExit(0)
    return path


def scratch(name: str) -> Path:
    """A path under ``bench/.work/`` (created on demand)."""
    WORK.mkdir(parents=True, exist_ok=True)
    return WORK / name


def remove_database(path: Path) -> None:
    """Delete a SQLite file with its WAL and shared-memory companions."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def timed(action: Callable[[], object]) -> float:
    """Seconds ``action`` took, with garbage collected before and none collected during."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        action()
        return time.perf_counter() - start
    finally:
        gc.enable()


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile (``fraction`` in 0..1) of ``values``."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def save_result(name: str, result: dict[str, Any], code_at_start: str) -> Path:
    """Write one benchmark's figures to ``bench/.work/results/<name>.json``.

    ``code_at_start`` is :func:`code_state` when the benchmark began; the state at the
    end is stored beside it, so figures taken while src/ changed are flagged.
    """
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    result = {
        "benchmark": name,
        "measured_at": now_iso(),
        "code_at_start": code_at_start,
        "code_at_end": code_state(),
        **result,
    }
    path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def load_result(name: str) -> dict[str, Any] | None:
    path = RESULTS / f"{name}.json"
    if not path.is_file():
        return None
    value: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return value


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def machine() -> dict[str, str]:
    """The facts a reader needs to weigh the figures."""
    return {
        "nproc": str(os.cpu_count()),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
        "onrecord": _onrecord_version(),
        "commit": _git_commit(),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _onrecord_version() -> str:
    from importlib.metadata import version

    return version("onrecord")


def code_state() -> str:
    """The commit and a digest of every file under src/: equal only for the same code."""
    digest = hashlib.sha256()
    for path in sorted((REPO / "src").rglob("*.py")):
        digest.update(str(path.relative_to(REPO)).encode())
        digest.update(path.read_bytes())
    return f"{_git_commit()}, src {digest.hexdigest()[:10]}"


def _git_commit() -> str:
    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "src")
    return f"{commit} (src/ has uncommitted changes)" if dirty else commit


def ratio(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.inf


def verdict(met: bool) -> str:
    return "met" if met else "**not met**"


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)
