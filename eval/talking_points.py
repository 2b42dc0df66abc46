"""Precision of talking-point links ("b repeats a"), on hand-checked pairs.

    python eval/talking_points.py

Reads ``eval/gold/talking_points/`` (built by ``eval/build_talking_point_pairs.py`` from
the whole ``kremlin_en`` corpus; labelled blind: the person labelling saw two texts and
neither similarity nor band) and writes ``eval/results/talking_points.json``.

* **Round 1** (260 pairs): 50 links from each similarity band of 0.80-0.85, 0.85-0.90,
  0.90-0.95, 0.95-1.00 as the links stood at a trial threshold of 0.80, and 60 unlinked
  pairs at 0.70-0.80 (a statement and its most similar earlier one). It chose the
  shipped ``LINK_THRESHOLD``. Precision at a threshold is the band precisions weighted
  by each band's number of links.
* **Round 2** (150 pairs): links drawn uniformly from all links at the shipped
  threshold (pairs of round 1 left out), labelled by someone else after the threshold
  was fixed. Its share of true links estimates precision at the shipped threshold
  without the selection round 1 took part in; a Wilson 95% interval is given.

The figures are about the pairs as they were labelled: a change of model or of
threshold calls for a new round, and the script says so when the shipped threshold is
not the one round 2 was drawn at.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

from onrecord.enrich import talking_points as tp

GOLD = Path(__file__).resolve().parent / "gold" / "talking_points"
RESULTS = Path(__file__).resolve().parent / "results" / "talking_points.json"
ROUND_2_THRESHOLD = 0.85  # the threshold round 2's links were drawn at


def _load(name: str) -> list[dict[str, Any]]:
    with (GOLD / name).open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def labelled(round_: int) -> list[dict[str, Any]]:
    """The pairs of one round, each with its hand label as ``same``."""
    suffix = "" if round_ == 1 else f"_{round_}"
    labels = {row["pair"]: row["same"] for row in _load(f"labels{suffix}.jsonl")}
    pairs = _load(f"pairs{suffix}.jsonl")
    missing = [p["pair"] for p in pairs if p["pair"] not in labels]
    if missing:
        raise SystemExit(f"round {round_}: {len(missing)} pairs unlabelled, e.g. {missing[0]}")
    return [{**pair, "same": bool(labels[pair["pair"]])} for pair in pairs]


def wilson(successes: int, total: int, z: float = 1.96) -> tuple[float, float]:
    if total == 0:
        return (0.0, 0.0)
    p = successes / total
    centre = p + z * z / (2 * total)
    spread = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    denominator = 1 + z * z / total
    return (round((centre - spread) / denominator, 3), round((centre + spread) / denominator, 3))


def bands(pairs: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for pair in pairs:
        grouped[pair["band"]].append(pair)
    out = {}
    for band, members in sorted(grouped.items()):
        same = sum(1 for m in members if m["same"])
        out[band] = {
            "pairs": len(members),
            "same": same,
            "precision": round(same / len(members), 3),
            "linked": members[0]["linked"],
            "population": members[0]["population"],
        }
    return out


def weighted_precision(by_band: dict[str, dict[str, Any]], threshold: float) -> float | None:
    """Precision of the links at ``threshold``: linked bands from it up, by population."""
    chosen = [
        b for name, b in by_band.items() if b["linked"] and float(name.split("-")[0]) >= threshold
    ]
    total = sum(b["population"] for b in chosen)
    if not total:
        return None
    return round(sum(b["precision"] * b["population"] for b in chosen) / total, 3)


def evaluate() -> dict[str, Any]:
    first = bands(labelled(1))
    second = labelled(2)
    same = sum(1 for p in second if p["same"])
    result: dict[str, Any] = {
        "link_threshold": tp.LINK_THRESHOLD,
        "round_1": {
            "bands": first,
            "precision_at_0.80": weighted_precision(first, 0.80),
            "precision_at_0.85": weighted_precision(first, 0.85),
            "precision_at_0.90": weighted_precision(first, 0.90),
        },
        "round_2": {
            "drawn_at_threshold": ROUND_2_THRESHOLD,
            "pairs": len(second),
            "same": same,
            "precision": round(same / len(second), 3),
            "wilson_95": wilson(same, len(second)),
            "links_in_corpus": second[0]["population"] if second else 0,
        },
        "pairs_checked": sum(b["pairs"] for b in first.values()) + len(second),
    }
    return result


def main() -> int:
    result = evaluate()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print("round 1 (choice of threshold), by similarity band:")
    print("| band | linked | pairs | same | precision | links in corpus |")
    print("|---|---|---|---|---|---|")
    for band, b in result["round_1"]["bands"].items():
        print(
            f"| {band} | {'yes' if b['linked'] else 'no'} | {b['pairs']} | {b['same']} | "
            f"{b['precision']:.3f} | {b['population']} |"
        )
    for key in ("precision_at_0.80", "precision_at_0.85", "precision_at_0.90"):
        print(f"{key.replace('_', ' ')}: {result['round_1'][key]}")
    second = result["round_2"]
    low, high = second["wilson_95"]
    print(
        f"\nround 2 (uniform over the {second['links_in_corpus']} links at "
        f"{second['drawn_at_threshold']}): {second['same']}/{second['pairs']} same, precision "
        f"{second['precision']:.3f} (95% {low:.3f}-{high:.3f})"
    )
    print(f"pairs checked by hand: {result['pairs_checked']}")
    if tp.LINK_THRESHOLD != ROUND_2_THRESHOLD:
        print(
            f"warning: the shipped threshold is {tp.LINK_THRESHOLD}, round 2 was drawn at "
            f"{ROUND_2_THRESHOLD}: label a new round"
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
