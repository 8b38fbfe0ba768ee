"""Second and third blind votes for single-annotated train references the model doubts.

The public items of dev and test carry the label at least two of two or three blind
annotators chose (``data/README.md``, "Double annotation"); the train-side pools
(``mapped-review*.jsonl``, ``train-pool-review.jsonl``, ``targeted-train-pools.jsonl``)
were labelled once. Where a model trained on them still disagrees with such a label, the
label is the likeliest to be one annotator's slip. This module gives those references the
same treatment as dev and test:

1. ``draw --model DIR --out DIR``: the labelled, single-annotated train references whose
   label the model does not predict, as blind batches (disclosure and reply only; no first
   label, no source, no model output) plus ``key.jsonl``.
2. The annotators write ``labels-K.jsonl`` beside the batches.
3. ``third DIR --out DIR3``: the items whose second vote differs from the first, as blind
   batches for a third annotator.
4. ``apply DIR [DIR3]``: rewrite the annotation files in place: ``votes`` = [first,
   second(, third)], ``label`` = the label at least two chose (``null``, rejected, when
   none), ``hard`` = true when the votes differ.

The model only decides which references get more votes, never a label.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from training.annotation_batches import _hash, labelled_rows, ref_key, write_batches
from training.data import ANNOTATIONS_DIR, SINGLE_ANNOTATED_POOLS, _jsonl, majority_label


def _pool_files(folder: Path) -> list[Path]:
    return [folder / name for name in SINGLE_ANNOTATED_POOLS if (folder / name).is_file()]


def single_annotated_rows(folder: Path = ANNOTATIONS_DIR) -> list[dict]:
    """Labelled rows of the single-annotated pools that have no ``votes`` yet, with their file."""
    out: list[dict] = []
    for path in _pool_files(folder):
        for _, row in _jsonl(path):
            if row.get("label") and not row.get("votes"):
                out.append({**row, "file": path.name})
    return out


def doubted(rows: Sequence[dict], predicted: Sequence[str]) -> list[dict]:
    """The rows whose label differs from the model's ``predicted`` label (same order as ``rows``)."""
    return [row for row, pred in zip(rows, predicted, strict=True) if pred != row["label"]]


def draw_items(model_dir: Path | None, data_dir: Path, folder: Path = ANNOTATIONS_DIR) -> list[dict]:
    """Blind-batch items (``write_batches`` format) for the references the model doubts."""
    from analyzer.model import ReplyClassifier
    from training.sources import resolve

    rows = single_annotated_rows(folder)
    texts = [resolve(r["source"], r["ref"], data_dir) for r in rows]
    clf = ReplyClassifier.load(model_dir)
    probs = clf.predict_proba([(t.disclosure, t.reply) for t in texts])
    predicted = [clf.labels[i] for i in probs.argmax(axis=1)]
    text_of = {ref_key(r): t for r, t in zip(rows, texts, strict=True)}
    items = []
    for r in doubted(rows, predicted):
        text = text_of[ref_key(r)]
        items.append({"source": r["source"], "ref": r["ref"], "pool": r["file"], "disclosure": text.disclosure, "reply": text.reply})
    items.sort(key=lambda r: _hash(ref_key(r)))  # files mixed within each batch
    return items


def third_items(second: Path, folder: Path = ANNOTATIONS_DIR) -> list[dict]:
    """Items of the second round whose vote differs from the first label, for a third vote."""
    votes = labelled_rows(second)
    first = {ref_key(r): r for r in single_annotated_rows(folder)}
    key = {ref_key(row): row for _, row in _jsonl(second / "key.jsonl")}
    batches = {}
    for path in sorted(second.glob("batch-*.jsonl")):
        for _, row in _jsonl(path):
            batches[row["item"]] = row
    out = []
    for vote in votes:
        k = ref_key(vote)
        if k in first and vote["label"] != first[k]["label"]:
            text = batches[key[k]["item"]]
            out.append({"source": vote["source"], "ref": vote["ref"], "pool": key[k]["pool"], "disclosure": text["disclosure"], "reply": text["reply"]})
    return out


def combine(row: dict, votes: Sequence[str | None], notes: Iterable[str]) -> dict:
    """``row`` with its ``votes``, majority ``label`` and ``hard`` flag (secondary kept if the label stands)."""
    label = majority_label(votes)
    agreed = len(set(votes)) == 1
    out = {**row, "label": label, "hard": bool(row.get("hard")) or not agreed, "votes": list(votes)}
    if label != row["label"]:
        extra = [n for n in notes if n]
        out["secondary"] = [s for s in row.get("secondary") or [] if s != label] if label else []
        out["note"] = f"{row.get('note', '')} | majority {label or 'rejected'} at second annotation" + (f" ({extra[-1]})" if extra else "")
    return out


def apply_votes(second: Path, third: Path | None, folder: Path = ANNOTATIONS_DIR) -> Counter:
    """Rewrite the single-annotated files in place with the new votes; counts of outcomes."""
    votes2 = {ref_key(r): r for r in labelled_rows(second)}
    votes3 = {ref_key(r): r for r in labelled_rows(third)} if third else {}
    outcome: Counter = Counter()
    for path in _pool_files(folder):
        rows = [row for _, row in _jsonl(path)]
        for i, row in enumerate(rows):
            k = ref_key(row)
            if k not in votes2 or row.get("votes") or not row.get("label"):
                continue
            votes = [row["label"], votes2[k]["label"]]
            notes = [votes2[k]["note"]]
            if votes[0] != votes[1]:
                if k not in votes3:
                    outcome["awaiting third vote"] += 1
                    continue
                votes.append(votes3[k]["label"])
                notes.append(votes3[k]["note"])
            rows[i] = combine(row, votes, notes)
            outcome["kept" if rows[i]["label"] == row["label"] else "changed" if rows[i]["label"] else "rejected"] += 1
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return outcome


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    draw = sub.add_parser("draw", help="blind batches of the single-annotated train references the model doubts")
    draw.add_argument("--model", type=Path, default=None, help="model folder (default: the shipped model)")
    draw.add_argument("--out", type=Path, required=True)
    draw.add_argument("--batches", type=int, default=8)
    third = sub.add_parser("third", help="blind batches of the items whose second vote differs from the first")
    third.add_argument("second", type=Path)
    third.add_argument("--out", type=Path, required=True)
    third.add_argument("--batches", type=int, default=4)
    apply = sub.add_parser("apply", help="write the votes into data/annotations")
    apply.add_argument("second", type=Path)
    apply.add_argument("third", type=Path, nargs="?")
    args = parser.parse_args(argv)
    try:
        if args.command == "draw":
            from training.sources.paths import shared_data_dir

            counts = write_batches(draw_items(args.model, shared_data_dir()), args.out, max(1, args.batches), prefix="s")
        elif args.command == "third":
            counts = write_batches(third_items(args.second), args.out, max(1, args.batches), prefix="t")
        else:
            print(dict(sorted(apply_votes(args.second, args.third).items())))
            return
    except (ValueError, FileNotFoundError) as err:  # bad folders or labels; no ../shared/data
        parser.error(str(err))
    print(f"{sum(counts.values())} items in {args.batches} batches: {dict(sorted(counts.items()))}")


if __name__ == "__main__":
    main()
