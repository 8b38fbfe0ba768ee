"""Per-file counts for the dataset card (data/README.md), printed as markdown tables.

    .venv/bin/python -m training.card_counts

Reads only the committed files (``data/authored``, ``data/annotations``): labels, rejected
rows and hard items per annotation file; labels, styles, speakers and topics per authored file.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from analyzer.labels import LABELS
from training.data import ANNOTATIONS_DIR, AUTHORED_DIR

STYLES = ("texting", "plain", "long", "formal")
TOP_SPEAKERS = ("friend", "sibling", "partner", "parent", "coworker", "roommate")


def _rows(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def topic_key(topic: str) -> str:
    """Topic names folded so that 'work stress' and 'work-stress' count once."""
    return re.sub(r"[\s_-]+", "-", topic.strip().lower())


def annotation_table(folder: Path = ANNOTATIONS_DIR) -> list[list[object]]:
    """Rows: file, rows, kept, rejected, per label, hard (among kept)."""
    out = []
    total: Counter[str] = Counter()
    for path in sorted(folder.glob("*.jsonl")):
        rows = _rows(path)
        labels = Counter(r["label"] for r in rows if r["label"])
        kept = sum(labels.values())
        c = Counter({"rows": len(rows), "kept": kept, "rejected": len(rows) - kept,
                     "hard": sum(bool(r.get("hard")) for r in rows if r["label"]), **labels})
        total.update(c)
        out.append([path.name, *(c[k] for k in ("rows", "kept", "rejected", *LABELS, "hard"))])
    out.append(["all", *(total[k] for k in ("rows", "kept", "rejected", *LABELS, "hard"))])
    return out


def authored_table(folder: Path = AUTHORED_DIR) -> tuple[list[list[object]], dict[str, Counter]]:
    """Rows: file, label, rows, hard, with secondary, per style, topics; and overall counters."""
    out = []
    overall: dict[str, Counter] = {"style": Counter(), "speaker": Counter(), "topic": Counter(), "label": Counter()}
    for path in sorted(folder.glob("*.jsonl")):
        rows = _rows(path)
        styles = Counter(r.get("style") for r in rows)
        topics = Counter(topic_key(r.get("topic") or "") for r in rows)
        speakers = Counter(r.get("speaker") for r in rows)
        labels = Counter(r["label"] for r in rows)
        for key, counter in (("style", styles), ("speaker", speakers), ("topic", topics), ("label", labels)):
            overall[key].update(counter)
        out.append([path.name, "/".join(sorted(labels)), len(rows), sum(bool(r.get("hard")) for r in rows),
                    sum(bool(r.get("secondary")) for r in rows), *(styles[s] for s in STYLES), len(topics), len(speakers)])
    return out, overall


def rule_agreement(path: Path = ANNOTATIONS_DIR / "mapped-review.jsonl", data_dir: Path | None = None) -> dict:
    """How often the mapping rules' label matches the reviewed label on reviewed mapped records."""
    from training.sources import iter_all
    from training.sources.paths import shared_data_dir

    reviewed = {(r["source"], r["ref"]): r["label"] for r in _rows(path) if r.get("label")}
    rule = {(rec.source, rec.ref): rec.label for rec in iter_all(data_dir or shared_data_dir()) if rec.label}
    both = [key for key in reviewed if key in rule]
    by_source: dict[str, list[int]] = {}
    for key in both:
        counts = by_source.setdefault(key[0], [0, 0])
        counts[0] += reviewed[key] == rule[key]
        counts[1] += 1
    agree = sum(c[0] for c in by_source.values())
    return {"agree": agree, "items": len(both), "by_source": by_source}


def markdown(headers: list[str], rows: list[list[object]]) -> str:
    """A markdown table."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def main() -> None:
    print(markdown(["file", "rows", "kept", "rejected", *LABELS, "hard"], annotation_table()))
    rows, overall = authored_table()
    print()
    print(markdown(["file", "label", "rows", "hard", "with secondary", *STYLES, "topics", "speakers"], rows))
    n = sum(overall["label"].values())
    print(f"\nauthored: {n} examples; labels {dict(sorted(overall['label'].items()))}")
    print("styles: " + ", ".join(f"{s} {overall['style'][s]} ({overall['style'][s] / n:.0%})" for s in STYLES))
    speakers = overall["speaker"]
    other = n - sum(speakers[s] for s in TOP_SPEAKERS)
    print("speakers: " + ", ".join(f"{s} {speakers[s]}" for s in TOP_SPEAKERS) + f", {len(speakers) - len(TOP_SPEAKERS)} others {other}")
    top = ", ".join(f"{t} {c}" for t, c in overall["topic"].most_common(12))
    print(f"topics: {len(overall['topic'])} distinct (folded names); most common: {top}")
    for path in sorted(ANNOTATIONS_DIR.glob("*-review*.jsonl")):
        agreement = rule_agreement(path)
        per = ", ".join(f"{s} {a}/{n}" for s, (a, n) in sorted(agreement["by_source"].items()))
        print(f"{path.stem}: rule label = reviewed label on {agreement['agree']}/{agreement['items']} ({per})")


if __name__ == "__main__":
    main()
