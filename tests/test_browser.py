"""The HTML report in a real browser: headless Chromium driven over the DevTools pipe.

Checks that the page loads without console errors, that every chart is present and visible,
and that the page makes no network request (only the file:// page itself). Saves a screenshot
(and a print-to-PDF) under tmp_path; with UXCLI_SCREENSHOT_DIR set, copies them there.

Skips only when no Chromium executable exists (install Debian's `chromium` package, or set
UXCLI_CHROMIUM to a Chromium/Chrome binary).
"""

from __future__ import annotations

import base64
import os
import shutil
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from cdp import Browser, Deadline, find_chromium  # noqa: E402
from report_sample import sample_report  # noqa: E402

from uxcli.report.html import render_html  # noqa: E402

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium not found (install Debian's `chromium` package or set UXCLI_CHROMIUM); "
    "the browser test needs a real browser",
)

FIGURES_JS = """
JSON.stringify(Array.from(document.querySelectorAll('figure')).map(f => {
  const svg = f.querySelector(':scope > svg');
  const box = svg ? svg.getBoundingClientRect() : null;
  const style = svg ? getComputedStyle(svg) : null;
  const cap = f.querySelector('figcaption');
  return {
    id: f.id,
    svg: !!svg,
    width: box ? box.width : 0,
    height: box ? box.height : 0,
    visibility: style ? style.visibility : null,
    display: style ? style.display : null,
    opacity: style ? Number(style.opacity) : 0,
    label: svg ? svg.getAttribute('aria-label') : null,
    caption: cap ? cap.textContent : null,
    paths: svg ? svg.querySelectorAll('path, use').length : 0,
  };
}))
"""

LAYOUT_JS = """
JSON.stringify({
  scrollWidth: document.documentElement.scrollWidth,
  clientWidth: document.documentElement.clientWidth,
  title: document.title,
  figures: document.querySelectorAll('figure').length,
  h2: Array.from(document.querySelectorAll('h2')).map(h => h.textContent),
})
"""

EXPECTED_FIGURES = [
    "fig-success",
    "fig-time",
    "fig-errors-clicks",
    "fig-outcome-grid",
    "fig-survival",
    "fig-sus",
    "fig-compare",
]


def _console_errors(browser: Browser, session: str) -> list[str]:
    errors = []
    for event in browser.session_events(
        session, "Runtime.consoleAPICalled", "Runtime.exceptionThrown", "Log.entryAdded"
    ):
        params = event["params"]
        if event["method"] == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
            errors.append(" ".join(str(a.get("value", a.get("description"))) for a in params.get("args", [])))
        elif event["method"] == "Runtime.exceptionThrown":
            errors.append(str(params.get("exceptionDetails", {}).get("text")))
        elif event["method"] == "Log.entryAdded" and params["entry"].get("level") == "error":
            errors.append(
                f"{params['entry'].get('source')}: {params['entry'].get('text')} {params['entry'].get('url', '')}"
            )
    return errors


def test_report_in_headless_chromium(tmp_path: Path) -> None:
    import json

    page = tmp_path / "report.html"
    page.write_text(render_html(sample_report()), encoding="utf-8")
    url = page.resolve().as_uri()
    profile = tmp_path / "profile"
    profile.mkdir()

    deadline = Deadline(30.0)
    with Browser(
        CHROMIUM,
        profile,
        deadline,  # type: ignore[arg-type]
        extra_args=["--window-size=1366,900"],
    ) as browser:
        session = browser.open_page()
        for domain in ("Page", "Runtime", "Log", "Network"):
            browser.call(f"{domain}.enable", session=session)
        browser.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1366, "height": 900, "deviceScaleFactor": 1, "mobile": False},
            session,
        )
        navigation = browser.call("Page.navigate", {"url": url}, session)
        assert not navigation.get("errorText"), navigation
        browser.wait_for_event("Page.loadEventFired", session)
        browser.drain(0.5)  # late console messages or requests

        layout = json.loads(browser.evaluate(session, LAYOUT_JS))
        figures = json.loads(browser.evaluate(session, FIGURES_JS))

        metrics = browser.call("Page.getLayoutMetrics", session=session)
        height = int(metrics["cssContentSize"]["height"])
        shot = browser.call(
            "Page.captureScreenshot",
            {
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": 1366, "height": height, "scale": 1},
            },
            session,
        )
        screenshot = tmp_path / "report.png"
        screenshot.write_bytes(base64.b64decode(shot["data"]))

        pdf = browser.call("Page.printToPDF", {"printBackground": False, "preferCSSPageSize": True}, session)
        printed = tmp_path / "report.pdf"
        printed.write_bytes(base64.b64decode(pdf["data"]))
        browser.drain(0.2)

        requests = [e["params"]["request"]["url"] for e in browser.session_events(session, "Network.requestWillBeSent")]
        failed = browser.session_events(session, "Network.loadingFailed")
        errors = _console_errors(browser, session)

    target = os.environ.get("UXCLI_SCREENSHOT_DIR")
    if target:
        Path(target).mkdir(parents=True, exist_ok=True)
        shutil.copy(screenshot, Path(target) / "report.png")
        shutil.copy(printed, Path(target) / "report.pdf")

    assert errors == [], f"console errors: {errors}"
    assert requests == [url], f"the page made network requests besides itself: {requests}"
    assert failed == []

    assert layout["title"] == "Checkout redesign — usability test"
    assert layout["scrollWidth"] <= layout["clientWidth"], "page scrolls sideways on a laptop screen"
    assert [f["id"] for f in figures] == EXPECTED_FIGURES
    for figure in figures:
        assert figure["svg"], f"{figure['id']}: no inline SVG"
        assert figure["width"] > 200 and figure["height"] > 100, f"{figure['id']} not visible: {figure}"
        assert figure["visibility"] == "visible" and figure["display"] != "none" and figure["opacity"] > 0
        assert figure["label"] and figure["caption"], f"{figure['id']}: missing alt text or caption"
        assert figure["paths"] > 10, f"{figure['id']}: empty drawing"

    png = screenshot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 20_000
    assert printed.read_bytes().startswith(b"%PDF")
