"""Compile the query tree to an FTS5 MATCH expression that cannot fail.

Every word goes in double quotes, so no user input is ever read as FTS5
syntax (column filters, ``NEAR``, ``^``): a query with any punctuation is
safe, and no text reaches SQL except as a bound parameter.
"""

from __future__ import annotations

from onrecord.query.stemming import stem_query_word
from onrecord.query.syntax import Node, Not, Or, Phrase, Term

__all__ = ["to_fts5", "words_to_fts5_any"]


def _quote(word: str) -> str:
    return '"' + stem_query_word(word).replace('"', '""') + '"'


def to_fts5(node: Node) -> str | None:
    """The MATCH expression for ``node``; None when nothing positive remains."""
    if isinstance(node, Term):
        return _quote(node.word) + ("*" if node.prefix else "")
    if isinstance(node, Phrase):
        return '"' + " ".join(stem_query_word(w).replace('"', '""') for w in node.words) + '"'
    if isinstance(node, Not):
        return None  # only meaningful beside something positive (see And)
    if isinstance(node, Or):
        parts = [p for p in (to_fts5(item) for item in node.items) if p]
        return "(" + " OR ".join(parts) + ")" if parts else None
    positive = [p for p in (to_fts5(i) for i in node.items if not isinstance(i, Not)) if p]
    negative = [p for p in (to_fts5(i.item) for i in node.items if isinstance(i, Not)) if p]
    if not positive:
        return None
    expression = "(" + " AND ".join(positive) + ")"
    if negative:
        expression += " NOT (" + " OR ".join(negative) + ")"
    return expression


def words_to_fts5_any(words: list[str]) -> str | None:
    """A MATCH expression for paragraphs holding any of ``words``."""
    unique = list(dict.fromkeys(w for w in words if w))
    return " OR ".join(_quote(w) for w in unique) or None
