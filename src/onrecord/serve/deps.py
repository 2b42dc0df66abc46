"""What routes receive from the app: a leased Corpus, the operator's token check."""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request

from onrecord.corpus import Corpus
from onrecord.serve.errors import ApiError
from onrecord.serve.pool import CorpusPool

__all__ = ["CorpusDep", "get_corpus", "require_token"]


def get_corpus(request: Request) -> Iterator[Corpus]:
    """A Corpus handle leased for one request."""
    pool: CorpusPool = request.app.state.pool
    with pool.lease() as corpus:
        yield corpus


CorpusDep = Annotated[Corpus, Depends(get_corpus)]


def require_token(request: Request) -> None:
    """Let a writing request through only with the operator's token.

    No token configured: the server is read-only (403). A token configured but the
    request carries none: 401; a wrong one: 403.
    """
    token: str | None = request.app.state.token
    if token is None:
        raise ApiError(
            403,
            "this server is read-only: start it with --token-env NAME (or ONRECORD_TOKEN) "
            "to allow writing requests",
        )
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise ApiError(
            401,
            "this request needs 'Authorization: Bearer <token>'",
            {"WWW-Authenticate": "Bearer"},
        )
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise ApiError(403, "the token given is not the one this server accepts")
