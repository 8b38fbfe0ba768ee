"""Self-contained HTML report of a scoring run (inline CSS and SVG, no scripts, no network).

Sections: the files read; per person, the share of each label (stacked bar); per person,
a weekly trend chart (share of each label per ISO week, with the number of replies as
grey bars); and example pairs per person with the cues highlighted in the reply.
``ReportBuilder.add`` is called once per scored reply and keeps bounded state: counts per
person and week, and the few most confident examples per person and label.
"""

from __future__ import annotations

import heapq
import html
import itertools
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from string import Template
from typing import Any

from analyzer.labels import LABELS
from analyzer.scoring.writers import atomic_text

TEMPLATE = Path(__file__).resolve().parent.parent / "data" / "report_template.html"
EXAMPLES_PER_LABEL = 2
MAX_PEOPLE = 12
MAX_TEXT = 700
COLORS = {
    "advice-giving": "#2f6fde",
    "invalidating": "#d64545",
    "self-centering": "#d88a00",
    "validating": "#17925c",
}


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("reply-analyzer")
    except Exception:  # not installed (running from a checkout)
        return ""


def esc(text: object) -> str:
    """HTML-escape any value (quotes included)."""
    return html.escape(str(text), quote=True)


def week_start(when: datetime) -> date:
    """The Monday of ``when``'s week."""
    day = when.date()
    return day - timedelta(days=day.weekday())


def highlight(text: str, cues: list[dict]) -> str:
    """``text`` escaped, with each cue span wrapped in ``<mark class="cue-LABEL">`` (overlaps dropped)."""
    out: list[str] = []
    pos = 0
    for cue in sorted(cues, key=lambda c: (c.get("start", 0), -c.get("end", 0))):
        start, end = int(cue.get("start", 0)), int(cue.get("end", 0))
        if start < pos or end <= start or end > len(text):
            continue
        label = cue.get("label", "")
        css = label if label in LABELS else "other"
        title = f"{cue.get('cue', '')} ({label})".strip()
        out.append(esc(text[pos:start]))
        out.append(f'<mark class="cue-{css}" title="{esc(title)}">{esc(text[start:end])}</mark>')
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def stacked_bar(counts: dict[str, int], width: int = 360, height: int = 18) -> str:
    """An inline SVG bar split into the label shares of ``counts``."""
    total = sum(counts.values()) or 1
    x = 0.0
    parts = []
    for label in LABELS:
        w = width * counts.get(label, 0) / total
        if w > 0:
            share = 100 * counts.get(label, 0) / total
            parts.append(
                f'<rect x="{x:.1f}" y="0" width="{w:.1f}" height="{height}" fill="{COLORS[label]}">'
                f"<title>{esc(label)}: {share:.0f}%</title></rect>"
            )
            x += w
    return (
        f'<svg class="bar" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="label shares">{"".join(parts)}</svg>'
    )


def trend_chart(weeks: list[date], per_week: list[Counter], width: int = 480, height: int = 190) -> str:
    """An inline SVG line chart: share of each label per week; grey bars: replies per week."""
    left, right, top, bottom = 34, 10, 10, 26
    plot_w, plot_h = width - left - right, height - top - bottom
    n = len(weeks)
    max_count = max((sum(c.values()) for c in per_week), default=1) or 1

    def x_at(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    bar_w = max(1.0, plot_w / n * 0.6)
    parts = [f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="#fff" stroke="#e4e7ec"/>']
    for frac in (0.25, 0.5, 0.75):
        y = top + plot_h * (1 - frac)
        parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#f0f1f4"/>')
    for i, counts in enumerate(per_week):
        total = sum(counts.values())
        h = plot_h * 0.35 * total / max_count
        parts.append(
            f'<rect class="volume" x="{x_at(i) - bar_w / 2:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w:.1f}" '
            f'height="{h:.1f}" fill="#e9ebf0"><title>week of {weeks[i].isoformat()}: {total} replies</title></rect>'
        )
    for label in LABELS:
        points = []
        for i, counts in enumerate(per_week):
            total = sum(counts.values())
            if total:
                share = counts.get(label, 0) / total
                points.append((x_at(i), top + plot_h * (1 - share)))
        if len(points) > 1:
            coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline class="series" data-label="{label}" points="{coords}" fill="none" '
                f'stroke="{COLORS[label]}" stroke-width="2" stroke-linejoin="round"/>'
            )
        for x, y in points if len(points) <= 60 else []:
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.6" fill="{COLORS[label]}"/>')
    parts.append(f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">100%</text>')
    parts.append(f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0%</text>')
    parts.append(f'<text x="{left}" y="{height - 8}">{weeks[0].isoformat()}</text>')
    if n > 1:
        parts.append(f'<text x="{left + plot_w}" y="{height - 8}" text-anchor="end">{weeks[-1].isoformat()}</text>')
    return (
        f'<svg class="trend-chart" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="weekly label shares">{"".join(parts)}</svg>'
    )


def _legend() -> str:
    return '<div class="legend">' + "".join(
        f'<span style="--c:{COLORS[label]}">{esc(label)}</span>' for label in LABELS
    ) + "</div>"


class ReportBuilder:
    """Collects what the report shows while a run streams; ``write`` renders the HTML file."""

    def __init__(self, title: str = "chat export") -> None:
        self.title = title
        self.counts: dict[str, Counter] = defaultdict(Counter)
        self.weekly: dict[str, dict[date, Counter]] = defaultdict(lambda: defaultdict(Counter))
        self.examples: dict[tuple[str, str], list[tuple[float, int, dict]]] = defaultdict(list)
        self._seq = itertools.count()

    def add(self, person: str, when: datetime | None, disclosure: str | None, reply: str, analysis: Any,
            cues: list[dict], discloser: str | None = None) -> None:
        """Count one scored reply and keep it if it is among the clearest examples."""
        label = analysis.label
        self.counts[person][label] += 1
        if when is not None:
            self.weekly[person][week_start(when)][label] += 1
        confidence = float(analysis.scores.get(label, 0.0))
        heap = self.examples[(person, label)]
        example = {
            "disclosure": (disclosure or "")[:MAX_TEXT],
            "discloser": discloser or "",
            "reply": reply[:MAX_TEXT],
            "cues": [c for c in cues if int(c.get("end", 0)) <= min(len(reply), MAX_TEXT)],
            "label": label,
            "confidence": confidence,
            "when": when.strftime("%Y-%m-%d %H:%M") if when else "",
        }
        item = (confidence + 0.3 * bool(example["cues"]), next(self._seq), example)
        if len(heap) < EXAMPLES_PER_LABEL:
            heapq.heappush(heap, item)
        elif item > heap[0]:
            heapq.heapreplace(heap, item)

    def people(self) -> list[str]:
        """People by number of scored replies, most first."""
        return sorted(self.counts, key=lambda p: (-sum(self.counts[p].values()), p.lower()))

    def _files_html(self, files: list[dict]) -> str:
        rows = "".join(
            f"<tr><td>{esc(Path(f['file']).name)}</td><td>{esc(f['format'])}</td><td class='num'>{f['messages']:,}</td>"
            f"<td class='num'>{f['turns']:,}</td><td class='num'>{f['disclosures']:,}</td><td class='num'>{f['rows']:,}</td></tr>"
            for f in files
        )
        return (
            "<h2>Files</h2><table><tr><th>file</th><th>format</th><th>messages</th><th>turns</th>"
            f"<th>disclosures</th><th>scored replies</th></tr>{rows}</table>"
        )

    def _shares_html(self) -> str:
        head = "".join(f"<th>{esc(label)}</th>" for label in LABELS)
        rows = []
        for person in self.people():
            c = self.counts[person]
            total = sum(c.values())
            cells = "".join(f"<td class='num'>{100 * c[label] / total:.0f}%</td>" for label in LABELS)
            rows.append(
                f"<tr class='person-row'><td>{esc(person)}</td><td class='num'>{total}</td>"
                f"<td>{stacked_bar(dict(c))}</td>{cells}</tr>"
            )
        return (
            f"<h2>Label shares per person</h2>{_legend()}<table><tr><th>person</th><th>replies</th><th>shares</th>"
            f"{head}</tr>{''.join(rows)}</table>"
        )

    def _trends_html(self) -> str:
        blocks = []
        for person in self.people()[:MAX_PEOPLE]:
            weekly = self.weekly.get(person)
            if not weekly:
                body = "<p class='muted'>No timestamps, so no weekly trend.</p>"
            else:
                first, last = min(weekly), max(weekly)
                n_weeks = (last - first).days // 7 + 1
                if n_weeks > 520:  # very long histories: keep the last ten years of weeks
                    first = last - timedelta(weeks=519)
                    n_weeks = 520
                weeks = [first + timedelta(weeks=i) for i in range(n_weeks)]
                body = trend_chart(weeks, [weekly.get(w, Counter()) for w in weeks])
            blocks.append(f"<div class='card person-trend'><h3>{esc(person)}</h3>{body}</div>")
        return f"<h2>Weekly trend per person</h2>{_legend()}<div class='trend'>{''.join(blocks)}</div>"

    def _examples_html(self) -> str:
        parts = ["<h2>Example pairs</h2><p class='muted'>The clearest replies of each kind per person; highlighted words are the cues behind the label (hover for the cue name).</p>"]
        for person in self.people()[:MAX_PEOPLE]:
            chosen = []
            for label in LABELS:
                chosen += [e for _, _, e in sorted(self.examples.get((person, label), []), reverse=True)]
            if not chosen:
                continue
            parts.append(f"<h3>{esc(person)}</h3>")
            for ex in chosen:
                them = (f"<div class='who'>{esc(ex['discloser'])}</div><div class='msg them'>{esc(ex['disclosure'])}</div>"
                        if ex["disclosure"] else "")
                parts.append(
                    f"<div class='card example'><div class='who'><span class='badge b-{ex['label']}'>{esc(ex['label'])}</span> "
                    f"{ex['confidence']:.0%} · {esc(ex['when'])}</div><div class='pair'>{them}"
                    f"<div class='who reply-who'>{esc(person)}</div>"
                    f"<div class='msg reply'>{highlight(ex['reply'], ex['cues'])}</div></div></div>"
                )
        return "".join(parts)

    def render(self, files: list[dict] | None = None) -> str:
        """The whole HTML document."""
        total = sum(sum(c.values()) for c in self.counts.values())
        subtitle = f"{total:,} scored replies from {len(self.counts)} people · {datetime.now():%Y-%m-%d %H:%M}"
        if total:
            body = self._files_html(files or []) + self._shares_html() + self._trends_html() + self._examples_html()
        else:
            body = self._files_html(files or []) + "<p class='card'>No disclosure→reply pairs were found, so there is nothing to chart.</p>"
        return Template(TEMPLATE.read_text("utf-8")).substitute(
            title=esc(self.title), subtitle=esc(subtitle), body=body, version=esc(_version())
        )

    def write(self, path: Path, files: list[dict] | None = None) -> None:
        """Render and write atomically."""
        with atomic_text(path) as fh:
            fh.write(self.render(files))
