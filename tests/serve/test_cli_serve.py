"""``onrecord serve``: loopback by default, read-only unless a token is set."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn
from click.testing import CliRunner

from onrecord.cli import main


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(
        uvicorn, "run", lambda app, **options: calls.append({"app": app, **options})
    )
    return calls


def test_serve_binds_loopback_read_only(
    sample_db: Path, runs: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ONRECORD_TOKEN", raising=False)
    result = CliRunner().invoke(main, ["serve", "--db", str(sample_db)])
    assert result.exit_code == 0, result.output
    assert runs[0]["host"] == "127.0.0.1" and runs[0]["port"] == 8080
    assert runs[0]["app"].state.token is None and "read-only" in result.output


def test_serve_takes_the_token_from_the_environment(
    sample_db: Path, runs: list[dict[str, Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MY_TOKEN", "abc")
    args = ["serve", "--db", str(sample_db), "--token-env", "MY_TOKEN", "--port", "9000"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert runs[0]["app"].state.token == "abc" and runs[0]["port"] == 9000


def test_serve_refuses_what_it_cannot_do(tmp_path: Path, runs: list[dict[str, Any]]) -> None:
    missing = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "none.db")])
    assert missing.exit_code == 2 and "no such database" in missing.output
    unset = CliRunner().invoke(main, ["serve", "--token-env", "ONRECORD_NO_SUCH_VARIABLE"])
    assert unset.exit_code == 2 and "not set" in unset.output
    assert not runs
