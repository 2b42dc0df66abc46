"""The Python API: ``Corpus`` is what the CLI, the HTTP API and notebooks use.

    >>> from onrecord import Corpus
    >>> corpus = Corpus("onrecord.db")
    >>> report = corpus.ingest(["transcripts/"])
    >>> hits = corpus.search('"initialled"', speaker="Lukashenko")
    >>> hits.to_pandas()

Every method returns typed results that carry their citation (document,
paragraph id, character offsets, URL).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from onrecord.enrich.embedding_enricher import EmbeddingEnricher
from onrecord.enrich.pipeline import Pipeline
from onrecord.enrich.pool import default_enrich_workers, enrich_documents
from onrecord.enrich.registry import build_pipeline
from onrecord.enrich.talking_points import LAYER as TALKING_POINTS
from onrecord.enrich.talking_points import LinkReport, update_talking_points
from onrecord.enrich.topics import DEFAULT_TOPICS, TopicReport, update_topics
from onrecord.enrich.topics import LAYER as TOPICS
from onrecord.errors import EnrichError, InputError, NotFoundError, QueryError
from onrecord.ingest.sources import DEFAULT_MAX_BYTES, Skipped
from onrecord.inputs import default_db_path, default_speakers_path, parse_inputs, parse_path
from onrecord.model import Document
from onrecord.parse.metadata import normalise_date
from onrecord.parse.pool import default_workers
from onrecord.parse.speakers import SpeakerDirectory
from onrecord.query import annotations as annotation_queries
from onrecord.query import searching
from onrecord.query import talking_points as tp_queries
from onrecord.query import topics as topic_queries
from onrecord.query.kwic import keyword_in_context
from onrecord.query.results import (
    Claim,
    EntityMention,
    EntitySummary,
    KwicLine,
    Novelty,
    QuoteMatch,
    ResultList,
    SearchHit,
    SpeakerSummary,
    TalkingPoint,
    TalkingPointSummary,
    TechniqueHit,
    Topic,
)
from onrecord.query.searching import Mode
from onrecord.reports import EnrichReport, IngestEvent, IngestReport, OverrideReport
from onrecord.store.base import AnnotationQuery, Filters, ParagraphRow, Store, WriteStatus
from onrecord.store.sqlite import SQLiteStore

# The reports and the input helpers live in onrecord.reports and onrecord.inputs;
# they are re-exported here, where callers have always imported them from.
__all__ = [
    "Corpus",
    "IngestEvent",
    "IngestReport",
    "OverrideReport",
    "default_db_path",
    "parse_inputs",
    "parse_path",
]

_QUOTE_CANDIDATES = 200
_MAX_LIMIT = 10_000


def default_pipeline() -> Pipeline:
    """The enrichers onrecord runs unless told otherwise: all it knows."""
    return build_pipeline()


class Corpus:
    """A corpus of transcripts in a store (SQLite by default)."""

    def __init__(
        self,
        db: str | Path | None = None,
        *,
        store: Store | None = None,
        speakers: str | Path | None = None,
    ) -> None:
        self.store: Store = store or SQLiteStore(db or default_db_path())
        speakers_path = Path(speakers) if speakers else default_speakers_path()
        self.speaker_directory = SpeakerDirectory.load(speakers_path)

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- ingest ----------------------------------------------------------

    def ingest(
        self,
        paths: Iterable[str | Path],
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        fmt: str | None = None,
        on_event: Callable[[IngestEvent], None] | None = None,
        workers: int | None = None,
    ) -> IngestReport:
        """Parse and store every document under ``paths``; never stops at a bad input.

        ``workers`` processes parse while this one stores (default: one per
        core but one; 0 parses here).
        """
        workers = default_workers() if workers is None else workers
        report = IngestReport()
        notify = on_event or (lambda event: None)
        # Hashes, not ids and sources: memory must not grow with the corpus.
        seen: set[int] = set()

        def documents() -> Iterator[Document]:
            items = parse_inputs(
                paths,
                speakers=self.speaker_directory,
                max_bytes=max_bytes,
                fmt=fmt,
                workers=workers,
            )
            for item in items:
                if isinstance(item, InputError):
                    report.failures.append(str(item))
                    notify(IngestEvent(item.source, "failed", message=str(item)))
                elif isinstance(item, Skipped):
                    report.skipped.append(f"{item.source}: {item.reason}")
                    notify(IngestEvent(item.source, "skipped", message=item.reason))
                elif hash(item.id) in seen:
                    message = (
                        f"{_where(item)}: document {item.id} appears again in this run; "
                        "the first copy is kept and this one is not stored"
                    )
                    report.note(report.duplicates, message)
                    notify(IngestEvent(_where(item), "duplicate", item.id, message))
                else:
                    seen.add(hash(item.id))
                    for warning in item.warnings:
                        if warning.code != "no-speakers":
                            message = (
                                f"{_where(item)}: {item.id}: {warning.code}: {warning.message}"
                            )
                            report.note(report.warnings, message)
                            notify(IngestEvent(_where(item), "warning", item.id, message))
                    yield item

        for outcome in self.store.write(documents()):
            if outcome.status is WriteStatus.ADDED:
                report.added += 1
            elif outcome.status is WriteStatus.UPDATED:
                report.updated += 1
            else:
                report.unchanged += 1
            report.replaced.extend(outcome.replaced)
            notify(IngestEvent(outcome.doc_id, outcome.status.value, outcome.doc_id))
        return report

    # --- analyst overrides -------------------------------------------------

    def apply_speaker_overrides(self, overrides: str, path: str | Path) -> OverrideReport:
        """Make ``overrides`` (speakers.toml content) the analyst's speaker table at
        ``path``, then parse again every stored document whose input file is still
        there, so its turns take the new speakers.

        The table is checked before anything is written (a bad one raises
        ConfigError and changes nothing); it replaces the file atomically.
        Documents whose input is gone (stdin, moved files) keep their speakers and
        are listed in the report.
        """
        target = Path(path)
        staged = target.with_name(f".{target.name}.new")
        staged.write_text(overrides, encoding="utf-8")
        try:
            directory = SpeakerDirectory.load(staged)
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        staged.replace(target)
        self.speaker_directory = directory
        inputs: set[str] = set()
        missing: list[str] = []
        for document in self.store.iter_documents():
            source = document.provenance.input_file
            if source and Path(source).is_file():
                inputs.add(source)
            else:
                missing.append(document.id)
        report = self.ingest(sorted(inputs), workers=0) if inputs else IngestReport()
        return OverrideReport(path=str(target), ingest=report, not_reparsed=missing)

    # --- enrichment ------------------------------------------------------

    def enrich(
        self,
        pipeline: Pipeline | None = None,
        *,
        enrichers: Iterable[str] | None = None,
        workers: int | None = None,
        on_start: Callable[[int], None] | None = None,
        on_event: Callable[[IngestEvent], None] | None = None,
    ) -> EnrichReport:
        """Annotate the documents the pipeline's enrichers have not yet seen.

        ``enrichers`` names the enrichers to run (default: all; what they
        require is added). Incremental: a document is redone when it changed
        (re-ingest drops its annotations) or when an enricher's version
        changed. One failing document is reported and skipped. ``workers``
        processes run the pipeline (default: one per core; 0 or 1: here).
        ``on_start`` learns how many documents are to be done.
        """
        if pipeline is None:
            pipeline = build_pipeline(list(enrichers) if enrichers is not None else None)
        versions = pipeline.versions
        notify = on_event or (lambda event: None)
        report = EnrichReport()
        todo = list(self.store.needing_enrichment(versions))
        if on_start is not None:
            on_start(len(todo))
        workers = default_enrich_workers() if workers is None else workers
        documents = (self.store.get(doc_id) for doc_id in todo)
        for doc_id, outcome in enrich_documents(documents, pipeline, min(workers, len(todo))):
            if isinstance(outcome, EnrichError):
                report.failures.append(str(outcome))
                notify(IngestEvent(doc_id, "failed", doc_id, str(outcome)))
                continue
            self.store.replace_annotations(doc_id, versions, outcome)
            report.enriched += 1
            report.annotations += len(outcome)
            notify(IngestEvent(doc_id, "enriched", doc_id))
        report.up_to_date = len(self) - report.enriched - len(report.failures)
        if EmbeddingEnricher.name in versions:
            report.talking_points = self.update_talking_points()
            report.topics = update_topics(self.store)
            # Built here, not by the first search: on the whole corpus that takes
            # over a minute, which a user's first query should not wait for.
            self.store.prepare_search()
        return report

    def update_talking_points(
        self, on_progress: Callable[[int, int], None] | None = None
    ) -> LinkReport:
        """Link the stored statements into talking points (incremental; see
        :mod:`onrecord.enrich.talking_points`). ``enrich`` does this after embedding."""
        return update_talking_points(self.store, on_progress=on_progress)

    # --- what the enrichers found ------------------------------------------

    def claims(
        self,
        doc: str | None = None,
        *,
        speaker: str | None = None,
        since: str | None = None,
        until: str | None = None,
        language: str | None = None,
        min_score: float | None = None,
        limit: int = 20,
        offset: int = 0,
    ) -> ResultList[Claim]:
        """Sentences of speech turns, most worth checking first."""
        _check_limit(limit, offset)
        filters = self._filters(
            speaker=speaker, since=since, until=until, language=language, doc=doc
        )
        query = AnnotationQuery(
            "claim", filters, min_score=min_score, order="score", limit=limit, offset=offset
        )
        return annotation_queries.claims(self.store, query)

    def entities(
        self,
        doc: str | None = None,
        *,
        type: str | None = None,
        speaker: str | None = None,
        since: str | None = None,
        until: str | None = None,
        language: str | None = None,
        speech_only: bool = False,
        limit: int = 50,
        offset: int = 0,
    ) -> ResultList[EntitySummary]:
        """Entities mentioned, most mentioned first, with document and speaker counts."""
        _check_limit(limit, offset)
        query = self._entity_query(doc, type, speaker, since, until, language, speech_only)
        return annotation_queries.entity_summaries(
            self.store, _page(query, limit=limit, offset=offset)
        )

    def mentions(
        self,
        entity: str | None = None,
        *,
        doc: str | None = None,
        type: str | None = None,
        speaker: str | None = None,
        since: str | None = None,
        until: str | None = None,
        language: str | None = None,
        speech_only: bool = False,
        limit: int = 100,
        offset: int = 0,
    ) -> ResultList[EntityMention]:
        """Every mention (of ``entity``, when given), in document order."""
        _check_limit(limit, offset)
        query = self._entity_query(doc, type, speaker, since, until, language, speech_only)
        if entity is not None:
            query = _with_keys(query, self.entity_ids(entity))
        return annotation_queries.entity_mentions(
            self.store, _page(query, limit=limit, offset=offset)
        )

    def entity_ids(self, name: str) -> tuple[str, ...]:
        """Canonical ids of stored entities called ``name`` (id, name or alias)."""
        keys = set(self.store.annotation_keys_matching("entity", name))
        keys.update(
            key
            for key in _gazetteer_ids(name)
            if self.store.annotation_keys_matching("entity", key)
        )
        if not keys:
            raise QueryError(
                f"no entity called {name!r} is stored; see 'onrecord entities' for the "
                "entities found (run 'onrecord enrich' first if the list is empty)"
            )
        return tuple(sorted(keys))

    def techniques(
        self,
        doc: str | None = None,
        *,
        technique: str | None = None,
        speaker: str | None = None,
        since: str | None = None,
        until: str | None = None,
        language: str | None = None,
        min_score: float | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> ResultList[TechniqueHit]:
        """Persuasion techniques by paragraph; the strongest first."""
        _check_limit(limit, offset)
        filters = self._filters(
            speaker=speaker, since=since, until=until, language=language, doc=doc
        )
        labels = tuple(t.strip() for t in technique.split(",")) if technique else None
        query = AnnotationQuery(
            "technique",
            filters,
            labels=labels,
            min_score=min_score,
            order="score",
            limit=limit,
            offset=offset,
        )
        return annotation_queries.techniques(self.store, query)

    def _entity_query(
        self,
        doc: str | None,
        type: str | None,
        speaker: str | None,
        since: str | None,
        until: str | None,
        language: str | None,
        speech_only: bool,
    ) -> AnnotationQuery:
        filters = self._filters(
            speaker=speaker, since=since, until=until, language=language, doc=doc
        )
        types = tuple(t.strip().upper() for t in type.split(",")) if type else None
        return AnnotationQuery("entity", filters, labels=types, speech_only=speech_only)

    # --- talking points ---------------------------------------------------

    def talking_points(
        self,
        *,
        speaker: str | None = None,
        since: str | None = None,
        until: str | None = None,
        language: str | None = None,
        doc: str | None = None,
        min_docs: int = 2,
        limit: int = 20,
        offset: int = 0,
    ) -> ResultList[TalkingPointSummary]:
        """Talking points said in at least ``min_docs`` documents, most statements first;
        the filters select which statements count."""
        _check_limit(limit, offset)
        filters = self._filters(
            speaker=speaker, since=since, until=until, language=language, doc=doc
        )
        query = AnnotationQuery(
            TALKING_POINTS, filters, min_documents=max(min_docs, 1), limit=limit, offset=offset
        )
        return tp_queries.talking_points(self.store, query)

    def talking_point(self, talking_point_id: str) -> TalkingPoint:
        """One talking point: timeline by month, speakers, variants, documents, statements."""
        return tp_queries.talking_point(self.store, talking_point_id)

    def novelty(self, doc_or_path: str | Path) -> ResultList[Novelty]:
        """Each statement of one transcript, new or repeated from earlier documents.

        ``doc_or_path`` is a stored document's id or a transcript file (read,
        embedded and compared without being stored).
        """
        doc_id = str(doc_or_path)
        path = Path(doc_or_path)
        try:
            stored = self.store.get(doc_id)
        except NotFoundError:
            if not path.exists():
                raise NotFoundError(
                    f"{doc_id}: neither a document in {self.store.location} nor a file"
                ) from None
        else:
            statements = self.store.statements()
            targets = tp_queries.stored_targets(self.store, doc_id, statements)
            return tp_queries.novelty(
                self.store, targets, stored.date, exclude_doc=doc_id, statements=statements
            )
        documents = list(parse_path(path))
        if len(documents) != 1:
            raise QueryError(
                f"{path}: holds {len(documents)} documents; give one document or a stored id"
            )
        document = documents[0]
        annotations = build_pipeline([EmbeddingEnricher.name]).run(document)
        targets = tp_queries.document_targets(document, annotations)
        return tp_queries.novelty(self.store, targets, document.date, exclude_doc=document.id)

    def topics(
        self,
        *,
        speaker: str | None = None,
        since: str | None = None,
        until: str | None = None,
        language: str | None = None,
        doc: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> ResultList[Topic]:
        """Topics of speech paragraphs with keyword labels and counts per month; the
        filters select which paragraphs count. Empty until a topic model is fitted."""
        _check_limit(limit, offset)
        filters = self._filters(
            speaker=speaker, since=since, until=until, language=language, doc=doc
        )
        query = AnnotationQuery(TOPICS, filters, limit=limit, offset=offset)
        return topic_queries.topics(self.store, query)

    def refit_topics(self, topics: int = DEFAULT_TOPICS) -> TopicReport:
        """Fit a new topic model on what is stored now and assign every paragraph to it."""
        return update_topics(self.store, refit=True, k=topics)

    # --- documents -------------------------------------------------------

    def document(self, doc_id: str) -> Document:
        """One stored document (raises NotFoundError)."""
        return self.store.get(doc_id)

    def documents(self, **filters: str | None) -> Iterator[Document]:
        """Stored documents, streamed in id order (filters as for ``search``)."""
        return self.store.iter_documents(self._filters(**filters))

    def __len__(self) -> int:
        return self.store.count()

    # --- queries ---------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        speaker: str | None = None,
        since: str | None = None,
        until: str | None = None,
        kind: str | None = None,
        language: str | None = None,
        doc: str | None = None,
        mentions: str | None = None,
        mode: Mode = "auto",
        limit: int = 20,
        offset: int = 0,
        count: bool = False,
    ) -> ResultList[SearchHit]:
        """Paragraphs matching ``query`` (words, "phrases", OR, NOT, -word, prefix*).

        ``mode``: ``text`` (full-text), ``semantic`` (by meaning, in either
        language), ``hybrid`` (both, fused) or ``auto`` — hybrid for a query
        of plain words when embeddings are stored, else full-text.
        ``mentions`` keeps paragraphs that mention this entity (a name or an
        id, as ``onrecord entities`` lists them; needs ``enrich``).
        """
        _check_limit(limit, offset)
        filters = self._filters(
            speaker=speaker, since=since, until=until, kind=kind, language=language, doc=doc
        )
        if mentions:
            filters = dataclasses.replace(filters, mentions=self.entity_ids(mentions))
        return searching.search(
            self.store, query, filters, mode=mode, limit=limit, offset=offset, count=count
        )

    def quote(
        self,
        text: str,
        *,
        speaker: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 5,
        min_similarity: float = 0.6,
        by_meaning: bool | None = None,
    ) -> ResultList[QuoteMatch]:
        """Where a quotation stands, best match first; empty when nothing matches.

        Verbatim or slightly off always; paraphrased or translated too when
        embeddings are stored (``by_meaning=False`` turns that off).
        """
        _check_limit(limit, 0)
        filters = self._filters(speaker=speaker, since=since, until=until)
        return searching.quote(
            self.store,
            text,
            filters,
            limit=limit,
            min_similarity=min_similarity,
            by_meaning=by_meaning,
        )

    def kwic(
        self,
        term: str,
        *,
        width: int = 60,
        speaker: str | None = None,
        since: str | None = None,
        until: str | None = None,
        limit: int = 100,
    ) -> ResultList[KwicLine]:
        """Every occurrence of a word or phrase with ``width`` characters either side."""
        _check_limit(limit, 0)
        filters = self._filters(speaker=speaker, since=since, until=until)
        return keyword_in_context(self.store, term, filters, width=width, limit=limit)

    def paragraph(self, paragraph_id: str) -> ParagraphRow:
        """One paragraph with its speaker and citation fields."""
        return self.store.paragraph(paragraph_id)

    def speakers(self) -> ResultList[SpeakerSummary]:
        """Every speaker in the corpus with the labels and roles printed for them."""
        return ResultList(self.store.speakers())

    # --- helpers ---------------------------------------------------------

    def _filters(
        self,
        *,
        speaker: str | None = None,
        since: str | None = None,
        until: str | None = None,
        kind: str | None = None,
        language: str | None = None,
        doc: str | None = None,
    ) -> Filters:
        return Filters(
            speaker_ids=self.store.speaker_ids_matching(speaker) if speaker else None,
            since=_iso(since, "since"),
            until=_iso(until, "until"),
            kinds=tuple(k.strip().replace(" ", "_") for k in kind.split(",")) if kind else None,
            language=language,
            doc_ids=(doc,) if doc else None,
        )


def _where(document: Document) -> str:
    provenance = document.provenance
    source = provenance.input_file or "<unknown>"
    return source if provenance.record_line is None else f"{source}:{provenance.record_line}"


_citation = searching.citation


def _iso(value: str | None, name: str) -> str | None:
    if not value:
        return None
    if len(value) == 4 and value.isdigit():
        return f"{value}-01-01" if name == "since" else f"{value}-12-31"
    parsed = normalise_date(value, "en")
    if parsed is None:
        raise QueryError(f"--{name}: {value!r} is not a date (use YYYY-MM-DD or YYYY)")
    return parsed


def _page(query: AnnotationQuery, *, limit: int, offset: int) -> AnnotationQuery:
    return dataclasses.replace(query, limit=limit, offset=offset)


def _with_keys(query: AnnotationQuery, keys: tuple[str, ...]) -> AnnotationQuery:
    return dataclasses.replace(query, keys=keys)


def _gazetteer_ids(name: str) -> tuple[str, ...]:
    """The canonical id the shipped gazetteer gives ``name`` ("Kiev" → kyiv), if any."""
    from onrecord.enrich.gazetteer import default_gazetteer

    match = default_gazetteer().resolve(name)
    return (match.id,) if match is not None else ()


def _check_limit(limit: int, offset: int) -> None:
    if not 1 <= limit <= _MAX_LIMIT or offset < 0:
        raise QueryError(f"limit must be 1..{_MAX_LIMIT} and offset ≥ 0 (got {limit}, {offset})")
