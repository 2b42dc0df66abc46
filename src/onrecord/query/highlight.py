"""Mark the words of a hit that the query matched, with their offsets."""

from __future__ import annotations

import re

from onrecord.query.stemming import same_stem_key
from onrecord.query.syntax import Node, Term, positive_words

__all__ = ["Highlighter", "snippet"]

_WORD = re.compile(r"\w+")
_SNIPPET_CHARS = 240


class Highlighter:
    """Finds, in any text, the words a query would match in the index."""

    def __init__(self, query: Node | None) -> None:
        words = positive_words(query)
        self._keys = {same_stem_key(w) for w in words}
        self._prefixes = tuple(w.casefold() for w in _prefix_words(query))
        # Words that can match share their first letters with a query word;
        # finding those in C first leaves little for the stemmer to look at.
        starts = sorted({re.escape(w.casefold()[:3]) for w in words if w})
        self._candidates = (
            re.compile(r"\b(?:" + "|".join(starts) + r")\w*", re.IGNORECASE) if starts else None
        )

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Offsets (into ``text``) of every matching word."""
        if self._candidates is None:
            return []
        found = []
        for match in self._candidates.finditer(text):
            word = match.group(0)
            if same_stem_key(word) in self._keys or (
                self._prefixes and word.casefold().startswith(self._prefixes)
            ):
                found.append(match.span())
        return found


def _prefix_words(node: Node | None) -> list[str]:
    if isinstance(node, Term):
        return [node.word] if node.prefix else []
    items = getattr(node, "items", ())
    return [w for item in items for w in _prefix_words(item)]


def snippet(
    text: str,
    spans: list[tuple[int, int]],
    width: int = _SNIPPET_CHARS,
    marks: tuple[str, str] = ("**", "**"),
) -> str:
    """A window of ``text`` around the first match, matched words in **bold**.

    Markdown's ``**`` rather than brackets, because transcripts use square
    brackets for editorial insertions. Text may hold asterisks itself ("* * *"),
    so a renderer that must find the marks again passes ``marks`` of its own.
    """
    if not spans:
        cut = text[:width]
        return " ".join(cut.split()) + ("…" if len(text) > width else "")
    first = spans[0][0]
    start = max(0, first - width // 3)
    if start > 0:
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    end = min(len(text), start + width)
    pieces: list[str] = ["…"] if start > 0 else []
    position = start
    for span_start, span_end in spans:
        if span_start < position or span_end > end:
            continue
        pieces.extend([text[position:span_start], marks[0], text[span_start:span_end], marks[1]])
        position = span_end
    pieces.append(text[position:end])
    if end < len(text):
        pieces.append("…")
    return " ".join("".join(pieces).split())
