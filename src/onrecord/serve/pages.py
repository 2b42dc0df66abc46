"""The web UI: server-rendered pages over the same Corpus calls as the API.

Templates are Jinja2 with autoescape on; no transcript text is ever marked safe (the
search snippets go through :func:`onrecord.serve.views.highlight`, which escapes
first). Pages are left out of the OpenAPI document: it describes the API.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates
from starlette.responses import Response

from onrecord.errors import NotFoundError, QueryError
from onrecord.model import DocumentKind
from onrecord.query.results import SearchHit
from onrecord.serve import views
from onrecord.serve.charts import bar_chart
from onrecord.serve.deps import CorpusDep

__all__ = ["error_page", "router"]

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
TEMPLATES.env.autoescape = True
TEMPLATES.env.filters["highlight"] = views.highlight
TEMPLATES.env.filters["web_url"] = views.web_url
TEMPLATES.env.globals["speaker_class"] = views.speaker_class
TEMPLATES.env.globals["paragraph_number"] = views.paragraph_number

router = APIRouter(include_in_schema=False, default_response_class=HTMLResponse)

PAGE_SIZE = 20
FACET_WINDOW = 200  # facets count the first hits, not the whole corpus
Text = Annotated[str, Query(max_length=1000)]


def _render(request: Request, template: str, code: int = 200, **context: Any) -> Response:
    return TEMPLATES.TemplateResponse(request, template, context, status_code=code)


def error_page(request: Request, status: int, message: str) -> Response:
    """The HTML form of an error (the API's JSON shape is for programs)."""
    return _render(request, "error.html", status, status=status, message=message)


@router.get("/")
def search_page(
    request: Request,
    corpus: CorpusDep,
    q: Text = "",
    mode: Literal["auto", "text", "semantic", "hybrid"] = "auto",
    speaker: Text = "",
    year: Annotated[str, Query(max_length=4, pattern=r"^(\d{4})?$")] = "",
    kind: Text = "",
    entity: Text = "",
    page: Annotated[int, Query(ge=1, le=FACET_WINDOW // PAGE_SIZE)] = 1,
) -> Response:
    """Search with facets; the hits link to their paragraphs' permalinks."""
    hits: list[SearchHit] = []
    total: int | None = None
    error = None
    if q.strip():
        try:
            found = corpus.search(
                q, mode=mode, speaker=speaker or None, since=year or None, until=year or None,
                kind=kind or None, mentions=entity or None, limit=FACET_WINDOW, count=True,
            )  # fmt: skip
            hits, total = list(found), found.total
        except QueryError as problem:
            error = str(problem)
    start = (page - 1) * PAGE_SIZE
    params = {
        "q": q,
        "mode": mode,
        "speaker": speaker,
        "year": year,
        "kind": kind,
        "entity": entity,
    }
    return _render(
        request,
        "search.html",
        q=q,
        mode=mode,
        params=params,
        hits=hits[start : start + PAGE_SIZE],
        first=start + 1,
        total=total,
        pages=(len(hits) + PAGE_SIZE - 1) // PAGE_SIZE,
        page=page,
        facets=views.facets(hits),
        kinds=[k.value for k in DocumentKind],
        entities=_top_entities(corpus),
        error=error,
    )


def _top_entities(corpus: CorpusDep) -> list[Any]:
    """The most mentioned entities for the entity facet (none before enrichment)."""
    return list(corpus.entities(limit=15))


@router.get("/doc/{doc_id:path}")
def document_page(request: Request, corpus: CorpusDep, doc_id: str) -> Response:
    """A transcript: turns coloured by speaker, narration apart, a permalink and a cite
    button on every paragraph, claims and entities marked when enriched."""
    document = corpus.document(doc_id)
    blocks = views.document_blocks(document, str(request.base_url))
    layers = {a.layer for a in document.annotations}
    return _render(request, "document.html", document=document, blocks=blocks, layers=layers)


@router.get("/p/{doc_id:path}/{number}")
def paragraph_redirect(doc_id: str, number: int) -> Response:
    """A short permalink that lands on the paragraph (``#`` cannot travel to a server)."""
    return RedirectResponse(f"/doc/{quote(doc_id)}#p{number}", status_code=302)


@router.get("/speakers")
def speakers_page(request: Request, corpus: CorpusDep) -> Response:
    return _render(request, "speakers.html", speakers=corpus.speakers())


@router.get("/speaker/{speaker_id}")
def speaker_page(request: Request, corpus: CorpusDep, speaker_id: str) -> Response:
    """A speaker's turns over time, the entities they mention most, their talking points."""
    speaker = next((s for s in corpus.speakers() if s.id == speaker_id), None)
    if speaker is None:
        raise NotFoundError(f"{speaker_id}: no such speaker in this corpus")
    documents = list(corpus.documents(speaker=speaker.id))
    timeline = views.turns_by_period(documents, speaker)
    points = [
        p for p in corpus.talking_points(speaker=speaker.id, min_docs=1, limit=50)
        if p.statements > 1
    ][:10]  # fmt: skip
    return _render(
        request,
        "speaker.html",
        speaker=speaker,
        chart=bar_chart(timeline, f"Turns by {speaker.name} over time", " turns"),
        entities=corpus.entities(speaker=speaker.id, speech_only=True, limit=12),
        talking_points=points,
        documents=sorted(documents, key=lambda d: d.date or "", reverse=True)[:50],
    )


@router.get("/talking-points")
def talking_points_page(request: Request, corpus: CorpusDep) -> Response:
    points = corpus.talking_points(min_docs=1, limit=100)
    return _render(request, "talking_points.html", points=[p for p in points if p.statements > 1])


@router.get("/talking-point/{talking_point_id}")
def talking_point_page(request: Request, corpus: CorpusDep, talking_point_id: str) -> Response:
    """A talking point: its timeline, wordings, documents and every statement."""
    point = corpus.talking_point(talking_point_id)
    titles = {o.citation.doc_id: (o.citation.title, o.citation.date) for o in point.occurrences}
    return _render(
        request,
        "talking_point.html",
        point=point,
        chart=bar_chart(list(point.by_month), "Statements by month", " statements"),
        documents=[(doc_id, *titles.get(doc_id, (None, None))) for doc_id in point.documents],
    )


@router.get("/quote")
def quote_page(
    request: Request,
    corpus: CorpusDep,
    text: Annotated[str, Query(max_length=2000)] = "",
    speaker: Text = "",
) -> Response:
    """Did they say this? The paragraphs that do, verbatim, nearly, or in other words."""
    matches = corpus.quote(text, speaker=speaker or None) if text.strip() else []
    return _render(request, "quote.html", text=text, speaker=speaker, matches=matches)
