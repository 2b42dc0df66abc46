"""Commands over talking points: ``talking-points``, ``talking-point`` and
``novelty``. Each is a thin layer over one Corpus method."""

from __future__ import annotations

from collections import Counter
from typing import Any

import click

from onrecord.cli import _corpus, _domain_errors, _emit_json, main
from onrecord.query.results import Novelty, Occurrence, ResultList, TalkingPoint

__all__: list[str] = []


def _clean(text: str) -> str:
    """One line, without the quotation marks a sentence may carry at its edges (the
    output puts its own around it)."""
    return " ".join(text.split()).strip('“”„"«»')


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _where(occurrence: Occurrence) -> str:
    citation = occurrence.citation
    return (
        f"{citation.date or 'undated'}  {occurrence.speaker or '(unknown)'}  "
        f"{citation.paragraph_id} [{citation.start}:{citation.end}]"
    )


@main.command("talking-points")
@click.option("--speaker", help="Only statements by this speaker (name, surname or id).")
@click.option("--since", help="Only statements from this date (YYYY-MM-DD or YYYY).")
@click.option("--until", help="Only statements up to this date (YYYY-MM-DD or YYYY).")
@click.option("--language", help="Only statements in this language (en, ru).")
@click.option(
    "--min-docs",
    default=2,
    show_default=True,
    type=click.IntRange(1),
    help="Said in this many documents.",
)
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--offset", default=0, type=click.IntRange(min=0))
@click.option("--json", "as_json", is_flag=True, help="JSON Lines output.")
@click.pass_context
@_domain_errors
def talking_points(ctx: click.Context, /, as_json: bool, **options: Any) -> None:
    """Statements said again and again, in the same or other words, in either
    language: most statements first."""
    results = _corpus(ctx).talking_points(**options)
    if as_json:
        _emit_json(results)
        return
    if not results:
        click.echo("no talking points (run 'onrecord enrich' first, or lower --min-docs)")
        return
    for rank, point in enumerate(results, start=options["offset"] + 1):
        click.echo(
            f"{rank}. {click.style(point.talking_point_id, bold=True)}  "
            f"{_count(point.statements, 'statement')} in {_count(point.documents, 'document')} "
            f"by {_count(point.speakers, 'speaker')}, {point.first_date} to {point.last_date}"
        )
        click.echo(f"   “{_clean(point.wording)}”\n")


@main.command("talking-point")
@click.argument("talking_point_id")
@click.option("--json", "as_json", is_flag=True, help="JSON output.")
@click.pass_context
@_domain_errors
def talking_point(ctx: click.Context, talking_point_id: str, as_json: bool) -> None:
    """One talking point: its timeline by month, speakers, variants and every statement."""
    point = _corpus(ctx).talking_point(talking_point_id)
    if as_json:
        _emit_json(ResultList([point]))
        return
    _print_talking_point(point)


def _print_talking_point(point: TalkingPoint) -> None:
    click.echo(click.style(point.talking_point_id, bold=True) + f"  “{_clean(point.wording)}”")
    click.echo(
        f"{point.statements} statements in {len(point.documents)} documents, "
        f"first {point.first_date}, last {point.last_date}\n"
    )
    peak = max(count for _, count in point.by_month)
    click.echo("By month:")
    for month, count in point.by_month:
        click.echo(f"  {month}  {'█' * max(1, round(20 * count / peak))} {count}")
    click.echo("\nBy speaker:")
    for speaker, count in point.by_speaker:
        click.echo(f"  {count:4d}  {speaker}")
    click.echo("\nVariants:")
    for wording, count in point.variants:
        click.echo(f"  {count:4d}  “{wording}”")
    click.echo("\nStatements:")
    for occurrence in point.occurrences:
        similarity = "first" if occurrence.founder else f"{occurrence.similarity:.3f}"
        click.echo(f"  {_where(occurrence)}  ({similarity})")
        click.echo(f"    “{_clean(occurrence.text)}”")
        if occurrence.citation.source_url:
            click.echo(f"    {occurrence.citation.source_url}")


@main.command()
@click.argument("doc_or_file")
@click.option("--repeated-only", is_flag=True, help="Only statements said (or nearly said) before.")
@click.option("--json", "as_json", is_flag=True, help="JSON Lines output.")
@click.pass_context
@_domain_errors
def novelty(ctx: click.Context, doc_or_file: str, repeated_only: bool, as_json: bool) -> None:
    """Which statements of a transcript (a stored id, or a file: compared without
    being stored) are new, and which were said before — how often, and first when."""
    results = _corpus(ctx).novelty(doc_or_file)
    shown: ResultList[Novelty] = ResultList(
        r for r in results if not repeated_only or r.status in ("repeated", "similar")
    )
    if as_json:
        _emit_json(shown)
        return
    counts = Counter(r.status for r in results)
    click.echo(
        f"{_count(len(results), 'statement')}: {counts['repeated']} repeated, "
        f"{counts['similar']} similar to an earlier one, {counts['new']} new, "
        f"{counts['short']} too short to judge\n"
    )
    for row in shown:
        mark = {"new": "NEW", "repeated": "REPEATED", "similar": "SIMILAR", "short": "short"}[
            row.status
        ]
        click.echo(
            f"{click.style(mark, bold=row.status != 'short')}  {row.speaker or '(unknown)'}  "
            f"{row.citation.paragraph_id} [{row.citation.start}:{row.citation.end}]"
        )
        click.echo(f"  “{_clean(row.text)}”")
        if row.status == "similar" and row.earliest is not None:
            click.echo(
                f"  closest earlier ({row.nearest_similarity:.3f}, below the repeat threshold): "
                f"{_where(row.earliest)}"
            )
            click.echo(f"    “{_clean(row.earliest.text)}”")
        elif row.earliest is not None:
            click.echo(
                f"  said {row.times_before}× before in {_count(row.documents_before, 'document')} "
                f"(closest {row.nearest_similarity:.3f}); first: {_where(row.earliest)}"
            )
            click.echo(f"    “{_clean(row.earliest.text)}”")
            if row.talking_point_id:
                click.echo(f"    talking point {row.talking_point_id}")
        click.echo()


@main.command()
@click.option("--speaker", help="Only paragraphs by this speaker (name, surname or id).")
@click.option("--since", help="Only paragraphs from this date (YYYY-MM-DD or YYYY).")
@click.option("--until", help="Only paragraphs up to this date (YYYY-MM-DD or YYYY).")
@click.option("--language", help="Only paragraphs in this language (en, ru).")
@click.option("--months", is_flag=True, help="Show each topic's counts month by month.")
@click.option("--refit", is_flag=True, help="Fit a new topic model on what is stored now.")
@click.option(
    "--topics", "count", default=30, show_default=True, type=click.IntRange(2, 500),
    help="How many topics a (re)fit makes.",
)  # fmt: skip
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--json", "as_json", is_flag=True, help="JSON Lines output.")
@click.pass_context
@_domain_errors
def topics(
    ctx: click.Context, /, months: bool, refit: bool, count: int, as_json: bool, **options: Any
) -> None:
    """Topics of what speakers said, with keyword labels and counts per month. The
    model is fitted once (by 'enrich', or --refit) and kept, so counts stay comparable."""
    corpus = _corpus(ctx)
    if refit:
        report = corpus.refit_topics(count)
        click.echo(f"fitted {report.topics} topics on {report.paragraphs} paragraphs", err=True)
    results = corpus.topics(**options)
    if as_json:
        _emit_json(results)
        return
    if not results:
        click.echo("no topics (run 'onrecord enrich' first)")
        return
    for topic in results:
        click.echo(
            f"{click.style(topic.topic_id, bold=True)}  {topic.paragraphs} paragraphs in "
            f"{topic.documents} documents, {topic.first_date} to {topic.last_date}"
        )
        click.echo(f"   {', '.join(topic.keywords)}")
        if months:
            peak = max(n for _, n in topic.by_month)
            for month, n in topic.by_month:
                click.echo(f"     {month}  {'█' * max(1, round(30 * n / peak))} {n}")
        click.echo()
