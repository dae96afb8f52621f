"""Debian's Chromium driven by Playwright for Python: pages visited as a reader would, with every
console error, page error and request recorded. Requests that would leave localhost are recorded and
blocked (the machine has no network anyway, and a test must never reach a third party)."""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import urlsplit

CHROMIUM = "/usr/bin/chromium"  # Debian's package (system-packages.txt); `playwright install` cannot download here
# The flags known to work on these machines: no background traffic to Google's hosts, no sandbox as root.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or (parts.hostname or "") in LOCAL_HOSTS


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium with a new empty profile (Playwright gives each launch its own)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which(CHROMIUM)
    assert executable, f"{CHROMIUM} is missing: install the Debian package chromium (system-packages.txt)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Recorder:
    """What one browser tab logged and asked for."""
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    third_party: list[str] = field(default_factory=list)
    in_flight: set = field(default_factory=set)

    def clear(self) -> None:
        self.console_errors.clear()
        self.requests.clear()
        self.third_party.clear()


@contextmanager
def tab(browser, served=None, width: int = 1280, height: int = 900) -> Iterator[tuple[object, Recorder]]:
    """A new tab in a new context (no shared cache or storage) and its recorder. Requests to the site's
    public address (site_url, as in e-mails, which need absolute links) are answered from the local
    build: it is the same site, and nothing leaves localhost."""
    context = browser.new_context(viewport={"width": width, "height": height}, service_workers="block")
    recorder = Recorder()
    own = served.site_url if served is not None and served.site_url else None

    def route(route_, request):
        if is_local(request.url):
            route_.continue_()
        elif own and request.url.startswith(own):
            path = urlsplit(request.url).path[len(urlsplit(own).path):]
            file = served.site / (path + "index.html" if path == "" or path.endswith("/") else path)
            route_.fulfill(path=file) if file.is_file() else route_.fulfill(status=404, body="not found")
        else:
            recorder.third_party.append(request.url)
            route_.abort("blockedbyclient")

    context.route("**/*", route)
    page = context.new_page()
    page.on("console", lambda msg: msg.type == "error" and recorder.console_errors.append(
        f"{msg.text} ({msg.location.get('url', '')}:{msg.location.get('lineNumber', '')})"))
    page.on("pageerror", lambda error: recorder.console_errors.append(f"uncaught: {error}"))
    page.on("request", lambda request: (recorder.requests.append(request.url), recorder.in_flight.add(request)))
    page.on("requestfinished", lambda request: recorder.in_flight.discard(request))
    page.on("requestfailed", lambda request: recorder.in_flight.discard(request))
    page.recorder = recorder
    try:
        yield page, recorder
    finally:
        context.close()


def visit(page, url: str) -> None:
    """Open url and wait until the page and what it loads at once (search index, map, charts) are done."""
    page.recorder.in_flight.clear()
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
    settle(page)


def settle(page, quiet_ms: int = 150, timeout_ms: int = 15000) -> None:
    """Wait until no request has been in flight for quiet_ms (Playwright's "networkidle" waits 500 ms)."""
    quiet = waited = 0
    while quiet < quiet_ms:
        assert waited < timeout_ms, f"{page.url}: requests still in flight after {timeout_ms} ms"
        page.wait_for_timeout(25)
        waited += 25
        quiet = 0 if page.recorder.in_flight else quiet + 25
