"""The JSON API answers with Corpus results, paginated, citations inline."""

from __future__ import annotations

import csv
import io
import json

import pyarrow.parquet as pq
import pytest
from starlette.testclient import TestClient

from tests.serve.conftest import CEREMONY_ID, EXAMPLE_ID, NBC_ID


def test_search_finds_the_example_with_its_citation(client: TestClient) -> None:
    page = client.get("/api/search", params={"q": '"initialled"', "limit": 5}).json()
    assert page["total"] == 1 and page["limit"] == 5 and page["offset"] == 0
    hit = page["results"][0]
    assert hit["paragraph_id"] == f"{EXAMPLE_ID}#p28"
    assert hit["speaker"] == "Alexander Lukashenko"
    assert "**initialled**" in hit["snippet"]
    assert hit["date"] == "2024-04-11" and hit["start"] < hit["matches"][0][0] < hit["end"]


def test_search_filters_and_pages(client: TestClient) -> None:
    everything = client.get("/api/search", params={"q": "Russia", "mode": "text", "limit": 4})
    first = everything.json()
    assert first["total"] > 4 and len(first["results"]) == 4
    second = client.get(
        "/api/search", params={"q": "Russia", "mode": "text", "limit": 4, "offset": 4}
    )
    assert {r["paragraph_id"] for r in first["results"]}.isdisjoint(
        r["paragraph_id"] for r in second.json()["results"]
    )
    putin = client.get("/api/search", params={"q": "Russia", "speaker": "Putin", "mode": "text"})
    assert {r["speaker_id"] for r in putin.json()["results"]} == {"vladimir-putin"}
    uncounted = client.get("/api/search", params={"q": "Russia", "count": "false"}).json()
    assert uncounted["total"] is None and uncounted["results"]
    nbc = client.get("/api/search", params={"q": "Russia", "doc": NBC_ID, "kind": "interview"})
    assert {r["doc_id"] for r in nbc.json()["results"]} == {NBC_ID}


def test_semantic_search_once_enriched(client: TestClient) -> None:
    page = client.get("/api/search", params={"q": "talks moved to Istanbul", "mode": "semantic"})
    assert page.status_code == 200 and page.json()["results"]
    assert page.json()["results"][0]["method"] in ("meaning", "both")


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE paragraphs; --",
        '" OR 1=1 --',
        "initialled) OR (1=1",
        "NEAR(a b)",
        "paragraph_fts MATCH '*'",
        "\\x00 ' \" ` ; -- /*",
        "*",
        "AND OR NOT",
    ],
)
def test_a_query_never_reaches_sql(client: TestClient, query: str) -> None:
    response = client.get("/api/search", params={"q": query})
    assert response.status_code in (200, 400), response.text
    after = client.get("/api/search", params={"q": '"initialled"'}).json()
    assert after["total"] == 1  # the tables are all still there


def test_quote_names_speaker_and_paragraph(client: TestClient) -> None:
    page = client.get("/api/quote", params={"text": "It was the initialed document"}).json()
    best = page["results"][0]
    assert best["paragraph_id"] == f"{EXAMPLE_ID}#p28" and best["speaker"] == "Alexander Lukashenko"
    assert best["similarity"] >= 0.85 and not best["verbatim"]


def test_documents_turns_and_paragraphs(client: TestClient) -> None:
    listed = client.get("/api/documents").json()["results"]
    assert {d["id"] for d in listed} == {EXAMPLE_ID, NBC_ID, CEREMONY_ID}
    assert (
        client.get("/api/documents", params={"limit": 1, "offset": 1}).json()["results"][0]["id"]
        == sorted([EXAMPLE_ID, NBC_ID, CEREMONY_ID])[1]
    )
    document = client.get(f"/api/documents/{EXAMPLE_ID}").json()
    turns = client.get(f"/api/documents/{EXAMPLE_ID}/turns", params={"limit": 3}).json()
    assert turns["total"] == len(document["turns"]) and len(turns["results"]) == 3
    paragraph = client.get(f"/api/documents/{EXAMPLE_ID}/paragraphs/28").json()
    assert paragraph["paragraph_id"] == f"{EXAMPLE_ID}#p28"
    assert document["text"][paragraph["start"] : paragraph["end"]] == paragraph["text"]


def test_speakers_entities_claims_techniques(client: TestClient) -> None:
    speakers = client.get("/api/speakers").json()
    assert "vladimir-putin" in {s["id"] for s in speakers["results"]}
    entities = client.get("/api/entities", params={"type": "COUNTRY", "limit": 5}).json()
    assert entities["results"] and {e["type"] for e in entities["results"]} == {"COUNTRY"}
    mentions = client.get("/api/mentions", params={"entity": "Belarus", "limit": 3}).json()
    assert mentions["results"] and mentions["results"][0]["entity_id"] == "belarus"
    claims = client.get("/api/claims", params={"doc": EXAMPLE_ID, "limit": 3}).json()["results"]
    assert claims and claims[0]["score"] >= claims[-1]["score"]
    techniques = client.get("/api/techniques", params={"doc": EXAMPLE_ID}).json()["results"]
    assert all(t["doc_id"] == EXAMPLE_ID for t in techniques)


def test_talking_points_kwic_novelty(client: TestClient) -> None:
    points = client.get("/api/talking-points", params={"min_docs": 1, "limit": 3}).json()
    assert points["results"]
    tp_id = points["results"][0]["talking_point_id"]
    point = client.get(f"/api/talking-points/{tp_id}").json()
    assert point["talking_point_id"] == tp_id and point["occurrences"][0]["paragraph_id"]
    kwic = client.get("/api/kwic", params={"term": "Istanbul", "width": 20}).json()["results"]
    assert kwic and all(line["keyword"] == "Istanbul" for line in kwic)
    novelty = client.get(f"/api/documents/{EXAMPLE_ID}/novelty", params={"limit": 5}).json()
    assert novelty["total"] >= len(novelty["results"]) > 0
    topics = client.get("/api/topics", params={"limit": 3}).json()["results"]
    assert topics and topics[0]["keywords"] and topics[0]["topic_id"] == "topic-01"
    assert sum(n for _, n in topics[0]["by_month"]) == topics[0]["paragraphs"]


def test_novelty_never_reads_a_server_path(client: TestClient) -> None:
    response = client.get("/api/documents/%2Fetc%2Fpasswd/novelty")
    assert response.status_code == 404


def test_exports_stream_every_format(client: TestClient) -> None:
    with client.stream("GET", "/api/export", params={"format": "jsonl"}) as response:
        assert response.headers["content-type"].startswith("application/x-ndjson")
        lines = [json.loads(line) for line in response.iter_lines() if line]
    assert {d["id"] for d in lines} == {EXAMPLE_ID, NBC_ID, CEREMONY_ID}
    csv_text = client.get("/api/export", params={"format": "csv", "level": "paragraphs"}).text
    rows = list(csv.DictReader(io.StringIO(csv_text)))
    assert {row["doc_id"] for row in rows} == {EXAMPLE_ID, NBC_ID, CEREMONY_ID}
    parquet = client.get("/api/export", params={"format": "parquet", "speaker": "Lukashenko"})
    table = pq.read_table(io.BytesIO(parquet.content))
    assert set(table.column("doc_id").to_pylist()) == {EXAMPLE_ID}


def test_openapi_document_lists_every_endpoint(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    assert {
        "/api/search",
        "/api/quote",
        "/api/documents/{doc_id}",
        "/api/export",
        "/api/ingest",
    } <= paths
    assert not any(p.startswith("/doc") for p in paths)  # pages are not the API
