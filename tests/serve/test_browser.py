"""End to end in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Search the example, open the hit, follow the permalink, copy a citation, check a quote,
and a hostile transcript whose markup must not run. Screenshots go to the test's tmp
folder, or to ``$ONRECORD_SCREENSHOTS`` (e.g. ``docs/screenshots``) when set::

    ONRECORD_SCREENSHOTS=docs/screenshots python -m pytest tests/serve -m browser
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from onrecord.serve import create_app
from tests.serve.conftest import EXAMPLE_ID, IMG, SCRIPT, LiveServer

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
PUTIN_SENTENCE = "But our goal is not putting everyone in a tough spot."


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """A fresh Chromium profile; the test is skipped (with the reason) when there is none."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (scripts/install installs Debian's chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 900},
        )
        yield context
        context.close()


@pytest.fixture(scope="module")
def server(sample_db: Path) -> Iterator[LiveServer]:
    with LiveServer(create_app(sample_db)) as live:
        yield live


def shoot(page: Any, tmp_path: Path, name: str, publish: bool = True) -> Path:
    """A screenshot into tmp, and into ``$ONRECORD_SCREENSHOTS`` when ``publish``."""
    path = tmp_path / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    assert path.stat().st_size > 10_000
    target = os.environ.get("ONRECORD_SCREENSHOTS")
    if target and publish:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, Path(target) / path.name)
    return path


def test_search_open_hit_permalink_cite(browser: Any, server: LiveServer, tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto(server.url + "/")
    page.fill("input[name=q]", "initialled")
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("li.hit")
    first = page.locator("li.hit").first
    assert first.locator("mark").first.inner_text().lower() == "initialled"
    assert "Alexander Lukashenko" in first.inner_text()
    shoot(page, tmp_path, "search")

    first.locator("a.hit-link").click()
    page.wait_for_url(f"**/doc/{EXAMPLE_ID}#p28")
    target = page.locator("#p28")
    assert target.is_visible() and "initialled document" in target.inner_text()
    assert page.evaluate("location.hash") == "#p28"
    shoot(page, tmp_path, "document")

    # The permalink anchor of another paragraph is a link to itself.
    page.click("#p29 a.permalink")
    assert page.url.endswith("#p29")
    browser.grant_permissions(["clipboard-read", "clipboard-write"], origin=server.url)
    page.click("#p28 button.cite")
    page.wait_for_function("document.querySelector('#p28 button.cite').textContent === 'copied'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Alexander Lukashenko, “Putin’s Remarks")
    assert "2024-04-11" in copied and f"/doc/{EXAMPLE_ID}#p28" in copied
    assert copied.endswith("paragraph 28")
    page.close()


def test_quote_box_on_every_page(browser: Any, server: LiveServer, tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto(f"{server.url}/speaker/vladimir-putin")
    assert page.locator("svg.chart rect.bar").count() > 0
    shoot(page, tmp_path, "speaker")
    page.fill("#quote-text", PUTIN_SENTENCE)
    page.click("form.quote-box button")
    page.wait_for_selector("li.quote-match")
    best = page.locator("li.quote-match").first
    assert best.locator(".speaker").inner_text() == "Vladimir Putin"
    assert "verbatim" in best.inner_text()
    paragraph_id = best.locator(".pid").inner_text()
    assert paragraph_id.startswith(f"{EXAMPLE_ID}#p")
    shoot(page, tmp_path, "quote")
    best.locator("a.quote-link").click()
    number = paragraph_id.rsplit("#", 1)[1]
    page.wait_for_url(f"**#{number}")
    assert PUTIN_SENTENCE in " ".join(page.locator(f"#{number}").inner_text().split())
    page.close()


def test_talking_point_page(browser: Any, server: LiveServer, tmp_path: Path) -> None:
    page = browser.new_page()
    page.goto(f"{server.url}/talking-points")
    page.locator("ol.points a").first.click()
    page.wait_for_selector("svg.chart")
    assert page.locator("ol.statements li").count() >= 2
    shoot(page, tmp_path, "talking-point")
    page.close()


def test_hostile_transcript_runs_nothing(browser: Any, hostile_db: Path, tmp_path: Path) -> None:
    doc_id = (hostile_db.parent / "doc_id").read_text(encoding="utf-8")
    with LiveServer(create_app(hostile_db)) as live:
        page = browser.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(f"{live.url}/doc/{doc_id}")
        page.wait_for_selector(".para")
        text = page.locator("article.document").inner_text()
        assert SCRIPT in text and IMG in text  # shown as text, literally
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert page.locator("article img, article script").count() == 0
        page.goto(f"{live.url}/?q=zebra")
        assert page.evaluate("typeof window.__xss") == "undefined"
        assert not dialogs
        shoot(page, tmp_path, "xss", publish=False)
        page.close()
