"""Fixtures of the HTTP API and web UI tests: an enriched sample corpus, the app, a server.

The corpus is built once per session (enrichment takes seconds) from the example
transcript and one Kremlin page; tests only read it. Tests that write get a corpus
of their own.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from starlette.testclient import TestClient

from onrecord import Corpus
from onrecord.serve import create_app
from tests.conftest import EXAMPLE, SAMPLES

EXAMPLE_ID = "doc-0d1389b41acdbc39"
NBC_ID = "kremlin-en-54688"
CEREMONY_ID = "kremlin-en-17565"


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("serve")
    path = folder / "samples.db"
    # One record of the sample corpus that repeats itself: talking points to show.
    ceremony = folder / "ceremony.jsonl"
    lines = (SAMPLES / "kremlin_en_sample.jsonl").read_text(encoding="utf-8").splitlines()
    ceremony.write_text(next(line for line in lines if CEREMONY_ID in line) + "\n", "utf-8")
    with Corpus(path) as corpus:
        report = corpus.ingest([EXAMPLE, SAMPLES / "kremlin-en-54688.html", ceremony], workers=0)
        assert report.ok and report.added == 3
        enriched = corpus.enrich(workers=0)
        assert not enriched.failures
    return path


@pytest.fixture(scope="session")
def app(sample_db: Path) -> FastAPI:
    return create_app(sample_db)


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
HOSTILE = (
    f"Hostile <b>title</b>\n\nKremlin, 5/2/24\n\n"
    f"Vladimir Putin: Before {SCRIPT} and after, the zebra said {IMG} twice.\n\n"
    f'Question: Is **this** bold? <a href="javascript:alert(1)">link</a> zebra\n'
)


@pytest.fixture(scope="session")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("xss")
    source = folder / "hostile.txt"
    source.write_text(HOSTILE, encoding="utf-8")
    with Corpus(folder / "hostile.db") as corpus:
        assert corpus.ingest([source], workers=0).added == 1
        doc_id = next(corpus.documents()).id
    (folder / "doc_id").write_text(doc_id, encoding="utf-8")
    return folder / "hostile.db"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class LiveServer:
    """uvicorn serving an app on a free loopback port, in a thread of this process."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
