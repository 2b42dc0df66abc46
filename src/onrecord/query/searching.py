"""Search and quote lookup over a Store: by words, by meaning, or both.

``search`` answers with paragraphs; ``quote`` with the exact span that says
what a quotation says. Both cite every result. When embeddings are stored,
plain-word searches are hybrid (full-text and vector rankings fused) and
quote lookup also finds paraphrases and translations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Literal

from onrecord.errors import QueryError
from onrecord.query.highlight import Highlighter, snippet
from onrecord.query.quote import QuoteAlignment, align_quote, quote_words
from onrecord.query.results import Citation, QuoteMatch, ResultList, SearchHit
from onrecord.query.semantic import (
    FusedHit,
    encode_query,
    fuse,
    is_plain_words,
    meaning_alignments,
    paragraph_hits,
)
from onrecord.query.syntax import Node, parse_query
from onrecord.store.base import Filters, ParagraphRow, Store

__all__ = ["MODES", "Mode", "citation", "quote", "search"]

Mode = Literal["auto", "text", "semantic", "hybrid"]
MODES: tuple[str, ...] = ("auto", "text", "semantic", "hybrid")
_QUOTE_CANDIDATES = 200
_MEANING_CANDIDATES = 20  # sentences near a quotation worth aligning
_FUSION_POOL = 50  # hits taken from each ranking before fusing
# Below this cosine a paragraph is no nearer the query than text at random is (a
# separator such as "* * *" sits at about 0.27 to a one-word query): not a hit.
_SEARCH_MEANING_FLOOR = 0.3
_HAS_WORDS = re.compile(r"\w")


def citation(row: ParagraphRow) -> Citation:
    return Citation(
        row.doc_id, row.paragraph_id, row.start, row.end, row.title, row.date, row.source_url
    )


def search(
    store: Store,
    query: str,
    filters: Filters,
    *,
    mode: Mode = "auto",
    limit: int = 20,
    offset: int = 0,
    count: bool = False,
) -> ResultList[SearchHit]:
    """Paragraphs for ``query``, best first; see the module docstring for modes."""
    if mode not in MODES:
        raise QueryError(f"search mode must be one of {', '.join(MODES)} (got {mode!r})")
    tree = parse_query(query)
    if mode == "auto":
        plain = tree is not None and is_plain_words(query)
        mode = "hybrid" if plain and store.has_embeddings() else "text"
    elif mode != "text" and not store.has_embeddings():
        raise QueryError(
            f"{mode} search needs embeddings, and none are stored: run 'onrecord enrich'"
        )
    if mode == "text":
        return _text_search(store, tree, filters, limit, offset, count)
    return _meaning_search(store, query, tree, filters, mode, limit, offset, count)


def _text_search(
    store: Store, tree: Node | None, filters: Filters, limit: int, offset: int, count: bool
) -> ResultList[SearchHit]:
    results: ResultList[SearchHit] = ResultList()
    if tree is None:
        results.total = 0
        return results
    highlighter = Highlighter(tree)
    for row in store.search(tree, filters, limit, offset):
        spans = highlighter.spans(row.text)
        results.append(_hit(row, spans, round(row.score, 4), "text", None))
    if count:
        results.total = store.count_matches(tree, filters)
    return results


def _meaning_search(
    store: Store,
    query: str,
    tree: Node | None,
    filters: Filters,
    mode: Mode,
    limit: int,
    offset: int,
    count: bool,
) -> ResultList[SearchHit]:
    pool = max(_FUSION_POOL, offset + limit)
    # Sentences and paragraphs both: a paragraph counts by its best.
    near = [
        hit
        for hit in paragraph_hits(store.nearest(encode_query(query), 2 * pool, filters))
        if hit.similarity >= _SEARCH_MEANING_FLOOR and _HAS_WORDS.search(hit.row.text)
    ][:pool]
    text_rows = _text_leg(store, tree, filters, pool) if mode == "hybrid" else []
    fused = fuse(text_rows, near)
    highlighter = Highlighter(tree) if tree is not None and text_rows else None
    results: ResultList[SearchHit] = ResultList()
    for item in fused[offset : offset + limit]:
        results.append(_fused_hit(item, highlighter))
    if count:
        results.total = len(fused)
    return results


def _text_leg(store: Store, tree: Node | None, filters: Filters, pool: int) -> list[ParagraphRow]:
    """The full-text ranking to fuse: paragraphs holding every word of the query.

    Not those holding most of them: on the retrieval gold set, fusing that
    looser ranking cut recall@1 of translations from 0.98 to 0.14 and of all
    queries from 0.84 to 0.60 (``eval/retrieval.py``), since any-word matches
    crowd out the statements that mean the same in other words.
    """
    return store.search(tree, filters, pool) if tree is not None else []


def _fused_hit(item: FusedHit, highlighter: Highlighter | None) -> SearchHit:
    row = item.row
    spans = highlighter.spans(row.text) if highlighter and item.text_rank is not None else []
    similarity = None
    if item.meaning is not None:
        similarity = round(item.meaning.similarity, 4)
        if not spans and item.meaning.unit == "sentence":
            spans = [(item.meaning.start - row.start, item.meaning.end - row.start)]
    method = "both" if item.text_rank and item.meaning else "text" if item.text_rank else "meaning"
    return _hit(row, spans, round(item.score, 6), method, similarity)


def _hit(
    row: ParagraphRow,
    spans: Sequence[tuple[int, int]],
    score: float,
    method: str,
    similarity: float | None,
) -> SearchHit:
    return SearchHit(
        citation=citation(row),
        speaker_id=row.speaker_id,
        speaker=row.speaker,
        label=row.label,
        role=row.role,
        text=row.text,
        snippet=snippet(row.text, list(spans)),
        matches=tuple((row.start + s, row.start + e) for s, e in spans),
        score=score,
        doc_kind=row.doc_kind,
        language=row.language,
        method=method,
        similarity=similarity,
    )


def quote(
    store: Store,
    text: str,
    filters: Filters,
    *,
    limit: int = 5,
    min_similarity: float = 0.6,
    by_meaning: bool | None = None,
) -> ResultList[QuoteMatch]:
    """Where a quotation stands, best match first; empty when nothing matches.

    By words (verbatim or slightly off) always; by meaning too (paraphrases,
    translations) when embeddings are stored, unless ``by_meaning`` is False.
    """
    candidates = store.any_words(quote_words(text), filters, _QUOTE_CANDIDATES)
    alignments = [align_quote(text, row) for row in candidates]
    if by_meaning is None:
        by_meaning = store.has_embeddings()
    if by_meaning and text.strip():
        alignments = _merge(
            alignments, meaning_alignments(store, text, filters, _MEANING_CANDIDATES)
        )
    alignments.sort(key=lambda a: (-a.similarity, a.row.date or "", a.row.paragraph_id, a.start))
    results: ResultList[QuoteMatch] = ResultList()
    for alignment in alignments:
        if alignment.similarity < min_similarity or len(results) >= limit:
            break
        results.append(_quote_match(alignment))
    results.total = len(results)
    return results


def _merge(words: list[QuoteAlignment], meaning: list[QuoteAlignment]) -> list[QuoteAlignment]:
    """One alignment per paragraph: the more similar of the two methods' (words on a tie)."""
    best: dict[str, QuoteAlignment] = {}
    for alignment in [*words, *meaning]:
        key = alignment.row.paragraph_id
        known = best.get(key)
        if known is None or alignment.similarity > known.similarity:
            best[key] = alignment
    return list(best.values())


def _quote_match(alignment: QuoteAlignment) -> QuoteMatch:
    row = alignment.row
    offset = alignment.start - row.start
    return QuoteMatch(
        citation=citation(row),
        speaker_id=row.speaker_id,
        speaker=row.speaker,
        role=row.role,
        match_start=alignment.start,
        match_end=alignment.end,
        matched_text=row.text[offset : offset + alignment.end - alignment.start],
        paragraph_text=row.text,
        similarity=round(alignment.similarity, 4),
        verbatim=alignment.verbatim,
        method=alignment.method,
    )
