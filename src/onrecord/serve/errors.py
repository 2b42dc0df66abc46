"""The one JSON error shape of the HTTP API, and the one place errors are mapped to it.

Every error a client can see, from any route, looks like::

    {"error": {"status": 404, "type": "not_found", "message": "doc-x: no such document"}}

onrecord's exception tree (:mod:`onrecord.errors`) maps to statuses here and nowhere
else; a route never builds an error response by hand. Pages (HTML routes) get the same
status with the message in an HTML page instead, so a person never sees JSON or a
traceback either.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from onrecord.errors import (
    ConfigError,
    InputError,
    ModelError,
    NotFoundError,
    OnrecordError,
    QueryError,
    StoreError,
)

__all__ = ["ERROR_TYPES", "ApiError", "error_body", "install_error_handlers"]

log = logging.getLogger("onrecord.serve")

ERROR_TYPES: dict[int, str] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_parameter",
    500: "internal_error",
    503: "unavailable",
}

# Most specific first: the first class an error is an instance of decides its status.
_DOMAIN_STATUS: tuple[tuple[type[OnrecordError], int], ...] = (
    (NotFoundError, 404),
    (QueryError, 400),
    (InputError, 400),
    (ConfigError, 500),
    (ModelError, 503),
    (StoreError, 503),
    (OnrecordError, 500),
)


class ApiError(Exception):
    """An error a route raises on purpose, with its status (e.g. 403 without a token)."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers


def error_body(status: int, message: str) -> dict[str, Any]:
    """The JSON body of every error response."""
    return {
        "error": {"status": status, "type": ERROR_TYPES.get(status, "error"), "message": message}
    }


def domain_status(error: OnrecordError) -> int:
    return next(status for cls, status in _DOMAIN_STATUS if isinstance(error, cls))


PageRenderer = Callable[[Request, int, str], Response]


def install_error_handlers(app: FastAPI, render_page: PageRenderer) -> None:
    """Route every error through :func:`error_body` (API) or ``render_page`` (pages)."""

    def respond(
        request: Request, status: int, message: str, headers: dict[str, str] | None = None
    ) -> Response:
        if _wants_html(request):
            response = render_page(request, status, message)
            if headers:
                response.headers.update(headers)
            return response
        return JSONResponse(error_body(status, message), status_code=status, headers=headers)

    async def on_domain(request: Request, error: Exception) -> Response:
        assert isinstance(error, OnrecordError)
        status = domain_status(error)
        if status >= 500:
            log.error("%s %s: %s", request.method, request.url.path, error)
        return respond(request, status, str(error))

    async def on_api(request: Request, error: Exception) -> Response:
        assert isinstance(error, ApiError)
        return respond(request, error.status, error.message, error.headers)

    async def on_http(request: Request, error: Exception) -> Response:
        assert isinstance(error, HTTPException)
        message = str(error.detail) if error.detail else "error"
        if error.status_code == 404 and error.detail == "Not Found":
            message = f"no such page or endpoint: {request.url.path}"
        headers = dict(error.headers) if error.headers else None
        return respond(request, error.status_code, message, headers)

    async def on_validation(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        return respond(request, 422, _validation_message(error))

    async def on_unexpected(request: Request, error: Exception) -> Response:
        # The traceback goes to the server's log, never to the client.
        log.exception("%s %s failed", request.method, request.url.path)
        return respond(request, 500, "internal error; the server log has the details")

    app.add_exception_handler(OnrecordError, on_domain)
    app.add_exception_handler(ApiError, on_api)
    app.add_exception_handler(HTTPException, on_http)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(Exception, on_unexpected)


def _validation_message(error: RequestValidationError) -> str:
    parts = []
    for problem in error.errors()[:5]:
        where = ".".join(str(part) for part in problem.get("loc", ()) if part != "query")
        parts.append(f"{where or 'request'}: {problem.get('msg', 'invalid')}")
    return "; ".join(parts) or "invalid request"


def _wants_html(request: Request) -> bool:
    """Pages answer errors with HTML; the API (and any client not asking for HTML) with JSON."""
    if request.url.path.startswith(("/api/", "/openapi.json", "/static/")):
        return False
    return "text/html" in request.headers.get("accept", "")
