"""(e) The vector index: recall and speed of onrecord's ANN search against exact search.

A synthetic corpus of N unit vectors (512 dimensions, as the embeddings are) drawn
around a few thousand centres, so that near neighbours exist as they do among real
sentences, is stored as onrecord stores embeddings (int8, scaled per vector) and
indexed by ``onrecord.store.vector_index.VectorIndex`` (usearch HNSW, onrecord's
parameters). Queries are perturbed copies of stored vectors. For each query the
index's top 10 are compared with the exact top 10 by cosine over all N vectors
(brute force: one matrix–vector product over the normalised float32 matrix), and
both are timed per query in the same run. Goals: recall@10 ≥ 0.97 at ≥ 10× the
speed of brute force.

    python bench/bench_ann.py [--vectors 1000000] [--queries 200] [--threads 2]
"""

from __future__ import annotations

import argparse
import time
from typing import Any

import numpy as np
import numpy.typing as npt

from _common import code_state, log, markdown_table, median, percentile, save_result, verdict
from onrecord.store.vector_index import VectorIndex

NAME = "ann"
DIMENSIONS = 512
GOAL_RECALL = 0.97
GOAL_SPEEDUP = 10.0
SEED = 20261201
_CHUNK = 50_000


def quantised(vectors: npt.NDArray[np.float32]) -> npt.NDArray[np.int8]:
    """Rows as onrecord stores them (onrecord.enrich.vectors.to_bytes, vectorised)."""
    peaks = np.maximum(np.abs(vectors).max(axis=1, keepdims=True), 1e-12)
    return np.clip(np.rint(vectors * (127.0 / peaks)), -127, 127).astype(np.int8)


def synthetic(count: int, rng: np.random.Generator) -> npt.NDArray[np.int8]:
    """``count`` stored vectors around ``count // 250`` centres."""
    centres = rng.normal(size=(max(count // 250, 1), DIMENSIONS)).astype(np.float32)
    out = np.empty((count, DIMENSIONS), dtype=np.int8)
    for begin in range(0, count, _CHUNK):
        size = min(_CHUNK, count - begin)
        picked = centres[rng.integers(0, len(centres), size)]
        rows = picked + 0.8 * rng.normal(size=(size, DIMENSIONS)).astype(np.float32)
        out[begin : begin + size] = quantised(rows)
    return out


def unit_rows(stored: npt.NDArray[np.int8]) -> npt.NDArray[np.float32]:
    rows = stored.astype(np.float32)
    rows /= np.maximum(np.linalg.norm(rows, axis=1, keepdims=True), 1e-12)
    return rows


def measure(count: int, queries: int, threads: int) -> dict[str, Any]:
    rng = np.random.default_rng(SEED)
    log(f"bench_ann: {count:,} synthetic vectors")
    stored = synthetic(count, rng)
    ids = np.arange(1, count + 1, dtype=np.int64)
    index = VectorIndex(None, DIMENSIONS)
    started = time.perf_counter()
    index.sync((count, count), lambda: ids, lambda keys: stored[np.asarray(keys) - 1], threads)
    build_s = time.perf_counter() - started
    log(f"bench_ann: index built in {build_s:.0f} s")
    exact_matrix = unit_rows(stored)
    picks = rng.integers(0, count, queries)
    noise = 0.3 * rng.normal(size=(queries, DIMENSIONS)).astype(np.float32)
    query_rows = unit_rows(quantised(exact_matrix[picks] + noise / np.sqrt(DIMENSIONS)))
    exact_ms: list[float] = []
    truths: list[set[int]] = []
    for query in query_rows:
        started = time.perf_counter()
        similarities = exact_matrix @ query
        best = np.argpartition(-similarities, 10)[:10]
        exact_ms.append(1000 * (time.perf_counter() - started))
        truths.append({int(i) + 1 for i in best})
    shipped = index.expansion
    sweep = [_ann(index, query_rows, truths, value) for value in sorted({96, shipped, 400})]
    index.expansion = shipped
    chosen = next(row for row in sweep if row["expansion"] == shipped)
    return {
        "vectors": count,
        "queries": queries,
        "build_threads": threads,
        "build_s": build_s,
        "expansion": shipped,
        "sweep": sweep,
        "recall_at_10": chosen["recall_at_10"],
        "ann_p50_ms": chosen["p50_ms"],
        "ann_p95_ms": chosen["p95_ms"],
        "exact_p50_ms": median(exact_ms),
        "exact_p95_ms": percentile(exact_ms, 0.95),
        "speedup_p50": median(exact_ms) / chosen["p50_ms"],
    }


def _ann(
    index: VectorIndex,
    query_rows: npt.NDArray[np.float32],
    truths: list[set[int]],
    expansion: int,
) -> dict[str, float]:
    """Recall@10 and latency of the index searching with ``expansion`` candidates."""
    index.expansion = expansion
    times: list[float] = []
    recalls: list[float] = []
    for query, truth in zip(query_rows, truths, strict=True):
        started = time.perf_counter()
        found = index.search(quantised(query[None, :])[0], 10)
        times.append(1000 * (time.perf_counter() - started))
        recalls.append(len(truth & set(found)) / 10)
    return {
        "expansion": expansion,
        "recall_at_10": float(np.mean(recalls)),
        "p50_ms": median(times),
        "p95_ms": percentile(times, 0.95),
    }


def render(result: dict[str, Any]) -> str:
    rows = [
        [
            f"onrecord `VectorIndex`, expansion {row['expansion']}"
            + (" (shipped)" if row["expansion"] == result["expansion"] else ""),
            f"{row['p50_ms']:.2f}",
            f"{row['p95_ms']:.2f}",
            f"{row['recall_at_10']:.3f}",
        ]
        for row in result["sweep"]
    ]
    rows.append(["exact: normalised float32 matrix × query", f"{result['exact_p50_ms']:.1f}",
                 f"{result['exact_p95_ms']:.1f}", "1.000"])  # fmt: skip
    return (
        f"## (e) Vector index\n\n{result['vectors']:,} synthetic unit vectors of "
        f"{DIMENSIONS} dimensions around {result['vectors'] // 250:,} centres, stored as "
        f"onrecord stores embeddings (int8); {result['queries']} queries, each a perturbed "
        "stored vector; top 10 by cosine. Index built in "
        f"{result['build_s']:.0f} s with {result['build_threads']} threads "
        "(onrecord itself builds with one, for a deterministic graph).\n\n"
        + markdown_table(["search", "p50 ms", "p95 ms", "recall@10"], rows)
        + f"\n\nShipped setting, speed-up at p50: **{result['speedup_p50']:.0f}×** "
        f"(goal ≥ {GOAL_SPEEDUP:.0f}×); "
        f"recall@10 **{result['recall_at_10']:.3f}** (goal ≥ {GOAL_RECALL}).\n"
    )


def goals(result: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    recall, speedup = result["recall_at_10"], result["speedup_p50"]
    size = f"{result['vectors'] / 1e6:g}M"
    return [
        (f"ANN recall@10 vs exact, {size} vectors", f"≥ {GOAL_RECALL}", f"{recall:.3f}",
         recall >= GOAL_RECALL),
        (f"ANN speed vs brute force, {size} vectors", f"≥ {GOAL_SPEEDUP:.0f}×",
         f"{speedup:.0f}×", speedup >= GOAL_SPEEDUP),
    ]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vectors", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2, help="threads building the index")
    args = parser.parse_args()
    code_at_start = code_state()
    result = measure(args.vectors, args.queries, args.threads)
    save_result(NAME, result, code_at_start)
    print(render(result))
    print(", ".join(f"{name}: {verdict(met)}" for name, _, _, met in goals(result)))


if __name__ == "__main__":
    main()
