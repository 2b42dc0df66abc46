"""The HTTP API and the web UI: one ASGI app, a thin layer over :class:`onrecord.Corpus`.

``onrecord serve`` runs it; ``create_app`` builds it for tests and other servers.
"""

from __future__ import annotations

from onrecord.serve.app import create_app

__all__ = ["create_app"]
