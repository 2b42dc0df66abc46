"""(h) HTTP search under load: ``onrecord serve`` on loopback, many concurrent clients.

The server (``onrecord serve``, uvicorn, 4 database handles) runs in a subprocess on
127.0.0.1 over the N× corpus; ``--clients`` asyncio clients (httpx) send the search
queries of ``bench_search.py`` (``GET /api/search``, ``limit=10``) round-robin until
``--requests`` have been answered or ``--duration`` seconds have passed, whichever is
first. Every answer must be a 200 with the JSON envelope; anything else counts as an
error. The baseline, in the same run on the same database, is the same queries through
``Corpus.search`` in process, one after another: what the API adds is HTTP, JSON and
the thread hand-off. Client and server share the machine's cores.

    python bench/bench_serve.py [--copies 20] [--clients 16] [--requests 4000]
                                [--duration 60] [--reuse]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from _common import (
    REPO,
    code_state,
    log,
    markdown_table,
    percentile,
    ratio,
    require_corpus,
    save_result,
    scratch,
    verdict,
)
from bench_search import LIMIT, QUERIES, Query, build_database
from make_corpus import ensure_corpus
from onrecord import Corpus

NAME = "serve"
GOAL_ERRORS = 0
GOAL_THROUGHPUT_RATIO = 0.5  # HTTP req/s at least half of in-process searches/s
POOL = 4
START_TIMEOUT = 60.0
BASELINE_ROUNDS = 3


def params(query: Query) -> dict[str, str]:
    values = {"q": query.text, "limit": str(LIMIT)}
    for name in ("speaker", "since", "until", "kind"):
        value = getattr(query, name)
        if value:
            values[name] = value
    return values


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def start_server(db_path: Path, port: int) -> subprocess.Popen[bytes]:
    command = [
        sys.executable, "-m", "onrecord", "--db", str(db_path), "serve",
        "--host", "127.0.0.1", "--port", str(port), "--workers", str(POOL),
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "ONRECORD_TOKEN"}  # read-only
    server = subprocess.Popen(command, cwd=REPO, env=env)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"onrecord serve exited with status {server.returncode}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/speakers?limit=1", timeout=2).is_success:
                return server
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"onrecord serve did not answer within {START_TIMEOUT:.0f} s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


async def load(base: str, clients: int, requests: int, duration: float) -> dict[str, Any]:
    """Fire the queries from ``clients`` concurrent clients; latencies and errors."""
    latencies: list[float] = []
    errors: list[str] = []
    issued = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        for query in QUERIES:  # warm-up: every query once
            (await client.get("/api/search", params=params(query))).raise_for_status()
        start = time.perf_counter()
        stop_at = start + duration

        async def worker() -> None:
            nonlocal issued
            while issued < requests and time.perf_counter() < stop_at:
                query = QUERIES[issued % len(QUERIES)]
                issued += 1
                sent = time.perf_counter()
                try:
                    response = await client.get("/api/search", params=params(query))
                    ok = response.status_code == 200 and "results" in response.json()
                    if not ok:
                        errors.append(f"{response.status_code} {query.label()}")
                except httpx.HTTPError as error:
                    errors.append(f"{type(error).__name__} {query.label()}")
                latencies.append(time.perf_counter() - sent)

        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - start
    return {
        "requests": len(latencies),
        "seconds": round(elapsed, 2),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
        "max_ms": round(max(latencies) * 1000, 2),
        "errors": len(errors),
        "error_examples": errors[:5],
    }


def in_process(db_path: Path, rounds: int) -> dict[str, Any]:
    """The same queries through ``Corpus.search`` here, one at a time (after a warm-up)."""
    samples: list[float] = []
    with Corpus(db_path) as corpus:
        for round_number in range(-1, rounds):
            for query in QUERIES:
                start = time.perf_counter()
                corpus.search(
                    query.text, speaker=query.speaker, since=query.since, until=query.until,
                    kind=query.kind, limit=LIMIT, count=True,  # as the API does, for "total"
                )  # fmt: skip
                if round_number >= 0:
                    samples.append(time.perf_counter() - start)
        documents = len(corpus)
    return {
        "calls": len(samples),
        "searches_per_s": round(len(samples) / sum(samples), 1),
        "p50_ms": round(percentile(samples, 0.50) * 1000, 2),
        "p99_ms": round(percentile(samples, 0.99) * 1000, 2),
        "documents": documents,
    }


def bench(copies: int, clients: int, requests: int, duration: float, reuse: bool) -> dict[str, Any]:
    source = require_corpus("bench_serve")
    db_path = scratch(f"serve-{copies}x.db")
    build_database(ensure_corpus(source, copies), db_path, reuse)
    baseline = in_process(db_path, BASELINE_ROUNDS)
    log(f"in process: {baseline}")
    port = free_port()
    server = start_server(db_path, port)
    try:
        log(f"{clients} clients, up to {requests} requests or {duration:.0f} s, on :{port}")
        measured = asyncio.run(load(f"http://127.0.0.1:{port}", clients, requests, duration))
    finally:
        stop_server(server)
    log(f"over HTTP: {measured}")
    return {
        "copies": copies,
        "documents": baseline["documents"],
        "clients": clients,
        "pool": POOL,
        "queries": len(QUERIES),
        "http": measured,
        "in_process": baseline,
        "throughput_ratio": round(ratio(measured["requests_per_s"], baseline["searches_per_s"]), 2),
        "goal_errors": GOAL_ERRORS,
        "goal_throughput_ratio": GOAL_THROUGHPUT_RATIO,
    }


def render(result: dict[str, Any]) -> str:
    """The Markdown section for docs/benchmarks.md."""
    http, local = result["http"], result["in_process"]
    rows = [
        [
            f"HTTP, {result['clients']} concurrent clients",
            f"{http['requests']:,}",
            f"{http['requests_per_s']:.1f}",
            f"{http['p50_ms']:.2f}",
            f"{http['p99_ms']:.2f}",
            str(http["errors"]),
        ],
        [
            "`Corpus.search` in process, sequential",
            f"{local['calls']:,}",
            f"{local['searches_per_s']:.1f}",
            f"{local['p50_ms']:.2f}",
            f"{local['p99_ms']:.2f}",
            "–",
        ],
    ]
    header = ["", "requests", "per second", "p50 ms", "p99 ms", "errors"]
    return (
        "## (h) HTTP search under load\n\n"
        f"`onrecord serve` (uvicorn, {result['pool']} database handles) on 127.0.0.1 over the "
        f"{result['copies']}× corpus ({result['documents']:,} documents); "
        f"{result['clients']} asyncio clients (httpx, keep-alive) send the "
        f"{result['queries']} queries of `bench_search.py` round-robin "
        "(`GET /api/search`, `limit=10`) for a bounded count and time, after one warm-up "
        "pass; an answer other than a 200 with the JSON envelope is an error. Baseline: the "
        "same queries through `Corpus.search(..., count=True)` (the API reports the total) in "
        "process, one at a time. Latency over HTTP "
        "includes the wait for a free handle under load; client and server share the "
        "machine's cores.\n\n"
        + markdown_table(header, rows)
        + f"\n\nThroughput over HTTP is {result['throughput_ratio']:.2f}× the in-process "
        f"rate (goal ≥ {result['goal_throughput_ratio']}×: "
        f"{verdict(result['throughput_ratio'] >= result['goal_throughput_ratio'])}); "
        f"errors: {http['errors']} (goal {result['goal_errors']}: "
        f"{verdict(http['errors'] <= result['goal_errors'])}).\n"
    )


def goals(result: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    """(benchmark, goal, measured, met) for the summary table."""
    http = result["http"]
    copies = result["copies"]
    return [
        (
            f"HTTP search errors, {copies}×, {result['clients']} clients "
            f"({http['requests_per_s']:.0f} req/s, p99 {http['p99_ms']:.0f} ms)",
            f"= {result['goal_errors']}",
            str(http["errors"]),
            http["errors"] <= result["goal_errors"],
        ),
        (
            f"HTTP search throughput / in-process, {copies}×",
            f"≥ {result['goal_throughput_ratio']}×",
            f"{result['throughput_ratio']:.2f}×",
            result["throughput_ratio"] >= result["goal_throughput_ratio"],
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=4000, help="at most this many")
    parser.add_argument("--duration", type=float, default=60.0, help="at most this long (s)")
    parser.add_argument("--reuse", action="store_true", help="keep an existing database")
    args = parser.parse_args()
    code_at_start = code_state()
    result = bench(args.copies, args.clients, args.requests, args.duration, args.reuse)
    save_result(NAME, result, code_at_start)
    print(render(result))


if __name__ == "__main__":
    main()
