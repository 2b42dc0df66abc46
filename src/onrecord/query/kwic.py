"""Keyword in context: every occurrence of a word or phrase with the text either side."""

from __future__ import annotations

from onrecord.query.highlight import Highlighter
from onrecord.query.results import KwicLine, ResultList
from onrecord.query.searching import citation
from onrecord.query.syntax import Phrase, Term, parse_query
from onrecord.store.base import Filters, Store

__all__ = ["keyword_in_context"]


def keyword_in_context(
    store: Store, term: str, filters: Filters, *, width: int, limit: int
) -> ResultList[KwicLine]:
    """Up to ``limit`` occurrences of ``term`` (a word, or several as a phrase) in the
    paragraphs that pass ``filters``, with ``width`` characters either side."""
    tree = parse_query(f'"{term}"' if " " in term.strip() else term)
    lines: ResultList[KwicLine] = ResultList()
    if not isinstance(tree, (Term, Phrase)):
        return lines
    highlighter = Highlighter(tree)
    for row in store.search(tree, filters, limit, 0):
        for start, end in _occurrences(highlighter.spans(row.text), tree):
            lines.append(
                KwicLine(
                    citation=citation(row),
                    speaker_id=row.speaker_id,
                    speaker=row.speaker,
                    left=" ".join(row.text[max(0, start - width) : start].split()),
                    keyword=row.text[start:end],
                    right=" ".join(row.text[end : end + width].split()),
                    match_start=row.start + start,
                    match_end=row.start + end,
                )
            )
            if len(lines) >= limit:
                return lines
    return lines


def _occurrences(spans: list[tuple[int, int]], tree: Term | Phrase) -> list[tuple[int, int]]:
    """Single words for a term; consecutive runs of the phrase's length for a phrase."""
    if isinstance(tree, Term):
        return spans
    size = len(tree.words)
    return [
        (spans[i][0], spans[i + size - 1][1])
        for i in range(len(spans) - size + 1)
        if all(spans[j + 1][0] - spans[j][1] <= 3 for j in range(i, i + size - 1))
    ]
