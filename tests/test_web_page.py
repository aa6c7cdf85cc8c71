"""The page in a real headless Chromium (Debian's), driven by Playwright, against a real
server (uvicorn in a thread) over a real SQLite archive."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import expect, sync_playwright

from archive.web import create_app
from tests.services import require_service
from tests.web_archive import STORY, XSS_TEXT, XSS_TITLE, make_archive, make_story_archive

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@contextmanager
def serving(db_url: str) -> Iterator[str]:
    """``viral-archive serve``'s app over ``db_url`` on a free port of 127.0.0.1: its
    address."""
    app = create_app(db_url)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
    sock.close()


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serving(make_archive(tmp_path_factory.mktemp("web-page") / "archive.db")) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    require_service("Chromium", CHROMIUM.exists(),
                    f"{CHROMIUM} is missing; install Debian's package: apt-get install chromium")

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def test_search_open_article_and_xss_as_text(browser, base_url: str,  # type: ignore[no-untyped-def]
                                             tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 900})
    page.set_default_timeout(10_000)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    # CSP violations show here; a 400 answer logs "Failed to load resource", which is expected
    page.on("console", lambda message: message.type == "error"
            and "Failed to load resource" not in message.text and errors.append(message.text))
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))

    page.goto(base_url + "/")
    expect(page.locator("#stats")).to_contain_text("5 articles from 3 sources")
    # the counts chart: one bar per month with articles (January to April)
    expect(page.locator("#chart svg rect.bar")).to_have_count(4)
    page.select_option("#by", "week")  # five articles in five weeks
    expect(page.locator("#chart svg rect.bar")).to_have_count(5)
    page.select_option("#by", "month")
    expect(page.locator("#chart svg rect.bar")).to_have_count(4)

    page.fill("#q", "otter")
    page.select_option("#order", "newest")
    page.press("#q", "Enter")
    expect(page.locator("#results li.hit")).to_have_count(4)
    expect(page.locator("#summary")).to_have_text("1–4 of 4 articles")
    titles = page.locator("#results .hit-title").all_text_contents()
    assert titles == ["Otter pups seen near the old weir", "Otter returns to city river",
                      "Vier-Tage-Woche im Rathaus", XSS_TITLE]
    assert page.locator("#results .snippet mark").count() >= 4
    # the hostile title and snippet are text: no element was made from them
    assert page.locator("#results img, #results script").count() == 0
    assert "#/search?" in page.url and "q=otter" in page.url
    page.screenshot(path=str(tmp_path / "results.png"), full_page=True)

    # the language filter narrows the results
    page.select_option("#lang", "de")
    page.press("#q", "Enter")
    expect(page.locator("#results li.hit")).to_have_count(1)
    assert page.locator("#results .hit-title").all_text_contents() == [
        "Vier-Tage-Woche im Rathaus"
    ]
    page.select_option("#lang", "")
    page.press("#q", "Enter")
    expect(page.locator("#results li.hit")).to_have_count(4)

    page.get_by_role("link", name=XSS_TITLE).click()
    page.locator("#article-section").wait_for(state="visible")
    expect(page.locator("#article-title")).to_have_text(XSS_TITLE)
    shown = page.inner_text("#article-text")
    assert "<script>alert(1)</script>" in shown and "<img src=x onerror=alert(1)>" in shown
    assert [p.strip() for p in page.locator("#article-text p").all_text_contents()] == \
        XSS_TEXT.split("\n\n")
    assert page.locator("#article-section img, #article-section script").count() == 0
    assert page.locator("#article-meta dd").first.inner_text().startswith("https://quill.example")
    page.screenshot(path=str(tmp_path / "xss-article.png"), full_page=True)

    # back to the results, then an article with an earlier version
    page.click("#back")
    expect(page.locator("#results-section")).to_be_visible()
    expect(page.locator("#results li.hit")).to_have_count(4)
    page.get_by_role("link", name="Otter pups seen near the old weir").click()
    expect(page.locator("#article-title")).to_have_text("Otter pups seen near the old weir")
    versions = page.locator("#versions li.version")
    assert versions.count() == 1
    assert "Otter pups seen near the weir" in versions.first.inner_text()

    # a malformed query shows the server's sentence, not a broken page
    page.click("#back")
    page.fill("#q", '"unclosed')
    page.press("#q", "Enter")
    expect(page.locator("#error")).to_be_visible()
    expect(page.locator("#error")).to_contain_text("quote")

    page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
    assert dialogs == [], f"a script ran from archived text: {dialogs}"
    assert errors == [], errors
    assert all(url.startswith(base_url) for url in requests), "the page loaded from elsewhere"
    assert (tmp_path / "results.png").stat().st_size > 10_000
    page.close()


def test_a_story_spreading_and_its_timeline(browser,  # type: ignore[no-untyped-def]
                                            tmp_path: Path) -> None:
    with serving(make_story_archive(tmp_path / "archive.db")) as url:
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.set_default_timeout(10_000)
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(url + "/")
        page.click("#stories-link")
        # at least two sources by default: the one story the three sites ran
        items = page.locator("#stories li")
        expect(items).to_have_count(1)
        expect(items.first).to_contain_text(STORY[0][1])
        expect(items.first).to_contain_text("3 sources")
        page.select_option("#min-sources", "1")  # every article is at least its own story
        expect(items).to_have_count(6)
        items.first.locator("a").click()

        expect(page.locator("#story-title")).to_have_text(STORY[0][1])
        rows = page.locator("#story-members tbody tr")
        expect(rows).to_have_count(3)
        expect(rows.nth(0)).to_contain_text("riverside.example")
        expect(rows.nth(1)).to_contain_text("+7 h 30 min")
        expect(rows.nth(2)).to_contain_text("+2 d 1 h")
        # the timeline: one row per source, a dot per copy
        expect(page.locator("#story-timeline svg circle")).to_have_count(3)
        expect(page.locator("#story-headlines li")).to_have_count(3)

        # from a copy to the article, and from the article back to its story
        rows.nth(2).locator("a").click()
        expect(page.locator("#article-title")).to_have_text(STORY[2][1])
        story_link = page.locator("#article-meta a", has_text="3 copies")
        story_link.click()
        expect(page.locator("#story-title")).to_have_text(STORY[0][1])
        assert errors == []
        page.close()
