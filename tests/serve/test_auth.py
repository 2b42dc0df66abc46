"""Read-only by default; ingest only with the operator's token."""

from __future__ import annotations

from pathlib import Path

from starlette.testclient import TestClient

from onrecord.serve import create_app
from tests.serve.test_errors import assert_error_shape

TRANSCRIPT = "Talks\n\nKremlin, 5/1/24\n\nVladimir Putin: The samovar is ready.\n"
BODY = {"filename": "talks.txt", "text": TRANSCRIPT}


def test_read_only_server_refuses_ingest(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "empty.db")) as client:
        response = client.post("/api/ingest", json=BODY, headers={"Authorization": "Bearer x"})
        assert_error_shape(response, 403)
        assert "read-only" in response.json()["error"]["message"]


def test_ingest_needs_the_right_token(tmp_path: Path) -> None:
    with TestClient(create_app(tmp_path / "writable.db", token="s3cret")) as client:
        missing = client.post("/api/ingest", json=BODY)
        assert_error_shape(missing, 401)
        assert missing.headers["www-authenticate"] == "Bearer"
        assert_error_shape(
            client.post("/api/ingest", json=BODY, headers={"Authorization": "Bearer wrong"}), 403
        )
        good = {"Authorization": "Bearer s3cret"}
        added = client.post("/api/ingest", json=BODY, headers=good)
        assert added.status_code == 200 and added.json()["added"] == 1
        again = client.post("/api/ingest", json=BODY, headers=good).json()
        assert again["unchanged"] == 1 and again["documents"] == 1
        hit = client.get("/api/search", params={"q": "samovar"}).json()["results"][0]
        assert hit["speaker"] == "Vladimir Putin"
        bad_name = client.post(
            "/api/ingest", json={"filename": "../x.txt", "text": "a"}, headers=good
        )
        assert_error_shape(bad_name, 422)
        empty = client.post("/api/ingest", json={"filename": "e.txt", "text": " "}, headers=good)
        assert_error_shape(empty, 400)
