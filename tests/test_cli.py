"""The CLI is a thin layer over Corpus: each command, as a user types it."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner, Result

from onrecord.cli import main

from .conftest import EXAMPLE, SAMPLES

CONTRACT = {"id", "source_url", "title", "date", "place", "kind", "language", "text", "turns",
            "paragraphs", "warnings"}  # fmt: skip
TURN_CONTRACT = {"index", "speaker_id", "speaker", "label", "role", "kind", "start", "end", "text"}


def run(db: Path, *args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(main, ["--db", str(db), *args], input=stdin)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "cli.db"
    result = run(path, "ingest", "-q", str(SAMPLES))
    assert result.exit_code == 0, result.output
    return path


def test_parse_json_keeps_the_contract(tmp_path: Path) -> None:
    result = run(tmp_path / "unused.db", "parse", str(EXAMPLE), "--json")
    assert result.exit_code == 0
    (line,) = result.stdout.splitlines()
    document = json.loads(line)
    assert set(document) >= CONTRACT
    assert document["date"] == "2024-04-11"
    for turn in document["turns"]:
        assert set(turn) >= TURN_CONTRACT
        assert document["text"][turn["start"] : turn["end"]] == turn["text"]
        assert turn["kind"] in ("speech", "narration")
        assert (turn["label"] is None) == (turn["kind"] == "narration")
    for paragraph in document["paragraphs"]:
        assert set(paragraph) >= {"id", "start", "end", "turn"}
    assert not (tmp_path / "unused.db").exists(), "parse must not store anything"


def test_parse_keeps_a_jsonl_record_s_own_fields(tmp_path: Path) -> None:
    record = {"id": "my-1", "title": "T", "date": "2020-02-03", "place": "Sochi",
              "source_url": "http://example.org/1", "language": "en",
              "text": "Question: Why?\n\nVladimir Putin: Because."}  # fmt: skip
    result = run(tmp_path / "x.db", "parse", "-", "--json", stdin=json.dumps(record) + "\n")
    document = json.loads(result.stdout)
    for field in ("id", "title", "date", "place", "source_url", "language", "text"):
        assert document[field] == record[field]


def test_parse_reads_stdin_text(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    result = run(tmp_path / "x.db", "parse", "-", "--json", stdin=text)
    assert json.loads(result.stdout)["date"] == "2024-04-11"


def test_ingest_reports_and_reruns_change_nothing(db: Path) -> None:
    result = run(db, "ingest", "-q", str(SAMPLES))
    assert result.exit_code == 0
    assert "0 added, 0 updated, 25 unchanged, 0 failed; 25 documents" in result.stdout


def test_search_text_and_json(db: Path) -> None:
    result = run(db, "search", '"initialled"')
    assert result.exit_code == 0
    assert "Alexander Lukashenko" in result.stdout and "**initialled**" in result.stdout
    hits = [
        json.loads(line) for line in run(db, "search", "Istanbul", "--json").stdout.splitlines()
    ]
    assert hits and all(
        {"doc_id", "paragraph_id", "start", "end", "source_url"} <= set(h) for h in hits
    )


def test_search_filters(db: Path) -> None:
    def ids(*args: str) -> set[str]:
        out = run(db, "search", *args, "--json", "--limit", "1000").stdout.splitlines()
        return {json.loads(line)["speaker_id"] for line in out}

    assert ids("Russia", "--speaker", "Putin") == {"vladimir-putin"}
    recent = run(db, "search", "Russia", "--since", "2019", "--json").stdout.splitlines()
    dates = [json.loads(line)["date"] for line in recent]
    assert dates and min(dates) >= "2019-01-01"
    kinds = run(db, "search", "Russia", "--kind", "interview", "--json").stdout.splitlines()
    assert kinds and all(json.loads(line)["doc_kind"] == "interview" for line in kinds)


@pytest.mark.parametrize(
    "query", ['"', "((", "NOT", "a:b", "'); DROP TABLE documents; --", "*", "^x", "NEAR(a b)", "-"]
)
def test_a_query_with_any_punctuation_never_errors(db: Path, query: str) -> None:
    result = run(db, "search", query)
    assert result.exit_code == 0, result.output
    assert run(db, "speakers").exit_code == 0  # and the database is intact


def test_bad_dates_are_one_clear_line(db: Path) -> None:
    result = run(db, "search", "Russia", "--since", "yesterday-ish")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: --since: 'yesterday-ish' is not a date (use YYYY-MM-DD or YYYY)"
    )


def test_quote(db: Path) -> None:
    result = run(db, "quote", "the document was initialed by both sides", "--json")
    best = json.loads(result.stdout.splitlines()[0])
    assert best["speaker_id"] == "vladimir-putin" and 0 < best["similarity"] < 1
    nothing = run(db, "quote", "penguins migrate across the Sahara every spring")
    assert "nothing in the corpus matches" in nothing.stdout


def test_quote_prints_the_whole_sentences_a_match_stands_in(db: Path) -> None:
    # The matching words run from "both" to "document"; printed alone they would
    # start and end inside sentences.
    result = run(db, "quote", "the document was initialed by both sides", "--words-only")
    assert "match [1847:1911]" in result.stdout
    assert (
        "“We initialed it on both sides. Ukraine also initialed it. "
        "This paper, this document was initialed.”"
    ) in result.stdout


def test_show(db: Path) -> None:
    result = run(db, "show", "kremlin-en-54688")
    assert result.exit_code == 0
    assert "Interview to NBC" in result.stdout and "Megyn Kelly:" in result.stdout
    assert "[p1]" in result.stdout
    missing = run(db, "show", "no-such-doc")
    assert missing.exit_code == 1 and "no document with id 'no-such-doc'" in missing.stderr


def test_speakers(db: Path) -> None:
    rows = [json.loads(line) for line in run(db, "speakers", "--json").stdout.splitlines()]
    putin = next(r for r in rows if r["id"] == "vladimir-putin")
    assert "President of Russia" in putin["roles"] and putin["documents"] >= 5
    assert rows[0]["turns"] >= rows[-1]["turns"]


def test_kwic(db: Path) -> None:
    lines = [json.loads(x) for x in run(db, "kwic", "Istanbul", "--json").stdout.splitlines()]
    assert lines and all(line["keyword"].lower() == "istanbul" for line in lines)
    assert run(db, "kwic", "Istanbul").exit_code == 0


def test_export_formats_are_complete(db: Path, tmp_path: Path) -> None:
    jsonl = run(db, "export", "--format", "jsonl").stdout_bytes.decode().splitlines()
    assert len(jsonl) == 25 and all(set(json.loads(line)) >= CONTRACT for line in jsonl)
    total_paragraphs = sum(len(json.loads(line)["paragraphs"]) for line in jsonl)
    rows = list(csv.DictReader(io.StringIO(run(db, "export", "--format", "csv").stdout)))
    assert len(rows) == total_paragraphs
    assert {"paragraph_id", "speaker_id", "start", "end", "source_url", "text"} <= set(rows[0])
    target = tmp_path / "out.parquet"
    assert (
        run(db, "export", "--format", "parquet", "--level", "turns", "-o", str(target)).exit_code
        == 0
    )
    table = pq.read_table(target)
    assert table.num_rows == sum(len(json.loads(line)["turns"]) for line in jsonl)
    turns = run(db, "export", "--format", "csv", "--level", "turns")
    assert turns.exit_code == 0, turns.output
    turn_rows = list(csv.DictReader(io.StringIO(turns.stdout)))
    assert len(turn_rows) == table.num_rows and "place" in turn_rows[0]


def test_every_command_has_help() -> None:
    for name, command in main.commands.items():
        assert command.help, name
        assert CliRunner().invoke(main, [name, "--help"]).exit_code == 0
