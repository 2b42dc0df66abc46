"""The pages, read as HTML: what each shows and links to."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import quote

from starlette.testclient import TestClient

from onrecord import Corpus
from onrecord.serve import create_app
from onrecord.serve.views import speaker_class
from tests.serve.conftest import EXAMPLE_ID

HTML = {"accept": "text/html"}


def test_search_page_hits_and_facets(client: TestClient) -> None:
    html = client.get("/", params={"q": '"initialled"'}).text
    assert f'href="/doc/{EXAMPLE_ID}#p28"' in html and "<mark>initialled</mark>" in html
    assert 'href="/?q=%22initialled%22&amp;mode=auto&amp;speaker=alexander-lukashenko' in html
    assert ">2024</a>" in html and "press conference" in html  # year and kind facets
    filtered = client.get("/", params={"q": "Russia", "year": "2017", "kind": "interview"}).text
    assert "2024-04-11" not in filtered and "Interview to NBC" in filtered
    by_entity = client.get("/", params={"q": "peace", "entity": "belarus"}).text
    assert "clear filters" in by_entity


def test_search_page_reports_a_bad_query_inline(client: TestClient) -> None:
    html = client.get("/", params={"q": "peace", "entity": "Atlantis"}).text
    assert "error-message" in html and "Atlantis" in html


def test_document_page(client: TestClient) -> None:
    html = client.get(f"/doc/{EXAMPLE_ID}").text
    paragraphs = re.findall(r'<div class="para" id="p(\d+)">', html)
    assert paragraphs == [str(n) for n in range(1, len(paragraphs) + 1)] and len(paragraphs) > 30
    assert f'class="turn speech {speaker_class("vladimir-putin")}"' in html
    assert 'class="turn narration narration"' in html
    assert html.count('<button type="button" class="cite"') == len(paragraphs)
    assert (
        'data-citation="Alexander Lukashenko, “Putin’s Remarks at Press Conference After Meeting '
        f"with Belarusian President Lukashenko, April 11, 2024”, 2024-04-11, "
        f'http://testserver/doc/{EXAMPLE_ID}#p28, paragraph 28"'
    ) in html
    assert '<span class="claim" title="check-worthy claim' in html
    assert '<span class="ent ent-country" title="Belarus (COUNTRY)">Belarus</span>' in html


def test_speaker_page(client: TestClient) -> None:
    html = client.get("/speaker/vladimir-putin").text
    assert "<svg" in html and 'class="bar"' in html and "Turns by Vladimir Putin" in html
    assert "Most mentioned" in html and "/talking-point/" in html
    assert client.get("/speaker/nobody", headers=HTML).status_code == 404


def test_talking_point_and_quote_pages(client: TestClient) -> None:
    listing = client.get("/talking-points").text
    tp_id = re.findall(r'href="/talking-point/(tp-[0-9a-f]+)"', listing)[0]
    page = client.get(f"/talking-point/{tp_id}").text
    assert "Timeline" in page and "<svg" in page and "/doc/kremlin-en-17565#p" in page
    quote = client.get("/quote", params={"text": "It was the initialled document"}).text
    assert "Alexander Lukashenko" in quote and f"{EXAMPLE_ID}#p28" in quote and "verbatim" in quote
    partial = client.get("/quote", params={"text": "the document was initialed by both sides"})
    # The match is marked inside the whole sentences it stands in.
    assert "“We initialed it on <mark>both sides. Ukraine also initialed it. This paper, " in (
        partial.text
    )
    assert "this document</mark> was initialed.”" in partial.text
    nothing = client.get("/quote", params={"text": "The moon is made of green cheese"}).text
    assert "Nothing in the corpus matches" in nothing


def test_every_page_has_the_quote_box(client: TestClient) -> None:
    for url in ("/", f"/doc/{EXAMPLE_ID}", "/speakers", "/speaker/vladimir-putin", "/quote"):
        assert 'form class="quote-box" action="/quote"' in client.get(url).text


def test_short_permalink_redirects(client: TestClient) -> None:
    response = client.get(f"/p/{EXAMPLE_ID}/28", follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == f"/doc/{EXAMPLE_ID}#p28"


def test_a_document_id_with_slashes_has_working_pages_and_routes(tmp_path: Path) -> None:
    # A corpus's own ids are kept as given, and some look like paths.
    doc_id = "wh/2024/01/remarks"
    record = {
        "id": doc_id,
        "title": "Remarks",
        "date": "2024-01-05",
        "text": "THE PRESIDENT: We will build it.\n\nQ: When?\n\nTHE PRESIDENT: This year.",
    }
    source = tmp_path / "wh.jsonl"
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with Corpus(tmp_path / "wh.db") as corpus:
        assert corpus.ingest([source], workers=0).added == 1
    with TestClient(create_app(tmp_path / "wh.db"), raise_server_exceptions=False) as client:
        assert client.get(f"/api/documents/{doc_id}").json()["id"] == doc_id
        turns = client.get(f"/api/documents/{doc_id}/turns").json()
        assert turns["total"] >= 2
        paragraph = client.get(f"/api/documents/{doc_id}/paragraphs/1").json()
        assert paragraph["paragraph_id"] == f"{doc_id}#p1"
        assert client.get(f"/doc/{quote(doc_id, safe='')}").status_code == 200
        moved = client.get(f"/p/{doc_id}/1", follow_redirects=False)
        assert moved.headers["location"] == f"/doc/{quote(doc_id)}#p1"
        assert client.get(moved.headers["location"].split("#")[0]).status_code == 200
