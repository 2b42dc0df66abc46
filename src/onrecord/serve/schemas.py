"""JSON forms of the typed results, and the OpenAPI schemas that describe them.

Results go to JSON exactly as ``ResultList.to_dicts`` flattens them (citation fields
inline), nested results included. The schemas are derived from the result dataclasses
themselves, so the OpenAPI document cannot drift from what a route returns; they only
document (responses are not validated twice on the way out).
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from typing import Any, Union

from pydantic import BaseModel, ConfigDict, Field, create_model

from onrecord.model import Document
from onrecord.query.results import Citation, flatten

__all__ = [
    "DocumentSummary",
    "ErrorResponse",
    "IngestRequest",
    "IngestResult",
    "TurnModel",
    "document_summary",
    "flat_model",
    "jsonable",
    "page_model",
]


def jsonable(value: Any) -> Any:
    """A result (or list, tuple, dict of them) as plain JSON values, citations inline."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {key: jsonable(item) for key, item in flatten(value).items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    return value


def _field_type(hint: Any) -> Any:
    """The JSON-side type of a dataclass field: nested results become their flat model."""
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return flat_model(hint)
    if origin in (Union, types.UnionType):
        return functools.reduce(
            lambda a, b: a | b, [_field_type(arg) for arg in typing.get_args(hint)]
        )
    if origin is tuple:
        args = typing.get_args(hint)
        if len(args) == 2 and args[1] is Ellipsis:
            return list[_field_type(args[0])]  # type: ignore[misc]
        return list[Any]
    return hint


@functools.cache
def flat_model(cls: Any) -> type[BaseModel]:
    """A pydantic model of ``cls`` as :func:`jsonable` writes it (citation fields inline)."""
    hints = typing.get_type_hints(cls)
    definitions: dict[str, Any] = {}
    for item in dataclasses.fields(cls):
        if hints[item.name] is Citation:
            citation_hints = typing.get_type_hints(Citation)
            for name in (f.name for f in dataclasses.fields(Citation)):
                definitions[name] = (citation_hints[name], ...)
        else:
            definitions[item.name] = (_field_type(hints[item.name]), ...)
    return create_model(cls.__name__, **definitions)


@functools.cache
def page_model(item: type[BaseModel]) -> type[BaseModel]:
    """The envelope of every list: the page asked for, the total when counted, the items."""
    return create_model(
        f"{item.__name__}Page",
        total=(int | None, Field(description="all matches, when counted")),
        limit=(int, ...),
        offset=(int, ...),
        results=(list[item], ...),  # type: ignore[valid-type]
    )


class ErrorDetail(BaseModel):
    status: int
    type: str
    message: str


class ErrorResponse(BaseModel):
    """The one shape of every error response."""

    error: ErrorDetail


class DocumentSummary(BaseModel):
    id: str
    title: str | None
    date: str | None
    place: str | None
    kind: str
    language: str
    source_url: str | None
    turns: int
    paragraphs: int
    speakers: list[str]


def document_summary(document: Document) -> dict[str, Any]:
    return {
        "id": document.id,
        "title": document.title,
        "date": document.date,
        "place": document.place,
        "kind": document.kind.value,
        "language": document.language,
        "source_url": document.source_url,
        "turns": len(document.turns),
        "paragraphs": len(document.paragraphs),
        "speakers": sorted({t.speaker_id for t in document.turns if t.speaker_id}),
    }


class TurnModel(BaseModel):
    index: int
    speaker_id: str | None
    speaker: str | None
    label: str | None
    role: str | None
    kind: str
    start: int
    end: int
    text: str
    label_start: int | None
    label_end: int | None
    continues: int | None


class IngestRequest(BaseModel):
    """One transcript to store, as a file would hold it."""

    model_config = ConfigDict(extra="forbid")

    filename: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}\.(txt|md|html|htm|jsonl|json|csv)$",
        description="a name whose extension says the format (e.g. remarks.txt)",
    )
    text: str = Field(min_length=1, max_length=10_000_000)


class OverridesRequest(BaseModel):
    """The analyst's speaker table (speakers.toml content) to apply."""

    model_config = ConfigDict(extra="forbid")

    toml: str = Field(max_length=1_000_000, description="the whole speakers.toml")


class OverridesResult(BaseModel):
    path: str
    updated: int
    unchanged: int
    failures: list[str]
    not_reparsed: list[str]


class IngestResult(BaseModel):
    added: int
    updated: int
    unchanged: int
    failures: list[str]
    warnings: list[str]
    documents: int
