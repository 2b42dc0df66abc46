"""onrecord: official transcripts as evidence — who said what, when, where, in which words.

The public API is what this module exports; everything else is internal.
"""

from onrecord.corpus import Corpus, IngestEvent, IngestReport, parse_inputs, parse_path
from onrecord.errors import (
    ConfigError,
    InputError,
    NotFoundError,
    OnrecordError,
    QueryError,
    SchemaError,
    StoreError,
)
from onrecord.model import (
    Document,
    DocumentKind,
    Paragraph,
    ParseWarning,
    Provenance,
    RawDocument,
    Speaker,
    Turn,
    TurnKind,
)
from onrecord.query.results import (
    Citation,
    KwicLine,
    QuoteMatch,
    ResultList,
    SearchHit,
    SpeakerSummary,
)
from onrecord.store.base import Store
from onrecord.store.sqlite import SQLiteStore

__version__ = "0.1.0"

__all__ = [
    "Citation",
    "ConfigError",
    "Corpus",
    "Document",
    "DocumentKind",
    "IngestEvent",
    "IngestReport",
    "InputError",
    "KwicLine",
    "NotFoundError",
    "OnrecordError",
    "Paragraph",
    "ParseWarning",
    "Provenance",
    "QueryError",
    "QuoteMatch",
    "RawDocument",
    "ResultList",
    "SQLiteStore",
    "SchemaError",
    "SearchHit",
    "Speaker",
    "SpeakerSummary",
    "Store",
    "StoreError",
    "Turn",
    "TurnKind",
    "__version__",
    "parse_inputs",
    "parse_path",
]
