"""Near-duplicate detection for labelled replies (word-set Jaccard)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

_WORD = re.compile(r"[a-z0-9']+")


def word_set(text: str) -> frozenset[str]:
    """Lower-cased word set of ``text`` (apostrophes kept, punctuation and emoji dropped)."""
    return frozenset(_WORD.findall(text.lower()))


def jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two word sets (1.0 for two empty sets)."""
    if not a and not b:
        return 1.0
    return len(a & b) / len(a | b)


def near_duplicate_pairs(texts: Sequence[str], threshold: float = 0.8) -> list[tuple[int, int, float]]:
    """Index pairs (i, j, similarity) with word-set Jaccard >= ``threshold``.

    Uses an inverted index over words so that only texts sharing a word are compared;
    a size filter skips pairs whose set sizes alone rule out the threshold.
    """
    sets = [word_set(t) for t in texts]
    index: dict[str, list[int]] = defaultdict(list)
    pairs: list[tuple[int, int, float]] = []
    for j, s in enumerate(sets):
        candidates: set[int] = set()
        for w in s:
            candidates.update(index[w])
        for i in candidates:
            small, large = sorted((len(sets[i]), len(s)))
            if large and small / large < threshold:
                continue
            sim = jaccard(sets[i], s)
            if sim >= threshold:
                pairs.append((i, j, sim))
        for w in s:
            index[w].append(j)
    return pairs


def near_duplicate_rate(texts: Sequence[str], threshold: float = 0.8) -> float:
    """Share of texts that have at least one near-duplicate among the others."""
    if not texts:
        return 0.0
    involved: set[int] = set()
    for i, j, _ in near_duplicate_pairs(texts, threshold):
        involved.update((i, j))
    return len(involved) / len(texts)


if __name__ == "__main__":  # python -m training.near_duplicates data/authored/*.jsonl
    import json
    import sys

    replies: list[str] = []
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as fh:
            replies.extend(json.loads(line)["reply"] for line in fh if line.strip())
    rate = near_duplicate_rate(replies)
    print(f"{len(replies)} replies, near-duplicate rate {rate:.2%}")
    for i, j, sim in near_duplicate_pairs(replies)[:50]:
        print(f"{sim:.2f}  {replies[i]!r}  ~  {replies[j]!r}")
