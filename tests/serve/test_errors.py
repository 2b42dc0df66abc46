"""Every route answers every error in the one shape, and a bug never shows a traceback."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI
from starlette.testclient import TestClient

from onrecord.corpus import Corpus
from tests.serve.conftest import EXAMPLE_ID

# One failing request per API route: (method, url, expected status).
FAILING: dict[str, list[tuple[str, str, int]]] = {
    "/api/search": [("GET", "/api/search", 422), ("GET", "/api/search?q=a&since=soon", 400),
                    ("GET", "/api/search?q=a&limit=0", 422), ("GET", "/api/search?q=a&mode=x", 422),
                    ("GET", "/api/search?q=a&mentions=Atlantis", 400)],
    "/api/quote": [("GET", "/api/quote", 422), ("GET", "/api/quote?text=a&until=x", 400)],
    "/api/documents": [("GET", "/api/documents?offset=-1", 422)],
    "/api/documents/{doc_id}": [("GET", "/api/documents/no-such-doc", 404)],
    "/api/documents/{doc_id}/turns": [("GET", "/api/documents/no-such-doc/turns", 404)],
    "/api/documents/{doc_id}/paragraphs/{number}": [
        ("GET", f"/api/documents/{EXAMPLE_ID}/paragraphs/99999", 404),
        ("GET", f"/api/documents/{EXAMPLE_ID}/paragraphs/p12", 422),
    ],
    "/api/documents/{doc_id}/novelty": [("GET", "/api/documents/no-such-doc/novelty", 404)],
    "/api/speakers": [("GET", "/api/speakers?limit=100000", 422)],
    "/api/entities": [("GET", "/api/entities?since=yesterday", 400)],
    "/api/mentions": [("GET", "/api/mentions?entity=Atlantis", 400)],
    "/api/claims": [("GET", "/api/claims?min_score=2", 422)],
    "/api/techniques": [("GET", "/api/techniques?until=never", 400)],
    "/api/talking-points": [("GET", "/api/talking-points?min_docs=0", 422)],
    "/api/talking-points/{talking_point_id}": [("GET", "/api/talking-points/tp-none", 404)],
    "/api/topics": [("GET", "/api/topics?since=yesterday", 400)],
    "/api/kwic": [("GET", "/api/kwic", 422)],
    "/api/export": [("GET", "/api/export?format=xml", 422), ("GET", "/api/export?since=x", 400)],
    "/api/ingest": [("POST", "/api/ingest", 403), ("GET", "/api/ingest", 405)],
    "/api/speakers/overrides": [("PUT", "/api/speakers/overrides", 403),
                                ("GET", "/api/speakers/overrides", 405)],
}  # fmt: skip


def assert_error_shape(response: Any, status: int) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"status", "type", "message"}
    assert body["error"]["status"] == status
    assert body["error"]["message"] and "Traceback" not in body["error"]["message"]


def test_every_api_route_has_an_error_case(app: FastAPI) -> None:
    assert set(app.openapi()["paths"]) == set(FAILING)


@pytest.mark.parametrize(
    ("method", "url", "status"), [case for cases in FAILING.values() for case in cases]
)
def test_error_shape(client: TestClient, method: str, url: str, status: int) -> None:
    assert_error_shape(client.request(method, url), status)


@pytest.mark.parametrize(
    ("method", "url", "status"),
    [("GET", "/api/nothing-here", 404), ("DELETE", "/api/search?q=a", 405),
     ("POST", "/api/documents", 405), ("GET", "/static/missing.css", 404)],
)  # fmt: skip
def test_unknown_paths_and_methods(client: TestClient, method: str, url: str, status: int) -> None:
    assert_error_shape(client.request(method, url), status)


def test_a_bug_is_a_500_in_the_same_shape(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Corpus, *args: object, **kwargs: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(Corpus, "speakers", broken)
    response = client.get("/api/speakers")
    assert_error_shape(response, 500)
    assert "secret internals" not in response.text
    page = client.get("/speakers", headers={"accept": "text/html"})
    assert page.status_code == 500 and "secret internals" not in page.text


def test_pages_answer_errors_in_html(client: TestClient) -> None:
    page = client.get("/doc/no-such-doc", headers={"accept": "text/html"})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert "no-such-doc" in page.text and "Error 404" in page.text
    assert_error_shape(client.get("/doc/no-such-doc"), 404)  # a program asking gets JSON
