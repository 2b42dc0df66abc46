"""Sample statement pairs for hand-checking talking-point links.

    python eval/build_talking_point_pairs.py --db DB [--per-band 50] [--below 60]
    python eval/build_talking_point_pairs.py --db DB --round 2 [--sample 150]

``DB`` must hold the whole ``kremlin_en`` corpus with embeddings and talking points
(``onrecord ingest …/kremlin_en_dev.jsonl && onrecord enrich``). From the stored
``repeat`` links it draws ``--per-band`` links from each similarity band of
``BANDS`` (seeded, in a fixed order), and ``--below`` pairs that were *not* linked:
statements whose most similar earlier statement lies just under the link threshold
(``BELOW``), to show what the threshold leaves out.

It writes, under ``eval/gold/talking_points/``:

* ``pairs.jsonl`` — each pair with its statements' citations, similarity, band and
  the band's population (for weighting), and
* ``to_label.jsonl`` — the same pairs shuffled, with nothing but an id and the two
  texts, so that the person labelling sees neither similarity nor band.

Round 2 (after the threshold was chosen on round 1) draws ``--sample`` links
uniformly from all stored links, leaving out pairs round 1 already holds, and
writes ``pairs_2.jsonl`` and ``to_label_2.jsonl``: its share of true links is an
estimate of precision at the shipped threshold that the choice did not see.

Labels go to ``labels.jsonl`` (``labels_2.jsonl`` for round 2): ``{"pair", "same",
"note"}``, read by ``eval/talking_points.py``. Rerunning on the same database gives the same files.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from pathlib import Path
from typing import Any

import numpy as np

from onrecord.enrich import talking_points as tp
from onrecord.store.base import AnnotationQuery, StatementRow
from onrecord.store.sqlite import SQLiteStore

GOLD = Path(__file__).resolve().parent / "gold" / "talking_points"
SEED = 20261201
BANDS = ((0.80, 0.85), (0.85, 0.90), (0.90, 0.95), (0.95, 1.01))
BELOW = (0.70, 0.80)


def _row_dict(row: StatementRow) -> dict[str, Any]:
    return {
        "doc_id": row.doc_id,
        "paragraph_id": f"{row.doc_id}#p{row.paragraph + 1}",
        "start": row.start,
        "end": row.end,
        "date": row.date,
        "language": row.language,
        "speaker_id": row.speaker_id,
        "text": " ".join(row.text.split()),
    }


def linked_pairs(store: SQLiteStore, rows: list[StatementRow]) -> list[tuple[int, int, float]]:
    """(statement, linked earlier statement, similarity) of every stored repeat link."""
    position = {(r.doc_id, r.start, r.end): i for i, r in enumerate(rows)}
    out = []
    query = AnnotationQuery(layer=tp.LAYER, labels=("repeat",), limit=10_000_000)
    for a in store.annotations(query):
        value = a.value or {}
        via_doc, _, span = str(value["via"]).rpartition(":")
        via_start, via_end = (int(x) for x in span.split("-"))
        doc_id = via_doc.rpartition("#p")[0]
        out.append(
            (
                position[(a.doc_id, a.start, a.end)],
                position[(doc_id, via_start, via_end)],
                float(value["score"]),
            )
        )
    return sorted(out)


def unlinked_near_misses(
    rows: list[StatementRow], linked: set[int], rng: random.Random, count: int
) -> tuple[list[tuple[int, int, float]], int]:
    """Unlinked statements whose best earlier match is in ``BELOW``, and their population
    estimated from the statements examined."""
    matrix = np.frombuffer(b"".join(r.vector for r in rows), dtype=np.int8)
    sims = tp.Similarities(matrix.reshape(len(rows), -1))
    order = list(range(1, len(rows)))
    rng.shuffle(order)
    found: list[tuple[int, int, float]] = []
    examined = 0
    for index in order:
        if index in linked:
            continue
        examined += 1
        scores = sims.block(sims.vectors[index : index + 1], sims.inverse[index : index + 1],
                            0, index)[0]  # fmt: skip
        best = int(np.argmax(scores))
        if BELOW[0] <= float(scores[best]) < BELOW[1]:
            found.append((index, best, float(scores[best])))
            if len(found) == count:
                break
    unlinked = len(rows) - 1 - len(linked)
    return sorted(found), round(unlinked * len(found) / max(examined, 1))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--per-band", type=int, default=50)
    parser.add_argument("--below", type=int, default=60)
    parser.add_argument("--round", type=int, choices=(1, 2), default=1)
    parser.add_argument("--sample", type=int, default=150)
    args = parser.parse_args()
    store = SQLiteStore(args.db)
    rows = [r for r in store.statements() if tp.eligible(r)]
    pairs = linked_pairs(store, rows)
    if not pairs:
        print(f"{args.db}: no talking-point links; run onrecord enrich first", file=sys.stderr)
        return 1
    rng = random.Random(SEED + args.round - 1)
    sample: list[dict[str, Any]] = []
    if args.round == 2:
        sample = _uniform_sample(rows, pairs, rng, args.sample)
        _write(rows, sample, rng, "_2")
        print(f"{len(sample)} pairs ({len(pairs)} links in the database) written to {GOLD}")
        return 0
    for low, high in BANDS:
        band = [p for p in pairs if low <= p[2] < high]
        for i, j, sim in sorted(rng.sample(band, min(args.per_band, len(band)))):
            band_name = f"{low:.2f}-{min(high, 1.0):.2f}"
            sample.append(_item(i, j, sim, band_name, linked=True, population=len(band)))
    misses, population = unlinked_near_misses(rows, {p[0] for p in pairs}, rng, args.below)
    for i, j, sim in misses:
        band_name = f"{BELOW[0]:.2f}-{BELOW[1]:.2f}"
        sample.append(_item(i, j, sim, band_name, linked=False, population=population))
    _write(rows, sample, rng, "")
    print(f"{len(sample)} pairs ({len(pairs)} links in the database) written to {GOLD}")
    return 0


def _item(
    i: int, j: int, similarity: float, band: str, *, linked: bool, population: int
) -> dict[str, Any]:
    return {"i": i, "j": j, "similarity": round(similarity, 4), "band": band,
            "linked": linked, "population": population}  # fmt: skip


def _text_pair(record: dict[str, Any]) -> tuple[str, str]:
    return (record["earlier"]["text"], record["statement"]["text"])


def _uniform_sample(
    rows: list[StatementRow], pairs: list[tuple[int, int, float]], rng: random.Random, count: int
) -> list[dict[str, Any]]:
    lines = (GOLD / "pairs.jsonl").read_text(encoding="utf-8").splitlines()
    seen = {_text_pair(json.loads(line)) for line in lines}
    fresh = [
        p for p in pairs
        if (" ".join(rows[p[1]].text.split()), " ".join(rows[p[0]].text.split())) not in seen
    ]  # fmt: skip
    chosen = sorted(rng.sample(fresh, min(count, len(fresh))))
    size = len(fresh)
    return [_item(i, j, sim, "uniform", linked=True, population=size) for i, j, sim in chosen]


def _write(
    rows: list[StatementRow], sample: list[dict[str, Any]], rng: random.Random, suffix: str
) -> None:
    GOLD.mkdir(parents=True, exist_ok=True)
    records = []
    for number, item in enumerate(sample, 1):
        record = {"pair": f"pair{suffix}-{number:03d}"}
        record.update({k: v for k, v in item.items() if k not in ("i", "j")})
        record["statement"] = _row_dict(rows[item["i"]])
        record["earlier"] = _row_dict(rows[item["j"]])
        records.append(record)
    with (GOLD / f"pairs{suffix}.jsonl").open("w", encoding="utf-8") as out:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    blind = [
        {"pair": r["pair"], "a": r["earlier"]["text"], "b": r["statement"]["text"]} for r in records
    ]
    rng.shuffle(blind)
    with (GOLD / f"to_label{suffix}.jsonl").open("w", encoding="utf-8") as out:
        for record in blind:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    raise SystemExit(main())
