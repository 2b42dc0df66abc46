"""The ``onrecord`` command: a thin layer over :class:`onrecord.Corpus`.

Each command parses its flags, calls one API method and prints the result,
as text for people or as JSON Lines (``--json``) for programs. Domain
errors become one clear line and exit code 1; bad input never shows a
traceback.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from onrecord.corpus import Corpus, IngestEvent, IngestReport, default_db_path, parse_inputs
from onrecord.enrich.registry import build_pipeline
from onrecord.errors import EnrichError, InputError, OnrecordError
from onrecord.export import FORMATS, LEVELS, export
from onrecord.ingest.sources import DEFAULT_MAX_BYTES, Skipped
from onrecord.model import Document
from onrecord.parse.speakers import SpeakerDirectory
from onrecord.query.results import QuoteMatch, ResultList
from onrecord.query.searching import MODES

__all__ = ["main"]

F = TypeVar("F", bound=Callable[..., Any])


def _domain_errors(command: F) -> F:
    """Turn onrecord's own errors into a one-line message and exit status 1."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except OnrecordError as error:
            raise click.ClickException(str(error)) from error

    return wrapper  # type: ignore[return-value]


def _corpus(ctx: click.Context) -> Corpus:
    options = ctx.find_root().params
    corpus = Corpus(options.get("db") or default_db_path(), speakers=options.get("speakers"))
    ctx.call_on_close(corpus.close)
    return corpus


def _emit_json(results: ResultList[Any]) -> None:
    for record in results.to_dicts():
        click.echo(json.dumps(record, ensure_ascii=False))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="onrecord")
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="ONRECORD_DB",
    help="Database file [default: onrecord.db here; env ONRECORD_DB].",
)
@click.option(
    "--speakers",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    envvar="ONRECORD_SPEAKERS",
    help="Analyst speaker overrides (TOML) [default: ./speakers.toml if present].",
)
def main(db: Path | None, speakers: Path | None) -> None:
    """onrecord: official transcripts as evidence — who said what, when, where."""


_format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "html", "jsonl", "json", "csv"]),
    help="Read every input as this format (default: by file extension).",
)
_max_bytes_option = click.option(
    "--max-bytes",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    help="Largest file (or corpus record) accepted.",
)


@main.command("parse")
@click.argument("paths", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per document (JSONL).")
@click.option(
    "--enrich",
    "enrichers",
    metavar="NAMES",
    help="Also annotate: 'all' or names (sentences,entities,claims,techniques).",
)
@_format_option
@_max_bytes_option
@click.pass_context
@_domain_errors
def parse_command(
    ctx: click.Context,
    paths: tuple[str, ...],
    as_json: bool,
    enrichers: str | None,
    fmt: str | None,
    max_bytes: int,
) -> None:
    """Parse transcripts without storing them (PATH may be a directory or -)."""
    speakers = ctx.find_root().params.get("speakers")
    directory = SpeakerDirectory.load(speakers)
    pipeline = build_pipeline(_enricher_names(enrichers)) if enrichers else None
    failed = 0
    for item in parse_inputs(paths, speakers=directory, max_bytes=max_bytes, fmt=fmt):
        if isinstance(item, InputError):
            failed += 1
            click.echo(f"error: {item}", err=True)
            continue
        if isinstance(item, Skipped):
            click.echo(f"skipped: {item.source}: {item.reason}", err=True)
            continue
        if pipeline is not None:
            try:
                item = dataclasses.replace(item, annotations=tuple(pipeline.run(item)))
            except EnrichError as error:
                failed += 1
                click.echo(f"error: {error}", err=True)
        if as_json:
            click.echo(json.dumps(item.to_dict(), ensure_ascii=False))
        else:
            click.echo(_document_summary(item))
    if failed:
        ctx.exit(1)


def _enricher_names(value: str | None) -> list[str] | None:
    """None (all enrichers) for 'all' or nothing, else the names given."""
    if not value or value.strip() == "all":
        return None
    return [name.strip() for name in value.split(",") if name.strip()]


def _document_summary(document: Document) -> str:
    speakers = sorted({t.speaker for t in document.turns if t.speaker})
    warnings = ", ".join(w.code for w in document.warnings) or "none"
    return (
        f"{document.id}\t{document.date or '????-??-??'}\t{document.title or '(no title)'}\n"
        f"  {len(document.turns)} turns, {len(document.paragraphs)} paragraphs; "
        f"speakers: {', '.join(speakers) or 'none'}; warnings: {warnings}"
    )


@main.command()
@click.argument("paths", nargs=-1, required=True)
@_format_option
@_max_bytes_option
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    help="Processes that parse while this one stores [default: cores - 1; 0: none].",
)
@click.pass_context
@_domain_errors
def ingest(
    ctx: click.Context,
    paths: tuple[str, ...],
    fmt: str | None,
    max_bytes: int,
    quiet: bool,
    workers: int | None,
) -> None:
    """Parse and store transcripts: files, directories (recursively), or - for stdin.

    Re-running an ingest changes nothing; a changed source replaces its
    stored version. Exits 1 when any input failed; the rest is stored.
    """
    from tqdm import tqdm

    corpus = _corpus(ctx)
    with tqdm(unit=" docs", disable=quiet or None, file=sys.stderr, leave=False) as bar:

        def on_event(event: IngestEvent) -> None:
            if event.status in ("failed", "warning", "duplicate"):
                prefix = "error" if event.status == "failed" else event.status
                bar.write(f"{prefix}: {event.message}", file=sys.stderr)
            elif event.status != "skipped":
                bar.update(1)

        report = corpus.ingest(
            paths, max_bytes=max_bytes, fmt=fmt, on_event=on_event, workers=workers
        )
    _print_report(report, corpus)
    if not report.ok:
        ctx.exit(1)


def _print_report(report: IngestReport, corpus: Corpus) -> None:
    for line in report.skipped:
        click.echo(f"skipped: {line}", err=True)
    for doc_id in report.replaced:
        click.echo(f"replaced: {doc_id} (an older version of the same file)", err=True)
    click.echo(
        f"{report.added} added, {report.updated} updated, {report.unchanged} unchanged, "
        f"{len(report.failures)} failed; {len(corpus)} documents in {corpus.store.location}"
    )


_speaker_option = click.option("--speaker", help="Only this speaker (name, surname or id).")
_since_option = click.option("--since", help="From this date (YYYY-MM-DD or YYYY).")
_until_option = click.option("--until", help="Up to this date (YYYY-MM-DD or YYYY).")
_json_option = click.option("--json", "as_json", is_flag=True, help="JSON Lines output.")


@main.command()
@click.argument("query")
@_speaker_option
@_since_option
@_until_option
@click.option("--kind", help="Only documents of this kind (e.g. interview, press_conference).")
@click.option("--language", help="Only documents in this language (en, ru).")
@click.option("--doc", help="Only this document id.")
@click.option(
    "--mentions", metavar="ENTITY", help="Only paragraphs mentioning this entity (needs enrich)."
)
@click.option(
    "--mode",
    type=click.Choice(MODES),
    default="auto",
    show_default=True,
    help="text: full-text; semantic: by meaning (either language); hybrid: both fused; "
    "auto: hybrid for plain words once embeddings are stored.",
)
@click.option("--semantic", "semantic", is_flag=True, help="Short for --mode semantic.")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--offset", default=0, type=click.IntRange(min=0))
@_json_option
@click.pass_context
@_domain_errors
def search(
    ctx: click.Context, /, query: str, as_json: bool, semantic: bool, **filters: Any
) -> None:
    """Search: words, "phrases", OR, NOT, -word, prefix* — and by meaning once
    'onrecord enrich' has stored embeddings."""
    if semantic:
        filters["mode"] = "semantic"
    hits = _corpus(ctx).search(query, count=not as_json, **filters)
    if as_json:
        _emit_json(hits)
        return
    if not hits:
        click.echo(f"no paragraph matches {query!r}")
        return
    matches = "1 paragraph matches" if hits.total == 1 else f"{hits.total} paragraphs match"
    click.echo(f"{matches}; showing {len(hits)}:\n")
    for rank, hit in enumerate(hits, start=filters["offset"] + 1):
        citation = hit.citation
        who = hit.speaker or "(narration)"
        how = "" if hit.method == "text" else f"  [{_found_by(hit.method, hit.similarity)}]"
        click.echo(
            f"{rank}. {click.style(who, bold=True)} — {citation.title} ({citation.date}){how}"
        )
        click.echo(
            f"   {citation.paragraph_id}  [{citation.start}:{citation.end}]  "
            f"{citation.source_url or ''}"
        )
        click.echo(f"   {_styled_snippet(hit.snippet)}\n")


def _found_by(method: str, similarity: float | None) -> str:
    if method == "meaning":
        return f"by meaning, similarity {similarity:.2f}"
    if method == "both":
        return f"by words and meaning, similarity {similarity:.2f}"
    return "by words"


def _styled_snippet(snippet: str) -> str:
    return (
        snippet.replace("[", "\x1b[1m[").replace("]", "]\x1b[0m")
        if sys.stdout.isatty()
        else snippet
    )


@main.command()
@click.argument("text")
@_speaker_option
@_since_option
@_until_option
@click.option("--limit", default=5, show_default=True, type=click.IntRange(1, 1000))
@click.option(
    "--min-similarity",
    default=0.6,
    show_default=True,
    type=click.FloatRange(0, 1),
    help="Weakest match shown (1 = verbatim).",
)
@click.option(
    "--words-only", is_flag=True, help="Match wording only, not paraphrases or translations."
)
@_json_option
@click.pass_context
@_domain_errors
def quote(
    ctx: click.Context, /, text: str, as_json: bool, words_only: bool, **options: Any
) -> None:
    """Did they say this? Where a quotation stands: verbatim, slightly off, or —
    once 'onrecord enrich' has stored embeddings — paraphrased or translated."""
    matches = _corpus(ctx).quote(text, by_meaning=False if words_only else None, **options)
    if as_json:
        _emit_json(matches)
        return
    if not matches:
        click.echo(
            "nothing in the corpus matches this quotation "
            f"(similarity ≥ {options['min_similarity']})"
        )
        return
    for match in matches:
        citation = match.citation
        kind = "verbatim" if match.verbatim else f"similarity {match.similarity:.2f}"
        if match.method == "meaning" and not match.verbatim:
            kind = f"same meaning, similarity {match.similarity:.2f}"
        click.echo(f"{click.style(match.speaker or '(narration)', bold=True)} — {kind}")
        click.echo(f"   {citation.title} ({citation.date})  {citation.source_url or ''}")
        click.echo(f"   {citation.paragraph_id}  match [{match.match_start}:{match.match_end}]")
        click.echo(f"   “{_in_sentences(match)}”\n")


def _in_sentences(match: QuoteMatch) -> str:
    """The whole sentences a quote match stands in, the matching words in bold."""
    before, matched, after = match.in_sentences()
    return f"{before}{click.style(matched, bold=True)}{after}"


@main.command()
@click.argument("doc_id")
@_json_option
@click.pass_context
@_domain_errors
def show(ctx: click.Context, doc_id: str, as_json: bool) -> None:
    """A stored document: metadata, then every paragraph with its id and speaker."""
    document = _corpus(ctx).document(doc_id)
    if as_json:
        click.echo(json.dumps(document.to_dict(), ensure_ascii=False))
        return
    click.echo(
        f"{document.title}\n{document.date} · {document.place or 'place unknown'} · "
        f"{document.kind.value} · {document.language}\n{document.source_url or ''}"
    )
    for warning in document.warnings:
        click.echo(f"warning: {warning.code}: {warning.message}")
    techniques = _techniques_by_paragraph(document)
    previous_turn = -1
    for paragraph in document.paragraphs:
        turn = document.turns[paragraph.turn]
        if turn.index != previous_turn:
            who = turn.speaker or "narration"
            role = f" ({turn.role})" if turn.role else ""
            click.echo("\n" + click.style(f"{who}{role}:", bold=True))
            previous_turn = turn.index
        number = paragraph.id.rsplit("#", 1)[1]
        click.echo(f"  [{number}] {' '.join(document.paragraph_text(paragraph).split())}")
        if paragraph.start in techniques:
            click.echo(f"        techniques: {techniques[paragraph.start]}")


def _techniques_by_paragraph(document: Document) -> dict[int, str]:
    """Each paragraph's techniques (by paragraph start), strongest first."""
    found: dict[int, list[tuple[float, str]]] = {}
    for annotation in document.annotations:
        if annotation.layer == "technique" and annotation.label:
            score = float((annotation.value or {}).get("score", 0.0))
            found.setdefault(annotation.start, []).append((score, annotation.label))
    return {
        start: ", ".join(f"{label} {score:.2f}" for score, label in sorted(pairs, reverse=True))
        for start, pairs in found.items()
    }


@main.command()
@_json_option
@click.pass_context
@_domain_errors
def speakers(ctx: click.Context, as_json: bool) -> None:
    """Every speaker: id, name, turns, documents, dates, roles and printed labels."""
    rows = _corpus(ctx).speakers()
    if as_json:
        _emit_json(rows)
        return
    click.echo(f"{'id':32} {'name':32} {'turns':>6} {'docs':>5}  first       last        roles")
    for row in rows:
        click.echo(
            f"{row.id[:32]:32} {row.name[:32]:32} {row.turns:>6} {row.documents:>5}  "
            f"{row.first_date or '':11} {row.last_date or '':11} {'; '.join(row.roles)}"
        )


@main.command()
@click.argument("term")
@click.option("--width", default=60, show_default=True, type=click.IntRange(10, 500))
@_speaker_option
@_since_option
@_until_option
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@_json_option
@click.pass_context
@_domain_errors
def kwic(ctx: click.Context, /, term: str, as_json: bool, **options: Any) -> None:
    """Concordance: every occurrence of a word or phrase in its context."""
    lines = _corpus(ctx).kwic(term, **options)
    if as_json:
        _emit_json(lines)
        return
    width = options["width"]
    for line in lines:
        click.echo(
            f"{line.left[-width:]:>{width}} {click.style(line.keyword, bold=True)} "
            f"{line.right[:width]:<{width}}  {line.citation.paragraph_id} "
            f"{line.citation.date} {line.speaker or '(narration)'}"
        )


@main.command("export")
@click.option("--format", "fmt", type=click.Choice(FORMATS), required=True)
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default="paragraphs",
    show_default=True,
    help="Rows of CSV/Parquet (JSONL always holds whole documents, annotations included).",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="File to write [default: standard output].",
)
@click.pass_context
@_domain_errors
def export_command(ctx: click.Context, fmt: str, level: str, output: Path | None) -> None:
    """Export the whole corpus, streamed, as JSONL, CSV or Parquet."""
    corpus = _corpus(ctx)
    if output is None:
        count = export(corpus.documents(), fmt, sys.stdout.buffer, level)
    else:
        with output.open("wb") as stream:
            count = export(corpus.documents(), fmt, stream, level)
    unit = "documents" if fmt == "jsonl" else level
    click.echo(f"exported {count} {unit}", err=True)


# Commands over what the enrichers found live in their own module; importing
# it registers them on ``main``.
from onrecord.cli import enrichment, serve, talking_points  # noqa: E402, F401
