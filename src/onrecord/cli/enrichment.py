"""Commands over enrichment: ``enrich``, and what it found — ``entities``,
``claims``, ``techniques``. Each is a thin layer over one Corpus method."""

from __future__ import annotations

import sys
from typing import Any

import click

from onrecord.cli import _corpus, _domain_errors, _emit_json, _enricher_names, main
from onrecord.corpus import IngestEvent
from onrecord.query.results import TechniqueHit

__all__: list[str] = []

_speaker = click.option("--speaker", help="Only this speaker (name, surname or id).")
_since = click.option("--since", help="From this date (YYYY-MM-DD or YYYY).")
_until = click.option("--until", help="Up to this date (YYYY-MM-DD or YYYY).")
_language = click.option("--language", help="Only documents in this language (en, ru).")
_json = click.option("--json", "as_json", is_flag=True, help="JSON Lines output.")


@main.command()
@click.option(
    "--enrichers",
    metavar="NAMES",
    help="Only these (comma-separated: sentences, entities, claims, techniques) [default: all].",
)
@click.option(
    "--workers",
    type=click.IntRange(min=0),
    help="Processes that run the enrichers [default: one per core; 0: none].",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.pass_context
@_domain_errors
def enrich(ctx: click.Context, enrichers: str | None, workers: int | None, quiet: bool) -> None:
    """Annotate stored documents: sentences, entities, check-worthy claims and
    persuasion techniques; only new or changed documents (or all, when an
    enricher changed).

    Exits 1 when a document failed; the others are annotated.
    """
    from tqdm import tqdm

    corpus = _corpus(ctx)
    with tqdm(unit=" docs", disable=quiet or None, file=sys.stderr, leave=False) as bar:

        def on_event(event: IngestEvent) -> None:
            if event.status == "failed":
                bar.write(f"error: {event.message}", file=sys.stderr)
            bar.update(1)

        def on_start(total: int) -> None:
            bar.reset(total=total)

        report = corpus.enrich(
            enrichers=_enricher_names(enrichers),
            workers=workers,
            on_start=on_start,
            on_event=on_event,
        )
    click.echo(
        f"{report.enriched} enriched ({report.annotations} annotations), "
        f"{report.up_to_date} up to date, {len(report.failures)} failed"
    )
    if report.talking_points is not None:
        links = report.talking_points
        click.echo(
            f"talking points: {links.statements} statements, {links.relinked} (re)linked, "
            f"{links.talking_points} talking points said more than once"
        )
    if report.failures:
        ctx.exit(1)


@main.command()
@click.argument("doc_id", required=False)
@_speaker
@_since
@_until
@_language
@click.option("--min-score", type=click.FloatRange(0, 1), help="Only claims scoring at least this.")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--offset", default=0, type=click.IntRange(min=0))
@_json
@click.pass_context
@_domain_errors
def claims(ctx: click.Context, /, doc_id: str | None, as_json: bool, **options: Any) -> None:
    """Statements most worth checking first, with speaker, paragraph and offsets."""
    results = _corpus(ctx).claims(doc_id, **options)
    if as_json:
        _emit_json(results)
        return
    if not results:
        click.echo("no scored claims (run 'onrecord enrich' first?)")
        return
    click.echo(f"{results.total} scored sentences; showing {len(results)}, best first:\n")
    for rank, claim in enumerate(results, start=options["offset"] + 1):
        citation = claim.citation
        mark = "check-worthy" if claim.check_worthy else "not check-worthy"
        who = click.style(claim.speaker or "(unknown)", bold=True)
        click.echo(f"{rank}. {claim.score:.3f} ({mark})  {who} — {citation.title}")
        click.echo(
            f"   {citation.date}  {citation.paragraph_id}  [{citation.start}:{citation.end}]"
        )
        click.echo(f"   “{' '.join(claim.text.split())}”\n")


@main.command()
@click.option("--doc", help="Only this document id.")
@click.option("--type", "type_", metavar="TYPE", help="PERSON, COUNTRY, PLACE, ORG or CONCEPT.")
@_speaker
@_since
@_until
@_language
@click.option("--speech-only", is_flag=True, help="Only what speakers said (no narration).")
@click.option(
    "--mentions", "entity", metavar="ENTITY", help="List every mention of this entity instead."
)
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--offset", default=0, type=click.IntRange(min=0))
@_json
@click.pass_context
@_domain_errors
def entities(
    ctx: click.Context, /, type_: str | None, entity: str | None, as_json: bool, **options: Any
) -> None:
    """People, countries, places, organisations and concepts mentioned, with counts."""
    corpus = _corpus(ctx)
    if entity is not None:
        mentions = corpus.mentions(entity, type=type_, **options)
        if as_json:
            _emit_json(mentions)
            return
        click.echo(f"{mentions.total} mentions; showing {len(mentions)}:")
        for mention in mentions:
            citation = mention.citation
            click.echo(
                f"{citation.paragraph_id:28} [{citation.start}:{citation.end}] "
                f"{mention.text!r:24} {mention.speaker or '(narration)'} ({citation.date})"
            )
        return
    counts = corpus.entities(options.pop("doc"), type=type_, **options)
    if as_json:
        _emit_json(counts)
        return
    if not counts:
        click.echo("no entities (run 'onrecord enrich' first?)")
        return
    click.echo(f"{'id':28} {'name':28} {'type':8} {'mentions':>8} {'docs':>5} {'speakers':>8}")
    for row in counts:
        click.echo(
            f"{row.entity_id[:28]:28} {(row.name or '')[:28]:28} {row.type or '':8} "
            f"{row.mentions:>8} {row.documents:>5} {row.speakers:>8}"
        )


@main.command()
@click.argument("doc_id", required=False)
@click.option("--technique", help="Only these techniques (comma-separated names).")
@_speaker
@_since
@_until
@_language
@click.option("--min-score", type=click.FloatRange(0, 1), help="Only detections this sure.")
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--offset", default=0, type=click.IntRange(min=0))
@_json
@click.pass_context
@_domain_errors
def techniques(ctx: click.Context, /, doc_id: str | None, as_json: bool, **options: Any) -> None:
    """Persuasion techniques (SemEval-2023's 23) detected per paragraph.

    With DOC_ID, grouped by turn in the order of the transcript; otherwise
    the strongest detections in the corpus first.
    """
    results = _corpus(ctx).techniques(doc_id, **options)
    if as_json:
        _emit_json(results)
        return
    if not results:
        click.echo("no persuasion techniques found (run 'onrecord enrich' first?)")
        return
    if doc_id is not None:
        _techniques_by_turn(results)
        return
    click.echo(f"{results.total} detections; showing {len(results)}, strongest first:\n")
    for hit in results:
        citation = hit.citation
        who = click.style(hit.speaker or "(unknown)", bold=True)
        click.echo(f"{hit.score:.2f} {hit.technique:34} {who} — {citation.paragraph_id}")
        click.echo(f"     “{_excerpt(hit.text)}”")


def _techniques_by_turn(results: list[TechniqueHit]) -> None:
    turns: dict[int, list[TechniqueHit]] = {}
    for hit in results:
        turns.setdefault(hit.turn if hit.turn is not None else -1, []).append(hit)
    for turn, hits in sorted(turns.items()):
        counts: dict[str, float] = {}
        for hit in hits:
            counts[hit.technique] = max(counts.get(hit.technique, 0.0), hit.score)
        who = click.style(hits[0].speaker or "(unknown)", bold=True)
        found = ", ".join(f"{name} {score:.2f}" for name, score in sorted(counts.items()))
        click.echo(f"turn {turn}  {who}: {found}")
        for paragraph_id in sorted({h.citation.paragraph_id for h in hits}, key=_paragraph_number):
            names = sorted(h.technique for h in hits if h.citation.paragraph_id == paragraph_id)
            click.echo(f"    {paragraph_id}: {', '.join(names)}")


def _paragraph_number(paragraph_id: str) -> int:
    number = paragraph_id.rpartition("#p")[2]
    return int(number) if number.isdigit() else 0


def _excerpt(text: str, width: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"
