"""The search language, parsed into a small tree that any backend can compile.

Users type what they would type into a search box: words (all must occur),
``"quoted phrases"``, ``OR``, ``AND``, ``NOT`` or a leading ``-``,
parentheses, and ``word*`` for a prefix. Anything else — stray quotes,
brackets, colons, apostrophes — is read as well as it can be and never
makes the query fail: a word with inner punctuation (``U.S.``,
``d'etat``, ``2014-2015``) becomes the phrase of its parts, which is how
the full-text index splits it too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["And", "Node", "Not", "Or", "Phrase", "Term", "parse_query", "positive_words"]


@dataclass(frozen=True, slots=True)
class Term:
    word: str
    prefix: bool = False


@dataclass(frozen=True, slots=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class And:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Node


Node = Term | Phrase | And | Or | Not

_TOKEN = re.compile(r'"(?P<phrase>[^"]*)"?|(?P<open>\()|(?P<close>\))|(?P<word>[^\s"()]+)')
_WORD_PARTS = re.compile(r"\w+", re.UNICODE)
_OPERATORS = {"OR", "AND", "NOT"}


def parse_query(query: str) -> Node | None:
    """The tree of ``query``, or None when it holds nothing to search for."""
    tokens = list(_TOKEN.finditer(query.replace("«", '"').replace("»", '"')))
    position = 0

    def parse_or() -> Node | None:
        nonlocal position
        items = [parse_and()]
        while position < len(tokens) and tokens[position].group("word") == "OR":
            position += 1
            items.append(parse_and())
        present = [i for i in items if i is not None]
        return _combine(Or, present)

    def parse_and() -> Node | None:
        nonlocal position
        items: list[Node] = []
        while position < len(tokens):
            token = tokens[position]
            if token.group("close") is not None or token.group("word") == "OR":
                break
            position += 1
            if token.group("word") == "AND":
                continue
            negate = token.group("word") == "NOT"
            if negate:
                if position >= len(tokens):
                    break
                token = tokens[position]
                position += 1
            node = parse_atom(token)
            if node is None:
                continue
            items.append(Not(node) if negate else node)
        return _combine(And, items)

    def parse_atom(token: re.Match[str]) -> Node | None:
        nonlocal position
        if token.group("open") is not None:
            inner = parse_or()
            if position < len(tokens) and tokens[position].group("close") is not None:
                position += 1
            return inner
        if token.group("phrase") is not None:
            return _phrase(_WORD_PARTS.findall(token.group("phrase")))
        word = token.group("word") or ""
        if word.startswith("-") and len(word) > 1:
            inner = parse_atom_word(word[1:])
            return Not(inner) if inner is not None else None
        return parse_atom_word(word)

    def parse_atom_word(word: str) -> Node | None:
        parts = _WORD_PARTS.findall(word)
        if len(parts) == 1:
            return Term(parts[0], prefix=word.endswith("*"))
        return _phrase(parts)

    result = parse_or()
    while position < len(tokens):  # a stray ")" ends a group early: read on
        position += 1
        rest = parse_or()
        result = _combine(And, [n for n in (result, rest) if n is not None])
    return _drop_pure_negation(result)


def _phrase(words: list[str]) -> Node | None:
    if not words:
        return None
    return Term(words[0]) if len(words) == 1 else Phrase(tuple(words))


def _combine(kind: type[And] | type[Or], items: list[Node]) -> Node | None:
    if not items:
        return None
    if len(items) == 1:
        return items[0]
    return kind(tuple(items))


def _drop_pure_negation(node: Node | None) -> Node | None:
    """A query of only exclusions matches nothing useful; treat it as empty."""
    if node is None or isinstance(node, Not):
        return None
    if isinstance(node, And) and all(isinstance(i, Not) for i in node.items):
        return None
    return node


def positive_words(node: Node | None) -> list[str]:
    """The words a hit is expected to contain (for highlighting)."""
    if node is None or isinstance(node, Not):
        return []
    if isinstance(node, Term):
        return [node.word]
    if isinstance(node, Phrase):
        return list(node.words)
    return [word for item in node.items for word in positive_words(item)]
