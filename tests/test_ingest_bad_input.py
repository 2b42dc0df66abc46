"""Bad input: one clear line per problem, the rest stored, reruns change nothing."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from onrecord import Corpus
from onrecord.cli import main

from .conftest import EXAMPLE, SAMPLES

FIFTY_MB = 50 * 1024 * 1024


def _bad_directory(root: Path) -> Path:
    folder = root / "inbox"
    (folder / "nested").mkdir(parents=True)
    shutil.copy(EXAMPLE, folder / "good.txt")
    shutil.copy(SAMPLES / "kremlin-en-54688.html", folder / "nested" / "good.html")
    (folder / "corrupt.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(200))
    (folder / "latin1.txt").write_bytes(
        "Président Macron: Nous avons parlé de la sécurité européenne.\n\n"
        "Vladimir Putin: Merci, cher ami.".encode("latin-1")
    )
    (folder / "empty.txt").write_bytes(b"")
    lines = (SAMPLES / "kremlin_en_sample.jsonl").read_text(encoding="utf-8").splitlines()[:3]
    lines[1] = lines[1][:500]  # a line cut short: broken JSON
    (folder / "corpus.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with (folder / "huge.txt").open("wb") as stream:
        stream.truncate(FIFTY_MB)
    return folder


def _run(db: Path, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--db", str(db), "ingest", "-q", *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_mixed_directory(tmp_path: Path) -> None:
    folder = _bad_directory(tmp_path)
    db = tmp_path / "bad.db"
    code, out, err = _run(db, str(folder))
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert code == 1
    by_file = {Path(line.split(": ", 2)[1].split(":")[0]).name: line for line in errors}
    assert set(by_file) == {"corrupt.txt", "photo.jpg", "empty.txt", "corpus.jsonl", "huge.txt"}
    assert len(errors) == 5, errors  # exactly one line per problem
    assert "binary" in by_file["corrupt.txt"]
    assert "unknown format '.jpg'" in by_file["photo.jpg"]
    assert "empty" in by_file["empty.txt"]
    assert "corpus.jsonl:2: broken JSON line" in by_file["corpus.jsonl"]
    assert "over the limit" in by_file["huge.txt"]
    assert any("latin1.txt" in line and "encoding" in line for line in err.splitlines())
    # good.txt, good.html, latin1.txt and the two good JSONL records are stored.
    assert "5 added, 0 updated, 0 unchanged, 5 failed" in out
    with Corpus(db) as corpus:
        assert len(corpus) == 5
        (hit,) = corpus.search("sécurité")
        assert hit.speaker == "Président Macron" or hit.speaker_id == "emmanuel-macron"

    code, out, err = _run(db, str(folder))
    assert code == 1
    assert "0 added, 0 updated, 5 unchanged, 5 failed" in out
    assert len([line for line in err.splitlines() if line.startswith("error: ")]) == 5


def test_jsonl_problems_name_the_line(tmp_path: Path) -> None:
    corpus_file = tmp_path / "records.jsonl"
    corpus_file.write_text(
        '{"id": "a", "text": "Question: Why?\\n\\nVladimir Putin: Because."}\n'
        "\n"
        '{"id": "b", "text": ""}\n'
        '["not", "an", "object"]\n'
        '{"id": "c", "title": "no text"}\n'
        '{"id": "d", "text": 42}\n'
        "{broken\n",
        encoding="utf-8",
    )
    code, out, err = _run(tmp_path / "x.db", str(corpus_file))
    errors = [line for line in err.splitlines() if line.startswith("error: ")]
    assert code == 1
    assert [e.split(":")[2] for e in errors] == ["3", "4", "5", "6", "7"]
    assert "1 added" in out


def test_reingest_after_an_edit_replaces_the_file_s_old_version(tmp_path: Path) -> None:
    source = tmp_path / "remarks.txt"
    source.write_text("Vladimir Putin: First version.", encoding="utf-8")
    db = tmp_path / "edit.db"
    assert _run(db, str(source))[0] == 0
    source.write_text("Vladimir Putin: Second version.", encoding="utf-8")
    code, out, err = _run(db, str(source))
    assert code == 0 and "1 added" in out and "replaced: doc-" in err
    with Corpus(db) as corpus:
        assert len(corpus) == 1
        assert not corpus.search("First") and corpus.search("Second")


def _synthetic_corpus(path: Path, documents: int) -> None:
    with path.open("w", encoding="utf-8") as stream:
        for number in range(documents):
            paragraphs = [f"Narration of event {number}.", "* * *"]
            for turn in range(20):
                speaker = "Vladimir Putin" if turn % 2 else "Question"
                paragraphs.append(f"{speaker}: Statement {turn} of document {number}. " * 8)
            record = {"id": f"synthetic-{number}", "date": "2020-01-01",
                      "text": "\n\n".join(paragraphs)}  # fmt: skip
            stream.write(json.dumps(record) + "\n")


@pytest.mark.slow
def test_an_ingest_killed_midway_leaves_no_partial_or_duplicate_document(tmp_path: Path) -> None:
    corpus_file = tmp_path / "many.jsonl"
    _synthetic_corpus(corpus_file, 3000)
    db = tmp_path / "killed.db"
    command = [sys.executable, "-m", "onrecord", "--db", str(db), "ingest", "-q", str(corpus_file)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    stored = 0
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        stored = _count(db)
        if stored >= 400:
            break
    assert process.poll() is None, "the ingest finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    partial = _count(db)
    assert 0 < partial < 3000
    _assert_consistent(db)
    rerun = subprocess.run(command, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{3000 - partial} added, 0 updated, {partial} unchanged, 0 failed" in rerun.stdout
    assert _count(db) == 3000
    _assert_consistent(db)


def _count(db: Path) -> int:
    try:
        with sqlite3.connect(db, timeout=1) as connection:
            return int(connection.execute("SELECT count(*) FROM documents").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def _assert_consistent(db: Path) -> None:
    with sqlite3.connect(db) as connection:
        counts = connection.execute(
            "SELECT d.id, count(p.rowid) FROM documents d "
            "LEFT JOIN paragraphs p ON p.doc = d.rowid GROUP BY d.rowid"
        ).fetchall()
        assert all(n == 22 for _, n in counts), "a document was stored partly"
        ids = [doc_id for doc_id, _ in counts]
        assert len(ids) == len(set(ids))
        # The index holds exactly the stored paragraphs' words (English text:
        # the index's own integrity check can compare it with the content).
        connection.execute("INSERT INTO paragraph_fts (paragraph_fts) VALUES ('integrity-check')")
        hits = connection.execute(
            "SELECT count(*) FROM paragraph_fts WHERE paragraph_fts MATCH 'statement'"
        ).fetchone()[0]
        assert hits == sum(n - 2 for _, n in counts)
