"""The ASGI app: the HTTP API under ``/api``, the web UI at ``/``, one error shape.

``create_app`` is what ``onrecord serve`` runs and what the tests use::

    app = create_app("onrecord.db", token=None)   # read-only: ingest answers 403

The app is a thin layer over :class:`onrecord.Corpus`; every route leases a handle
from a :class:`CorpusPool`, calls one Corpus method and serialises its result.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version
from pathlib import Path

from fastapi import FastAPI
from starlette.staticfiles import StaticFiles

from onrecord.serve import api, pages
from onrecord.serve.errors import install_error_handlers
from onrecord.serve.pool import CorpusPool
from onrecord.serve.security import SecurityHeaders

__all__ = ["STATIC", "create_app"]

STATIC = Path(__file__).resolve().parent / "static"


def create_app(
    db_path: str | Path,
    token: str | None = None,
    *,
    pool_size: int = 4,
    speakers: str | Path | None = None,
) -> FastAPI:
    """The app over the corpus in ``db_path``.

    ``token``: when set, ``POST /api/ingest`` accepts requests carrying
    ``Authorization: Bearer <token>``; when None the server is read-only.
    """
    pool = CorpusPool(db_path, size=pool_size, speakers=speakers)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        pool.close()

    app = FastAPI(
        title="onrecord",
        version=version("onrecord"),
        description=(
            "Official transcripts as evidence: search, quote lookup, documents, speakers, "
            "entities, claims and talking points, every result with its citation. "
            'Every error has the shape `{"error": {"status", "type", "message"}}`.'
        ),
        lifespan=lifespan,
        docs_url=None,  # Swagger UI loads its assets from a CDN: not offline, not our CSP
        redoc_url=None,
    )
    app.state.pool = pool
    app.state.token = token or None
    install_error_handlers(app, pages.error_page)
    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(SecurityHeaders)
    return app
