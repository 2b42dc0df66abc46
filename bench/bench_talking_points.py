"""(g) Talking points and topics: time and memory to compute them for the whole corpus.

A database holding the development corpus with its embeddings is reused from
``bench_enrich.py`` (``bench/.work/enrich.db``) or made here (``onrecord ingest`` then
``onrecord enrich --enrichers embeddings``). In a fresh process each, this benchmark
then times, with peak RSS:

- linking every statement from scratch (``update_talking_points`` after the layer is
  cleared), then a second run with nothing to do;
- the baseline, in the same run: the bare exact similarity join the linking rests on —
  every statement against every earlier one in float32 numpy, keeping the pairs at
  the link threshold — with no linking, no digests and no writes;
- fitting the topic model and assigning every paragraph (``--refit``).

    python bench/bench_talking_points.py [--db PATH]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _common import (
    code_state,
    log,
    markdown_table,
    ratio,
    require_corpus,
    save_result,
    scratch,
)

NAME = "talking_points"
BENCH = Path(__file__).resolve().parent


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child_link(db: str) -> dict[str, Any]:
    from onrecord.enrich import talking_points as tp
    from onrecord.store.sqlite import SQLiteStore

    store = SQLiteStore(db)
    docs = {row.doc_id for row in store.statements()}
    store.replace_layer(tp.LAYER, {doc: [] for doc in docs})
    start = time.perf_counter()
    report = tp.update_talking_points(store)
    first = time.perf_counter() - start
    start = time.perf_counter()
    again = tp.update_talking_points(store)
    second = time.perf_counter() - start
    return {
        "seconds": first,
        "noop_seconds": second,
        "statements": report.statements,
        "talking_points": report.talking_points,
        "noop_relinked": again.relinked,
        "peak_mb": _peak_mb(),
    }


def child_baseline(db: str) -> dict[str, Any]:
    import numpy as np

    from onrecord.enrich import talking_points as tp
    from onrecord.enrich.vectors import normalised
    from onrecord.store.sqlite import SQLiteStore

    rows = [r for r in SQLiteStore(db).statements() if tp.eligible(r)]
    start = time.perf_counter()
    matrix = np.frombuffer(b"".join(r.vector for r in rows), dtype=np.int8)
    unit = normalised(matrix.reshape(len(rows), -1))
    pairs = 0
    for begin in range(0, len(unit), 1024):
        block = unit[begin : begin + 1024]
        for chunk in range(0, begin + len(block), 16_384):
            scores = block @ unit[chunk : min(chunk + 16_384, begin + len(block))].T
            rows_at, cols_at = np.nonzero(scores >= tp.LINK_THRESHOLD)
            pairs += int(np.count_nonzero(chunk + cols_at < begin + rows_at))
    return {"seconds": time.perf_counter() - start, "pairs": pairs, "peak_mb": _peak_mb()}


def child_topics(db: str) -> dict[str, Any]:
    from onrecord.enrich import topics
    from onrecord.store.sqlite import SQLiteStore

    store = SQLiteStore(db)
    start = time.perf_counter()
    report = topics.update_topics(store, refit=True)
    return {
        "seconds": time.perf_counter() - start,
        "paragraphs": report.paragraphs,
        "topics": report.topics,
        "peak_mb": _peak_mb(),
    }


CHILDREN = {"link": child_link, "baseline": child_baseline, "topics": child_topics}


def _in_child(kind: str, db: Path) -> dict[str, Any]:
    command = [sys.executable, str(Path(__file__)), "--child", kind, "--db", str(db)]
    done = subprocess.run(command, check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _database(given: str | None, corpus: Path) -> Path:
    if given:
        return Path(given)
    reused = scratch("enrich.db")
    if reused.is_file():
        return reused
    db = scratch("talking_points.db")
    if not db.is_file():
        onrecord = [sys.executable, "-m", "onrecord", "--db", str(db)]
        subprocess.run([*onrecord, "ingest", "-q", str(corpus)], check=True)
        subprocess.run([*onrecord, "enrich", "-q", "--enrichers", "embeddings"], check=True)
    return db


def measure(db: Path) -> dict[str, Any]:
    link = _in_child("link", db)
    log(f"linking: {link['seconds']:.1f} s, {link['peak_mb']:.0f} MB")
    baseline = _in_child("baseline", db)
    log(f"bare similarity join: {baseline['seconds']:.1f} s, {baseline['peak_mb']:.0f} MB")
    fitted = _in_child("topics", db)
    log(f"topics: {fitted['seconds']:.1f} s, {fitted['peak_mb']:.0f} MB")
    return {"link": link, "baseline": baseline, "topics": fitted}


def render(result: dict[str, Any]) -> str:
    link, baseline, fitted = result["link"], result["baseline"], result["topics"]
    rows = [
        ["link every statement (from scratch)", f"{link['seconds']:.1f} s",
         f"{link['peak_mb']:.0f} MB", f"{link['statements']:,} statements, "
         f"{link['talking_points']:,} talking points said more than once"],
        ["the same, nothing to do", f"{link['noop_seconds']:.1f} s", "",
         f"{link['noop_relinked']} relinked"],
        ["baseline: bare exact similarity join", f"{baseline['seconds']:.1f} s",
         f"{baseline['peak_mb']:.0f} MB", f"{baseline['pairs']:,} pairs at the threshold"],
        ["fit topics and assign every paragraph", f"{fitted['seconds']:.1f} s",
         f"{fitted['peak_mb']:.0f} MB", f"{fitted['paragraphs']:,} paragraphs, "
         f"{fitted['topics']} topics"],
    ]  # fmt: skip
    return (
        "## (g) Talking points and topics, whole corpus\n\n"
        "Each step in a fresh process (`python bench/bench_talking_points.py`), on the "
        "development corpus with its embeddings. Linking is exact (every statement against "
        "every earlier one), so its cost grows with the square of the statements; the "
        "baseline is that similarity join alone, in the same run.\n\n"
        + markdown_table(["step", "time", "peak RSS", "what"], rows)
        + f"\nLinking takes {ratio(link['seconds'], baseline['seconds']):.2f}× the bare join.\n"
    )


def goals(result: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    link = result["link"]
    return [
        (
            "talking points, whole corpus",
            "reported (no goal set)",
            f"{link['seconds']:.0f} s, {link['peak_mb']:.0f} MB peak",
            True,
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a database with embeddings [default: reuse or build]")
    parser.add_argument("--child", choices=sorted(CHILDREN), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(CHILDREN[args.child](args.db)))
        return
    start = code_state()
    corpus = require_corpus(NAME)  # exits 0, saying why, when the corpus is absent
    result = measure(_database(args.db, corpus))
    save_result(NAME, result, start)


if __name__ == "__main__":
    main()
