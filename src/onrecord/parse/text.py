"""Small text helpers shared by the parse stage.

The document text is never modified: these helpers find spans in it, or
produce normalised copies for comparison only.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

# Spaces that real transcripts carry: NBSP (after short words on kremlin.ru),
# narrow NBSP, thin and other typographic spaces, and zero-width ones.
_SPACE_CHARS = (
    "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_SPACE_TABLE = str.maketrans({**dict.fromkeys(_SPACE_CHARS, " "), **dict.fromkeys(_ZERO_WIDTH, "")})
_MULTI_SPACE = re.compile(r"[ \t]+")

# A blank line (possibly holding only spaces) separates paragraphs.
# Lines holding something other than white space, one after another.
_PARAGRAPH = re.compile(r"[^\S\n]*\S[^\n]*(?:\n[^\S\n]*\S[^\n]*)*")
_LINE_BREAK = re.compile(r"\r?\n|\r")


def squash_spaces(value: str) -> str:
    """Typographic spaces become plain ones, runs of spaces become one, ends trimmed."""
    return _MULTI_SPACE.sub(" ", value.translate(_SPACE_TABLE)).strip()


def trimmed_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without leading and trailing whitespace of any kind (may be empty)."""
    while start < end and (text[start].isspace() or text[start] in _ZERO_WIDTH):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _ZERO_WIDTH):
        end -= 1
    return start, end


def _split(text: str, separator: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    position = 0
    for match in separator.finditer(text):
        yield trimmed_span(text, position, match.start())
        position = match.end()
    yield trimmed_span(text, position, len(text))


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Offsets of the paragraphs of ``text``, in order, none empty.

    Paragraphs are separated by blank lines. A text with no blank line at
    all but several lines is taken to put one paragraph on each line, as
    plain-text exports of transcripts often do.
    """
    spans = [
        span
        for match in _PARAGRAPH.finditer(text)
        if (span := trimmed_span(text, match.start(), match.end()))[0] < span[1]
    ]
    if len(spans) <= 1:
        lines = [span for span in _split(text, _LINE_BREAK) if span[0] < span[1]]
        if len(lines) >= 3:
            return lines
    return spans


def cyrillic_share(text: str, sample: int = 4000) -> float:
    """Share of Cyrillic among the letters of the first ``sample`` characters."""
    letters = cyrillic = 0
    for char in text[:sample]:
        if char.isalpha():
            letters += 1
            if "\u0400" <= char <= "\u04ff":
                cyrillic += 1
    return cyrillic / letters if letters else 0.0


def fold_for_matching(value: str) -> str:
    """A case-, accent- and typography-insensitive key for comparing names."""
    decomposed = unicodedata.normalize("NFKD", squash_spaces(value))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.casefold().replace("ё", "е")
