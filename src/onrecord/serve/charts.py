"""Charts drawn on the server as SVG: no JavaScript, nothing to load, fine under the CSP.

Colours and fonts come from classes styled in ``/static/onrecord.css`` (an inline
``style`` would be refused by the policy). Every label is escaped here, since the SVG
is inserted into the page as markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

__all__ = ["bar_chart"]

_WIDTH = 720
_HEIGHT = 200
_LEFT = 36
_BOTTOM = 36
_TOP = 12
_MAX_BAR = 48


def bar_chart(bars: Sequence[tuple[str, int]], title: str, unit: str = "") -> Markup:
    """A bar chart of ``(label, value)`` in order; every few labels shown when crowded."""
    if not bars:
        return Markup('<p class="muted">nothing to chart</p>')
    peak = max(value for _, value in bars) or 1
    plot_width = _WIDTH - _LEFT - 8
    plot_height = _HEIGHT - _BOTTOM - _TOP
    step = plot_width / len(bars)
    every = max(1, round(len(bars) / 12))
    parts = [
        f'<svg class="chart" viewBox="0 0 {_WIDTH} {_HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line class="axis" x1="{_LEFT}" y1="{_TOP + plot_height}" '
        f'x2="{_WIDTH - 8}" y2="{_TOP + plot_height}"/>',
        f'<text class="tick" x="{_LEFT - 4}" y="{_TOP + 8}" text-anchor="end">{peak}</text>',
        f'<text class="tick" x="{_LEFT - 4}" y="{_TOP + plot_height}" text-anchor="end">0</text>',
    ]
    for position, (label, value) in enumerate(bars):
        height = plot_height * value / peak
        x = _LEFT + position * step
        y = _TOP + plot_height - height
        width = min(max(step * 0.8, 1), _MAX_BAR)
        parts.append(
            f'<rect class="bar" x="{x + (step - width) / 2:.1f}" y="{y:.1f}" '
            f'width="{width:.1f}" height="{height:.1f}">'
            f"<title>{escape(label)}: {value}{escape(unit)}</title></rect>"
        )
        if position % every == 0:
            parts.append(
                f'<text class="tick" x="{x + step / 2:.1f}" y="{_HEIGHT - _BOTTOM + 16}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    parts.append("</svg>")
    return Markup("".join(parts))
