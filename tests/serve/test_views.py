"""The pure helpers of the pages: highlighting, colours, segments, charts."""

from __future__ import annotations

from onrecord.query.results import Citation, SearchHit
from onrecord.serve.charts import bar_chart
from onrecord.serve.views import highlight, segments, speaker_class, web_url


def _hit(text: str, words: list[str], start: int = 100) -> SearchHit:
    matches = tuple((start + text.index(w), start + text.index(w) + len(w)) for w in words)
    citation = Citation("d", "d#p1", start, start + len(text), None, None, None)
    return SearchHit(citation, None, None, None, None, text, "", matches, 1.0, "other", "en")


def test_highlight_escapes_then_marks() -> None:
    hit = _hit("** a <b>x</b> & y", ["<b>x</b>", "y"])
    assert str(highlight(hit)) == (
        "** a <mark>&lt;b&gt;x&lt;/b&gt;</mark> &amp; <mark>y</mark>"
    )  # the text's own asterisks are not taken for marks


def test_a_separator_is_never_half_marked() -> None:
    assert str(highlight(_hit("* * *", ["* * *"]))) == "<mark>* * *</mark>"


def test_speaker_colour_is_deterministic() -> None:
    assert speaker_class("vladimir-putin") == speaker_class("vladimir-putin")
    assert speaker_class(None) == "spk-none"
    assert {speaker_class(f"speaker-{i}") for i in range(100)} <= {f"spk-{i}" for i in range(12)}


def test_segments_cut_at_every_mark() -> None:
    text = "Russia and Belarus agreed."
    marks = [(0, 26, "claim", "c"), (0, 6, "ent", "Russia"), (11, 18, "ent", "Belarus")]
    pieces = segments(text, 0, len(text), marks)
    assert "".join(p.text for p in pieces) == text
    assert [(p.text, p.classes) for p in pieces] == [
        ("Russia", "claim ent"), (" and ", "claim"), ("Belarus", "claim ent"), (" agreed.", "claim")
    ]  # fmt: skip


def test_chart_escapes_labels() -> None:
    svg = str(bar_chart([("<x>", 3), ("2024-05", 1)], "a <title>"))
    assert "<x>" not in svg and "&lt;x&gt;" in svg and svg.startswith("<svg")
    assert str(bar_chart([], "empty")).startswith("<p")


def test_only_web_addresses_become_links() -> None:
    assert web_url("https://en.kremlin.ru/events/president/news/54688") is not None
    assert web_url("javascript:alert(1)") is None and web_url("data:text/html,x") is None
    assert web_url(None) is None
