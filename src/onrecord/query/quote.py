"""Did X say this? Find a quotation, verbatim or slightly off, and its exact span.

Candidates come from the full-text index (paragraphs sharing the most of
the quotation's words). In each candidate the words of the quotation are
looked for — by stem, or by spelling close enough ("initialed" /
"initialled") — and the densest stretch holding most of them becomes the
matching span. Its similarity to the quotation combines how many of the
quotation's words it holds with how closely it reads character by
character, so a verbatim quotation scores 1 and a paragraph that merely
shares a word or two scores low.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz

from onrecord.enrich.sentences import split_sentences
from onrecord.query.stemming import same_stem_key
from onrecord.store.base import ParagraphRow

__all__ = [
    "QuoteAlignment",
    "align_quote",
    "in_sentences",
    "normalise_for_alignment",
    "quote_words",
]

_WORD = re.compile(r"\w+")
_FOLD = str.maketrans(
    {
        "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\n": " ", "\t": " ", "\r": " ",
        "‘": "'", "’": "'", "“": '"', "”": '"', "«": '"', "»": '"', "„": '"',
        "–": "-", "—": "-", "ё": "е", "Ё": "Е",
    }
)  # fmt: skip
# Words too common to help find a quotation or to count as evidence of it.
_STOPWORDS = frozenset(
    "the a an and or of to in on at for by with from that this it is was be are were as we "
    "i you he she they not but so if then there their our its has have had will would do did "
    "и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только "
    "ее мне было вот от меня еще нет о из ему это мы".split()
)
_FUZZY_WORD = 85  # rapidfuzz ratio above which two spellings are one word
_WORD_WEIGHT = 0.6  # share of the similarity given to word coverage (the rest: characters)


def normalise_for_alignment(text: str) -> str:
    """Case and typography folded, one character for one, so offsets carry over."""
    folded = text.translate(_FOLD)
    lowered = folded.lower()
    if len(lowered) != len(folded):  # a few characters lower-case to two
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)
    return lowered


def quote_words(quote: str) -> list[str]:
    """The words of a quotation worth looking up, longest first."""
    words = [w for w in _WORD.findall(quote) if w.casefold() not in _STOPWORDS]
    return sorted(set(words), key=lambda w: (-len(w), w))


@dataclass(frozen=True, slots=True)
class QuoteAlignment:
    """The best match of a quotation in one paragraph (offsets into the document)."""

    row: ParagraphRow
    start: int
    end: int
    similarity: float
    method: str = "words"

    @property
    def verbatim(self) -> bool:
        return self.similarity >= 0.999


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    key: str
    lowered: str


def _tokens(text: str) -> list[_Token]:
    return [
        _Token(m.start(), m.end(), same_stem_key(m.group(0)), m.group(0).lower())
        for m in _WORD.finditer(text)
    ]


def align_quote(quote: str, row: ParagraphRow) -> QuoteAlignment:
    """Where in ``row`` the quotation stands, and how closely it matches."""
    needle = " ".join(normalise_for_alignment(quote).strip(" \"'").split())
    haystack = normalise_for_alignment(row.text)
    exact = haystack.find(needle) if needle else -1
    if exact >= 0:
        return QuoteAlignment(row, row.start + exact, row.start + exact + len(needle), 1.0)
    wanted = [t for t in _tokens(quote) if t.lowered not in _STOPWORDS] or _tokens(quote)
    if not wanted:
        return QuoteAlignment(row, row.start, row.start, 0.0)
    tokens = _tokens(row.text)
    hits = [
        (i, word)
        for i, token in enumerate(tokens)
        if (word := _matching_word(token, wanted)) is not None
    ]
    if not hits:
        return QuoteAlignment(row, row.start, row.start, 0.0)
    first, last, covered = _densest_stretch(hits, max_tokens=2 * len(_tokens(quote)) + 2)
    start, end = tokens[first].start, tokens[last].end
    coverage = covered / len({w.key for w in wanted})
    characters = fuzz.ratio(needle, haystack[start:end]) / 100
    similarity = _WORD_WEIGHT * coverage + (1 - _WORD_WEIGHT) * characters
    return QuoteAlignment(row, row.start + start, row.start + end, min(similarity, 0.999))


def _matching_word(token: _Token, wanted: list[_Token]) -> _Token | None:
    """The quotation word this paragraph word stands for, if any."""
    for word in wanted:
        if token.key == word.key:
            return word
    if len(token.lowered) < 5:
        return None
    for word in wanted:
        close_start = word.lowered[:3] == token.lowered[:3]
        if close_start and fuzz.ratio(word.lowered, token.lowered) >= _FUZZY_WORD:
            return word
    return None


def _densest_stretch(hits: list[tuple[int, _Token]], max_tokens: int) -> tuple[int, int, int]:
    """First and last token of the stretch (at most ``max_tokens`` long) holding the
    most distinct quotation words, and how many it holds."""
    best = (hits[0][0], hits[0][0], 0)
    left = 0
    for right in range(len(hits)):
        while hits[right][0] - hits[left][0] >= max_tokens:
            left += 1
        # The shortest stretch that still holds all it can, from this end.
        covered = len({word.key for _, word in hits[left : right + 1]})
        start = left
        while len({word.key for _, word in hits[start + 1 : right + 1]}) == covered:
            start += 1
        span = hits[right][0] - hits[start][0]
        if covered > best[2] or (covered == best[2] and span < best[1] - best[0]):
            best = (hits[start][0], hits[right][0], covered)
    return best


def in_sentences(text: str, start: int, end: int) -> tuple[str, str, str]:
    """``text[start:end]`` with the rest of the sentences it stands in: (before,
    match, after), white space runs made single.

    A match by words spans the quotation's words only and may start or end
    inside a sentence; shown alone, that would itself read as a misquotation.
    """
    around = [(a, b) for a, b in split_sentences(text) if a < end and start < b]
    first = min([start, *(a for a, _ in around)])
    last = max([end, *(b for _, b in around)])

    def plain(part: str) -> str:
        return re.sub(r"\s+", " ", part)

    return (
        plain(text[first:start]).lstrip(),
        plain(text[start:end]).strip(),
        plain(text[end:last]).rstrip(),
    )
