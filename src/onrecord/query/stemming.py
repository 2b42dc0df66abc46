"""Stems for search: English by the index's Porter stemmer, Russian by Snowball.

SQLite's FTS5 stems English (``porter``) but knows no Russian, so Cyrillic
words are stemmed here before they reach the index, and the same function
stems query words, so "переговоров" finds "переговоры". Highlighting uses
the same stems to mark exactly the words that matched.
"""

from __future__ import annotations

import re
from functools import lru_cache

import Stemmer

__all__ = ["CYRILLIC_WORD", "index_body", "same_stem_key", "stem_query_word"]

CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+(?:[\u0400-\u04ff\u0300-\u036f]+)*")
_HAS_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_russian = Stemmer.Stemmer("russian")
_porter = Stemmer.Stemmer("porter")


@lru_cache(maxsize=200_000)
def _russian_stem(word: str) -> str:
    return str(_russian.stemWord(word.lower().replace("ё", "е")))


def index_body(text: str) -> tuple[str, bool]:
    """The text as the index should see it, and whether it differs from ``text``."""
    if not _HAS_CYRILLIC.search(text):
        return text, False
    return CYRILLIC_WORD.sub(lambda m: _russian_stem(m.group(0)), text), True


def stem_query_word(word: str) -> str:
    """A query word as it must be looked up in the index."""
    return _russian_stem(word) if _HAS_CYRILLIC.search(word) else word


@lru_cache(maxsize=200_000)
def same_stem_key(word: str) -> str:
    """A key equal for two words exactly when the index treats them as one."""
    lowered = word.lower()
    if _HAS_CYRILLIC.search(lowered):
        return "ru:" + _russian_stem(lowered)
    return "en:" + str(_porter.stemWord(lowered))
