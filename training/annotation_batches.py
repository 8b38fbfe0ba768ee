"""Draw train-side public records for blind annotation, and merge the annotators' labels back.

The public items of dev and test come from targeted pools (``data/README.md``, "Pools"):
replies with the guide's stock phrases, ESConv self-disclosures, DiaSafety replies to
depressed or suicidal posts... Only a few hundred train items came from the same pools.
``draw`` selects more train-side records by the same kinds of criteria: never annotated,
in a dialog that hashes to train, with a reply text not already in the corpus.

``python -m training.annotation_batches draw --out DIR --batches 8`` writes
``DIR/batch-K.jsonl`` (``{"item", "disclosure", "reply"}``: no source, no rule label, so
the annotation is blind) and ``DIR/key.jsonl`` (item -> source, ref, pool).
``draw --uncertain MODEL_DIR --limit N`` draws instead from every train-side record that
no rule drops (of DiaSafety, only Risk Ignorance), targeted pool or not: the N on which
the model is least sure (smallest gap between its two highest probabilities), a source
at most half of them.
That is uncertainty sampling: the labels go where the model is still guessing.
``python -m training.annotation_batches merge DIR --out data/annotations/NAME.jsonl`` reads
the annotators' ``DIR/labels-K.jsonl`` (``{"item", "label", "secondary", "hard", "note"}``,
``label`` null = rejected), checks them, and writes annotation rows.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from analyzer.labels import LABELS
from analyzer.model import ModelFolderError, check_model_dir
from training.data import _jsonl
from training.sources.record import SourceRecord

# Stock phrases of the guide's invalidating and self-centering cues (and near variants).
CUE_PHRASES = re.compile(
    r"\b(at least|don'?t worry|do not worry|could have been worse|could be (a lot )?worse|same here|"
    r"happened to me|me too|i know how you feel|bright side|not that bad|(not a|no) big deal|get over it|"
    r"you'?ll be (fine|ok|okay)|it happens|that'?s life|oh well|cheer up|stay positive|"
    r"everything happens for a reason|everything will be|it will be (fine|ok|okay)|lucky|"
    r"i had the same|i went through|i'?ve been there|i was in the same)\b",
    re.IGNORECASE,
)
ED_CHATTY_INTENTS = ("neutral", "agreeing")
ED_CHATTY_MAX = 400


def pool_of(rec) -> str | None:
    """The targeted pool a source record belongs to (None: not a candidate)."""
    if rec.rule.startswith("drop"):
        return None
    if rec.source == "empathetic_intents":
        if CUE_PHRASES.search(rec.reply):
            return "ed-cue-phrases"
        if rec.rule == "ed-unmapped-intent" and rec.native in ED_CHATTY_INTENTS:
            return "ed-neutral-agreeing"
    elif rec.source == "esconv":
        if rec.rule.startswith("self-disclosure"):
            return "esconv-self-disclosure"
        if CUE_PHRASES.search(rec.reply):
            return "esconv-cue-phrases"
    elif rec.source == "epitome":
        if rec.rule.startswith(("self-disclosure", "invalidating")) or rec.rule == "epitome-zero-pool":
            return "epitome-zero-or-self"
    elif rec.source == "diasafety" and rec.native == "Risk Ignorance/Safe":
        return "diasafety-risk-safe"
    return None


def _hash(text: str) -> bytes:
    return hashlib.sha1(text.encode("utf-8")).digest()


def ref_key(row: dict) -> str:
    """``source:ref``, the id of a public reference (annotation rows, key rows, batch items)."""
    return f"{row['source']}:{row['ref']}"


def train_side_candidates(data_dir: Path, pool_for: Callable[[SourceRecord], str | None]) -> Iterator[dict]:
    """Batch items ``{"source", "ref", "pool", "disclosure", "reply"}`` of the records ``pool_for`` places.

    Only records never annotated (in the corpus or pending, ``data/pending/annotations``), in
    a dialog that hashes to train and with a reply text not already in the corpus or pending
    (nor in an earlier item: one copy of a reply text) are candidates.
    """
    from training.data import (
        PENDING_ANNOTATIONS_DIR, corpus_records, iter_annotations, iter_reviewed, normalise_text, public_split,
    )
    from training.sources import iter_all

    annotated = {ref_key(a) for a in iter_annotations()} | {ref_key(a) for a in iter_annotations(PENDING_ANNOTATIONS_DIR)}
    in_corpus = {normalise_text(r["reply"]) for r in corpus_records(data_dir)}
    in_corpus |= {normalise_text(r["reply"]) for r in iter_reviewed(data_dir, PENDING_ANNOTATIONS_DIR)}
    for rec in iter_all(data_dir, ["esconv", "empathetic_intents", "epitome", "diasafety"]):
        pool = pool_for(rec)
        key = normalise_text(rec.reply)
        if pool is None or rec.id in annotated or not key or key in in_corpus:
            continue
        if public_split(rec) != "train":
            continue
        in_corpus.add(key)
        yield {"source": rec.source, "ref": rec.ref, "pool": pool, "disclosure": rec.disclosure, "reply": rec.reply}


def draw_candidates(data_dir: Path) -> list[dict]:
    """Train-side, never-annotated records of the targeted pools, in a seed-free hash order."""
    by_pool: dict[str, list[dict]] = {}
    for item in train_side_candidates(data_dir, pool_of):
        by_pool.setdefault(item["pool"], []).append(item)
    out: list[dict] = []
    for pool, items in sorted(by_pool.items()):
        items.sort(key=lambda r: _hash(ref_key(r)))
        out.extend(items[:ED_CHATTY_MAX] if pool == "ed-neutral-agreeing" else items)
    out.sort(key=lambda r: _hash(ref_key(r)))  # pools mixed within each batch
    return out


def uncertain_pool_of(rec: SourceRecord) -> str | None:
    """``uncertain-<source>`` for a record no rule drops; None for DiaSafety's non-disclosures.

    Of DiaSafety only the Risk Ignorance posts (depressed or suicidal users) are
    disclosures, and only they are in dev and test; its other categories are politics,
    toxicity and medical questions.
    """
    if rec.rule.startswith("drop") or rec.source == "diasafety" and not rec.native.startswith("Risk Ignorance"):
        return None
    return f"uncertain-{rec.source}"


def draw_uncertain(data_dir: Path, model_dir: Path, limit: int, max_share: float = 0.5) -> list[dict]:
    """The ``limit`` train-side, never-annotated records the model at ``model_dir`` is least sure of.

    Candidates are the records :func:`uncertain_pool_of` places (every record no rule
    drops; of DiaSafety, only the Risk Ignorance posts). Sureness is the gap between the
    two highest probabilities of the model's final (calibrated, blended) scores; no source
    takes more than ``max_share`` of the draw.
    """
    from analyzer.model import ReplyClassifier

    items = list(train_side_candidates(data_dir, uncertain_pool_of))
    if not items:
        return []
    probs = ReplyClassifier.load(model_dir).predict_proba([(r["disclosure"] or None, r["reply"]) for r in items])
    return least_sure(items, probs, limit, max_share)


def least_sure(items: list[dict], probs, limit: int, max_share: float = 0.5) -> list[dict]:
    """The ``limit`` items with the smallest gap between their two highest probabilities.

    No source takes more than ``max_share`` of ``limit``; ties go by a hash of the
    reference, and the result is in hash order so the sources mix within each batch.
    """
    import numpy as np

    top2 = np.sort(np.asarray(probs, dtype=float), axis=1)[:, -2:]
    margin = top2[:, 1] - top2[:, 0]
    cap = max(1, int(limit * max_share))
    taken: Counter = Counter()
    out: list[dict] = []
    for i in sorted(range(len(items)), key=lambda i: (margin[i], _hash(ref_key(items[i])))):
        if len(out) >= limit:
            break
        if taken[items[i]["source"]] >= cap:
            continue
        taken[items[i]["source"]] += 1
        out.append(items[i])
    out.sort(key=lambda r: _hash(ref_key(r)))
    return out


def write_batches(items: list[dict], out: Path, batches: int, prefix: str = "p") -> Counter:
    """Split ``items`` into ``batches`` blind batch files plus ``key.jsonl``; counts per pool."""
    out.mkdir(parents=True, exist_ok=True)
    with (out / "key.jsonl").open("w", encoding="utf-8") as key:
        for k in range(batches):
            part = items[k::batches]
            with (out / f"batch-{k + 1}.jsonl").open("w", encoding="utf-8") as f:
                for j, rec in enumerate(part):
                    item = f"{prefix}{k + 1}-{j + 1:04d}"
                    f.write(json.dumps({"item": item, "disclosure": rec["disclosure"], "reply": rec["reply"]}, ensure_ascii=False) + "\n")
                    key.write(json.dumps({"item": item, "source": rec["source"], "ref": rec["ref"], "pool": rec["pool"]}) + "\n")
    return Counter(r["pool"] for r in items)


def merge_labels(folder: Path, label_files: Iterable[Path]) -> list[dict]:
    """Annotation rows for every labelled item of ``folder``'s key (unlabelled items are left out).

    Raises ValueError naming file and line for an unknown item or label, or an item labelled twice.
    """
    key = {row["item"]: row for _, row in _jsonl(folder / "key.jsonl")}
    seen: dict[str, dict] = {}
    for path in label_files:
        for n, row in _jsonl(path):
            item = row.get("item")
            if item not in key:
                raise ValueError(f"{path}:{n}: unknown item {item!r}")
            if item in seen:
                raise ValueError(f"{path}:{n}: item {item} labelled twice")
            label = row.get("label")
            secondary = [s for s in row.get("secondary") or [] if s != label]
            if label is not None and label not in LABELS or any(s not in LABELS for s in secondary):
                raise ValueError(f"{path}:{n}: unknown label in {row!r}")
            seen[item] = {
                "source": key[item]["source"], "ref": key[item]["ref"], "label": label,
                "secondary": secondary if label else [], "hard": bool(row.get("hard")),
                "note": str(row.get("note") or "").strip(),
            }
    return [seen[i] for i in key if i in seen]


def labelled_rows(folder: Path) -> list[dict]:
    """:func:`merge_labels` over every ``labels-K.jsonl`` of ``folder``.

    Raises ValueError when ``folder`` has no ``key.jsonl`` (not a folder that ``draw`` wrote).
    """
    if not (folder / "key.jsonl").is_file():
        raise ValueError(f"{folder}: no key.jsonl (not a folder of annotation batches)")
    return merge_labels(folder, sorted(folder.glob("labels-*.jsonl")))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    draw = sub.add_parser("draw", help="write blind annotation batches of train-side candidates")
    draw.add_argument("--out", type=Path, required=True)
    draw.add_argument("--batches", type=int, default=8)
    draw.add_argument("--uncertain", type=Path, metavar="MODEL_DIR",
                      help="draw the records this model is least sure of, from every train-side record")
    draw.add_argument("--limit", type=int, default=800, help="with --uncertain: how many records (default 800)")
    merge = sub.add_parser("merge", help="turn the annotators' labels-K.jsonl files into annotation rows")
    merge.add_argument("folder", type=Path)
    merge.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "draw":
            from training.sources.paths import shared_data_dir

            if args.uncertain is not None:
                check_model_dir(args.uncertain)  # before the slow part
                items = draw_uncertain(shared_data_dir(), args.uncertain, max(1, args.limit))
            else:
                items = draw_candidates(shared_data_dir())
            counts = write_batches(items, args.out, max(1, args.batches))
            print(f"{sum(counts.values())} items in {args.batches} batches: {dict(sorted(counts.items()))}")
            return
        rows = labelled_rows(args.folder)
    except (ValueError, FileNotFoundError, ModelFolderError) as err:  # bad folders or labels; no ../shared/data
        parser.error(str(err))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    counts = Counter(r["label"] or "rejected" for r in rows)
    print(f"{args.out}: {len(rows)} rows {dict(sorted(counts.items()))}")


if __name__ == "__main__":
    main()
