"""``onrecord serve``: the HTTP API and the web UI on one port (loopback by default)."""

from __future__ import annotations

import os
from pathlib import Path

import click

from onrecord.cli import _domain_errors, main
from onrecord.corpus import default_db_path

__all__: list[str] = []

TOKEN_ENV = "ONRECORD_TOKEN"


@main.command()
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Database file [default: the one given before the command, or onrecord.db].",
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8080, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--token-env",
    metavar="NAME",
    help=f"Environment variable holding the token that allows POST /api/ingest "
    f"[default: {TOKEN_ENV}; unset: the server is read-only].",
)
@click.option(
    "--workers",
    "pool_size",
    default=4,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Database handles serving requests side by side.",
)
@click.pass_context
@_domain_errors
def serve(
    ctx: click.Context,
    db: Path | None,
    host: str,
    port: int,
    token_env: str | None,
    pool_size: int,
) -> None:
    """Serve the corpus: web UI at http://HOST:PORT/, JSON API under /api, its OpenAPI
    document at /openapi.json. Read-only unless a token is set."""
    import uvicorn

    from onrecord.serve import create_app

    name = token_env or TOKEN_ENV
    token = os.environ.get(name) or None
    if token_env and token is None:
        raise click.UsageError(f"--token-env {token_env}: that environment variable is not set")
    options = ctx.find_root().params
    db = db or options.get("db") or default_db_path()
    if not db.exists():
        raise click.UsageError(f"{db}: no such database (run 'onrecord ingest' first, or --db)")
    app = create_app(db, token=token, pool_size=pool_size, speakers=options.get("speakers"))
    mode = "ingest allowed with the token" if token else "read-only"
    click.echo(f"onrecord: serving {db} on http://{host}:{port}/ ({mode})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
