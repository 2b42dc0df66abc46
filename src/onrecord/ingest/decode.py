"""Bytes to text: refuse what is not text, detect the encoding of what is."""

from __future__ import annotations

import codecs

from charset_normalizer import from_bytes

from onrecord.errors import BinaryInputError, EmptyInputError, EncodingError
from onrecord.model import ParseWarning

__all__ = ["decode_bytes"]

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that never occur in text files (NUL most of all).
_BINARY_BYTES = bytes([*range(9), 11, *range(14, 28)])
_SNIFF = 8192


def decode_bytes(
    data: bytes, source: str, line: int | None = None
) -> tuple[str, tuple[ParseWarning, ...]]:
    """The text in ``data`` and a warning when it was not UTF-8.

    Raises :class:`EmptyInputError` for no text, :class:`BinaryInputError`
    for bytes that are not text, :class:`EncodingError` when no encoding
    fits.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="strict"), source, line), ()
    if not data.strip():
        raise EmptyInputError(source, "empty: no text at all", line=line)
    head = data[:_SNIFF]
    control = len(head) - len(head.translate(None, _BINARY_BYTES))
    if b"\x00" in head or control > len(head) // 100 + 1:
        raise BinaryInputError(source, "binary data, not text (control bytes found)", line=line)
    try:
        return _checked(data.decode("utf-8"), source, line), ()
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise EncodingError(source, "not UTF-8, and no other encoding fits", line=line)
    text = str(best)
    note = ParseWarning(
        "encoding",
        f"not UTF-8: decoded as {best.encoding} (detected); check accented letters",
    )
    return _checked(text, source, line), (note,)


def _checked(text: str, source: str, line: int | None) -> str:
    if not text.strip():
        raise EmptyInputError(source, "empty: only whitespace", line=line)
    return text
