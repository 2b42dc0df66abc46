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


OVERRIDE = """
[[speaker]]
id = "ivan-chai"
name = "Ivan Chai"
aliases = ["Samovar Master"]
"""


def test_analyst_overrides_need_the_token_and_re_resolve_stored_speakers(
    tmp_path: Path,
) -> None:
    from onrecord import Corpus

    source = tmp_path / "tea.txt"
    source.write_text(
        "Tea\n\nKremlin, 5/2/24\n\nSamovar Master: The water is boiling.\n", encoding="utf-8"
    )
    db, speakers = tmp_path / "o.db", tmp_path / "speakers.toml"
    with Corpus(db) as corpus:
        assert corpus.ingest([source], workers=0).added == 1
        before = {s.name for s in corpus.speakers()}
    assert "Ivan Chai" not in before
    with TestClient(create_app(db)) as client:  # read-only
        assert_error_shape(client.put("/api/speakers/overrides", json={"toml": OVERRIDE}), 403)
    with TestClient(create_app(db, token="t")) as client:  # no speakers file configured
        response = client.put(
            "/api/speakers/overrides",
            json={"toml": OVERRIDE},
            headers={"Authorization": "Bearer t"},
        )
        assert_error_shape(response, 409)
    with TestClient(create_app(db, token="t", speakers=speakers)) as client:
        good = {"Authorization": "Bearer t"}
        bad = client.put("/api/speakers/overrides", json={"toml": "[[speaker]\n"}, headers=good)
        assert_error_shape(bad, 400)
        assert not speakers.exists()  # a table that does not parse changes nothing
        applied = client.put("/api/speakers/overrides", json={"toml": OVERRIDE}, headers=good)
        assert applied.status_code == 200, applied.text
        assert applied.json()["updated"] == 1 and applied.json()["not_reparsed"] == []
        assert speakers.read_text(encoding="utf-8") == OVERRIDE
        names = {s["name"] for s in client.get("/api/speakers").json()["results"]}
        assert "Ivan Chai" in names
        hit = client.get("/api/search", params={"q": "boiling"}).json()["results"][0]
        assert hit["speaker"] == "Ivan Chai" and hit["label"] == "Samovar Master"
