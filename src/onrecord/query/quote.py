"""Did X say this? Find a quotation, verbatim or slightly off, and its exact span.

Candidates come from the full-text index (paragraphs sharing the most of
the quotation's words); each is then aligned with the quotation
character by character (rapidfuzz's partial alignment), which tolerates
misspellings ("initialed"/"initialled"), dropped or changed words and
different punctuation, and gives the span of the paragraph that matches.
"""

from __future__ import annotations

import re

from rapidfuzz import fuzz

from onrecord.store.base import ParagraphRow

__all__ = ["QuoteAlignment", "align_quote", "normalise_for_alignment", "quote_words"]

_WORD = re.compile(r"\w+")
_FOLD = str.maketrans(
    {
        "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\n": " ", "\t": " ", "\r": " ",
        "‘": "'", "’": "'", "“": '"', "”": '"', "«": '"', "»": '"', "„": '"',
        "–": "-", "—": "-", "ё": "е", "Ё": "Е",
    }
)  # fmt: skip
# Words too common to help find a quotation.
_STOPWORDS = frozenset(
    "the a an and or of to in on at for by with from that this it is was be are were as we "
    "i you he she they not but so if then there their our its".split()
)


def normalise_for_alignment(text: str) -> str:
    """Case and typography folded, one character for one, so offsets carry over."""
    folded = text.translate(_FOLD)
    lowered = folded.lower()
    if len(lowered) != len(folded):  # a few characters lower-case to two
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)
    return lowered


def quote_words(quote: str) -> list[str]:
    """The words of a quotation worth looking up, most distinctive first."""
    words = [w for w in _WORD.findall(quote) if w.casefold() not in _STOPWORDS]
    return sorted(set(words), key=lambda w: (-len(w), w))


class QuoteAlignment:
    """The best alignment of a quotation with one paragraph."""

    __slots__ = ("end", "row", "similarity", "start", "verbatim")

    def __init__(self, row: ParagraphRow, start: int, end: int, similarity: float) -> None:
        self.row = row
        self.start = start  # document offsets
        self.end = end
        self.similarity = similarity
        self.verbatim = similarity >= 0.999


def align_quote(quote: str, row: ParagraphRow) -> QuoteAlignment:
    """Where in ``row`` the quotation stands, and how closely it matches."""
    needle = " ".join(normalise_for_alignment(quote).strip(" \"'").split())
    haystack = normalise_for_alignment(row.text)
    exact = haystack.find(needle)
    if needle and exact >= 0:
        return QuoteAlignment(row, row.start + exact, row.start + exact + len(needle), 1.0)
    alignment = fuzz.partial_ratio_alignment(needle, haystack)
    if alignment is None:
        return QuoteAlignment(row, row.start, row.start, 0.0)
    if len(needle) <= len(haystack):
        start, end = alignment.dest_start, alignment.dest_end
    else:  # the quotation is longer than the paragraph: all of it matches
        start, end = 0, len(haystack)
    start, end = _to_word_bounds(row.text, start, end)
    return QuoteAlignment(row, row.start + start, row.start + end, alignment.score / 100)


def _to_word_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen a span so it neither starts nor ends inside a word."""
    while start > 0 and text[start - 1].isalnum() and text[start].isalnum():
        start -= 1
    while end < len(text) and end > 0 and text[end - 1].isalnum() and text[end].isalnum():
        end += 1
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
