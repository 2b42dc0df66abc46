"""Queries over talking points: lists, one in full, and what is new in a transcript.

Talking points are the ``talking_point`` layer that
:mod:`onrecord.enrich.talking_points` keeps up to date; novelty compares a
transcript's statements with every statement said before it, exactly.
"""

from __future__ import annotations

import bisect
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from onrecord.enrich import talking_points as tp
from onrecord.errors import NotFoundError
from onrecord.model import Annotation, Document, TurnKind
from onrecord.query.annotations import citation
from onrecord.query.results import (
    Citation,
    Novelty,
    Occurrence,
    ResultList,
    TalkingPoint,
    TalkingPointSummary,
)
from onrecord.store.base import (
    AnnotationQuery,
    AnnotationRow,
    Filters,
    ParagraphRow,
    StatementRow,
    Store,
)

__all__ = [
    "NEW",
    "REPEATED",
    "SHORT",
    "SIMILAR",
    "Target",
    "document_targets",
    "novelty",
    "stored_targets",
    "talking_point",
    "talking_points",
]

NEW, REPEATED, SIMILAR, SHORT = "new", "repeated", "similar", "short"
_ALL = 1_000_000


def wording_key(text: str) -> str:
    """What two wordings must share to count as one variant: case, spacing and
    quotation marks aside."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(folded.replace("“", "").replace("”", "").replace('"', "").split())


def _variants(rows: Sequence[AnnotationRow]) -> list[tuple[str, int]]:
    """Distinct wordings with their counts, most frequent first, the earliest among equals."""
    counts: Counter[str] = Counter()
    first: dict[str, str] = {}
    for row in rows:  # in corpus order
        key = wording_key(row.text)
        counts[key] += 1
        first.setdefault(key, " ".join(row.text.split()))
    order = sorted(counts, key=lambda k: (-counts[k], list(first).index(k)))
    return [(first[k], counts[k]) for k in order]


def talking_points(
    store: Store, query: AnnotationQuery, min_statements: int = 2
) -> ResultList[TalkingPointSummary]:
    """Talking points of the selected statements, most statements first."""
    results: ResultList[TalkingPointSummary] = ResultList()
    for count in store.annotation_counts(query):
        if count.mentions < min_statements:
            break  # counts come most first
        members = store.annotations(
            AnnotationQuery(tp.LAYER, query.filters, keys=(count.key,), limit=_ALL)
        )
        results.append(
            TalkingPointSummary(
                talking_point_id=count.key,
                wording=_variants(members)[0][0],
                statements=count.mentions,
                documents=count.documents,
                speakers=count.speakers,
                first_date=count.first_date,
                last_date=count.last_date,
            )
        )
    return results


def _occurrence(row: AnnotationRow) -> Occurrence:
    return Occurrence(
        citation=citation(row),
        speaker_id=row.speaker_id,
        speaker=row.speaker,
        role=row.role,
        language=row.language,
        text=row.text,
        founder=row.label == "founder",
        similarity=row.score,
    )


def talking_point(store: Store, talking_point_id: str) -> TalkingPoint:
    """One talking point with its timeline, variants, speakers and statements."""
    rows = store.annotations(AnnotationQuery(tp.LAYER, keys=(talking_point_id,), limit=_ALL))
    if not rows:
        raise NotFoundError(f"no talking point {talking_point_id!r} in {store.location}")
    months = Counter((row.date or "undated")[:7] for row in rows)
    speakers = Counter(row.speaker or row.speaker_id or "unknown" for row in rows)
    documents = list(dict.fromkeys(row.doc_id for row in rows))
    variants = _variants(rows)
    return TalkingPoint(
        talking_point_id=talking_point_id,
        wording=variants[0][0],
        first_date=rows[0].date,
        last_date=max((row.date for row in rows if row.date), default=None),
        statements=len(rows),
        documents=tuple(documents),
        by_month=tuple(sorted(months.items())),
        by_speaker=tuple(sorted(speakers.items(), key=lambda item: (-item[1], item[0]))),
        variants=tuple(variants),
        occurrences=tuple(_occurrence(row) for row in rows),
    )


# --- novelty ---------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """A statement of the transcript being checked, with where it stands."""

    row: StatementRow
    citation: Citation
    speaker: str | None


def novelty(
    store: Store,
    targets: Sequence[Target],
    date: str | None,
    exclude_doc: str | None,
    statements: Sequence[StatementRow] | None = None,
) -> ResultList[Novelty]:
    """Each target statement: new, or repeated (how often, since when) before ``date``.

    "Before" means in a document dated earlier than ``date``; for an undated
    transcript, anywhere else in the corpus. ``repeated`` takes the similarity
    a talking-point link takes; a statement whose closest earlier one falls
    short of that but reaches ``SIMILAR_THRESHOLD`` is ``similar`` (that one is
    shown; it is not counted as a repeat). A statement too short to be more
    than a formula is marked ``short`` and not compared. ``statements`` are the
    store's, when the caller has read them already.
    """
    corpus = [
        row
        for row in (store.statements() if statements is None else statements)
        if tp.eligible(row)
        and row.doc_id != exclude_doc
        and (date is None or (row.date is not None and row.date < date))
    ]
    judged = [t for t in targets if tp.eligible(t.row)]
    matches = _matches(corpus, [t.row for t in judged])
    by_target = dict(zip((id(t) for t in judged), matches, strict=True))
    found = [by_target.get(id(target)) for target in targets]
    shown = [corpus[_shown(hits)] for hits in found if hits]
    points = _point_ids(store, shown)
    return ResultList(
        _novelty(store, target, corpus, points, hits)
        for target, hits in zip(targets, found, strict=True)
    )


def _shown(hits: list[tuple[float, int]]) -> int:
    """The earlier statement a novelty row shows: the earliest repeat, else the closest."""
    repeats = [index for similarity, index in hits if similarity >= tp.LINK_THRESHOLD]
    if repeats:
        return min(repeats)
    return max(hits, key=lambda hit: (hit[0], -hit[1]))[1]


def _point_ids(store: Store, rows: Sequence[StatementRow]) -> dict[tuple[str, int, int], str]:
    """The talking point of each of ``rows``, read from their documents only."""
    if not rows:
        return {}
    wanted = {(r.doc_id, r.start, r.end) for r in rows}
    filters = Filters(doc_ids=tuple(sorted({r.doc_id for r in rows})))
    return {
        (a.doc_id, a.start, a.end): a.key or ""
        for a in store.annotations(AnnotationQuery(tp.LAYER, filters, limit=100_000_000))
        if (a.doc_id, a.start, a.end) in wanted
    }


def _matches(
    corpus: Sequence[StatementRow], statements: Sequence[StatementRow]
) -> list[list[tuple[float, int]]]:
    """For each statement, the corpus statements it repeats: (similarity, index)."""
    if not statements or not corpus:
        return [[] for _ in statements]
    everything = np.frombuffer(b"".join(r.vector for r in (*corpus, *statements)), dtype=np.int8)
    sims = tp.Similarities(everything.reshape(len(corpus) + len(statements), -1))
    rows, inverse = sims.vectors[len(corpus) :], sims.inverse[len(corpus) :]
    scores = sims.block(rows, inverse, 0, len(corpus))
    found: list[list[tuple[float, int]]] = []
    for line in scores:
        hits = np.nonzero(line >= tp.SIMILAR_THRESHOLD)[0]
        found.append([(float(line[h]), int(h)) for h in hits])
    return found


def _novelty(
    store: Store,
    target: Target,
    corpus: Sequence[StatementRow],
    points: dict[tuple[str, int, int], str],
    found: list[tuple[float, int]] | None,
) -> Novelty:
    repeats = [hit for hit in found or () if hit[0] >= tp.LINK_THRESHOLD]
    status, earliest, nearest, point = (SHORT if found is None else NEW), None, None, None
    if found:
        nearest = max(similarity for similarity, _ in found)
        first = corpus[_shown(found)]
        status = REPEATED if repeats else SIMILAR
        point = points.get((first.doc_id, first.start, first.end))
        earliest = _statement_occurrence(store, first)
    return Novelty(
        citation=target.citation,
        speaker_id=target.row.speaker_id,
        speaker=target.speaker,
        text=target.row.text,
        status=status,
        times_before=len(repeats),
        documents_before=len({corpus[index].doc_id for _, index in repeats}),
        earliest=earliest,
        nearest_similarity=None if nearest is None else round(nearest, 4),
        talking_point_id=point,
    )


def _stored_statement(store: Store, row: StatementRow) -> tuple[Citation, ParagraphRow]:
    """A stored statement's citation (its own offsets), and its paragraph."""
    paragraph = store.paragraph(f"{row.doc_id}#p{row.paragraph + 1}")
    cite = Citation(
        row.doc_id, paragraph.paragraph_id, row.start, row.end, paragraph.title,
        paragraph.date, paragraph.source_url,
    )  # fmt: skip
    return cite, paragraph


def _statement_occurrence(store: Store, row: StatementRow) -> Occurrence:
    cite, paragraph = _stored_statement(store, row)
    return Occurrence(
        citation=cite,
        speaker_id=row.speaker_id,
        speaker=paragraph.speaker,
        role=paragraph.role,
        language=row.language,
        text=row.text,
        founder=False,
        similarity=None,
    )


def stored_targets(store: Store, doc_id: str, statements: Sequence[StatementRow]) -> list[Target]:
    """The statements of a stored document (among the store's ``statements``), as
    novelty checks them."""
    out: list[Target] = []
    for row in statements:
        if row.doc_id == doc_id:
            cite, paragraph = _stored_statement(store, row)
            out.append(Target(row, cite, paragraph.speaker))
    return out


def document_targets(document: Document, annotations: Sequence[Annotation]) -> list[Target]:
    """The statements of a document that is not stored, from its sentence embeddings."""
    starts = [p.start for p in document.paragraphs]
    out: list[Target] = []
    for a in annotations:
        if a.layer != "embedding" or a.label != "sentence" or a.vector is None:
            continue
        at = bisect.bisect_right(starts, a.start) - 1
        if at < 0:
            continue
        paragraph = document.paragraphs[at]
        turn = document.turns[paragraph.turn]
        if turn.kind != TurnKind.SPEECH:
            continue
        row = StatementRow(
            document.id, document.date, document.language, at, a.start, a.end,
            document.text[a.start : a.end], turn.speaker_id, a.vector,
        )  # fmt: skip
        cite = Citation(
            document.id, paragraph.id, a.start, a.end, document.title, document.date,
            document.source_url,
        )  # fmt: skip
        out.append(Target(row, cite, turn.speaker))
    return out
