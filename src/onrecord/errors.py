"""The one exception tree of onrecord.

Every error a user can cause derives from :class:`OnrecordError`, so the CLI,
the HTTP API and library callers can catch one class and show its message,
never a traceback::

    OnrecordError
    ├── InputError            bad input: says which file (and line) and what was wrong
    │   ├── UnreadableInputError   missing, a directory where a file was expected, permission
    │   ├── EmptyInputError        nothing but whitespace
    │   ├── BinaryInputError       not text at all
    │   ├── EncodingError          text in an encoding that could not be determined
    │   ├── InputTooLargeError     over the configured size limit
    │   ├── FormatError            unknown format, malformed JSON line, CSV without text column
    │   └── RecordError            a record of a corpus lacks what a document needs
    ├── ConfigError           a speakers.toml or other configuration file is wrong
    ├── StoreError            the database cannot be opened, migrated or written
    │   └── SchemaError            the database was written by a newer onrecord
    ├── EnrichError           an enricher failed on one document (the others go on)
    ├── ModelError            a shipped model or its package is missing or not the one pinned
    ├── NotFoundError         a document, paragraph or speaker id that is not stored
    └── QueryError            a query that cannot be run (bad date, bad limit)
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "BinaryInputError",
    "ConfigError",
    "EmptyInputError",
    "EncodingError",
    "EnrichError",
    "FormatError",
    "InputError",
    "InputTooLargeError",
    "ModelError",
    "NotFoundError",
    "OnrecordError",
    "QueryError",
    "RecordError",
    "SchemaError",
    "StoreError",
    "UnreadableInputError",
]


class OnrecordError(Exception):
    """Base of every error onrecord raises on purpose."""


class InputError(OnrecordError):
    """An input file (or one record in it) that cannot become a document.

    The message always starts with the file name, and the line number when
    the problem is one record of a JSONL or CSV corpus, so a batch ingest can
    print one clear line per problem and go on.
    """

    def __init__(self, source: str | Path, reason: str, line: int | None = None) -> None:
        self.source = str(source)
        self.reason = reason
        self.line = line
        where = self.source if line is None else f"{self.source}:{line}"
        super().__init__(f"{where}: {reason}")

    def __reduce__(self) -> tuple[type[InputError], tuple[str, str, int | None]]:
        # Errors cross process boundaries in a parallel ingest.
        return (type(self), (self.source, self.reason, self.line))


class UnreadableInputError(InputError):
    """The file cannot be opened or read."""


class EmptyInputError(InputError):
    """The file or record holds no text."""


class BinaryInputError(InputError):
    """The bytes are not text (NUL bytes, an image, an archive)."""


class EncodingError(InputError):
    """The bytes are text in an encoding that could not be determined."""


class InputTooLargeError(InputError):
    """The file is larger than the configured limit."""


class FormatError(InputError):
    """The format is unknown, or the content does not follow its format."""


class RecordError(InputError):
    """A record of a corpus file lacks what a document needs (e.g. text)."""


class ConfigError(OnrecordError):
    """A configuration file (e.g. speakers.toml) is malformed."""


class StoreError(OnrecordError):
    """The database cannot be opened, migrated or written."""


class SchemaError(StoreError):
    """The database schema is newer than this version of onrecord understands."""


class NotFoundError(OnrecordError):
    """A document, paragraph or speaker id that is not in the store."""


class QueryError(OnrecordError):
    """A query that cannot be run as given."""


class EnrichError(OnrecordError):
    """An enricher failed on one document; the message names the document and enricher."""


class ModelError(OnrecordError):
    """A model onrecord needs is missing, unreadable or not the release it pins.

    The message names the model and says how to install the right one.
    """
