"""The JSON routes under ``/api``: each calls one Corpus method and returns its results.

Lists come in one envelope (``total``, ``limit``, ``offset``, ``results``); errors in
the one shape of :mod:`onrecord.serve.errors`. Nothing here knows SQL: a query string
reaches the store only through ``Corpus``, which binds it as a parameter.
"""

from __future__ import annotations

import itertools
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse, StreamingResponse

from onrecord.errors import ConfigError
from onrecord.query.results import (
    Claim,
    EntityMention,
    EntitySummary,
    KwicLine,
    Novelty,
    QuoteMatch,
    SearchHit,
    SpeakerSummary,
    TalkingPoint,
    TalkingPointSummary,
    TechniqueHit,
    Topic,
)
from onrecord.serve.deps import CorpusDep, require_token
from onrecord.serve.errors import ApiError
from onrecord.serve.exports import MEDIA_TYPES, stream_export
from onrecord.serve.pool import CorpusPool
from onrecord.serve.schemas import (
    DocumentSummary,
    ErrorResponse,
    IngestRequest,
    IngestResult,
    OverridesRequest,
    OverridesResult,
    TurnModel,
    document_summary,
    flat_model,
    jsonable,
    page_model,
)
from onrecord.store.base import ParagraphRow

__all__ = ["router"]

_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse, "description": description}
    for status, description in (
        (400, "a query or parameter that cannot be run"),
        (404, "no such document, paragraph, talking point or entity"),
        (422, "a parameter of the wrong type or out of range"),
        (500, "an error of the server (logged)"),
    )
}

router = APIRouter(prefix="/api", responses=_ERRORS)

# Parameters shared by many routes.
Limit = Annotated[int, Query(ge=1, le=1000, description="results per page")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="results to skip")]
Speaker = Annotated[str | None, Query(max_length=200, description="name, surname or id")]
Since = Annotated[str | None, Query(max_length=40, description="YYYY-MM-DD or YYYY")]
Until = Annotated[str | None, Query(max_length=40, description="YYYY-MM-DD or YYYY")]
Kind = Annotated[str | None, Query(max_length=200, description="e.g. interview, meeting")]
Language = Annotated[str | None, Query(max_length=10, description="en, ru")]
DocFilter = Annotated[str | None, Query(max_length=300, description="one document id")]
DocId = Annotated[str, PathParam(min_length=1, max_length=300)]


def _responses(item: Any, *, page: bool = True) -> dict[int | str, dict[str, Any]]:
    model = flat_model(item)
    return {200: {"model": page_model(model) if page else model}}


def _page(
    results: Iterable[Any], limit: int, offset: int, total: int | None = None
) -> JSONResponse:
    return JSONResponse(
        {"total": total, "limit": limit, "offset": offset, "results": jsonable(list(results))}
    )


@router.get("/search", responses=_responses(SearchHit), summary="Search paragraphs")
def search(
    corpus: CorpusDep,
    q: Annotated[
        str,
        Query(
            min_length=1, max_length=1000, description='words, "phrases", OR, NOT, -word, prefix*'
        ),
    ],
    speaker: Speaker = None,
    since: Since = None,
    until: Until = None,
    kind: Kind = None,
    language: Language = None,
    doc: DocFilter = None,
    mentions: Annotated[str | None, Query(max_length=200, description="an entity")] = None,
    mode: Literal["auto", "text", "semantic", "hybrid"] = "auto",
    limit: Limit = 20,
    offset: Offset = 0,
    count: Annotated[bool, Query(description="count all matches for total (slower)")] = True,
) -> JSONResponse:
    hits = corpus.search(
        q, speaker=speaker, since=since, until=until, kind=kind, language=language, doc=doc,
        mentions=mentions, mode=mode, limit=limit, offset=offset, count=count,
    )  # fmt: skip
    return _page(hits, limit, offset, hits.total)


@router.get("/quote", responses=_responses(QuoteMatch), summary="Did they say this? Where?")
def quote(
    corpus: CorpusDep,
    text: Annotated[str, Query(min_length=1, max_length=2000)],
    speaker: Speaker = None,
    since: Since = None,
    until: Until = None,
    min_similarity: Annotated[float, Query(ge=0, le=1)] = 0.6,
    by_meaning: bool | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 5,
) -> JSONResponse:
    matches = corpus.quote(
        text, speaker=speaker, since=since, until=until, limit=limit,
        min_similarity=min_similarity, by_meaning=by_meaning,
    )  # fmt: skip
    return _page(matches, limit, 0)


@router.get("/documents", responses={200: {"model": page_model(DocumentSummary)}})
def documents(
    corpus: CorpusDep,
    speaker: Speaker = None,
    since: Since = None,
    until: Until = None,
    kind: Kind = None,
    language: Language = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> JSONResponse:
    """Stored documents in id order (metadata and counts, not the text)."""
    found = corpus.documents(
        speaker=speaker, since=since, until=until, kind=kind, language=language
    )
    page = itertools.islice(found, offset, offset + limit)
    return _page([document_summary(d) for d in page], limit, offset)


@router.get("/documents/{doc_id:path}/turns", responses={200: {"model": page_model(TurnModel)}})
def turns(corpus: CorpusDep, doc_id: DocId, limit: Limit = 100, offset: Offset = 0) -> JSONResponse:
    """A document's turns in order, with speaker, label as printed and offsets."""
    stored = corpus.document(doc_id)
    page = stored.turns[offset : offset + limit]
    return _page([t.to_dict(stored.text) for t in page], limit, offset, len(stored.turns))


@router.get(
    "/documents/{doc_id:path}/paragraphs/{number}",
    responses={200: {"model": flat_model(ParagraphRow)}},
    summary="One paragraph (the permalink <doc id>#p<number>)",
)
def paragraph(
    corpus: CorpusDep, doc_id: DocId, number: Annotated[int, PathParam(ge=1, le=10_000_000)]
) -> JSONResponse:
    return JSONResponse(jsonable(corpus.paragraph(f"{doc_id}#p{number}")))


@router.get(
    "/documents/{doc_id:path}/novelty",
    responses=_responses(Novelty),
    summary="Which statements of a document were said before",
)
def novelty(
    corpus: CorpusDep, doc_id: DocId, limit: Limit = 200, offset: Offset = 0
) -> JSONResponse:
    corpus.document(doc_id)  # a stored id only: never a path on the server
    rows = corpus.novelty(doc_id)
    return _page(rows[offset : offset + limit], limit, offset, len(rows))


# Registered after the routes below it in the URL space: an id may hold "/"
# (a corpus's own ids are kept as given), and this route would take theirs.
@router.get("/documents/{doc_id:path}", responses={200: {"model": dict[str, Any]}})
def document(corpus: CorpusDep, doc_id: DocId) -> JSONResponse:
    """One document as ``onrecord parse --json`` prints it: text, turns, paragraphs,
    annotations; every offset points into ``text``."""
    return JSONResponse(corpus.document(doc_id).to_dict())


@router.get("/speakers", responses=_responses(SpeakerSummary))
def speakers(corpus: CorpusDep, limit: Limit = 100, offset: Offset = 0) -> JSONResponse:
    """Every speaker with the labels and roles printed for them."""
    rows = corpus.speakers()
    return _page(rows[offset : offset + limit], limit, offset, len(rows))


@router.get("/entities", responses=_responses(EntitySummary))
def entities(
    corpus: CorpusDep,
    doc: DocFilter = None,
    type: Annotated[str | None, Query(max_length=200, description="e.g. COUNTRY,PERSON")] = None,
    speaker: Speaker = None,
    since: Since = None,
    until: Until = None,
    language: Language = None,
    speech_only: bool = False,
    limit: Limit = 50,
    offset: Offset = 0,
) -> JSONResponse:
    """Entities mentioned, most mentioned first (needs ``onrecord enrich``)."""
    rows = corpus.entities(
        doc, type=type, speaker=speaker, since=since, until=until, language=language,
        speech_only=speech_only, limit=limit, offset=offset,
    )  # fmt: skip
    return _page(rows, limit, offset)


@router.get("/mentions", responses=_responses(EntityMention))
def mentions(
    corpus: CorpusDep,
    entity: Annotated[str | None, Query(max_length=200)] = None,
    doc: DocFilter = None,
    type: Annotated[str | None, Query(max_length=200)] = None,
    speaker: Speaker = None,
    since: Since = None,
    until: Until = None,
    language: Language = None,
    speech_only: bool = False,
    limit: Limit = 100,
    offset: Offset = 0,
) -> JSONResponse:
    """Every mention (of ``entity``, when given), in document order."""
    rows = corpus.mentions(
        entity, doc=doc, type=type, speaker=speaker, since=since, until=until,
        language=language, speech_only=speech_only, limit=limit, offset=offset,
    )  # fmt: skip
    return _page(rows, limit, offset)


@router.get("/claims", responses=_responses(Claim))
def claims(
    corpus: CorpusDep,
    doc: DocFilter = None,
    speaker: Speaker = None,
    since: Since = None,
    until: Until = None,
    language: Language = None,
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    limit: Limit = 20,
    offset: Offset = 0,
) -> JSONResponse:
    """Sentences of speech turns, most worth checking first."""
    rows = corpus.claims(
        doc, speaker=speaker, since=since, until=until, language=language,
        min_score=min_score, limit=limit, offset=offset,
    )  # fmt: skip
    return _page(rows, limit, offset)


@router.get("/techniques", responses=_responses(TechniqueHit))
def techniques(
    corpus: CorpusDep,
    doc: DocFilter = None,
    technique: Annotated[str | None, Query(max_length=500)] = None,
    speaker: Speaker = None,
    since: Since = None,
    until: Until = None,
    language: Language = None,
    min_score: Annotated[float | None, Query(ge=0, le=1)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> JSONResponse:
    """Persuasion techniques by paragraph, the strongest first."""
    rows = corpus.techniques(
        doc, technique=technique, speaker=speaker, since=since, until=until,
        language=language, min_score=min_score, limit=limit, offset=offset,
    )  # fmt: skip
    return _page(rows, limit, offset)


@router.get("/talking-points", responses=_responses(TalkingPointSummary))
def talking_points(
    corpus: CorpusDep,
    speaker: Speaker = None,
    since: Since = None,
    until: Until = None,
    language: Language = None,
    doc: DocFilter = None,
    min_docs: Annotated[int, Query(ge=1, le=100_000)] = 2,
    limit: Limit = 20,
    offset: Offset = 0,
) -> JSONResponse:
    """Statements said again and again, most statements first."""
    rows = corpus.talking_points(
        speaker=speaker, since=since, until=until, language=language, doc=doc,
        min_docs=min_docs, limit=limit, offset=offset,
    )  # fmt: skip
    return _page(rows, limit, offset)


@router.get("/talking-points/{talking_point_id}", responses=_responses(TalkingPoint, page=False))
def talking_point(
    corpus: CorpusDep, talking_point_id: Annotated[str, PathParam(min_length=1, max_length=200)]
) -> JSONResponse:
    """One talking point: timeline by month, speakers, variants, documents, statements."""
    return JSONResponse(jsonable(corpus.talking_point(talking_point_id)))


@router.get("/topics", responses=_responses(Topic))
def topics(
    corpus: CorpusDep,
    speaker: Speaker = None,
    since: Since = None,
    until: Until = None,
    language: Language = None,
    doc: DocFilter = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> JSONResponse:
    """Topics of speech paragraphs: keyword labels and counts per month (a kept model)."""
    rows = corpus.topics(
        speaker=speaker, since=since, until=until, language=language, doc=doc,
        limit=limit, offset=offset,
    )  # fmt: skip
    return _page(rows, limit, offset)


@router.get("/kwic", responses=_responses(KwicLine))
def kwic(
    corpus: CorpusDep,
    term: Annotated[str, Query(min_length=1, max_length=200)],
    width: Annotated[int, Query(ge=10, le=500)] = 60,
    speaker: Speaker = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = 100,
) -> JSONResponse:
    """Concordance: every occurrence of a word or phrase in its context."""
    lines = corpus.kwic(term, width=width, speaker=speaker, since=since, until=until, limit=limit)
    return _page(lines, limit, 0)


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={200: {"content": {media: {} for media in MEDIA_TYPES.values()}}},
)
def export(
    request: Request,
    format: Literal["jsonl", "csv", "parquet"] = "jsonl",
    level: Literal["paragraphs", "turns", "documents", "annotations"] = "paragraphs",
    speaker: Speaker = None,
    since: Since = None,
    until: Until = None,
    kind: Kind = None,
    language: Language = None,
) -> StreamingResponse:
    """The corpus (or the documents the filters select), streamed: JSONL holds whole
    documents; CSV and Parquet one row per paragraph, turn, document or annotation."""
    pool: CorpusPool = request.app.state.pool
    filters = {
        "speaker": speaker,
        "since": since,
        "until": until,
        "kind": kind,
        "language": language,
    }
    chunks = stream_export(pool, format, level, filters)
    name = f"onrecord-{level if format != 'jsonl' else 'documents'}.{format}"
    return StreamingResponse(
        chunks,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post(
    "/ingest",
    dependencies=[Depends(require_token)],
    responses={
        200: {"model": IngestResult},
        401: {"model": ErrorResponse, "description": "no bearer token given"},
        403: {"model": ErrorResponse, "description": "read-only server, or a wrong token"},
    },
    summary="Store one transcript (needs the operator's token)",
)
def ingest(corpus: CorpusDep, body: IngestRequest) -> JSONResponse:
    """Parse and store one transcript sent as text; ``filename``'s extension gives
    the format. Re-sending the same text changes nothing."""
    with tempfile.TemporaryDirectory(prefix="onrecord-ingest-") as folder:
        path = Path(folder) / body.filename
        path.write_text(body.text, encoding="utf-8")
        report = corpus.ingest([path], workers=0)
    if report.failures and not (report.added or report.updated or report.unchanged):
        raise ApiError(400, "; ".join(report.failures))
    return JSONResponse(
        {
            "added": report.added,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "failures": report.failures,
            "warnings": report.warnings,
            "documents": len(corpus),
        }
    )


@router.put(
    "/speakers/overrides",
    dependencies=[Depends(require_token)],
    responses={
        200: {"model": OverridesResult},
        401: {"model": ErrorResponse, "description": "no bearer token given"},
        403: {"model": ErrorResponse, "description": "read-only server, or a wrong token"},
        409: {"model": ErrorResponse, "description": "the server has no speakers file"},
    },
    summary="Apply analyst speaker overrides (needs the operator's token)",
)
def put_overrides(request: Request, corpus: CorpusDep, body: OverridesRequest) -> JSONResponse:
    """Replace the analyst's speaker table and parse the stored documents again (those
    whose input files are still there), so their turns take the new speakers. A table
    that does not parse is refused (400) and nothing changes. Run enrichment again
    afterwards: re-parsed documents lose their annotations."""
    pool = request.app.state.pool
    if pool.speakers is None:
        raise ApiError(
            409, "this server has no analyst speakers file: start it with --speakers FILE"
        )
    try:
        report = corpus.apply_speaker_overrides(body.toml, pool.speakers)
    except ConfigError as error:
        raise ApiError(400, str(error)) from error
    pool.reload_speakers()
    return JSONResponse(
        {
            "path": report.path,
            "updated": report.ingest.updated,
            "unchanged": report.ingest.unchanged,
            "failures": report.ingest.failures,
            "not_reparsed": report.not_reparsed,
        }
    )
