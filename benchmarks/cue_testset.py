"""Build and read the hand-written cue test set.

Authoring format (``data/cues/testset_source.jsonl``), one reply per line::

    {"part": "dev" | "heldout", "reply": "ugh that sucks. you should quit tho",
     "cues": [["that sucks", "feeling-reflection"], ["you should", "modal-obligation"]]}

Each cue names a substring of the reply (optionally a third item: which occurrence,
1-based) and a cue name; the label comes from CUE_LABELS. ``python
benchmarks/cue_testset.py`` turns the source into ``data/cues/testset.jsonl`` with exact
character offsets: ``{"reply", "part", "cues": [{"start", "end", "label", "cue"}]}``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "data" / "cues" / "testset_source.jsonl"
TESTSET = ROOT / "data" / "cues" / "testset.jsonl"

CUE_LABELS: dict[str, str] = {
    **dict.fromkeys(
        ["imperative", "modal-obligation", "have-you-tried", "why-dont-you", "if-i-were-you", "suggestion"],
        "advice-giving",
    ),
    **dict.fromkeys(
        ["minimising", "at-least", "comparison-to-others", "forced-positivity", "denial-reassurance",
         "tone-policing", "blame", "platitude", "get-over-it", "dismissal"],
        "invalidating",
    ),
    **dict.fromkeys(
        ["one-upping", "topic-shift-to-self", "same-happened-to-me", "defensive-intent", "what-about-me"],
        "self-centering",
    ),
    **dict.fromkeys(
        ["feeling-reflection", "normalising", "sympathy", "presence-offer", "open-question",
         "permission-ask", "praise", "affirmation", "encouragement"],
        "validating",
    ),
}


def locate(reply: str, substring: str, occurrence: int = 1) -> tuple[int, int]:
    """Character offsets of the ``occurrence``-th exact occurrence of ``substring``."""
    start = -1
    for _ in range(occurrence):
        start = reply.find(substring, start + 1)
        if start < 0:
            raise ValueError(f"{substring!r} (occurrence {occurrence}) not in {reply!r}")
    return start, start + len(substring)


def build_record(src: dict) -> dict:
    """Turn one authoring record into a test-set record with offsets and labels."""
    reply = src["reply"]
    cues = []
    for item in src["cues"]:
        substring, cue = item[0], item[1]
        occurrence = item[2] if len(item) > 2 else 1
        if cue not in CUE_LABELS:
            raise ValueError(f"unknown cue name {cue!r} in {reply!r}")
        start, end = locate(reply, substring, occurrence)
        cues.append({"start": start, "end": end, "label": CUE_LABELS[cue], "cue": cue})
    cues.sort(key=lambda c: (c["start"], c["end"]))
    return {"reply": reply, "part": src.get("part", "dev"), "cues": cues}


def build(source: Path = SOURCE, out: Path = TESTSET) -> list[dict]:
    """Read the authoring file, write the test set, return its records."""
    records = [build_record(json.loads(line)) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    replies = [r["reply"] for r in records]
    dupes = {r for r in replies if replies.count(r) > 1}
    if dupes:
        raise ValueError(f"duplicate replies in test set: {sorted(dupes)}")
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return records


def load(path: Path = TESTSET) -> list[dict]:
    """Read ``data/cues/testset.jsonl``."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


if __name__ == "__main__":
    recs = build()
    n_cues = sum(len(r["cues"]) for r in recs)
    parts = {p: sum(r["part"] == p for r in recs) for p in ("dev", "heldout")}
    negatives = sum(not r["cues"] for r in recs)
    print(f"wrote {TESTSET.relative_to(ROOT)}: {len(recs)} replies ({parts}), {n_cues} cues, {negatives} with no cue",
          file=sys.stderr)
