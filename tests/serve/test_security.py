"""Transcript text is untrusted: escaped everywhere; every response carries the headers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from onrecord.serve import create_app
from onrecord.serve.security import SECURITY_HEADERS
from tests.serve.conftest import SCRIPT


@pytest.fixture(scope="module")
def hostile(hostile_db: Path) -> Iterator[tuple[TestClient, str]]:
    doc_id = (hostile_db.parent / "doc_id").read_text(encoding="utf-8")
    with TestClient(create_app(hostile_db)) as client:
        yield client, doc_id


def test_document_page_escapes_transcript_text(hostile: tuple[TestClient, str]) -> None:
    client, doc_id = hostile
    html = client.get(f"/doc/{doc_id}").text
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&#34;window.__xss=1&#34;&gt;" in html
    assert SCRIPT not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;b&gt;title&lt;/b&gt;" in html


def test_search_snippets_escape_before_marking(hostile: tuple[TestClient, str]) -> None:
    client, _ = hostile
    html = client.get("/", params={"q": "zebra"}).text
    assert "<mark>zebra</mark>" in html
    assert SCRIPT not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_query_and_quote_text_are_escaped(hostile: tuple[TestClient, str]) -> None:
    client, _ = hostile
    for url in ("/", "/quote"):
        key = "q" if url == "/" else "text"
        html = client.get(url, params={key: '"><script>alert(1)</script>'}).text
        assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize(
    "url",
    ["/", "/doc/none", "/api/search?q=a", "/api/nothing", "/static/onrecord.css", "/openapi.json"],
)
def test_security_headers_everywhere(hostile: tuple[TestClient, str], url: str) -> None:
    client, _ = hostile
    response = client.get(url)
    for name, value in SECURITY_HEADERS.items():
        assert response.headers[name] == value
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy


def test_pages_have_no_inline_script_or_style(hostile: tuple[TestClient, str]) -> None:
    client, doc_id = hostile
    for url in ("/", f"/doc/{doc_id}", "/speakers", "/quote?text=zebra"):
        html = client.get(url).text
        assert "<script>" not in html and " style=" not in html and "<style" not in html
        assert " onclick=" not in html
