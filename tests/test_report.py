"""The HTML report: content, escaping, self-containment, and a real render in headless Chromium."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path

import pytest

from analyzer.labels import LABELS
from analyzer.scoring.report import ReportBuilder, highlight, stacked_bar, trend_chart, week_start
from analyzer.scoring.run import score_inputs
from tests.chat_fixtures import input_path
from tests.stub_analyzer import StubAnalysis, StubAnalyzer

FIXTURE_NAMES = ["wa_android_us", "wa_group_de", "telegram_single", "messenger"]


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("report") / "report.html"
    summary = score_inputs([input_path(n) for n in FIXTURE_NAMES], StubAnalyzer(), report=out)
    return out, summary


def test_sections_people_charts_and_examples(report) -> None:
    path, summary = report
    html = path.read_text("utf-8")
    people = list(summary["repliers"])
    assert html.count("class='person-row'") == len(people)
    assert html.count('class="trend-chart"') == min(len(people), 12)
    assert html.count('class="bar"') == len(people)
    assert "<h2>Example pairs</h2>" in html and html.count("class='card example'") >= len(people)
    assert re.search(r'<mark class="cue-(advice-giving|invalidating|self-centering|validating)" title="[^"]+">', html)
    for label in LABELS:
        assert f">{label}</span>" in html  # the legend
    for person in people:
        assert f"<h3>{person}</h3>" in html.replace("&#x27;", "'")


def test_self_contained_no_network(report) -> None:
    html = report[0].read_text("utf-8")
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    lowered = html.lower()
    for forbidden in ("<script", "<link", "<iframe", "<img", "@import", "url(", " src=", " href="):
        assert forbidden not in lowered, forbidden


def test_message_text_is_escaped(tmp_path: Path) -> None:
    chat = tmp_path / "chat.csv"
    chat.write_text(
        "timestamp,sender,message\n"
        '2024-01-01T10:00,Eve <b>,"I am so sad and scared <script>alert(1)</script> my dad died"\n'
        '2024-01-01T10:01,Bob,"I\'m so sorry <img src=x onerror=alert(1)> that sounds hard"\n', encoding="utf-8")
    out = tmp_path / "r.html"
    score_inputs([chat], StubAnalyzer(), report=out)
    html = out.read_text("utf-8")
    assert "<script>" not in html and "<img" not in html and "Eve <b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "Eve &lt;b&gt;" in html


def test_highlight_and_charts_units() -> None:
    cues = [{"start": 0, "end": 4, "label": "advice-giving", "cue": "just"},
            {"start": 2, "end": 6, "label": "invalidating", "cue": "overlap"},
            {"start": 10, "end": 99, "label": "validating", "cue": "out of range"}]
    assert highlight("just <do> it", cues) == '<mark class="cue-advice-giving" title="just (advice-giving)">just</mark> &lt;do&gt; it'
    assert stacked_bar({"validating": 3, "advice-giving": 1}).count("<rect") == 2
    svg = trend_chart([week_start(datetime(2024, 1, 3)), week_start(datetime(2024, 1, 10))],
                      [__import__("collections").Counter(validating=2), __import__("collections").Counter(invalidating=1)])
    assert svg.count("<polyline") == 4 and "2024-01-01" in svg and "2024-01-08" in svg


def test_bounded_examples_and_no_pairs() -> None:
    builder = ReportBuilder()
    for i in range(500):
        builder.add("Ana", datetime(2024, 1, 1 + i % 28), "d", f"reply {i}", StubAnalysis("validating", {"validating": i / 500}), [])
    assert len(builder.examples[("Ana", "validating")]) == 2
    kept = sorted(e["reply"] for _, _, e in builder.examples[("Ana", "validating")])
    assert kept == ["reply 498", "reply 499"]
    assert "nothing to chart" in ReportBuilder().render([])


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if shutil.which(name):
            return shutil.which(name)
    return None


def _run_chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess:
    cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120)


def test_renders_in_headless_chromium(report, tmp_path: Path) -> None:
    binary = _chromium()
    if binary is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("chromium is not installed (apt-get install -y chromium); CI must render the report")
        pytest.skip("chromium not installed (apt-get install -y chromium)")
    path, summary = report
    url = path.resolve().as_uri()
    dom = _run_chromium(binary, tmp_path / "profile1", "--dump-dom", url)
    assert dom.returncode == 0, dom.stderr[-2000:]
    rendered = dom.stdout
    assert "<title>Reply report:" in rendered
    assert rendered.count('class="trend-chart"') == min(len(summary["repliers"]), 12)
    assert "<polyline" in rendered and "<mark " in rendered
    shot = tmp_path / "report.png"
    result = _run_chromium(binary, tmp_path / "profile2", "--window-size=1100,2400", f"--screenshot={shot}", url)
    assert result.returncode == 0 and shot.is_file(), result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    try:
        from PIL import Image
    except ImportError:
        assert shot.stat().st_size > 50_000
        return
    image = Image.open(shot).convert("RGB")
    assert image.size == (1100, 2400)
    colours = image.resize((110, 240)).getcolors(maxcolors=100_000)
    assert colours is not None and len(colours) > 50  # text, bars and charts, not a blank page
    label_green = (23, 146, 92)
    assert any(max(abs(a - b) for a, b in zip(c, label_green)) < 40 for _, c in colours)
