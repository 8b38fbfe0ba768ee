"""Concrete suggestions: why the draft may land badly and what a validating reply could say.

The texts live in ``data/suggestions.json`` and ``data/feelings.json``. A suggestion is
built from the detected label, the strongest cue, and the feeling the disclosure names
(reflected back), with variants chosen by a hash of the reply so the same draft always
gets the same suggestion while different drafts get different wording.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from analyzer.cue_span import Cue

DATA_DIR = Path(__file__).with_name("data")


@lru_cache(maxsize=1)
def _texts() -> dict:
    return json.loads((DATA_DIR / "suggestions.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def _feelings() -> dict[str, list[str]]:
    raw = json.loads((DATA_DIR / "feelings.json").read_text(encoding="utf-8"))
    return {k: v for k, v in raw.items() if not k.startswith("_")}


@dataclass(frozen=True)
class Feeling:
    """A feeling named in the disclosure: the word used, how to describe the situation, the state."""

    word: str
    situation: str
    state: str


def find_feeling(disclosure_tokens: Sequence[tuple[str, str]]) -> Feeling | None:
    """The first feeling word in the disclosure, from (lower-cased text, lemma) token pairs."""
    table = _feelings()
    for text, lemma in disclosure_tokens:
        for key in (text, lemma):
            if key in table:
                situation, state = table[key]
                return Feeling(text, situation, state)
    return None


def _pick(options: Sequence[str], seed: str, salt: str) -> str:
    h = hashlib.blake2b(f"{salt}\x00{seed}".encode("utf-8"), digest_size=8).digest()
    return options[int.from_bytes(h, "big") % len(options)]


def _strongest_cue(cues: Sequence[Cue], label: str) -> Cue | None:
    """The first cue of the detected label that has an explanation text."""
    why = _texts()["why_by_cue"]
    for cue in cues:
        if cue.label == label and cue.cue in why:
            return cue
    return None


def suggest(reply: str, label: str, cues: Sequence[Cue], feeling: Feeling | None, has_question: bool) -> str:
    """A short explanation plus an example validating reply that fits this draft."""
    t = _texts()
    cue = _strongest_cue(cues, label)
    if cue is not None:
        why = _pick(t["why_by_cue"][cue.cue], reply, "why").format(cue=cue.text)
    else:
        why = _pick(t["why_by_label"][label], reply, "why-label")
    if label == "validating":
        if has_question:
            return f"{why} {_pick(t['keep_it'], reply, 'keep')}"
        extra = _pick(t["follow_up"]["validating"], reply, "follow")
        return f"{why} To invite more, you could add: “{extra}”"
    if feeling is not None:
        opener = _pick(t["reflect_with_feeling"], reply, "open").format(feeling=feeling.situation)
        middle = _pick(t["normalise"], reply, "norm").format(state=feeling.state)
    else:
        opener = _pick(t["reflect_generic"], reply, "open")
        middle = _pick(t["normalise_generic"], reply, "norm")
    follow = _pick(t["follow_up"][label], reply, "follow")
    # Advice and self-focus mostly need the focus handed back; invalidation needs the feeling kept.
    parts = [opener, middle, follow] if label == "invalidating" else [opener, follow]
    return f"{why} Try something like: “{' '.join(parts)}”"
