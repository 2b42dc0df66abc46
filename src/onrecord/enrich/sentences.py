"""Sentences with offsets into the document text, in English and Russian.

A rule-based splitter tuned to transcripts: a sentence ends at ``.``, ``?``,
``!`` or ``…`` (with closing quotes and brackets) followed by white space
and a capital, a digit or an opening quote — except after abbreviations
and initials (``Mr``, ``U.S.``, ``т.е.``, ``В.В.``). Non-breaking spaces
count as spaces for the rules; offsets always point into the original text.
"""

from __future__ import annotations

import re

__all__ = ["split_sentences"]

_END = re.compile(r"[.?!…]+[\"'”»’)\]]*(?=[\s\u00a0]+[\"'“«‘(\[]?[A-ZА-ЯЁ0-9])")
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof st jr sr gen col lt capt sgt adm gov sen rep rev fr no vs etc
    inc ltd co corp dept univ approx jan feb mar apr jun jul aug sep sept oct nov dec
    т г гг см стр им ул д тыс млн млрд руб коп проф акад
    """.split()
)
_INITIAL = re.compile(r"(?:^|[\s\u00a0(])(?:[A-ZА-ЯЁ]\.)+$")
_LAST_WORD = re.compile(r"(\w+)\.$")


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Offsets of the sentences of ``text[start:end]``, in order, trimmed, none empty."""
    end = len(text) if end is None else end
    sentences: list[tuple[int, int]] = []
    begin = start
    for match in _END.finditer(text, start, end):
        if _is_abbreviation(text, begin, match.end()):
            continue
        sentences.append(_trimmed(text, begin, match.end()))
        begin = match.end()
    sentences.append(_trimmed(text, begin, end))
    return [span for span in sentences if span[0] < span[1]]


def _is_abbreviation(text: str, begin: int, stop: int) -> bool:
    """True when the full stop ending at ``stop`` closes an abbreviation or an initial."""
    candidate = text[max(begin, stop - 40) : stop]
    if not candidate.endswith("."):
        return False
    if _INITIAL.search(candidate):
        return True  # "V.", "В.В.", "U.S."
    word = _LAST_WORD.search(candidate)
    return word is not None and word.group(1).casefold() in _ABBREVIATIONS


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
