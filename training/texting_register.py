"""Rewrite some training replies into texting spelling so register stops predicting the label.

The public sources are written in full sentences and supply most advice-giving and validating
training replies, so in train "u"/"ur" are 2-3 times commoner under invalidating and
self-centering than under the other two labels, while in dev, test and real texting they are
spread evenly (``benchmarks/register_markers.py``). A classifier can learn that shortcut:
"omg no 😢 do u want me to come get u after?" reads as self-centering.

``rewrite_train_register`` evens this out: per label it rewrites just enough replies that
contain a you-form (chosen in a fixed, text-derived order) for the label's share of replies
with a u/ur marker to reach ``target_share``. The rewrite (``to_texting``) only changes
spelling and register (lowercase, u/ur, dropped apostrophes and final full stop, common
abbreviations), never meaning, so the label and any teacher targets carried by the record
stay valid: rewrite after ``training.distill.with_teacher_targets`` so the teacher scores the
original text. Only training records should be rewritten; dev and test stay as written.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from typing import Iterable, Sequence

# A reply "has the texting marker" when it contains one of these words (as counted by
# benchmarks/register_markers.py).
TEXTING_U = re.compile(r"\b(u|ur|urs|ya)\b", re.I)
YOU_FORM = re.compile(r"\b(you|your|yours|you're|youre|you’re)\b", re.I)

# Applied in order to the lowercased reply. Phrases first, then the you-forms, then the
# short forms common in texts. Each pattern is matched on word boundaries.
_PHRASES: tuple[tuple[str, str], ...] = (
    (r"oh my (god|gosh)", "omg"),
    (r"i (don'?t|do not) know", "idk"),
    (r"to be honest", "tbh"),
    (r"right now", "rn"),
    (r"by the way", "btw"),
    (r"you(['’]re| are)", "ur"),
    (r"youre", "ur"),
    (r"yours", "urs"),
    (r"your", "ur"),
    (r"you", "u"),
    (r"because", "bc"),
    (r"though", "tho"),
    (r"okay", "ok"),
    (r"going to", "gonna"),
    (r"want to", "wanna"),
    (r"got to", "gotta"),
    (r"please", "pls"),
)
_RULES = tuple((re.compile(rf"\b{pattern}\b"), repl) for pattern, repl in _PHRASES)
_APOSTROPHE = re.compile(r"(?<=\w)(?<!\bu)['’](?=\w)")  # keeps u'll, u've, u'd
_FINAL_STOP = re.compile(r"(?<![.])\.\s*$")
_SPACES = re.compile(r"\s+")


def to_texting(text: str) -> str:
    """``text`` in texting spelling: lowercase, u/ur, no apostrophes, no final full stop.

    >>> to_texting("I'm so sorry, that sounds awful. You don't deserve that.")
    'im so sorry, that sounds awful. u dont deserve that'
    """
    out = text.lower()
    for pattern, repl in _RULES:
        out = pattern.sub(repl, out)
    out = _APOSTROPHE.sub("", out)
    out = _FINAL_STOP.sub("", out)
    return _SPACES.sub(" ", out).strip()


def _order_key(reply: str) -> str:
    return hashlib.sha1(reply.encode("utf-8")).hexdigest()


def rewrite_plan(records: Sequence[dict], target_share: float) -> set[int]:
    """Indices of ``records`` to rewrite so that every label's u/ur share reaches ``target_share``.

    Per label: ``round(target_share * n) - already_marked`` replies that contain a you-form and
    no marker yet, in order of the SHA-1 of their text (so the choice does not depend on the
    records' order), or all such replies when there are fewer.
    """
    if not 0.0 <= target_share <= 1.0:
        raise ValueError(f"target_share must lie in [0, 1], got {target_share}")
    totals: Counter = Counter()
    marked: Counter = Counter()
    candidates: dict[str, list[int]] = defaultdict(list)
    for i, rec in enumerate(records):
        label, reply = rec["label"], rec["reply"]
        totals[label] += 1
        if TEXTING_U.search(reply):
            marked[label] += 1
        elif YOU_FORM.search(reply):
            candidates[label].append(i)
    chosen: set[int] = set()
    for label, n in totals.items():
        need = round(target_share * n) - marked[label]
        if need > 0:
            ranked = sorted(candidates[label], key=lambda i: _order_key(records[i]["reply"]))
            chosen.update(ranked[:need])
    return chosen


def rewrite_train_register(records: Sequence[dict], target_share: float) -> list[dict]:
    """Copies of ``records`` with the replies chosen by ``rewrite_plan`` in texting spelling.

    Rewritten copies carry ``"register_rewrite": True``; the others are returned unchanged.
    """
    chosen = rewrite_plan(records, target_share)
    return [
        {**rec, "reply": to_texting(rec["reply"]), "register_rewrite": True} if i in chosen else rec
        for i, rec in enumerate(records)
    ]


def marker_shares(records: Iterable[dict]) -> dict[str, float]:
    """Share of each label's replies that contain a u/ur marker."""
    totals: Counter = Counter()
    marked: Counter = Counter()
    for rec in records:
        totals[rec["label"]] += 1
        marked[rec["label"]] += bool(TEXTING_U.search(rec["reply"]))
    return {label: marked[label] / totals[label] for label in sorted(totals)}
