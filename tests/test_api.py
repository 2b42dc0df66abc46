"""The public API is what ``onrecord.__all__`` lists, and the docs keep up with the CLI."""

from __future__ import annotations

import re

import onrecord
from onrecord.cli import main

from .conftest import REPO


def test_public_names_are_exported_and_documented() -> None:
    assert sorted(onrecord.__all__) == sorted(set(onrecord.__all__))
    for name in onrecord.__all__:
        value = getattr(onrecord, name)
        if name != "__version__":
            assert value.__doc__, f"{name} has no docstring"


def test_private_modules_stay_private() -> None:
    exported = {n for n in dir(onrecord) if not n.startswith("_")}
    modules = {"cli", "corpus", "enrich", "errors", "export", "ingest", "model", "parse", "query"}
    modules |= {"inputs", "reports", "serve", "store", "workers"}
    assert exported - modules == set(onrecord.__all__) - {"__version__"}


def test_every_cli_command_is_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^onrecord (\w[\w-]*)", readme, flags=re.MULTILINE))
    assert set(main.commands) <= documented, set(main.commands) - documented


def test_every_error_in_the_tree_is_an_onrecord_error() -> None:
    from onrecord import errors

    for name in errors.__all__:
        assert issubclass(getattr(errors, name), onrecord.OnrecordError)
        assert name in (errors.__doc__ or ""), f"{name} missing from the tree in errors.py"
