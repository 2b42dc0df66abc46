"""Build an N× kremlin_en corpus for scale benchmarks, one line at a time.

Copy 0 is the corpus as is; copy k ≥ 1 gives every record the id ``<id>-r<k>``, the
source URL ``<url>?r=<k>`` and a date shifted by ``11·k`` years (the corpus spans
2010–2020, so the copies' date ranges never overlap). A 29 February that lands on a
common year becomes 28 February. The output is written to a temporary file and renamed,
so a half-written corpus is never used.

    python bench/make_corpus.py                 # 20× into bench/.work/kremlin_en_20x.jsonl
    python bench/make_corpus.py --copies 5 --output /tmp/k5.jsonl
"""

from __future__ import annotations

import argparse
import calendar
import json
from pathlib import Path
from typing import Any

from _common import log, require_corpus, scratch

YEARS_PER_COPY = 11


def shift_date(value: Any, years: int) -> Any:
    """An ISO ``YYYY-MM-DD`` date ``years`` later; anything else is returned unchanged."""
    if not isinstance(value, str) or len(value) != 10 or value[4] != "-" or value[7] != "-":
        return value
    try:
        year, month, day = int(value[:4]) + years, int(value[5:7]), int(value[8:10])
    except ValueError:
        return value
    if month == 2 and day == 29 and not calendar.isleap(year):
        day = 28
    return f"{year:04d}-{month:02d}-{day:02d}"


def replicate(record: dict[str, Any], copy: int) -> dict[str, Any]:
    """Record ``copy`` of ``record`` (copy 0 is the record itself)."""
    if copy == 0:
        return record
    changed = dict(record)
    if record.get("id"):
        changed["id"] = f"{record['id']}-r{copy}"
    if record.get("source_url"):
        changed["source_url"] = f"{record['source_url']}?r={copy}"
    changed["date"] = shift_date(record.get("date"), copy * YEARS_PER_COPY)
    return changed


def write_copies(source: Path, output: Path, copies: int) -> int:
    """Write ``copies`` copies of ``source`` to ``output``; returns the records written."""
    written = 0
    partial = output.with_name(output.name + ".partial")
    with partial.open("w", encoding="utf-8") as sink:
        for copy in range(copies):
            with source.open("rb") as lines:
                for line in lines:
                    if not line.strip():
                        continue
                    record = replicate(json.loads(line), copy)
                    sink.write(json.dumps(record, ensure_ascii=False) + "\n")
                    written += 1
    partial.replace(output)
    return written


def default_output(copies: int) -> Path:
    return scratch(f"kremlin_en_{copies}x.jsonl")


def ensure_corpus(source: Path, copies: int) -> Path:
    """The N× corpus under ``bench/.work/``, built when missing or older than ``source``."""
    output = default_output(copies)
    if copies == 1:
        return source
    if output.is_file() and output.stat().st_mtime >= source.stat().st_mtime:
        return output
    log(f"building the {copies}× corpus in {output} …")
    write_copies(source, output, copies)
    return output


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=20, help="how many copies (default 20)")
    parser.add_argument("--output", type=Path, help="default: bench/.work/kremlin_en_<N>x.jsonl")
    args = parser.parse_args()
    if args.copies < 1:
        parser.error("--copies must be at least 1")
    source = require_corpus("make_corpus")
    output = args.output or default_output(args.copies)
    count = write_copies(source, output, args.copies)
    size = output.stat().st_size / 1e6
    print(f"{count} records, {size:.1f} MB in {output}")


if __name__ == "__main__":
    main()
